"""Command handlers for the ledger (``ledger``) and the statistics report (``stats``).

Parsing lives in ``cli/main.py`` (the ``add_parser`` blocks); these handlers only turn the
arguments into calls to ``core.services.ledger`` and ``core.services.statistics`` and print one
Chinese line of result. Officer mistakes surface as ``UserError`` (exit code 1, one line on stderr).
"""
from __future__ import annotations

import argparse
import json

from core import validation as v
from core.services.workspace import Workspace


def cmd_ledger(ws: Workspace, args: argparse.Namespace) -> None:
    from core.services.ledger import write_ledger

    result = write_ledger(ws, args.out, status=args.status, received_from=args.date_from, received_to=args.date_to)
    print(f"已导出案件台账：{result.rows} 件，{result.path}")


def cmd_stats(ws: Workspace, args: argparse.Namespace) -> None:
    from core.services.statistics import chinese_date, save_statistics_pdf, statistics

    first = v.parse_date(args.date_from, "from", "统计起始日期（--from）", allow_future=True)
    last = v.parse_date(args.date_to, "to", "统计截止日期（--to）", allow_future=True) if args.date_to else ws.today()
    stats = statistics(ws, first, last)
    path = save_statistics_pdf(stats, args.out)
    if args.json:
        print(json.dumps(stats.to_json(), ensure_ascii=False, indent=2))
    else:
        print(f"已出具容错免责工作统计（{chinese_date(first)}至{chinese_date(last)}）：{path}")
