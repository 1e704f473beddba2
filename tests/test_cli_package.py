"""The command line as one package: building the parser loads nothing heavy, and every
stop ends in one Swedish line with the exit code of its kind (1 refused, 2 usage,
3 trust, 4 partly taken in), run as a user runs it."""

from __future__ import annotations

import base64
import os
import subprocess
import sys

import pytest

from ungtui import cli
from ungtui.cli import database, main
from ungtui.store.database import open_database


def python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return done.stdout.strip()


LOADED = (
    "import sys\n"
    "heavy = ('sqlalchemy', 'sqlmodel', 'cryptography', 'openpyxl', 'textual',\n"
    "         'ungtui.services', 'ungtui.store', 'ungtui.sync', 'ungtui.tui')\n"
    "print(sorted(name for name in heavy if name in sys.modules))\n"
)


def test_building_the_parser_and_every_commands_help_load_nothing_heavy():
    code = (
        "import contextlib, io, ungtui.cli\n"
        "parser = ungtui.cli.build_parser()\n"
        "commands = ['open', 'demo', 'dump', 'where', 'export', 'import', 'conflicts',\n"
        "            'backup', 'restore', 'audit-log', 'extract', 'referral', 'process',\n"
        "            'meeting', 'import-table', 'export-table', 'report']\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    for argv in [['--help']] + [[c, '--help'] for c in commands]:\n"
        "        try:\n"
        "            ungtui.cli.main(argv)\n"
        "        except SystemExit as done:\n"
        "            assert done.code == 0, argv\n" + LOADED
    )
    assert python(code) == "[]"


def test_a_command_that_needs_no_database_loads_none_and_one_that_does_loads_it(tmp_path):
    db = tmp_path / "register.db"
    where = f"import ungtui.cli\nungtui.cli.main(['where', '--db', {str(db)!r}])\n" + LOADED
    assert python(where).splitlines()[-1] == "[]"
    # The probe sees a database layer when one is loaded: the test above can fail.
    demo = (
        f"import ungtui.cli\nungtui.cli.main(['demo', '--db', {str(db)!r}, '--individuals', "
        "'0'])\n" + LOADED
    )
    loaded = python(demo).splitlines()[-1]
    assert all(name in loaded for name in ("'sqlalchemy'", "'sqlmodel'", "'ungtui.store'"))
    assert "'textual'" not in loaded and "'openpyxl'" not in loaded


def ungtui(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ungtui", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def test_usage_refusal_and_success_as_a_user_runs_them(tmp_path):
    missing = tmp_path / "saknas.db"
    done = ungtui("flyga")
    assert done.returncode == 2
    assert done.stderr.startswith("ungtui: KOMMANDO: okänt val 'flyga' (välj bland 'open', ")
    assert done.stderr.count("\n") == 1 and done.stdout == ""

    done = ungtui("meeting", "list", "--db", str(missing), "--limit", "tio")
    assert done.returncode == 2
    assert done.stderr == (
        "ungtui meeting list: --limit: ”tio” är inget heltal. Se ungtui meeting list --help.\n"
    )

    done = ungtui("dump", "--db", str(missing))
    assert done.returncode == 1
    assert done.stderr == f"ungtui: Databasen {missing} finns inte.\n"
    assert not missing.exists()

    done = ungtui("where", "--db", str(missing))
    assert (done.returncode, done.stdout, done.stderr) == (0, f"{missing}\n", "")


def test_a_value_out_of_a_flags_range_is_usage_and_a_file_already_there_is_refused(
    tmp_path, capsys
):
    path = tmp_path / "demo.db"
    assert main(["demo", "--db", str(path), "--individuals", "-3"]) == 2
    assert capsys.readouterr().err == "ungtui: Antalet personer kan inte vara negativt.\n"
    assert not path.exists()
    assert main(["demo", "--db", str(path), "--individuals", "5"]) == 0
    capsys.readouterr()
    assert main(["demo", "--db", str(path), "--individuals", "5"]) == 1
    assert capsys.readouterr().err == (
        f"ungtui: {path} finns redan. Exempeldata skrivs bara till en ny fil, så att inga "
        "riktiga uppgifter blandas med påhittade.\n"
    )
    assert main(["report", "--db", str(path), "--period", "2026", "--agreement", "xyzzy"]) == 1
    assert capsys.readouterr().err == (
        "ungtui: Ingen överenskommelse heter 'xyzzy'. Ange id eller en del av namnet; "
        "överenskommelserna finns under F5 Arbetsprocesser.\n"
    )
    assert main(["report", "--db", str(path), "--period", "2026", "--format", "pdf"]) == 2
    assert capsys.readouterr().err == "ungtui: Okänt format 'pdf'. Välj csv, md eller json.\n"
    assert main(["referral", "days", "500", "--db", str(path)]) == 2
    assert capsys.readouterr().err == (
        "ungtui: Ange ett antal arbetsdagar mellan 1 och 120, till exempel 10.\n"
    )


PASSPHRASE = {"UNGTUI_PASSPHRASE": "korv med bröd och senap"}


def _new_signing_key(path) -> None:
    """The sender's install presents its site under another key, as a stolen site id or a
    copied database would."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from ungtui.sync import state

    raw = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    db = open_database(path, create=False)
    with db.engine.begin() as conn:
        state.set_meta_value(conn, "signing_key", base64.b64encode(raw).decode())
    db.close()


def test_every_trust_refusal_exits_3(tmp_path, capsys, monkeypatch):
    """The first refusal runs as a user runs it (`python -m ungtui`, exit code 3 and one
    Swedish line plus the command to run); the steps around it go through main() in this
    process: each `python -m ungtui` cost about 2 s of imports, seven times over."""
    monkeypatch.setenv("UNGTUI_PASSPHRASE", PASSPHRASE["UNGTUI_PASSPHRASE"])
    source = tmp_path / "karin.db"
    target = tmp_path / "jonas.db"
    first = tmp_path / "forsta.ungsync"
    assert main(["demo", "--db", str(source), "--individuals", "3"]) == 0
    assert main(["export", "--db", str(source), "--for", "Malmö stad", "--out", str(first)]) == 0
    capsys.readouterr()

    # A wrong fingerprint is no confirmation: refused as a sender not seen before, with
    # the line to run once the right one has been compared.
    done = ungtui("import", "--db", str(target), str(first), "--trust", "fel", env=PASSPHRASE)
    assert done.returncode == 3
    message, hint = done.stderr.splitlines()
    assert message.startswith(
        "ungtui: Filen kommer från en installation som inte är känd här. Ring avsändaren och "
        "jämför fingeravtrycket "
    )
    fingerprint = hint.split('--trust "')[1].rstrip('"')
    assert hint == f'Godkänn med: ungtui import --db {target} {first} --trust "{fingerprint}"'
    assert main(["import", "--db", str(target), str(first), "--trust", fingerprint]) == 0

    # The same sender, known here, now signs with another key.
    _new_signing_key(source)
    second = tmp_path / "andra.ungsync"
    assert main(["export", "--db", str(source), "--for", "Malmö stad", "--out", str(second),
                 "--full"]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["import", "--db", str(target), str(second)]) == 3
    assert capsys.readouterr().err == (
        "ungtui: Avsändarens nyckel har bytts sedan förra filen. Filen har inte lästs in. "
        "Kontakta avsändaren innan ni fortsätter.\n"
    )


def test_without_a_command_the_app_opens_and_makes_its_database(tmp_path, monkeypatch):
    opened = []
    monkeypatch.setattr(database, "open_app", lambda args, db: opened.append(db.path) or 0)
    first = tmp_path / "ny.db"
    assert main(["--db", str(first)]) == 0
    second = tmp_path / "andra.db"
    assert main(["open", "--db", str(second)]) == 0
    assert opened == [first, second]
    assert first.is_file() and second.is_file()


def test_an_interruption_is_130_in_one_line(tmp_path, monkeypatch, capsys):
    def interrupted(args, path):
        raise KeyboardInterrupt

    monkeypatch.setattr(database, "_where", interrupted)
    assert main(["where"]) == 130
    assert capsys.readouterr().err == "ungtui: Avbrutet.\n"


def test_the_mapping_from_errors_to_exit_codes():
    from ungtui.cli.common import NotTrusted, Refused, UsageError
    from ungtui.services.errors import NotFound, ServiceError, ValidationError
    from ungtui.services.sync.sync_files import SenderNotTrusted, UnknownSender
    from ungtui.store.database import StoreError
    from ungtui.sync.fileformat import SyncFileError, WrongPassphrase

    assert [
        cli.exit_code(error)
        for error in (
            Refused("x"),
            UsageError("x"),
            NotTrusted("x"),
            ServiceError("x"),
            NotFound("x"),
            ValidationError({"f": "x"}),
            StoreError("x"),
            SyncFileError("x"),
            WrongPassphrase("x"),
            SenderNotTrusted("x"),
            UnknownSender("AAAA BBBB"),
            RuntimeError("x"),
            KeyError("x"),
        )
    ] == [1, 2, 3, 1, 1, 1, 1, 1, 1, 3, 3, None, None]


@pytest.mark.parametrize("debug", ["", "1"])
def test_a_refusal_is_one_line_even_when_debugging(tmp_path, capsys, monkeypatch, debug):
    monkeypatch.setenv("UNGTUI_DEBUG", debug)
    assert main(["dump", "--db", str(tmp_path / "saknas.db")]) == 1
    assert capsys.readouterr().err == f"ungtui: Databasen {tmp_path / 'saknas.db'} finns inte.\n"
