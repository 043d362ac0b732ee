"""The installable program (issue 6): its size, its start to the main window, its self-test.

A script, not a test: it prints figures, and ends with a Markdown table for docs/performance.md.

    .venv/bin/python bench/bench_build.py [--build] [--runs 5] [--dist dist/rongcuo]

0. ``--build``: ``./run.sh build`` first, timed (otherwise the program already in ``--dist`` is measured).
1. Size: ``du`` of the folder (what it takes on disk) and the sum of its files' sizes, and the
   largest parts of ``_internal/``.
2. Start to the main window, in a new process each time, ``QT_QPA_PLATFORM=offscreen``: the built
   program and, beside it, the same start from the source tree (``.venv/bin/python main.py``, as
   ``./run.sh`` runs it), on a data folder holding the demo data (24 cases) and an administrator.
   ``RONGCUO_BENCH_START`` (gui/start_timing.py) makes the program sign the administrator in
   through the sign-in dialog and print the moments the sign-in dialog and the main window were
   shown and the window had its data, then quit; the clock starts here just before the process is
   spawned. Cold: the kernel's page cache is dropped before each run (``sync; echo 3 >
   /proc/sys/vm/drop_caches``, root only; when that is refused the script says so and measures the
   first start after the build instead). Warm: the same, right after another start.
3. The built program's ``--self-test``, wall time.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_cases import disk, machine  # noqa: E402
from bench.figures import fmt, markdown_table, median, row, say, spread  # noqa: E402

ADMIN, PASSWORD = "马军", "bench-password-1"
OFFICE = {"organ_name": "中共贺兰县纪律检查委员会", "letterhead": "中共贺兰县纪委 贺兰县监委", "code_prefix": "贺纪",
          "organ_kind": "纪检监察机关"}
TIMEOUT = 60
BUDGET_MB = 200
BUDGET_START = 2.0


def mib(n: float) -> str:
    return f"{n / 2 ** 20:,.1f} MiB"


def drop_caches() -> bool:
    """Empty the kernel's page cache (root only); whether it worked."""
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def build() -> float:
    started = time.perf_counter()
    subprocess.run([str(ROOT / "run.sh"), "build"], check=True, cwd=ROOT)
    return time.perf_counter() - started


def sizes(dist: Path) -> None:
    du = subprocess.run(["du", "-s", "--block-size=1", str(dist)], capture_output=True, text=True, check=True)
    on_disk = int(du.stdout.split()[0])
    files = [p for p in dist.rglob("*") if p.is_file() and not p.is_symlink()]
    apparent = sum(p.stat().st_size for p in files)
    verdict = "within" if on_disk < BUDGET_MB * 10 ** 6 else "OVER"
    row("1 size", f"`du -s {dist.relative_to(ROOT) if dist.is_relative_to(ROOT) else dist}` (on disk), "
        f"{len(files):,} files", f"{mib(on_disk)} ({on_disk / 10 ** 6:,.1f} MB, {verdict} the {BUDGET_MB} MB budget)",
        "sum of the files' sizes", mib(apparent))
    internal = dist / "_internal"
    parts: list[tuple[int, str]] = []
    for child in internal.iterdir():
        paths = [child] if child.is_file() else [p for p in child.rglob("*") if p.is_file()]
        parts.append((sum(p.stat().st_size for p in paths if not p.is_symlink()), child.name))
    for size, name in sorted(parts, reverse=True)[:12]:
        row("1 size", f"of which `_internal/{name}`", mib(size))


def ledger(folder: Path) -> tuple[Path, Path]:
    """A data folder with the demo data and an administrator, and the sign-in file for the timing."""
    from core.services.demo import load_demo
    from core.services.users import first_start
    from core.services.workspace import Workspace

    data_dir = folder / "data"
    ws = Workspace(data_dir, actor=ADMIN)
    try:
        load_demo(ws)
        first_start(ws, OFFICE, ADMIN, PASSWORD)
    finally:
        ws.close()
    credentials = folder / "sign-in.txt"
    credentials.write_text(f"{ADMIN}\n{PASSWORD}\n", encoding="utf-8")
    return data_dir, credentials


def start_once(command: list[str], data_dir: Path, credentials: Path, cold: bool) -> dict[str, float]:
    if cold and not drop_caches():
        raise PermissionError("drop_caches refused")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", RONGCUO_BENCH_START=str(credentials))
    env.pop("PYTHONDONTWRITEBYTECODE", None)      # as ./run.sh: compiled modules are kept
    spawned = time.time()
    child = subprocess.Popen([*command, "--data-dir", str(data_dir)], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        stdout, stderr = child.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"start did not end within {TIMEOUT} s; {hung(child, data_dir)}") from None
    exited = time.time()
    lines = [line for line in stdout.splitlines() if line.startswith("RONGCUO_BENCH_START ")]
    if child.returncode != 0 or not lines:
        raise RuntimeError(f"start failed ({child.returncode}): {stderr.strip()[-2000:]}")
    marks = json.loads(lines[-1].split(" ", 1)[1])
    return {**{k: v - spawned for k, v in marks.items()}, "exited": exited - spawned}


def hung(child: subprocess.Popen[str], data_dir: Path) -> str:
    """Where a program that does not end is stuck: SIGUSR1 makes it append every thread's stack to
    logs/fatal.log (core/error_log.py); then it is killed. Also what it had printed: no
    RONGCUO_BENCH_START line means it hung before the main window, one means at the exit."""
    log = data_dir / "logs" / "fatal.log"
    before = log.stat().st_size if log.exists() else 0
    child.send_signal(signal.SIGUSR1)
    time.sleep(2)
    child.kill()
    stdout, stderr = child.communicate()
    stacks = log.read_bytes()[before:].decode("utf-8", "replace") if log.exists() else "(no logs/fatal.log)"
    return f"stdout: {stdout!r}; stderr: {stderr[-2000:]!r}; stacks (logs/fatal.log):\n{stacks}"


def starts(label: str, command: list[str], data_dir: Path, credentials: Path, runs: int, can_drop: bool) -> None:
    if not can_drop:
        first = start_once(command, data_dir, credentials, cold=False)
        row("2 start", f"{label}: first start after the build (page cache NOT dropped: not permitted)",
            fmt(first["shown"]))
    cold = [start_once(command, data_dir, credentials, cold=True) for _ in range(runs)] if can_drop else []
    start_once(command, data_dir, credentials, cold=False)     # warm the cache
    warm = [start_once(command, data_dir, credentials, cold=False) for _ in range(runs)]
    for kind, results in (("cold (page cache dropped before each)", cold), ("warm", warm)):
        if not results:
            continue
        shown = [r["shown"] for r in results]
        verdict = "within" if median(shown) < BUDGET_START else "OVER"
        row("2 start", f"{label}, {kind}: start to the main window shown, median of {runs}", spread(shown),
            f"{verdict} the {BUDGET_START:.0f} s budget; the sign-in dialog shown at",
            fmt(median([r["sign_in_shown"] for r in results])))
        row("2 start", f"{label}, {kind}: … to the window with its data (dashboard, first page)",
            spread([r["ready"] for r in results]), "… to the process's exit", spread([r["exited"] for r in results]))


def self_test(dist: Path, runs: int) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run([str(dist / "rongcuo"), "--self-test"], env=env, capture_output=True, text=True,
                              timeout=600, check=False)
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise RuntimeError(f"self-test failed: {done.stderr.strip()[-2000:]}")
    row("3 self-test", f"`dist/rongcuo/rongcuo --self-test` (10 steps), wall time, median of {runs}", spread(times))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", action="store_true", help="run ./run.sh build first (timed)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dist", type=Path, default=ROOT / "dist" / "rongcuo")
    args = parser.parse_args()
    dist = args.dist.resolve()

    for line in [*machine(), f"disk: {disk(ROOT)}"]:
        say(f"# {line}")
    if args.build:
        took = build()
        row("0 build", "`./run.sh build` (PyInstaller, .venv already set up)", fmt(took))
    if not (dist / "rongcuo").is_file():
        raise SystemExit(f"no built program in {dist}: run ./run.sh build (or pass --build)")
    sizes(dist)
    can_drop = drop_caches()
    say(f"# dropping the page cache: {'permitted' if can_drop else 'NOT permitted'}")
    with tempfile.TemporaryDirectory(prefix="rongcuo-bench-build-") as folder:
        data_dir, credentials = ledger(Path(folder))
        starts("built program", [str(dist / "rongcuo")], data_dir, credentials, args.runs, can_drop)
        starts("from source (`.venv/bin/python main.py`, as ./run.sh)",
               [str(ROOT / ".venv" / "bin" / "python"), str(ROOT / "main.py")], data_dir, credentials, args.runs,
               can_drop)
    self_test(dist, max(1, args.runs // 2))
    say("\n" + markdown_table())


if __name__ == "__main__":
    main()
