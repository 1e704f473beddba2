"""A buggy or hostile peer cannot break a receiver (issue 15).

Each attack the issue lists is made as a peer would make it: a real export from
Arbetsförmedlingen's install to the kommun's, opened with the real passphrase, changed,
and signed again with Arbetsförmedlingen's real key (the kommun knows and trusts that
key). It is taken in through the command line. Each test asserts the Swedish line, the
exit code, and that `ungtui dump` gives the same bytes before and after; a file refused
whole leaves every table, bookkeeping included, as it was.
"""

from __future__ import annotations

import json
import os
import random
import string
import subprocess
import sys
import uuid
import zlib
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.sync_craft import open_file, seal_stream, signing_key, write_file
from tests.sync_helpers import Install, add_person, kommun_and_af
from ungtui.cli import main
from ungtui.services.consent.consents import ConsentInput, add_consent
from ungtui.services.sync.sync import duplicate_queue
from ungtui.services.sync.sync_files import export_file, import_file, peek_file
from ungtui.sync import fileformat, hlc, state

PASSPHRASE = "blåbär cykel tisdag hamn"
ROOT = Path(__file__).resolve().parent.parent
YEAR_MS = 365 * 24 * 60 * 60 * 1000


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch):
    """Files carry their own key-derivation parameters; cheap ones run the same code."""
    monkeypatch.setattr(fileformat, "KDF_PARAMS", {"alg": "argon2id", "t": 1, "m": 256, "p": 4})


@pytest.fixture
def cli(monkeypatch, capsys):
    monkeypatch.setenv("UNGTUI_PASSPHRASE", PASSPHRASE)

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


class World:
    """The kommun and Arbetsförmedlingen, each on its own install, having exchanged one
    file each way (so each trusts the other's key). The kommun registered Åsa (its own,
    never shared) and Erik (shared with AF under a consent)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.kommun, self.af = kommun_and_af(folder)
        self.own = add_person(self.kommun, identity="811218-9876", first_name="Åsa", last_name="Ek")
        self.shared = add_person(
            self.kommun, identity="000229-9824", first_name="Erik", last_name="Lund"
        )
        add_consent(
            self.kommun.db,
            self.shared,
            ConsentInput(
                purposes=["samordning"],
                organisation_id=self.af.user.organisation_id,
                purpose="Samordning av insatser",
                data_categories=["kontakt"],
                valid_from="2026-11-01",
            ),
            actor_id=self.kommun.user.staff_id,
        )
        self.count = 0
        self.carry(self.kommun, self.af)
        # AF's own consent to tell the kommun about Erik (issue 17: the kommun holding his
        # case is no ground), so that AF's files carry his record back.
        add_consent(
            self.af.db,
            self.shared,
            ConsentInput(
                organisation_id=self.kommun.user.organisation_id,
                purpose="Samordning av insatser",
                purposes=["samordning"],
                data_categories=["kontakt"],
                valid_from="2026-11-01",
            ),
            actor_id=self.af.user.staff_id,
        )
        self.carry(self.af, self.kommun)

    def carry(self, sender: Install, receiver: Install):
        path = self.export(sender, receiver)
        trust = peek_file(path).fingerprint
        return import_file(receiver.db, path, passphrase=PASSPHRASE, trust=trust)

    def export(self, sender: Install, receiver: Install) -> Path:
        self.count += 1
        out = self.folder / f"fil-{self.count}.ungsync"
        organisation = receiver.user.organisation_id
        export_file(sender.db, for_organisation=organisation, out=out, passphrase=PASSPHRASE)
        return out

    def af_file(self):
        """A real file from AF to the kommun: all it holds the kommun has already (Erik,
        his consent, AF's organisation), so taken in as it is it changes nothing."""
        return open_file(self.export(self.af, self.kommun), PASSPHRASE)

    def forged(self, opened, **header) -> Path:
        self.count += 1
        return write_file(
            self.folder / f"ändrad-{self.count}.ungsync",
            opened,
            sender=self.af.db,
            passphrase=PASSPHRASE,
            **header,
        )

    @property
    def af_site(self) -> str:
        return self.af.site


@pytest.fixture
def world(tmp_path):
    w = World(tmp_path)
    ERIK[:] = [w.shared]
    yield w
    w.kommun.db.close()
    w.af.db.close()


def dump(cli, install: Install) -> str:
    code, out, err = cli("dump", "--db", str(install.db.path), "--med-kansliga")
    assert code == 0, err
    return out


def tables(install: Install) -> dict:
    """Every row of every table: 'nothing written' in full."""
    with install.db.engine.connect() as conn:
        names = [
            n
            for (n,) in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {
            n: sorted(map(tuple, conn.exec_driver_sql(f'SELECT * FROM "{n}"')), key=repr)
            for n in names
        }


def take_in(cli, world: World, path: Path) -> tuple[int, str, str]:
    return cli("import", "--db", str(world.kommun.db.path), str(path))


def erik_row(opened) -> dict:
    [row] = [i for i in opened.items if i.get("t") == "individual" and i["id"] == ERIK[0]]
    return row


ERIK: list[str] = []


def refused_whole(cli, world: World, path: Path, message: str) -> None:
    """The file is refused with `message` (exit code 1) and nothing at all is written."""
    before_dump, before_tables = dump(cli, world.kommun), tables(world.kommun)
    code, out, err = take_in(cli, world, path)
    assert code == 1
    assert out == ""
    assert err == f"ungtui: {message}\n"
    assert dump(cli, world.kommun) == before_dump
    assert tables(world.kommun) == before_tables


def refusal(problem: str) -> str:
    return (
        f"Filen har inte lästs in: {problem}. Ingenting har ändrats; be avsändaren rätta det "
        "och göra en ny export."
    )


def stamp_ahead(days: int) -> str:
    return hlc.encode(hlc.wall_millis() + days * 24 * 60 * 60 * 1000, 0)


# --- authority: removals and purges -----------------------------------------------------


def test_a_removal_of_a_person_the_receiver_registered_is_refused(cli, world):
    opened = world.af_file()
    # "Remove Åsa": a tombstone of a record AF never had and did not create.
    removal = {"t": "individual", "id": world.own, "f": {}, "d": [stamp_ahead(0), world.af_site]}
    opened.items.append(removal)
    path = world.forged(opened)
    before = dump(cli, world.kommun)
    code, _out, err = take_in(cli, world, path)
    assert code == 4
    assert err == (
        "Avvisat: 1 borttagning(ar) av poster som avsändarens organisation inte har skapat "
        "(en annan organisation får bara ta bort det den själv har lämnat), till exempel "
        f"posten individual {world.own}.\n"
    )
    assert dump(cli, world.kommun) == before


def test_a_purge_of_a_person_the_receiver_registered_removes_nothing(cli, world):
    opened = world.af_file()
    opened.items.insert(0, {"p": world.own})
    path = world.forged(opened)
    before = dump(cli, world.kommun)
    code, out, err = take_in(cli, world, path)
    assert code == 0, err
    assert (
        "Varning: Avsändaren bad om att ta bort uppgifter om 1 person(er) som den inte har "
        "lämnat hit. Inget har tagits bort: det er egen organisation eller en annan har "
        "skrivit om dem finns kvar."
    ) in out
    assert dump(cli, world.kommun) == before


def test_a_purge_from_ones_own_organisation_is_refused(cli, tmp_path):
    a = Install(tmp_path / "a.db", "Sofia Berg")
    b = Install(tmp_path / "b.db", "Jonas Ek", join=a)
    person = add_person(b, identity="811218-9876", first_name="Åsa", last_name="Ek")
    out = tmp_path / "b.ungsync"
    export_file(b.db, for_organisation=b.user.organisation_id, out=out, passphrase=PASSPHRASE)
    opened = open_file(out, PASSPHRASE)
    opened.items.insert(0, {"p": person})
    path = write_file(tmp_path / "ändrad.ungsync", opened, sender=b.db, passphrase=PASSPHRASE)
    code, _out, err = cli(
        "import", "--db", str(a.db.path), str(path), "--trust", peek_file(path).fingerprint
    )
    assert code == 4
    assert err == (
        "Avvisat: 1 begäran om att ta bort personer från en installation i den egna "
        "organisationen (sådana skickas bara till andra organisationer när ett samtycke har "
        "upphört).\n"
    )
    code, out, _err = cli("dump", "--db", str(a.db.path))
    assert '"first_name": "Åsa"' in out


# --- authority: merges ----------------------------------------------------------------------


def test_a_merge_of_two_unrelated_people_becomes_a_suggestion(cli, world):
    opened = world.af_file()
    first, second = sorted((world.own, world.shared))
    opened.items.append({"m": [first, second, stamp_ahead(0), world.af_site]})
    path = world.forged(opened)
    before = dump(cli, world.kommun)
    code, out, err = take_in(cli, world, path)
    assert code == 0, err
    assert (
        "Varning: 1 sammanslagning(ar) av personer har inte gjorts, eftersom posterna inte har "
        "samma personnummer här. De finns som förslag under Dubbletter."
    ) in out
    assert dump(cli, world.kommun) == before
    [suggestion] = duplicate_queue(world.kommun.db)
    assert (suggestion.first_id, suggestion.second_id) == (first, second)
    assert suggestion.suggested_by == "Arbetsförmedlingen"
    assert {suggestion.identity_number, suggestion.second_identity_number} == {
        "19811218-9876",
        "20000229-9824",
    }


# --- stamps and version vectors ------------------------------------------------------------


def test_a_version_vector_far_in_the_future_is_refused(cli, world):
    opened = world.af_file()
    row = erik_row(opened)
    # "AF has seen every edit the kommun will make in the next ten years": would blank the
    # field for good. The version itself carries an honest stamp.
    row["f"]["phone"]["vv"][world.kommun.site] = stamp_ahead(3650)
    refused_whole(
        cli,
        world,
        world.forged(opened),
        refusal(
            f"fältet phone i posten individual {world.shared} har en tidsstämpel mer än ett "
            "dygn före den här datorns klocka (avsändarens klocka går fel?)"
        ),
    )


def test_a_stamp_that_is_a_word_is_refused(cli, world):
    opened = world.af_file()
    row = erik_row(opened)
    version = row["f"]["phone"]["v"][0]
    version[1] = "tomorrow"
    row["f"]["phone"]["vv"][version[2]] = "tomorrow"
    refused_whole(
        cli,
        world,
        world.forged(opened),
        refusal(
            f"fältet phone i posten individual {world.shared} har en tidsstämpel som inte är "
            "giltig"
        ),
    )


def test_a_register_without_its_version_vector_is_refused(cli, world):
    opened = world.af_file()
    del erik_row(opened)["f"]["phone"]["vv"]
    refused_whole(
        cli,
        world,
        world.forged(opened),
        refusal(f"fältet phone i posten individual {world.shared} saknar sin versionsvektor"),
    )


# --- an acknowledgement never moves the receiver's identity -----------------------------


def test_an_ack_for_a_sequence_never_written_is_ignored(cli, world):
    opened = world.af_file()
    opened.manifest["acks"][world.kommun.site] = [999_999, str(uuid.uuid4())]
    path = world.forged(opened)
    with world.kommun.db.engine.connect() as conn:
        identity = (state.meta_value(conn, "site_id"), state.meta_value(conn, "signing_key"))
        acked = conn.exec_driver_sql("SELECT acked_seq FROM sync_site").all()
    before = dump(cli, world.kommun)
    code, out, err = take_in(cli, world, path)
    assert code == 0, err
    assert (
        "Varning: Avsändaren bekräftar en fil härifrån som den här installationen inte har "
        "skrivit (ändring nr 999999). Bekräftelsen har inte använts; nästa export skickar det "
        "som behövs. Har databasen återställts från en säkerhetskopia?"
    ) in out
    with world.kommun.db.engine.connect() as conn:
        assert (state.meta_value(conn, "site_id"), state.meta_value(conn, "signing_key")) == (
            identity
        )
        assert conn.exec_driver_sql("SELECT acked_seq FROM sync_site").all() == acked
    assert dump(cli, world.kommun) == before


# --- values ------------------------------------------------------------------------------------


def _with_value(world: World, col: str, value) -> Path:
    opened = world.af_file()
    row = erik_row(opened)
    register = row["f"].get(col) or json.loads(json.dumps(row["f"]["phone"]))
    register["v"][0][0] = value
    row["f"][col] = register
    return world.forged(opened)


def test_a_name_of_ten_megabytes_is_refused(cli, world):
    # Letters that do not compress well: a name of "AAAA…" would already be refused for
    # inflating too much.
    name = "".join(random.Random(15).choices(string.ascii_letters, k=10_000_000))
    refused_whole(
        cli,
        world,
        _with_value(world, "first_name", name),
        "En ändring i filen är orimligt stor (mer än 8 MiB) och filen har inte lästs in. "
        "Be avsändaren om en ny export.",
    )


def test_a_name_longer_than_the_field_allows_is_refused(cli, world):
    refused_whole(
        cli,
        world,
        _with_value(world, "first_name", "Erik" * 26),
        refusal(
            f"fältet first_name i posten individual {world.shared} är längre än 100 tecken (104)"
        ),
    )


@pytest.mark.parametrize(
    "text", ["Er\x00ik", "\x1b[2J\x1b[31mErik\x1b[0m", "Erik\u202egnuL", "Erik\rLund"]
)
def test_control_characters_and_escape_codes_are_refused(cli, world, text):
    refused_whole(
        cli,
        world,
        _with_value(world, "first_name", text),
        refusal(
            f"fältet first_name i posten individual {world.shared} "
            + (
                "får bara vara en rad men har radbrytningar eller tabbar"
                if "\r" in text
                else "innehåller osynliga styrtecken"
            )
        ),
    )


def test_nej_is_not_true(cli, world):
    refused_whole(
        cli,
        world,
        _with_value(world, "in_upper_secondary", "nej"),
        refusal(
            f"fältet in_upper_secondary i posten individual {world.shared} ska vara ja eller nej "
            "(true eller false)"
        ),
    )


def test_a_number_for_a_name_is_refused(cli, world):
    refused_whole(
        cli,
        world,
        _with_value(world, "last_name", 42),
        refusal(f"fältet last_name i posten individual {world.shared} ska vara text"),
    )


def test_a_date_that_is_no_date_is_refused(cli, world):
    refused_whole(
        cli,
        world,
        _with_value(world, "birth_date", "2026-02-30"),
        refusal(
            f"fältet birth_date i posten individual {world.shared} ska vara ett datum "
            "(ÅÅÅÅ-MM-DD)"
        ),
    )


def test_an_unknown_field_is_refused_not_kept_or_sent_on(cli, world):
    opened = world.af_file()
    row = erik_row(opened)
    row["f"]["favourite_colour"] = json.loads(json.dumps(row["f"]["phone"]))
    refused_whole(
        cli,
        world,
        world.forged(opened),
        refusal(f"posten individual {world.shared} har ett okänt fält (favourite_colour)"),
    )


def test_an_unknown_table_is_refused(cli, world):
    opened = world.af_file()
    row = json.loads(json.dumps(erik_row(opened)))
    row["t"] = "secret_table"
    opened.items.append(row)
    refused_whole(
        cli,
        world,
        world.forged(opened),
        refusal(
            f"ändring nr {len(opened.items)} gäller en okänd sorts post (secret_table)"
        ),
    )


def test_a_row_that_is_a_string_is_refused(cli, world):
    opened = world.af_file()
    opened.items.append("individual Erik Lund")
    refused_whole(
        cli,
        world,
        world.forged(opened),
        refusal(f"ändring nr {len(opened.items)} är inte en post"),
    )


def test_a_malformed_record_id_is_refused(cli, world):
    opened = world.af_file()
    row = erik_row(opened)
    position = opened.items.index(row) + 1
    row["id"] = "../../etc/passwd"
    refused_whole(
        cli,
        world,
        world.forged(opened),
        refusal(f"ändring nr {position} (individual) har ett post-id som inte är giltigt"),
    )


def test_a_negative_counter_is_refused(cli, world):
    opened = world.af_file()
    opened.manifest["seq_from"] = -5
    path = world.forged(opened)
    refused_whole(cli, world, path, refusal("filens ändringsnummer är inte giltiga"))


# --- a decompression bomb -------------------------------------------------------------------

GIB = 1024**3


def _bomb() -> bytes:
    """About 1 MiB that inflates to 1 GiB of zeros without a newline: blocks of 16 MiB,
    each compressed on its own (full flush), repeated. Quick to make."""
    deflate = zlib.compressobj(9)
    first = deflate.compress(b"0" * (16 * 1024 * 1024)) + deflate.flush(zlib.Z_FULL_FLUSH)
    block = deflate.compress(b"0" * (16 * 1024 * 1024)) + deflate.flush(zlib.Z_FULL_FLUSH)
    return first + block * 63 + deflate.flush()


BOMB_CHILD = r"""
import resource, sys
from pathlib import Path
from ungtui.store.database import open_database
from ungtui.services.sync.sync_files import import_file
from ungtui.sync.fileformat import SyncFileError

db = open_database(sys.argv[1])
try:
    import_file(db, Path(sys.argv[2]), passphrase=sys.argv[3], trust=sys.argv[4] or None)
    print("TAKEN IN")
except SyncFileError as error:
    print(type(error).__name__, str(error))
print("MAXRSS_KIB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


# Linux carries a process's peak memory over `exec` from the process it was forked from
# (here the test runner, itself well over 100 MiB), so getrusage in a direct child would
# report the runner's peak. A small launcher in between gives the measured child a clean
# start: its peak is its own.
LAUNCHER = "import subprocess, sys; sys.exit(subprocess.run(sys.argv[1:]).returncode)"


def _child(world: World, path: Path, trust: str = "") -> tuple[str, int]:
    args = [str(world.kommun.db.path), str(path), PASSPHRASE, trust]
    done = subprocess.run(
        [sys.executable, "-c", LAUNCHER, sys.executable, "-c", BOMB_CHILD, *args],
        cwd=ROOT,
        env=os.environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result, rss = done.stdout.strip().splitlines()
    return result, int(rss.split()[1])


def test_a_decompression_bomb_is_refused_in_little_memory(cli, world):
    opened = world.af_file()
    bomb = _bomb()
    assert len(bomb) < 1.1 * 1024 * 1024
    key = signing_key(world.af.db)
    before_dump, before_tables = dump(cli, world.kommun), tables(world.kommun)
    # Honest about its size: refused from the header, before anything is decrypted.
    honest = seal_stream(
        world.folder / "bomb-ärlig.ungsync",
        bomb,
        header=opened.header,
        key=key,
        passphrase=PASSPHRASE,
        plain_size=GIB,
    )
    said = (
        "Filen blir orimligt stor när den packas upp och har inte lästs in. Be avsändaren "
        "om en ny export."
    )
    result, kib = _child(world, honest)
    assert result == f"SyncFileError {said}"
    assert kib < 100 * 1024
    # Lying about it (says 100 kB), from the trusted key: stopped at the first MiB.
    lying = seal_stream(
        world.folder / "bomb-lögn.ungsync",
        bomb,
        header=opened.header,
        key=key,
        passphrase=PASSPHRASE,
        plain_size=100_000,
    )
    result, kib = _child(world, lying)
    assert result == (
        "SyncFileError Filen blir större när den packas upp än den själv anger och har inte "
        "lästs in. Be avsändaren om en ny export."
    )
    assert kib < 100 * 1024
    # Lying about it and signed by a stranger (only the passphrase known): never decrypted.
    stranger = seal_stream(
        world.folder / "bomb-främling.ungsync",
        bomb,
        header=opened.header,
        key=Ed25519PrivateKey.generate(),
        passphrase=PASSPHRASE,
        plain_size=100_000,
        sender_site=str(uuid.uuid4()),
    )
    result, kib = _child(world, stranger)
    assert result.startswith("UnknownSender Filen kommer från en installation som inte är känd")
    assert kib < 100 * 1024
    # Through the command line: one line, exit code 1, nothing written.
    code, out, err = take_in(cli, world, honest)
    assert (code, out, err) == (1, "", f"ungtui: {said}\n")
    assert dump(cli, world.kommun) == before_dump
    assert tables(world.kommun) == before_tables
