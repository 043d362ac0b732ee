"""Export to a USB stick and import elsewhere (issue 5): 1,000 worked cases with scanned evidence.

A script, not a test: it prints figures, each beside the alternative an office would otherwise use,
measured in the same run, and ends with a Markdown table for docs/performance.md.

    .venv/bin/python bench/bench_exchange.py [--cases 1000] [--attachments 200] [--runs 3] [--profile 200]

0. The source installation, in a new temporary folder: the first start (office profile and an
   administrator), ``--cases`` applications from bench/generate.py registered in bulk, and all of
   them offered to bench_cases.py's ``drive_cases`` (the same code): accepted, interviewed, evidence,
   reported, determined, delivered, archived, rejected or withdrawn, one ``perform_action`` each.
   ``--attachments`` scanned pages (greyscale JPEGs of noise, 100–500 KB: incompressible like real
   scans, and images the archive volume binds as pages) are attached at the evidence actions, one
   to about every third, any left over to investigating cases at the end.
1. Export of every case to a folder (``export_cases``), plain and with a password, the two
   alternating, ``--runs`` each: time, package size, per case, and the phases the export reports
   through its progress callback (preparing volumes, letters and case files; writing; reading back).
   Alternatives, same run: a generic ZIP of the whole live data folder (``shutil.make_archive``,
   which copies the SQLite file and its WAL as files), and the program's own backup of the whole
   folder (``make_backup``, plain and encrypted).
2. ``verify_package``: plain, encrypted with the password, encrypted without it (outside only).
   Alternative: ``ZipFile.testzip()`` of the generic ZIP (CRC-32 of every member).
3. Import into a fresh installation (first start done, not timed), plain and encrypted packages, a
   new folder each run; then the plain package imported again into the same folder (every case
   skipped). Alternatives: the same applications registered one by one with ``register_case`` and
   driven through the same actions with the same seed (what re-typing them would cost the machine,
   a lower bound: no human time), unpacking the generic ZIP (``shutil.unpack_archive``) and
   ``restore_backup`` of the encrypted backup (both only into an empty folder).
4. cProfile of an export of ``--profile`` cases (every n-th case, plain): the top entries.

Dates: the services run with today = 2026-11-27. Everything is on the same disk (a folder stands in
for the USB stick).
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import resource
import shutil
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_cases import ACTOR, disk, drive_cases, machine, register_all, status_counts  # noqa: E402
from bench.figures import fmt, markdown_table, median, progress, row, say, spread  # noqa: E402
from bench.generate import applications  # noqa: E402
from core.services.actions import perform_action  # noqa: E402
from core.services.backup import make_backup, restore_backup  # noqa: E402
from core.services.exchange import export_cases, import_package, verify_package  # noqa: E402
from core.services.users import first_start  # noqa: E402
from core.services.workspace import Workspace  # noqa: E402
from models.case import Case  # noqa: E402
from models.database import DATABASE_FILE  # noqa: E402
from models.procedure import EvidenceFile  # noqa: E402

TODAY = date(2026, 11, 27)
PASSWORD = "bench-password-2026"
SOURCE_OFFICE = {"organ_name": "中共贺兰县纪律检查委员会", "letterhead": "中共贺兰县纪委 贺兰县监委", "code_prefix": "贺纪",
                 "organ_kind": "纪检监察机关"}
TARGET_OFFICE = {"organ_name": "中共银川市纪律检查委员会", "letterhead": "中共银川市纪委 银川市监委", "code_prefix": "银纪",
                 "organ_kind": "纪检监察机关"}
ADMIN, ADMIN_PASSWORD = "马军", "bench-password-1"
FILE_SHARE = 0.3          # the share of evidence actions that get one of the scanned files


def mb(n: int) -> str:
    return f"{n / 1e6:,.1f} MB" if n >= 1e6 else f"{n / 1e3:,.1f} KB"


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def per_case(seconds: float, n: int) -> str:
    return f"{fmt(seconds / n)} per case"


# --- 0. the installations -------------------------------------------------------------------------

def scans(folder: Path, count: int, seed: int) -> list[str]:
    """``count`` scanned pages: greyscale JPEGs of random noise, 100–500 KB each (A4 proportions).
    Like real scans they do not compress, and unlike random bytes they are images the archive
    volume binds, so each volume carries its case's scans as a real one would."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for i in range(count):
        pixels = rng.randint(100_000, 500_000) / 0.54        # noise at quality 80: about 0.54 bytes a pixel
        width = int((pixels / 1.414) ** 0.5)
        height = int(width * 1.414)
        path = folder / f"扫描件-{i + 1:03d}.jpg"
        Image.frombytes("L", (width, height), rng.randbytes(width * height)).save(path, "JPEG", quality=80)
        paths.append(str(path))
    return paths


def populate(ws: Workspace, n: int, seed: int, files: list[str], one_by_one: bool) -> tuple[float, float]:
    """Register ``n`` applications (``one_by_one``: ``register_case`` each, else in bulk) and drive
    them all with bench_cases' ``drive_cases``, attaching ``files`` on the way. The same seed gives
    the same cases, actions and attachments. Returns the seconds for registering and for driving."""
    left = list(files)
    chooser = random.Random(seed + 1)

    def evidence_files() -> list[str]:
        return [left.pop(0)] if left and chooser.random() < FILE_SHARE else []

    register_seconds, bulk_seconds = register_all(ws, applications(n, seed), n, n if one_by_one else 0, 5_000)
    _driven, _times, drive_seconds = drive_cases(ws, n, random.Random(seed), evidence_files)
    start = time.perf_counter()
    if left:      # any files left: more evidence for cases still under investigation
        numbers = [c.number for c in Case.select(Case.number).where(Case.status == "investigating")
                   .order_by(Case.id)]
        for i, path in enumerate(left):
            perform_action(ws, numbers[i % len(numbers)], "evidence", TODAY,
                           {"title": "补充材料扫描件", "source": "调查取得", "pages": 3, "files": [path]})
    drive_seconds += time.perf_counter() - start
    return register_seconds + bulk_seconds, drive_seconds


def fresh(folder: Path, office: dict[str, Any]) -> Workspace:
    ws = Workspace(folder, actor=ACTOR, today=lambda: TODAY)
    first_start(ws, office, ADMIN, ADMIN_PASSWORD)
    return ws


def describe(ws: Workspace, data_dir: Path) -> str:
    counts = status_counts()
    files = EvidenceFile.select().count()
    return (f"{Case.select().count():,} cases (" + ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items()))
            + f"), {files} attached files; data folder {mb(folder_size(data_dir))}")


# --- 1. export ------------------------------------------------------------------------------------

class Phases:
    """When an export or import's progress first reached each mark (thousandths)."""

    def __init__(self, marks: tuple[int, ...]) -> None:
        self.marks = marks
        self.at: dict[int, float] = {}
        self.start = time.perf_counter()

    def __call__(self, done: int, total: int) -> None:
        for mark in self.marks:
            if done >= mark and mark not in self.at:
                self.at[mark] = time.perf_counter() - self.start

    def spans(self, end: float) -> list[float]:
        points = [0.0, *(self.at.get(m, end) for m in self.marks), end]
        return [b - a for a, b in pairwise(points)]


def bench_export(ws: Workspace, data_dir: Path, stick: Path, n: int, runs: int) -> dict[str, Path]:
    """Each run: export plain, export encrypted, then the alternatives, so that a change in the
    machine's load falls on all of them alike."""
    times: dict[str, list[float]] = {"plain": [], "encrypted": []}
    phases: dict[str, list[list[float]]] = {"plain": [], "encrypted": []}
    packages: dict[str, Path] = {}
    sizes: dict[str, int] = {}
    files, peak = 0, 0
    db = data_dir / DATABASE_FILE
    wal = db.with_name(db.name + "-wal")
    wal_sizes: list[tuple[int, int]] = []
    zip_times, backup_times, sealed_times = [], [], []
    generic = backup = sealed = Path()
    for run in range(runs):
        for kind, password in (("plain", None), ("encrypted", PASSWORD)):
            meter = Phases((500, 800, 1000))
            start = time.perf_counter()
            result = export_cases(ws, None, None, stick / f"{kind}-{run}", password, progress=meter)
            elapsed = time.perf_counter() - start
            assert len(result.cases) == n, result.cases
            times[kind].append(elapsed)
            phases[kind].append(meter.spans(elapsed))
            packages.setdefault(kind, result.path)
            sizes[kind], files = result.size, result.files
            if not peak:
                peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
            progress(f"export {kind} {run + 1}/{runs}: {fmt(elapsed)}, {mb(result.size)}")

        # The generic alternatives, on the same live folder (the workspace open, as when the program runs).
        wal_sizes.append((db.stat().st_size, wal.stat().st_size if wal.exists() else 0))
        target = stick / f"zip-{run}"
        target.mkdir()
        start = time.perf_counter()
        generic = Path(shutil.make_archive(str(target / "rongcuo-data"), "zip", root_dir=data_dir))
        zip_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        backup = make_backup(ws, stick / f"backup-{run}").path
        backup_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        sealed = make_backup(ws, stick / f"backup-sealed-{run}", PASSWORD).path
        sealed_times.append(time.perf_counter() - start)
        progress(f"alternatives {run + 1}/{runs}: zip {fmt(zip_times[-1])}, backup {fmt(backup_times[-1])}, "
                 f"encrypted backup {fmt(sealed_times[-1])}")

    say("  the live database when zipped (database file, WAL): "
        + "; ".join(f"{mb(d)}, {mb(w)}" for d, w in wal_sizes))
    say(f"  peak memory (max RSS) after the first export: {mb(peak)}")

    zip_size, backup_size, sealed_size = generic.stat().st_size, backup.stat().st_size, sealed.stat().st_size
    row("1 export", f"`export_cases`, all {n:,} cases, plain ({files:,} files; package {mb(sizes['plain'])}), "
        f"median of {runs}", spread(times["plain"]),
        f"`shutil.make_archive` (zip, deflate) of the whole live data folder (zip {mb(zip_size)}), median of {runs}",
        spread(zip_times))
    row("1 export", "the same, plain, per case", per_case(median(times["plain"]), n),
        "`make_backup` of the whole folder, plain (SQLite backup API, check, gzip, read back; "
        f"{mb(backup_size)}), median of {runs}", spread(backup_times))
    row("1 export", f"`export_cases`, all {n:,} cases, with a password (SM4-GCM; package {mb(sizes['encrypted'])}), "
        f"median of {runs}", spread(times["encrypted"]),
        f"`make_backup` with a password ({mb(sealed_size)}), median of {runs}", spread(sealed_times))
    row("1 export", "the same, encrypted, per case", per_case(median(times["encrypted"]), n))
    for kind in ("plain", "encrypted"):
        spans = [median([p[i] for p in phases[kind]]) for i in range(4)]
        row("1 export", f"of which ({kind}, medians): preparing volumes, letters, case files · writing · "
            "fsync and reading back · recording", " · ".join(fmt(s) for s in spans))
    contents(packages["plain"])
    return packages | {"zip": generic, "backup": sealed}


def contents(package: Path) -> None:
    """What the plain package holds, by kind of member, and the volumes' pages."""
    groups: dict[str, list[int]] = {}
    pages: list[int] = []
    with zipfile.ZipFile(package) as archive:
        for info in archive.infolist():
            name = info.filename
            kind = ("volumes (PDF)" if name.rsplit("/", 1)[-1].startswith("案卷-") else
                    "letters (DOCX)" if "/文书/" in name else "attachments" if "/附件/" in name else
                    "case files (JSON)" if name.endswith("/case.json") else name)
            groups.setdefault(kind, []).append(info.file_size)
            if name.endswith("/case.json"):
                pages.append(int(json.loads(archive.read(info))["volume"]["pages"]))
    say("  the plain package holds: " + "; ".join(
        f"{kind} {len(sizes):,} files, {mb(sum(sizes))} (median {mb(int(median([float(x) for x in sizes])))})"
        for kind, sizes in groups.items()))
    say(f"  volume pages: {sum(pages):,} in all, median {median([float(x) for x in pages]):.0f}, "
        f"max {max(pages)}")


# --- 2. verify ------------------------------------------------------------------------------------

def bench_verify(packages: dict[str, Path], n: int, runs: int) -> None:
    def timed(fn: Callable[[], Any]) -> list[float]:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return times

    plain = timed(lambda: verify_package(packages["plain"]))
    sealed = timed(lambda: verify_package(packages["encrypted"], PASSWORD))
    outside = timed(lambda: verify_package(packages["encrypted"]))
    info = verify_package(packages["encrypted"], PASSWORD)
    assert len(info.cases) == n and info.contents_checked

    def testzip() -> None:
        with zipfile.ZipFile(packages["zip"]) as archive:
            bad = archive.testzip()
            assert bad is None, bad

    crc = timed(testzip)
    row("2 verify", f"`verify_package`, plain (every member's SHA-256 and SM3, {n:,} case files read), "
        f"median of {runs}", spread(plain),
        f"`ZipFile.testzip()` of the generic zip (CRC-32 only), median of {runs}", spread(crc))
    row("2 verify", f"`verify_package` with the password (decrypt, hash, read), median of {runs}", spread(sealed))
    row("2 verify", f"`verify_package` of the encrypted package without the password (outside only), median of {runs}",
        spread(outside))


# --- 3. import ------------------------------------------------------------------------------------

def bench_import(packages: dict[str, Path], work: Path, n: int, seed: int, files: list[str], runs: int) -> None:
    times: dict[str, list[float]] = {"plain": [], "encrypted": []}
    phases: dict[str, list[list[float]]] = {"plain": [], "encrypted": []}
    again: list[float] = []
    for run in range(runs):
        for kind, password in (("plain", None), ("encrypted", PASSWORD)):
            folder = work / f"import-{kind}-{run}"
            ws = fresh(folder, TARGET_OFFICE)
            try:
                meter = Phases((600, 800, 950))
                start = time.perf_counter()
                result = import_package(ws, packages[kind], password, progress=meter)
                elapsed = time.perf_counter() - start
                assert len(result.new) == n and not result.conflicts and not result.warnings, result
                times[kind].append(elapsed)
                phases[kind].append(meter.spans(elapsed))
                if kind == "plain":     # again into the same folder: every case the same, skipped
                    start = time.perf_counter()
                    result = import_package(ws, packages[kind], password)
                    again.append(time.perf_counter() - start)
                    assert len(result.skipped) == n and not result.new and not result.updated, result
                if run == 0 and kind == "plain":
                    say(f"  imported: {describe(ws, folder)}")
            finally:
                ws.close()
            progress(f"import {kind} {run + 1}/{runs}: {fmt(elapsed)}")
            shutil.rmtree(folder)

    retype, register, drive, unpack, restore = [], [], [], [], []
    for run in range(runs):
        folder = work / f"retype-{run}"
        ws = fresh(folder, TARGET_OFFICE)
        try:
            registering, driving = populate(ws, n, seed, files, one_by_one=True)
            if run == 0:
                say(f"  re-typed: {describe(ws, folder)}")
        finally:
            ws.close()
        register.append(registering)
        drive.append(driving)
        retype.append(registering + driving)
        shutil.rmtree(folder)
        folder = work / f"unpacked-{run}"
        start = time.perf_counter()
        shutil.unpack_archive(packages["zip"], folder)
        unpack.append(time.perf_counter() - start)
        shutil.rmtree(folder)
        folder = work / f"restored-{run}"
        start = time.perf_counter()
        restore_backup(packages["backup"], folder, PASSWORD, actor=ACTOR, today=lambda: TODAY)
        restore.append(time.perf_counter() - start)
        shutil.rmtree(folder)
        progress(f"alternatives {run + 1}/{runs}: re-typed {fmt(retype[-1])}, unzip {fmt(unpack[-1])}, "
                 f"restore {fmt(restore[-1])}")

    row("3 import", f"`import_package`, plain, {n:,} new cases into a fresh installation, median of {runs}",
        spread(times["plain"]),
        f"the same applications re-entered: `register_case` one by one + the same actions with "
        f"`perform_action` (same seed, same files), median of {runs}", spread(retype))
    row("3 import", "the same, plain, per case", per_case(median(times["plain"]), n),
        "the same, re-entered, per case", per_case(median(retype), n))
    row("3 import", "—", "—", "of which registering · the actions (medians)",
        f"{fmt(median(register))} · {fmt(median(drive))}")
    row("3 import", f"`import_package`, encrypted (with the password), {n:,} new cases, median of {runs}",
        spread(times["encrypted"]),
        f"`shutil.unpack_archive` of the generic zip into an empty folder, median of {runs}", spread(unpack))
    row("3 import", "the same, encrypted, per case", per_case(median(times["encrypted"]), n),
        f"`restore_backup` of the encrypted backup into an empty folder (incl. `check`), median of {runs}",
        spread(restore))
    for kind in ("plain", "encrypted"):
        spans = [median([p[i] for p in phases[kind]]) for i in range(4)]
        row("3 import", f"of which ({kind}, medians): reading and checking the package · storing attachments · "
            "the merge transaction · keeping letters and volumes", " · ".join(fmt(s) for s in spans))
    row("3 import", f"`import_package` of the same plain package again into the same folder: all {n:,} skipped, "
        f"median of {runs}", spread(again))
    row("3 import", "the same, per case", per_case(median(again), n))


# --- 4. profile -----------------------------------------------------------------------------------

# Functions whose cumulative share of the export is printed (nested ones are inside their callers).
SHARES = (("exchange.py", "_prepare"), ("archive_volume.py", "build_volume"), ("case_view.py", "case_details"),
          ("archive_volume.py", "entries"), ("volume.py", "build_volume_pdf"), ("pdf_render.py", "render_pdf_parts"),
          ("pdf_render.py", "layout_pdf"), ("exchange.py", "_letters"), ("letters.py", "letter_docx"),
          ("letters.py", "with_form_data"), ("exchange_case.py", "case_content"), ("exchange.py", "_assemble"),
          ("exchange_package.py", "add"), ("exchange_package.py", "read_package"))


def bench_profile(ws: Workspace, stick: Path, count: int, top: int) -> None:
    numbers = [c.number for c in Case.select(Case.number).order_by(Case.year, Case.seq)]
    step = max(1, len(numbers) // count)
    chosen = numbers[::step][:count]
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    export_cases(ws, chosen, None, stick / "profile")
    profiler.disable()
    elapsed = time.perf_counter() - start
    say(f"\n## cProfile: export_cases of {len(chosen)} cases (every {step}th), plain: {fmt(elapsed)} "
        "under the profiler")
    stats = pstats.Stats(profiler)
    total = max(ct for (_cc, _nc, _tt, ct, _callers) in stats.stats.values())    # type: ignore[attr-defined]
    for module, name in SHARES:
        found = [v for k, v in stats.stats.items()                               # type: ignore[attr-defined]
                 if k[2] == name and k[0].endswith("/" + module)]
        ct, calls = sum(v[3] for v in found), sum(v[1] for v in found)
        say(f"  {module}:{name:24} {calls:>8,} calls  {ct:8.2f} s cumulative  {ct / total:6.1%}")
    for key in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(key).print_stats(top)
        say(f"\n### by {key}\n" + out.getvalue().split("\n", 6)[-1].rstrip())


# --- main -----------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000)
    parser.add_argument("--attachments", type=int, default=200, help="scanned files of 100–500 KB")
    parser.add_argument("--runs", type=int, default=3, help="repetitions of each measurement (medians reported)")
    parser.add_argument("--profile", type=int, default=200, help="cases in the profiled export (0: none)")
    parser.add_argument("--top", type=int, default=30, help="profile entries printed")
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument("--out", type=Path, help="working folder (default: a new temporary folder, removed)")
    args = parser.parse_args()

    out = args.out.resolve() if args.out else Path(tempfile.mkdtemp(prefix="rongcuo-bench-exchange-"))
    source, stick, work = out / "source", out / "stick", out / "work"
    for folder in (stick, work):
        folder.mkdir(parents=True, exist_ok=True)
    say(f"# rongcuo export/import benchmark: {args.cases:,} cases, {args.attachments} scanned files, "
        f"seed {args.seed}, today {TODAY}, {args.runs} runs")
    for line in [*machine(), f"data: {disk(out)}", f"load average at start: {os.getloadavg()}"]:
        say(f"# {line}")
    started = time.perf_counter()
    try:
        files = scans(out / "scans", args.attachments, args.seed)
        say(f"# scanned files: {len(files)}, {mb(sum(Path(f).stat().st_size for f in files))}")
        ws = fresh(source, SOURCE_OFFICE)
        try:
            registering, driving = populate(ws, args.cases, args.seed, files, one_by_one=False)
            say(f"# source built in {fmt(registering + driving)}: {describe(ws, source)}")
            packages = bench_export(ws, source, stick, args.cases, args.runs)
            if args.profile:
                bench_profile(ws, stick, args.profile, args.top)
        finally:
            ws.close()      # the models are bound to one database at a time: the imports open others
        bench_verify(packages, args.cases, max(args.runs, 5))
        bench_import(packages, work, args.cases, args.seed, files, args.runs)
    finally:
        if not args.out:
            shutil.rmtree(out, ignore_errors=True)
    say(f"\n# whole run {fmt(time.perf_counter() - started)}; load average at the end: {os.getloadavg()}")
    say("\n" + markdown_table())


if __name__ == "__main__":
    main()
