"""How rongcuo copes with a large ledger: creating, listing, showing and working cases.

A script, not a test: it prints figures, each beside the alternative a user would otherwise get,
measured in the same run, and ends with a Markdown table for docs/performance.md.

    .venv/bin/python bench/bench_cases.py --cases 100000 [--out DIR] [--keep]

1. Creation: N applications from bench/generate.py. The first ``--sample`` go one transaction each
   through ``register_case`` (what ``case add`` does: a commit and an fsync per case); the rest go
   through ``register_cases`` in batches of ``--batch`` per transaction. The per-case rate is also
   extrapolated to N, and labelled so.
2. A share of the cases (``--drive``) is taken through accept / note / report / determine /
   deliver / archive (and some rejected or withdrawn) with ``perform_action``, so that every status
   and deadline, overdue or not, is present.
3. ``case list``: ``list_cases`` in-process and the CLI, against one page built case by case with
   ``case_details`` (the N+1 way) and against the floor, a bare SQL query of the same rows.
4. ``case show``: ``case_details`` and the CLI.
5. A whole life cycle through the services on the full database, per action, against the same
   life cycle through the CLI (one process per action, as a script driving ``./run.sh`` would do).
6. Search: the first page of ``search_cases`` for a 3-character name (FTS5 trigram) and a
   2-character name (LIKE fallback), found and not found, against a plain ``LIKE '%…%'`` over the
   same fields joined from the tables.

Dates: the services run with today = 2026-11-27; the CLI uses the machine's date.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

import peewee

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.figures import (  # noqa: E402
    RUN_SH,
    cli,
    fmt,
    markdown_table,
    median,
    p95,
    progress,
    row,
    say,
    timings,
)
from bench.generate import applications  # noqa: E402
from core.services.actions import perform_action  # noqa: E402
from core.services.case_view import case_details, list_cases  # noqa: E402
from core.services.registration import register_case, register_cases  # noqa: E402
from core.services.search import search_cases  # noqa: E402
from core.services.workspace import Workspace  # noqa: E402
from models.case import Case  # noqa: E402
from models.database import DATABASE_FILE  # noqa: E402

TODAY = date(2026, 11, 27)
ACTOR = "基准测试"


# --- measuring and reporting ----------------------------------------------------------------------

def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median wall time of ``repeat`` calls, and the last result."""
    times, result = timings(fn, repeat)
    return median(times), result


def cli_output(data_dir: Path, *args: str) -> str:
    done = subprocess.run([str(RUN_SH), "--data-dir", str(data_dir), *args], capture_output=True, text=True,
                          check=True)
    return done.stdout.strip()


def machine() -> list[str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return [f"CPU: {cpu}, {os.cpu_count()} logical CPUs (nproc)",
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {platform.platform()}"]


def disk(path: Path) -> str:
    try:
        out = subprocess.run(["df", "-T", str(path)], capture_output=True, text=True, check=True).stdout
        device, fstype = out.splitlines()[1].split()[:2]
        return f"{path} on {device} ({fstype})"
    except (OSError, subprocess.CalledProcessError, IndexError, ValueError):
        return str(path)


def db_size(data_dir: Path) -> int:
    return sum(f.stat().st_size for f in data_dir.glob(DATABASE_FILE + "*"))


# --- 1. creation ----------------------------------------------------------------------------------

def register_all(ws: Workspace, stream: Iterator[dict[str, Any]], n: int, sample: int, batch: int) -> tuple[float, float]:
    """Register ``n`` applications from ``stream``: the first ``sample`` one transaction each with
    ``register_case`` (what ``case add`` does), the rest ``batch`` per transaction with
    ``register_cases``. Returns the seconds spent on each part (generating is not timed)."""
    sample = min(sample, n)
    first = list(islice(stream, sample))
    start = time.perf_counter()
    for application in first:
        register_case(ws, application)
    per_case = time.perf_counter() - start
    if sample:
        progress(f"{sample} cases one per transaction in {fmt(per_case)}")

    bulk, created = 0.0, sample
    while created < n:
        chunk = list(islice(stream, min(batch, n - created)))   # generating is not timed
        start = time.perf_counter()
        register_cases(ws, chunk)
        bulk += time.perf_counter() - start
        created += len(chunk)
        progress(f"{created:,} cases ({(created - sample) / bulk:,.0f}/s in bulk)")
    return per_case, bulk


def bench_creation(ws: Workspace, stream: Iterator[dict[str, Any]], n: int, sample: int, batch: int) -> None:
    sample = min(sample, n)
    per_case, bulk = register_all(ws, stream, n, sample, batch)
    bulk_count = n - sample
    if bulk_count:
        row("1 create", f"`register_cases`, {batch:,} per transaction: {bulk_count:,} cases",
            f"{bulk_count / bulk:,.0f} cases/s ({fmt(bulk)})",
            f"`register_case`, one transaction per case: first {sample:,} cases",
            f"{sample / per_case:,.0f} cases/s ({per_case / sample * 1000:.1f} ms/case)")
        row("1 create", f"{n:,} cases in bulk ({bulk_count:,} measured, scaled to {n:,})", fmt(n / (bulk_count / bulk)),
            f"{n:,} cases one per transaction (**extrapolated** from {sample:,})", fmt(per_case / sample * n))
    else:
        row("1 create", f"`register_case`: {sample:,} cases", f"{sample / per_case:,.0f} cases/s")


# --- 2. every status present ----------------------------------------------------------------------

def _drive_one(ws: Workspace, number: str, received: date, late: bool, target: str, rng: random.Random,
               times: list[float], evidence_files: Callable[[], list[str]] | None = None) -> None:
    cal = ws.calendar

    def after(day: date, workdays: int) -> date:
        return min(cal.add_workdays(day, workdays), TODAY)

    def act(action: str, on: date, **fields: Any) -> None:
        start = time.perf_counter()
        perform_action(ws, number, action, on, fields)
        times.append(time.perf_counter() - start)

    if target == "rejected":
        act("reject", after(received, 2), reason="申请事项不属于本机关干部管理权限，已告知申请人向有管辖权的机关提出")
        return
    accepted = after(received, 1)
    act("accept", accepted, late_reason="因住院治疗未能按期提出，有医院证明" if late else "")
    act("note", after(accepted, 2), place="谈话室", interviewers="马军、杨帆", recorder="杨帆",
        text="问：请说明事情经过。答：为加快进度，经集体研究后先行办理，事后及时补正了材料。")
    if target == "withdrawn":
        act("withdraw", after(accepted, 4), reason="申请人书面申请撤回")
        return
    files = {"files": evidence_files()} if evidence_files is not None else {}
    act("evidence", after(accepted, 3), title="会议纪要复印件", source="申请人提交", pages=rng.randint(1, 30), **files)
    if target == "investigating":
        return
    exclusions = [2] if rng.random() < 0.1 else []
    outcome = "not_exempted" if exclusions else rng.choice(("exempted", "exempted", "lighter", "mitigated"))
    reported = after(accepted, rng.randint(8, 14))
    act("report", reported, findings="经调查核实，事实清楚。", proposal=outcome, exclusions=exclusions,
        situation_analysis={"4": "符合该项容错情形"}, distinctions={"1": "属于缺乏经验、先行先试出现的失误"})
    if target == "reported":
        return
    determined = after(reported, rng.randint(2, 8))
    act("determine", determined, outcome=outcome, reasoning="根据调查结果，经集体研究作出认定。", approver="张明")
    recipients = ["organ", "applicant"] if target == "archived" else ["organ"] if rng.random() < 0.5 else []
    for i, recipient in enumerate(recipients):
        act("deliver", after(determined, 1 + i), to=recipient, receipt="已签收送达回证")
    if target == "archived":
        act("archive", after(determined, 4), volume_number=f"RC-{number}", retention_period="永久")


# target: (share of the driven cases, earliest receipt, latest receipt)
DRIVE_PLAN = {
    "archived": (0.35, date(2025, 1, 1), date(2026, 9, 30)),
    "determined": (0.10, date(2025, 1, 1), date(2026, 10, 20)),
    "reported": (0.10, date(2026, 10, 1), date(2026, 10, 31)),
    "investigating-recent": (0.15, date(2026, 10, 26), date(2026, 11, 24)),
    "investigating-stale": (0.15, date(2025, 1, 1), date(2026, 9, 30)),
    "rejected": (0.10, date(2025, 1, 1), date(2026, 11, 24)),
    "withdrawn": (0.05, date(2025, 1, 1), date(2026, 11, 10)),
}


def drive_cases(ws: Workspace, count: int, rng: random.Random,
                evidence_files: Callable[[], list[str]] | None = None) -> tuple[int, list[float], float]:
    """Take ``count`` registered cases further, shared out as ``DRIVE_PLAN`` says, one action per
    transaction with ``perform_action``. ``evidence_files``, when given, is asked for the files
    (paths) to attach at each evidence action. Returns the cases driven, each action's time, and the
    elapsed time."""
    candidates = list(Case.select(Case.number, Case.received_on, Case.late_application)
                      .where(Case.status == "registered").tuples())
    rng.shuffle(candidates)
    used: set[str] = set()
    times: list[float] = []
    start = time.perf_counter()
    driven = 0
    for plan, (share, low, high) in DRIVE_PLAN.items():
        target = plan.split("-")[0]
        wanted = round(count * share)
        for number, received, late in candidates:
            if wanted == 0:
                break
            if number in used or not low <= received <= high:
                continue
            used.add(number)
            _drive_one(ws, number, received, late, target, rng, times, evidence_files)
            wanted -= 1
            driven += 1
        progress(f"{driven:,} cases driven ({len(times):,} actions)")
    return driven, times, time.perf_counter() - start


def status_counts() -> dict[str, int]:
    return dict(Case.select(Case.status, peewee.fn.COUNT(Case.id)).group_by(Case.status).tuples())


def bench_drive(ws: Workspace, count: int, rng: random.Random) -> None:
    if count <= 0:
        return
    driven, times, elapsed = drive_cases(ws, count, rng)
    row("2 drive", f"`perform_action` on {driven:,} cases ({len(times):,} actions, one transaction each)",
        f"{len(times) / elapsed:,.0f} actions/s (median {fmt(median(times))}, p95 {fmt(p95(times))})")
    say("  statuses: " + ", ".join(f"{k} {v:,}" for k, v in sorted(status_counts().items())))


# --- 3. case list ---------------------------------------------------------------------------------

FLOOR_SQL = """
SELECT c.number, c.uuid, c.status, c.received_on, a.name, c.late_application, c.report_due, c.letter_due,
       c.deadlines_estimated
FROM "case" c JOIN applicant a ON a.case_id = c.id ORDER BY c.year DESC, c.seq DESC
"""
CADRES_SQL = 'SELECT cc.case_id, cd.name FROM case_cadre cc JOIN cadre cd ON cd.id = cc.cadre_id ORDER BY cc.id'


def bench_list(ws: Workspace, data_dir: Path, page: int) -> None:
    all_time, rows = timed(lambda: list_cases(ws), 3)
    inv_time, inv = timed(lambda: list_cases(ws, status="investigating"), 5)
    over_time, over = timed(lambda: list_cases(ws, overdue_only=True), 5)
    dump_time, _ = timed(lambda: json.dumps({"count": len(rows), "cases": rows}, ensure_ascii=False, indent=2,
                                            default=str), 3)

    numbers = [r["number"] for r in rows[:page]]
    page_time, _ = timed(lambda: [case_details(ws, number) for number in numbers], 3)

    def floor() -> int:
        conn = sqlite3.connect(f"file:{data_dir / DATABASE_FILE}?mode=ro", uri=True)
        try:
            found = conn.execute(FLOOR_SQL).fetchall()
            conn.execute(CADRES_SQL).fetchall()
            return len(found)
        finally:
            conn.close()

    floor_time, floor_rows = timed(floor, 3)

    row("3 list", f"`list_cases(ws)`: all {len(rows):,} cases", fmt(all_time),
        f"the same {len(rows):,} rows built case by case with `case_details` (N+1, **extrapolated** from "
        f"{page})", fmt(page_time / page * len(rows)))
    row("3 list", f"`list_cases(ws)` all, per {page} rows", fmt(all_time / len(rows) * page),
        f"one page of {page} cases with `case_details`, one by one", fmt(page_time))
    row("3 list", "`list_cases(ws)` all", fmt(all_time),
        f"floor: bare SQL of the same {floor_rows:,} rows + cadre names, no deadlines (sqlite3)", fmt(floor_time))
    row("3 list", f"`list_cases(ws, status=\"investigating\")`: {len(inv):,} cases", fmt(inv_time))
    row("3 list", f"`list_cases(ws, overdue_only=True)`: {len(over):,} cases", fmt(over_time))
    row("3 list", f"of which JSON encoding of all {len(rows):,} rows (as the CLI prints them)", fmt(dump_time))

    cli(data_dir, "workdays", "add", "2026-11-27", "1")   # warm the page cache and the .pyc files
    startup = median([cli(data_dir, "workdays", "add", "2026-11-27", "1") for _ in range(5)])
    cli_all = median([cli(data_dir, "case", "list", "--json") for _ in range(3)])
    cli_over = median([cli(data_dir, "case", "list", "--overdue", "--json") for _ in range(3)])
    row("3 list", "CLI `./run.sh --data-dir D case list --json` (all), wall time incl. start-up", fmt(cli_all),
        "CLI start-up alone: `./run.sh --data-dir D workdays add 2026-11-27 1`", fmt(startup))
    row("3 list", "CLI `case list --overdue --json`, wall time", fmt(cli_over))


# --- 4. case show ---------------------------------------------------------------------------------

def bench_show(ws: Workspace, data_dir: Path, numbers: list[str], repeat_cli: int) -> None:
    times = []
    for number in numbers:
        start = time.perf_counter()
        case_details(ws, number)
        times.append(time.perf_counter() - start)
    row("4 show", f"`case_details(ws, number)`, {len(numbers)} random cases",
        f"median {fmt(median(times))}, p95 {fmt(p95(times))}")
    cli_times = [cli(data_dir, "case", "show", number, "--json") for number in numbers[:repeat_cli]]
    row("4 show", f"CLI `case show NUMBER --json`, median of {len(cli_times)}", fmt(median(cli_times)))


# --- 5. a whole life cycle ------------------------------------------------------------------------

LIFE_CYCLE = ("register", "accept", "note", "evidence", "extend", "expert", "report", "determine",
              "deliver organ", "deliver applicant", "archive")


@dataclass
class Plan:
    application: dict[str, Any]
    dates: dict[str, date]
    fields: dict[str, dict[str, Any]]


def _plan(ws: Workspace, application: dict[str, Any], rng: random.Random, scan: Path) -> Plan:
    cal = ws.calendar
    received = date(2026, 8, 3) + timedelta(days=rng.randrange(44))   # 2026-08-03 … 2026-09-15
    application = dict(application, received_on=received.isoformat())
    application["accountability"] = dict(application["accountability"],
                                         started_on=(received - timedelta(days=rng.randint(1, 6))).isoformat())
    accepted = cal.add_workdays(received, 1)
    reported = cal.add_workdays(accepted, 14)
    determined = cal.add_workdays(reported, 3)
    situations = application["situations"]
    dates = {"accept": accepted, "note": cal.add_workdays(accepted, 2), "evidence": cal.add_workdays(accepted, 3),
             "extend": cal.add_workdays(accepted, 5), "expert": cal.add_workdays(accepted, 8), "report": reported,
             "determine": determined, "deliver organ": cal.add_workdays(determined, 1),
             "deliver applicant": cal.add_workdays(determined, 2), "archive": cal.add_workdays(determined, 3)}
    fields = {
        "accept": {"clues": "single"},
        "note": {"place": "谈话室", "interviewers": "马军、杨帆", "recorder": "杨帆",
                 "interviewee": application["cadres"][0]["name"],
                 "text": "问：请说明事情经过。答：为加快进度，经集体研究后先行办理，事后及时补正了材料。" * 5},
        "evidence": {"title": "会议纪要扫描件", "source": "申请人提交", "pages": 4, "files": [str(scan)]},
        "extend": {"days": 10, "reason": "涉及多个部门，情况复杂，需进一步调取材料", "approver": "王宏"},
        "expert": {"kind": "expert", "participants": "县发改局、县财政局、宁夏大学 李教授",
                   "opinion": "经讨论评估，该事项属于探索性工作中的一般性偏差"},
        "report": {"findings": "经调查核实，事实清楚，证据确凿。", "proposal": "exempted",
                   "situation_analysis": {str(s): "符合该项容错情形" for s in situations},
                   "distinctions": {"1": "属于缺乏经验、先行先试出现的失误", "3": "未谋取私利"}},
        "determine": {"outcome": "exempted", "reasoning": "根据调查结果，经集体研究作出认定。", "approver": "张明"},
        "deliver organ": {"to": "organ", "method": "直接送达", "receipt": "已签收送达回证"},
        "deliver applicant": {"to": "applicant", "method": "邮寄送达", "receipt": "EMS 1234567890"},
        "archive": {"volume_number": "RC-2026-001", "retention_period": "永久", "classification": "内部"},
    }
    return Plan(application, dates, fields)


def _scan(directory: Path, index: int) -> Path:
    """A small, distinct 'scanned page' to attach as evidence (64 KiB)."""
    path = directory / f"scan-{index:03d}.pdf"
    path.write_bytes(b"%PDF-1.4\n" + random.Random(index).randbytes(64 * 1024))
    return path


def bench_life_cycle(ws: Workspace, data_dir: Path, stream: Iterator[dict[str, Any]], count: int,
                     cli_count: int, rng: random.Random, scratch: Path) -> list[str]:
    per_action: dict[str, list[float]] = {step: [] for step in LIFE_CYCLE}
    totals: list[float] = []
    numbers: list[str] = []
    for index in range(count):
        plan = _plan(ws, next(stream), rng, _scan(scratch, index))
        total = 0.0
        start = time.perf_counter()
        number = register_case(ws, plan.application).number
        elapsed = time.perf_counter() - start
        per_action["register"].append(elapsed)
        total += elapsed
        for step in LIFE_CYCLE[1:]:
            action = step.split()[0]
            start = time.perf_counter()
            perform_action(ws, number, action, plan.dates[step], plan.fields[step])
            elapsed = time.perf_counter() - start
            per_action[step].append(elapsed)
            total += elapsed
        totals.append(total)
        numbers.append(number)
    progress(f"{count} life cycles through the services")

    cli_totals: list[float] = []
    cli_per_action: dict[str, list[float]] = {step: [] for step in LIFE_CYCLE}
    for index in range(cli_count):
        plan = _plan(ws, next(stream), rng, _scan(scratch, 1000 + index))
        app_file = scratch / f"application-{index}.json"
        app_file.write_text(json.dumps(plan.application, ensure_ascii=False), encoding="utf-8")
        total = 0.0
        start = time.perf_counter()
        number = cli_output(data_dir, "case", "add", str(app_file))
        elapsed = time.perf_counter() - start
        cli_per_action["register"].append(elapsed)
        total += elapsed
        for step in LIFE_CYCLE[1:]:
            fields_file = scratch / f"fields-{index}-{step.replace(' ', '-')}.json"
            fields_file.write_text(json.dumps(plan.fields[step], ensure_ascii=False), encoding="utf-8")
            elapsed = cli(data_dir, "case", "act", number, step.split()[0], "--date", plan.dates[step].isoformat(),
                          "--json-file", str(fields_file))
            cli_per_action[step].append(elapsed)
            total += elapsed
        cli_totals.append(total)
    progress(f"{cli_count} life cycles through the CLI")

    for step in LIFE_CYCLE:
        call = "`register_case`" if step == "register" else f"`perform_action(…, \"{step.split()[0]}\")`"
        label = f"{step}: {call}" + (" (64 KiB file attached)" if step == "evidence" else "")
        cli_figure = fmt(median(cli_per_action[step])) if cli_count else "—"
        row("5 life cycle", label, fmt(median(per_action[step])),
            "the same action through the CLI (one process)" if cli_count else "—", cli_figure)
    row("5 life cycle", f"whole life cycle, 11 actions (median of {count} cases)", fmt(median(totals)),
        f"the same through the CLI (median of {cli_count})" if cli_count else "—",
        fmt(median(cli_totals)) if cli_count else "—")
    return numbers


# --- 6. search -----------------------------------------------------------------------------------

# The same fields as the search index, straight from the tables: what a search without an index does.
LIKE_WHERE = """
WHERE c.number LIKE :p OR a.name LIKE :p OR a.contact_person LIKE :p OR a.id_number LIKE :p
   OR a.credit_code LIKE :p OR c.accountability_organ LIKE :p OR c.accountability_matter LIKE :p
   OR EXISTS (SELECT 1 FROM case_cadre cc JOIN cadre cd ON cd.id = cc.cadre_id WHERE cc.case_id = c.id
              AND (cd.name LIKE :p OR cd.id_number LIKE :p OR cc.unit LIKE :p))
   OR EXISTS (SELECT 1 FROM investigation_note n WHERE n.case_id = c.id AND n.text LIKE :p)
"""
LIKE_SQL = f"""
SELECT c.id FROM "case" c JOIN applicant a ON a.case_id = c.id {LIKE_WHERE}
ORDER BY c.received_on DESC, c.id DESC LIMIT :n
"""
LIKE_COUNT_SQL = f'SELECT count(*) FROM "case" c JOIN applicant a ON a.case_id = c.id {LIKE_WHERE}'


def bench_search(ws: Workspace, rng: random.Random, page: int) -> None:
    def name_of_length(length: int) -> str:
        names = [n for (n,) in ws.adapter.db.execute_sql(
            "SELECT name FROM cadre WHERE length(name) = ? ORDER BY id LIMIT 500", [length]).fetchall()]
        return str(rng.choice(names))

    def plain_like(text: str) -> int:   # on the same connection, so both read a warm cache
        return len(ws.adapter.db.execute_sql(LIKE_SQL, {"p": f"%{text}%", "n": page}).fetchall())

    for label, text in (("3-character name", name_of_length(3)), ("2-character name", name_of_length(2)),
                        ("3 characters found nowhere", "无此人"), ("2 characters found nowhere", "无某")):
        times, result = timings(lambda t=text: search_cases(ws, t, limit=page), 7)   # type: ignore[misc]
        like_times, like_rows = timings(lambda t=text: plain_like(t), 7)   # type: ignore[misc]
        row("6 search", f"`search_cases`, {label} “{text}”: first page ({len(result.rows)} rows)",
            f"median {fmt(median(times))} (max {fmt(max(times))})",
            f"plain `LIKE '%…%'` over the same fields and tables, first page ({like_rows} rows)",
            f"median {fmt(median(like_times))} (max {fmt(max(like_times))})")


# --- main -----------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000, help="cases to create (default 100000)")
    parser.add_argument("--out", type=Path, help="folder for the data (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument("--batch", type=int, default=5_000, help="applications per bulk transaction")
    parser.add_argument("--sample", type=int, default=1_000, help="cases registered one per transaction")
    parser.add_argument("--drive", type=int, default=2_000, help="cases taken beyond 'registered'")
    parser.add_argument("--show", type=int, default=200, help="random cases for case_details")
    parser.add_argument("--page", type=int, default=50, help="page size for the N+1 baseline")
    parser.add_argument("--life-cycles", type=int, default=50)
    parser.add_argument("--cli-life-cycles", type=int, default=5)
    args = parser.parse_args()

    out = args.out.resolve() if args.out else Path(tempfile.mkdtemp(prefix="rongcuo-bench-"))
    data_dir = out / "data"
    if (data_dir / DATABASE_FILE).exists():
        parser.error(f"{data_dir} already holds a database; choose another --out")
    scratch = out / "scratch"
    scratch.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)

    say(f"# rongcuo benchmark: {args.cases:,} cases, seed {args.seed}, today {TODAY}")
    for line in [*machine(), f"data: {disk(out)}"]:
        say(f"# {line}")
    started = time.perf_counter()

    ws = Workspace(data_dir, actor=ACTOR, today=lambda: TODAY)
    try:
        stream = applications(args.cases + args.life_cycles + args.cli_life_cycles, args.seed)
        bench_creation(ws, stream, args.cases, args.sample, args.batch)
        bench_drive(ws, args.drive, rng)
        bench_list(ws, data_dir, args.page)
        all_numbers = [n for (n,) in Case.select(Case.number).tuples()]
        bench_show(ws, data_dir, rng.sample(all_numbers, min(args.show, len(all_numbers))), 5)
        bench_search(ws, rng, args.page)
        numbers = bench_life_cycle(ws, data_dir, stream, args.life_cycles, args.cli_life_cycles, rng, scratch)
        times = []
        for number in numbers:
            start = time.perf_counter()
            case_details(ws, number)
            times.append(time.perf_counter() - start)
        if times:
            row("4 show", f"`case_details` of a fully worked (archived) case, {len(times)} cases",
                f"median {fmt(median(times))}")
        total_cases = Case.select().count()
        say(f"# database: {total_cases:,} cases, {db_size(data_dir) / 1e6:,.0f} MB (with WAL); "
            f"whole run {fmt(time.perf_counter() - started)}")
    finally:
        ws.close()

    say("\n" + markdown_table())
    shutil.rmtree(scratch, ignore_errors=True)
    if args.keep:
        say(f"\n# kept: {data_dir}")
    else:
        shutil.rmtree(data_dir, ignore_errors=True)
        if not args.out:
            shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
