"""Measuring and reporting, shared by the benchmarks: timings, the figures table, the CLI timer."""
from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RUN_SH = Path(__file__).resolve().parent.parent / "run.sh"


def fmt(seconds: float) -> str:
    if seconds >= 100:
        return f"{seconds / 60:.1f} min"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 0.001:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds * 1e6:.0f} µs"


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def timings(fn: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    """The wall time of each of ``repeat`` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return times, result


def spread(times: list[float]) -> str:
    return f"{fmt(median(times))} (min {fmt(min(times))}, max {fmt(max(times))})" if len(times) > 1 else fmt(times[0])


def say(text: str) -> None:
    print(text, flush=True)


def progress(text: str) -> None:
    print(f"  … {text}", file=sys.stderr, flush=True)


@dataclass
class Row:
    step: str
    what: str
    figure: str
    alternative: str = "—"
    alternative_figure: str = "—"


ROWS: list[Row] = []


def row(step: str, what: str, figure: str, alternative: str = "—", alternative_figure: str = "—") -> None:
    ROWS.append(Row(step, what, figure, alternative, alternative_figure))
    line = f"[{step}] {what}: {figure}"
    if alternative != "—":
        line += f"   | vs {alternative}: {alternative_figure}"
    say(line)


def markdown_table() -> str:
    lines = ["| Step | rongcuo path | Figure | Alternative (same run) | Figure |",
             "|---|---|---:|---|---:|"]
    ordered = sorted(ROWS, key=lambda r: int(r.step.split()[0]))   # stable: measurement order within a step
    lines += [f"| {r.step} | {r.what} | {r.figure} | {r.alternative} | {r.alternative_figure} |" for r in ordered]
    return "\n".join(lines)


def cli(data_dir: Path, *args: str) -> float:
    """Wall time of one ``./run.sh`` invocation, start-up included; output discarded."""
    start = time.perf_counter()
    done = subprocess.run([str(RUN_SH), "--data-dir", str(data_dir), *args], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"./run.sh {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
    return elapsed
