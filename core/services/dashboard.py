"""What the main window shows first: cases by status, deadlines that need attention, and this
month's determinations. Cheap on 100,000 cases: counts by index, and only open cases whose
deadline falls within the next few weeks are read."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import peewee

from core import workflow
from core.deadlines import DUE_SOON, OVERDUE
from core.services.case_view import _delivered, active_deadline, list_query
from core.services.workspace import Workspace
from models.case import Case
from models.procedure import Determination

# A due-soon deadline is a few working days away; this calendar window is wider than any
# policy's due-soon span, so no case that needs attention is missed.
LOOK_AHEAD_DAYS = 31
MAX_ATTENTION = 200


@dataclass
class Dashboard:
    by_status: dict[str, int]
    attention: list[dict[str, Any]]          # overdue first, then due soon, soonest first
    determined_this_month: dict[str, int]    # outcome label -> count
    total: int = 0
    estimated_deadlines: int = 0
    notes: list[str] = field(default_factory=list)


def dashboard(ws: Workspace) -> Dashboard:
    today = ws.today()
    rows: Any = Case.select(Case.status, peewee.fn.COUNT(Case.id)).group_by(Case.status).tuples()
    by_status = {status: 0 for status in workflow.STATUS_LABELS} | dict(rows)
    horizon = today + timedelta(days=LOOK_AHEAD_DAYS)
    candidates = list(list_query().where(
        ((Case.status == "investigating") & (Case.report_due <= horizon))
        | (Case.status.in_(["reported", "determined"]) & (Case.letter_due <= horizon))).objects())
    delivered = _delivered([c.id for c in candidates if c.status == "determined"])
    attention = []
    for case in candidates:
        state = active_deadline(ws, case, delivered.get(case.id, set()))
        if state and state.state in (OVERDUE, DUE_SOON):
            attention.append({"number": case.number, "applicant": case.applicant_name, "status": case.status,
                              "status_label": workflow.status_label(case.status),
                              "deadline": "出具调查报告" if state.name == "report_due" else "下发认定书",
                              "due": state.due.isoformat(), "workdays_left": state.workdays_left,
                              "state": state.state, "estimated": case.deadlines_estimated})
    attention.sort(key=lambda r: (r["state"] != OVERDUE, r["due"]))
    return Dashboard(by_status, attention[:MAX_ATTENTION], _this_month(ws, today), sum(by_status.values()),
                     sum(1 for r in attention if r["estimated"]))


def _this_month(ws: Workspace, today: date) -> dict[str, int]:
    first = today.replace(day=1)
    rows: Any = (Determination.select(Determination.case, Determination.outcome, Case.policy_id).join(Case)
                 .where((Determination.determined_on >= first) & (Determination.determined_on <= today)).tuples())
    counts: dict[str, int] = {}
    for _case, outcome, policy_id in rows:
        label = ws.policy(policy_id).outcome(outcome).label
        counts[label] = counts.get(label, 0) + 1
    return counts
