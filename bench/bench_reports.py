"""The ledger (台账 XLSX) and the statistics on a large database.

A script, not a test. It registers N applications from bench/generate.py with ``register_cases``,
then gives most of them a history by inserting procedure records directly (acceptance, report,
determination, deliveries, archive: a read-only benchmark needs the rows, not the audit trail, and
driving 100,000 cases through ``perform_action`` would take hours), and times:

1. ``write_ledger`` over every case (and the size of the file),
2. ``statistics`` for the year 2026, and ``write_statistics_pdf`` for it.

    .venv/bin/python bench/bench_reports.py --cases 100000 [--out DIR] [--keep]

With ``--out DIR`` holding a database made before (``--keep``), the cases are not made again.
"""
from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import applications  # noqa: E402
from core.services.registration import register_cases  # noqa: E402
from core.services.workspace import Workspace  # noqa: E402
from models.case import Case  # noqa: E402
from models.procedure import ArchiveRecord, Delivery, Determination, InvestigationReport  # noqa: E402

TODAY = date(2026, 11, 27)
OUTCOMES = ("exempted", "exempted", "mitigated", "lighter", "not_exempted")


def make_cases(ws: Workspace, n: int, batch: int) -> None:
    stream = applications(n)
    made = 0
    start = time.perf_counter()
    while made < n:
        chunk = list(islice(stream, min(batch, n - made)))
        register_cases(ws, chunk)
        made += len(chunk)
        print(f"  {made:,} cases registered ({time.perf_counter() - start:.0f} s)", file=sys.stderr)


def give_history(ws: Workspace, seed: int) -> None:
    """Most cases far enough back get a history: about 75 % archived, the rest of the older ones
    spread over investigating, reported, determined, rejected and withdrawn."""
    rng = random.Random(seed)
    cal = ws.calendar
    policy = ws.policy()
    rows: Any = Case.select(Case.id, Case.received_on).tuples()
    cases = list(rows)
    reports, determinations, deliveries, archives = [], [], [], []
    with ws.adapter.db.atomic():
        for case_id, received in cases:
            if received > TODAY - timedelta(days=20):
                continue           # recent: stays registered
            roll = rng.random()
            if roll < 0.04:
                Case.update(status="rejected", rejected_on=cal.add_workdays(received, 2),
                            rejection_reason="不属于本机关管辖").where(Case.id == case_id).execute()
                continue
            accepted = cal.add_workdays(received, rng.randint(1, 3))
            report_due = cal.add_workdays(accepted, policy.report_days)
            fields: dict[str, Any] = {"accepted_on": accepted, "report_due": report_due,
                                      "report_limit": cal.add_workdays(accepted, policy.verification_limit_days)}
            if roll < 0.06:
                Case.update(status="withdrawn", withdrawn_on=cal.add_workdays(accepted, 3), **fields) \
                    .where(Case.id == case_id).execute()
                continue
            reported = cal.add_workdays(accepted, rng.randint(8, 17))
            fields["letter_due"] = cal.add_workdays(reported, policy.letter_days)
            status = "archived" if roll < 0.85 or reported < TODAY - timedelta(days=60) else \
                rng.choice(("investigating", "reported", "determined"))
            if status == "investigating" or reported > TODAY:
                fields.pop("letter_due")
                Case.update(status="investigating", **fields).where(Case.id == case_id).execute()
                continue
            reports.append({"case": case_id, "reported_on": reported, "findings": "经查……",
                            "proposal": "exempted"})
            if status == "reported":
                Case.update(status=status, **fields).where(Case.id == case_id).execute()
                continue
            determined = cal.add_workdays(reported, rng.randint(2, 11))
            if determined > TODAY:
                Case.update(status="reported", **fields).where(Case.id == case_id).execute()
                continue
            determinations.append({"case": case_id, "determined_on": determined, "outcome": rng.choice(OUTCOMES),
                                   "reasoning": "经集体研究作出认定。", "approver": "张明"})
            for i, recipient in enumerate(("organ", "applicant")):
                deliveries.append({"case": case_id, "recipient": recipient, "method": "直接送达",
                                   "delivered_on": min(cal.add_workdays(determined, 1 + i), TODAY)})
            if status == "archived":
                archives.append({"case": case_id, "archived_on": min(cal.add_workdays(determined, 5), TODAY),
                                 "retention_period": "永久"})
            Case.update(status=status, **fields).where(Case.id == case_id).execute()
        for model, data in ((InvestigationReport, reports), (Determination, determinations), (Delivery, deliveries),
                            (ArchiveRecord, archives)):
            for i in range(0, len(data), 2000):
                model.insert_many(data[i:i + 2000]).execute()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--out", type=Path, help="data folder (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the data folder afterwards")
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=20261127)
    args = parser.parse_args()

    data_dir = args.out or Path(tempfile.mkdtemp(prefix="rongcuo-reports-"))
    ws = Workspace(data_dir, actor="bench", today=lambda: TODAY)
    try:
        if not Case.select().exists():
            start = time.perf_counter()
            make_cases(ws, args.cases, args.batch)
            give_history(ws, args.seed)
            print(f"made {args.cases:,} cases in {time.perf_counter() - start:.0f} s", file=sys.stderr)
        total = Case.select().count()
        from core.services.ledger import write_ledger
        from core.services.statistics import statistics, write_statistics_pdf

        out = data_dir / "bench-ledger.xlsx"
        start = time.perf_counter()
        result = write_ledger(ws, out)
        ledger_s = time.perf_counter() - start
        print(f"write_ledger: {result.rows:,} of {total:,} cases in {ledger_s:.2f} s "
              f"({result.rows / ledger_s:,.0f} rows/s), {out.stat().st_size / 1e6:.1f} MB")
        start = time.perf_counter()
        stats = statistics(ws, date(2026, 1, 1), TODAY)
        stats_s = time.perf_counter() - start
        print(f"statistics 2026-01-01..{TODAY}: {stats_s:.2f} s (received {stats.received:,}, "
              f"determinations {stats.determinations:,})")
        start = time.perf_counter()
        pdf = write_statistics_pdf(ws, date(2026, 1, 1), TODAY, data_dir / "bench-statistics.pdf")
        print(f"write_statistics_pdf: {time.perf_counter() - start:.2f} s, {pdf.stat().st_size / 1e3:.0f} kB")
    finally:
        ws.close()
        if not args.keep and args.out is None:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
