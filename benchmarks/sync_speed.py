"""How fast sync files are written and taken in, and how big they are.

    python benchmarks/sync_speed.py [--small 390] [--large 3930] [--profile]

Builds two demo databases in a temporary directory (about 25 changes per person, so the
defaults give about 10,000 and 100,000 changes), writes a full export of each and takes
it into a new, empty database. Everything is deleted afterwards; nothing is written in
the repository. Figures are set beside the targets of the issue.

The import of a file from an unknown sender is refused first (UnknownSender) and then
done again with `trust=` its fingerprint, as the app does after the phone call; only the
second, successful import is timed as "inläsning", the refused one is shown apart.
Both export and import include one Argon2id key derivation (shown apart too).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import tempfile
import time
from pathlib import Path

from ungtui.demo.fill import fill_demo
from ungtui.services.sync.sync import own_organisation
from ungtui.services.sync.sync_files import UnknownSender, export_file, import_file
from ungtui.store.database import open_database
from ungtui.sync.fileformat import KDF_PARAMS, passphrase_keys, peek

PASSPHRASE = "gemensam lösenfras för test"
SEED = 7

TARGET_EXPORT_SMALL = 1.0  # s for 10,000 changes
TARGET_IMPORT_SMALL = 1.0  # s for 10,000 changes
TARGET_SNAPSHOT = 10.0  # s for a full snapshot of 100,000 changes
TARGET_BYTES = 150  # bytes per change in the file


def verdict(value: float, target: float) -> str:
    return "OK" if value <= target else "för långsamt/stort"


def thousands(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def kdf_seconds() -> float:
    started = time.perf_counter()
    passphrase_keys(PASSPHRASE, os.urandom(16), KDF_PARAMS)
    return time.perf_counter() - started


def profiled(fn, title: str, profile: bool):
    """Run fn, timing it; with profile, print the top 15 by cumulative time too."""
    if not profile:
        started = time.perf_counter()
        result = fn()
        return result, time.perf_counter() - started
    profiler = cProfile.Profile()
    started = time.perf_counter()
    result = profiler.runcall(fn)
    seconds = time.perf_counter() - started
    print(f"\n--- profil: {title} ({seconds:.2f} s under cProfile) ---")
    pstats.Stats(profiler).strip_dirs().sort_stats("cumulative").print_stats(15)
    return result, seconds


def run(people: int, label: str, workdir: Path, profile: bool) -> dict:
    source = open_database(workdir / f"{label}-avsändare.db")
    fill_demo(source, individuals=people, seed=SEED)
    with source.engine.connect() as conn:
        org = own_organisation(conn)
    out = workdir / f"{label}.ungsync"

    exported, export_s = profiled(
        lambda: export_file(
            source, for_organisation=org, out=out, passphrase=PASSPHRASE, full=True
        ),
        f"export {label}",
        profile,
    )
    # The content as JSON lines before compression (the header says how much): the demo
    # stamps every field with one clock tick, which compresses far better than a real
    # database will.
    plain = peek(out).plain_size
    source.close()
    size = out.stat().st_size

    target = open_database(workdir / f"{label}-mottagare.db")
    started = time.perf_counter()
    try:
        import_file(target, out, passphrase=PASSPHRASE)
        raise SystemExit("Väntade UnknownSender vid första inläsningen.")
    except UnknownSender as refused:
        fp = refused.fingerprint
    refused_s = time.perf_counter() - started
    imported, import_s = profiled(
        lambda: import_file(target, out, passphrase=PASSPHRASE, trust=fp),
        f"import {label}",
        profile,
    )
    target.close()
    return {
        "people": people,
        "changes": exported.changes,
        "rows": exported.rows,
        "export_s": export_s,
        "refused_s": refused_s,
        "import_s": import_s,
        "size": size,
        "plain": plain,
        "new": imported.summary.new,
    }


def report(label: str, r: dict, export_target: float, import_target: float) -> None:
    per_change = r["size"] / r["changes"]
    print(
        f"{label}: {thousands(r['people'])} personer, {thousands(r['changes'])} ändringar "
        f"i {thousands(r['rows'])} poster, fil {r['size'] / 1024:.0f} KiB"
    )
    print(
        f"  export:     {r['export_s']:.2f} s  (mål ≤ {export_target:g} s: "
        f"{verdict(r['export_s'], export_target)})"
    )
    print(
        f"  inläsning:  {r['import_s']:.2f} s  (mål ≤ {import_target:g} s: "
        f"{verdict(r['import_s'], import_target)}); {thousands(r['new'])} nya poster"
    )
    print(f"  (första, avvisade försöket med okänd avsändare: {r['refused_s']:.2f} s)")
    print(
        f"  storlek:    {per_change:.0f} byte/ändring  (mål ≤ {TARGET_BYTES}: "
        f"{verdict(per_change, TARGET_BYTES)}); okomprimerat {r['plain'] / r['changes']:.0f} "
        "byte/ändring"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=390, help="personer, ~10 000 ändringar")
    parser.add_argument("--large", type=int, default=3930, help="personer, ~100 000 ändringar")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile, topp 15, för export och inläsning"
    )
    args = parser.parse_args()
    print(
        f"nyckelhärledning (Argon2id, ingår en gång i varje export och inläsning): "
        f"{kdf_seconds():.2f} s"
    )
    with tempfile.TemporaryDirectory(prefix="ungtui-sync-speed-") as tmp:
        workdir = Path(tmp)
        small = run(args.small, "liten", workdir, args.profile)
        large = run(args.large, "stor", workdir, args.profile)
    report("liten (≈10 000 ändringar)", small, TARGET_EXPORT_SMALL, TARGET_IMPORT_SMALL)
    report("stor ögonblicksbild (≈100 000 ändringar)", large, TARGET_SNAPSHOT, TARGET_SNAPSHOT)
    total = large["export_s"] + large["import_s"]
    print(
        f"stor ögonblicksbild, export + inläsning: {total:.2f} s "
        f"(mål ≤ {TARGET_SNAPSHOT:g} s var för sig: "
        f"{verdict(max(large['export_s'], large['import_s']), TARGET_SNAPSHOT)})"
    )
    if args.profile:
        print("obs: med --profile är tiderna mätta under cProfile och inte jämförbara med målen")


if __name__ == "__main__":
    main()
