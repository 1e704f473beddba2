"""Sync at 100,000 people, set beside baselines measured in the same run (issue 15).

    python benchmarks/sync_scale.py --db /tmp/i15/big.db [--work DIR] [--for 202100-2114]

`--db` is a demo database (`ungtui demo --individuals 100000 --db …`); it is copied, never
changed. Each step runs in a fresh child process, which reports its time and its peak
memory (ru_maxrss), so one step's memory does not hide in another's:

1. baseline export: `VACUUM INTO` a copy of the database, then zlib (the level the sync
   file uses) and AES-256-GCM in 64 KiB segments, streamed to a file;
2. export: a full sync file for another organisation (`--for`, Arbetsförmedlingen);
3. baseline import: decrypt and decompress that file and write the same rows (the
   registers into sync_row; the visible values, and a person's search and sort keys,
   into the domain tables) with raw executemany into a new database with SQLite's
   default settings, without any check or merge;
4. import: the same file taken into a new install of the receiving organisation
   (`import_file`, all checks);
5. a delta: the receiver confirms the file (its own export back is taken in), 1,000
   people the receiver holds are edited at the sender, and the delta file is exported
   and imported.

Targets (issue 15): export ≤ 2 × baseline and ≤ 300 MiB; import ≤ 4 × baseline and ≤ 300
MiB; delta export ≤ 1 s and delta import ≤ 1 s. Both sides include one Argon2id key
derivation (about 0.1–0.3 s). Run it when the machine is otherwise quiet (`uptime`).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PASSPHRASE = "gemensam lösenfras för mätning"
EDITED = 1000
MIB = 1024 * 1024


# --- steps, each run in its own process -------------------------------------------------


def _finish(started: float, **extra) -> None:
    import resource

    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mib": peak, **extra}))


def step_baseline_export(db: str, out: str) -> None:
    import sqlite3
    import zlib

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from ungtui.sync import fileformat

    started = time.perf_counter()
    copy = Path(out).with_suffix(".vacuum.db")
    copy.unlink(missing_ok=True)
    conn = sqlite3.connect(db)
    conn.execute("VACUUM INTO ?", (str(copy),))
    conn.close()
    aead = AESGCM(os.urandom(32))
    deflate = zlib.compressobj(fileformat.COMPRESS_LEVEL)
    pending = bytearray()
    index = 0
    with open(copy, "rb") as source, open(out, "wb") as target:

        def seal(chunk: bytes, final: bool) -> None:
            nonlocal index
            nonce = index.to_bytes(11, "big") + (b"\x01" if final else b"\x00")
            target.write(aead.encrypt(nonce, chunk, None))
            index += 1

        while block := source.read(1024 * 1024):
            pending += deflate.compress(block)
            while len(pending) > fileformat.SEGMENT:
                seal(bytes(pending[: fileformat.SEGMENT]), False)
                del pending[: fileformat.SEGMENT]
        pending += deflate.flush()
        while len(pending) > fileformat.SEGMENT:
            seal(bytes(pending[: fileformat.SEGMENT]), False)
            del pending[: fileformat.SEGMENT]
        seal(bytes(pending), True)
    copy.unlink()
    _finish(started, size=Path(out).stat().st_size)


def step_export(db: str, out: str, organisation: str, full: str) -> None:
    from ungtui.services.people.organisations import find_organisation
    from ungtui.services.sync.sync_files import export_file
    from ungtui.store.database import open_database

    database = open_database(db)
    org = find_organisation(database, organisation).id
    started = time.perf_counter()
    result = export_file(
        database,
        for_organisation=org,
        out=Path(out),
        passphrase=PASSPHRASE,
        full=full == "full",
    )
    _finish(
        started,
        size=Path(out).stat().st_size,
        rows=result.rows,
        changes=result.changes,
        full=result.full,
    )


def step_baseline_import(path: str, db: str) -> None:
    import sqlite3
    import zlib

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from ungtui.domain.text import person_search_key, person_sort_key
    from ungtui.store.database import open_database
    from ungtui.sync import fileformat
    from ungtui.sync.state import SYNCED_COLUMNS, TABLES, blank_value

    open_database(db).close()  # the schema, as a new install has it
    # What a column holds when the register holds nothing (NOT NULL columns).
    empty = {
        tbl: [
            None
            if TABLES[tbl].c[col].nullable
            else TABLES[tbl].c[col].default.arg
            if TABLES[tbl].c[col].default is not None
            and not callable(TABLES[tbl].c[col].default.arg)
            else str(blank_value(tbl, col))
            for col in cols
        ]
        for tbl, cols in SYNCED_COLUMNS.items()
    }
    extra = {"individual": ["search_key", "sort_key"]}
    with open(path, "rb") as source:
        header = fileformat.read_header(source)
        keys = fileformat.open_keys(header, PASSPHRASE)
    started = time.perf_counter()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN")
    aead = AESGCM(keys.encryption)
    inflate = zlib.decompressobj()
    buffer = b""
    batch: dict[str, list] = {}
    registers: list[tuple] = []
    written = 0

    def flush() -> None:
        conn.executemany(
            "INSERT INTO sync_row (tbl, row_id, fields, tomb_hlc, tomb_site, local_seq,"
            " conflicts, origin) VALUES (?, ?, ?, ?, ?, 1, 0, ?)",
            registers,
        )
        registers.clear()
        for tbl, rows in batch.items():
            columns = ["id", "created_at", "updated_at", *SYNCED_COLUMNS[tbl], *extra.get(tbl, [])]
            conn.executemany(
                f'INSERT INTO "{tbl}" ({", ".join(columns)})'
                f" VALUES ({', '.join('?' * len(columns))})",
                rows,
            )
        batch.clear()

    def take(line: bytes) -> None:
        nonlocal written
        row = json.loads(line)
        if "t" not in row:
            return
        tbl, fields = row["t"], row["f"]
        dot = row.get("d") or [None, None]
        registers.append(
            (tbl, row["id"], json.dumps(fields, separators=(",", ":")), *dot, row.get("o"))
        )
        values = [
            fields[col]["v"][0][0]
            if col in fields and fields[col]["v"] and fields[col]["v"][0][0] is not None
            else fallback
            for col, fallback in zip(SYNCED_COLUMNS[tbl], empty[tbl], strict=True)
        ]
        if tbl == "individual":  # the same rows: their search and sort keys too
            shown = dict(zip(SYNCED_COLUMNS[tbl], values, strict=True))
            first, last = shown["first_name"] or "", shown["last_name"] or ""
            values += [
                person_search_key(first, last, shown["identity_number"], shown["reserve_id"]),
                person_sort_key(first, last),
            ]
        batch.setdefault(tbl, []).append((row["id"], "", "", *values))
        written += 1
        if written % 500 == 0:
            flush()

    with open(path, "rb") as source:
        source.seek(header.body_offset)
        count = -(-header.body_size // fileformat.RECORD)
        for index in range(count):
            final = index == count - 1
            size = (
                fileformat.RECORD
                if not final
                else header.body_size - fileformat.RECORD * (count - 1)
            )
            sealed = source.read(size)[: -fileformat.SIGNATURE]
            nonce = index.to_bytes(11, "big") + (b"\x01" if final else b"\x00")
            data = inflate.decompress(aead.decrypt(nonce, sealed, header.binding))
            lines = (buffer + data).split(b"\n")
            buffer = lines.pop()
            for line in lines:
                take(line)
    flush()
    conn.execute("COMMIT")
    conn.close()
    _finish(started, rows=written)


def step_import(path: str, db: str) -> None:
    from ungtui.services.sync.sync_files import import_file, peek_file
    from ungtui.store.database import open_database

    database = open_database(db)
    trust = peek_file(Path(path)).fingerprint
    started = time.perf_counter()
    result = import_file(database, Path(path), passphrase=PASSPHRASE, trust=trust)
    s = result.summary
    _finish(
        started,
        status=result.status,
        new=s.new,
        updated=s.updated,
        known=s.known,
        warnings=s.warnings,
        refused=s.refused,
    )


def step_edit(db: str, organisation: str, count: str) -> None:
    """Edit `count` people the organisation may receive, one caseworker save each."""
    from ungtui.services import clock
    from ungtui.services.people.individuals import IndividualInput, get_individual, save_individual
    from ungtui.services.people.organisations import current_user, find_organisation
    from ungtui.store.database import open_database
    from ungtui.sync.scope import allowed_individuals

    database = open_database(db)
    org = find_organisation(database, organisation).id
    user = current_user(database)
    with database.engine.connect() as conn:
        allowed = sorted(allowed_individuals(conn, org, clock.today()))
    started = time.perf_counter()
    for number, pid in enumerate(allowed[: int(count)]):
        person = get_individual(database, pid).individual
        save_individual(
            database,
            IndividualInput(
                identity=person.identity_number or "",
                reserve_id=person.reserve_id or "",
                birth_date=person.birth_date.isoformat() if person.birth_date else "",
                first_name=person.first_name,
                last_name=person.last_name,
                phone=f"070-{number:03d} 00 00",
                email=person.email,
                address=person.address,
                status=person.status,
                gender=person.gender,
            ),
            actor_id=user.staff_id,
            organisation_id=user.organisation_id,
            individual_id=pid,
        )
    _finish(started)


def step_setup(db: str, organisation: str) -> None:
    """A new install of the receiving organisation, set up as its first run does it."""
    from ungtui.services.people.organisations import register_user
    from ungtui.store.database import open_database

    started = time.perf_counter()
    register_user(
        open_database(db),
        name="Mätande handläggare",
        unit_name="Mätenheten",
        organisation_name="Arbetsförmedlingen",
        org_nr=organisation,
        kind="af",
    )
    _finish(started)


STEPS = {
    "setup": step_setup,
    "baseline-export": step_baseline_export,
    "export": step_export,
    "baseline-import": step_baseline_import,
    "import": step_import,
    "edit": step_edit,
}


# --- the run ------------------------------------------------------------------------------


def run(step: str, *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--step", step, *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"Steget {step} misslyckades.")
    return json.loads(done.stdout.strip().splitlines()[-1])


def line(label: str, figures: dict) -> str:
    return f"  {label:<34} {figures['seconds']:8.2f} s  {figures['peak_mib']:7.0f} MiB"


def verdict(ok: bool) -> str:
    return "OK" if ok else "INTE OK"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", help="en demodatabas med 100 000 personer (kopieras)")
    parser.add_argument("--work", help="arbetsmapp (annars en tillfällig)")
    parser.add_argument(
        "--for", dest="organisation", default="202100-2114", help="Arbetsförmedlingens nummer"
    )
    parser.add_argument("--own", default="212000-1124", help="avsändarens organisation")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.step:
        STEPS[args.step](*rest)
        return
    if not args.db:
        parser.error("--db behövs")
    work = Path(args.work or tempfile.mkdtemp(prefix="ungtui-sync-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    sender, receiver = work / "avsandare.db", work / "mottagare.db"
    baseline_db = work / "baslinje.db"
    for path in (sender, receiver, baseline_db):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copy(args.db, sender)
    full_file, baseline_file = work / "full.ungsync", work / "baslinje.bin"
    for path in (full_file, baseline_file):
        path.unlink(missing_ok=True)

    print(f"Databas: {args.db} ({Path(args.db).stat().st_size / MIB:.0f} MiB); arbetsmapp {work}")
    base_export = run("baseline-export", str(sender), str(baseline_file))
    export = run("export", str(sender), str(full_file), args.organisation, "full")
    base_import = run("baseline-import", str(full_file), str(baseline_db))
    run("setup", str(receiver), args.organisation)
    imported = run("import", str(full_file), str(receiver))

    # The receiver confirms the file: its own (full) export back is taken in by the sender.
    back = work / "tillbaka.ungsync"
    back.unlink(missing_ok=True)
    run("export", str(receiver), str(back), args.own, "auto")
    confirmed = run("import", str(back), str(sender))
    edited = run("edit", str(sender), args.organisation, str(EDITED))
    delta_file = work / "delta.ungsync"
    delta_file.unlink(missing_ok=True)
    delta_export = run("export", str(sender), str(delta_file), args.organisation, "auto")
    delta_import = run("import", str(delta_file), str(receiver))

    export_ratio = export["seconds"] / base_export["seconds"]
    import_ratio = imported["seconds"] / base_import["seconds"]
    print(
        f"Full export till {args.organisation}: {export['rows']} poster, "
        f"{export['changes']} ändringar, fil {export['size'] / MIB:.1f} MiB "
        f"(baslinjens fil {base_export['size'] / MIB:.1f} MiB)"
    )
    print(line("baslinje: VACUUM INTO + zlib + GCM", base_export))
    print(line("export", export))
    print(
        f"  export / baslinje = {export_ratio:.2f} (mål ≤ 2: {verdict(export_ratio <= 2)}); "
        f"minne ≤ 300 MiB: {verdict(export['peak_mib'] <= 300)}"
    )
    print(f"Full import i en ny databas: {imported['new']} nya poster")
    print(line("baslinje: dekryptera + executemany", base_import))
    print(line("import", imported))
    print(
        f"  import / baslinje = {import_ratio:.2f} (mål ≤ 4: {verdict(import_ratio <= 4)}); "
        f"minne ≤ 300 MiB: {verdict(imported['peak_mib'] <= 300)}"
    )
    print(
        f"Ändringar i {EDITED} personer ({edited['seconds']:.1f} s att spara; bekräftelsen "
        f"tillbaka: {confirmed['known']} redan kända)"
    )
    print(
        f"  delta, export: {delta_export['seconds']:.2f} s, {delta_export['rows']} poster "
        f"(mål ≤ 1 s: {verdict(delta_export['seconds'] <= 1 and not delta_export['full'])})"
    )
    print(
        f"  delta, import: {delta_import['seconds']:.2f} s, {delta_import['updated']} "
        f"uppdaterade (mål ≤ 1 s: {verdict(delta_import['seconds'] <= 1)})"
    )
    for name, figures in (("import", imported), ("delta", delta_import)):
        if figures["warnings"] or figures["refused"]:
            print(f"  {name}: {figures['warnings']} {figures['refused']}")


if __name__ == "__main__":
    main()
