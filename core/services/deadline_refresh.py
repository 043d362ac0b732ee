"""Keeping a case's stored deadlines equal to what the policy and the calendar say."""
from __future__ import annotations

from datetime import date

import peewee

from core.deadlines import Deadlines, compute_deadlines
from core.services.workspace import Workspace
from core.workflow import OPEN_STATUSES
from models.case import Case
from models.procedure import Extension, InvestigationReport

DEADLINE_FIELDS = ("application_due", "report_due", "report_limit", "letter_due")


# Only what happened since the current acceptance counts: a withdrawn case that is reopened and
# accepted again starts its verification afresh.

def _latest_report_date(case: Case) -> date | None:
    if case.id is None or case.accepted_on is None:
        return None
    return (InvestigationReport.select(peewee.fn.MAX(InvestigationReport.reported_on))
            .where((InvestigationReport.case == case) & (InvestigationReport.reported_on >= case.accepted_on))
            .scalar())


def extension_days(case: Case) -> int:
    """Working days added by extensions approved since the current acceptance."""
    if case.id is None or case.accepted_on is None:
        return 0
    return (Extension.select(peewee.fn.SUM(Extension.days))
            .where((Extension.case == case) & (Extension.approved_on >= case.accepted_on)).scalar() or 0)


def deadlines_for(ws: Workspace, case: Case) -> Deadlines:
    return compute_deadlines(
        ws.policy(case.policy_id), ws.calendar,
        started_on=case.accountability_started_on, accepted_on=case.accepted_on,
        extension_days=extension_days(case), reported_on=_latest_report_date(case),
    )


def apply_deadlines(ws: Workspace, case: Case) -> dict[str, tuple[str | None, str | None]]:
    """Set the stored deadlines; returns what moved, as {field: (before, after)} in ISO dates."""
    computed = deadlines_for(ws, case)
    moved: dict[str, tuple[str | None, str | None]] = {}
    for name in DEADLINE_FIELDS:
        before, after = getattr(case, name), getattr(computed, name)
        if before != after:
            moved[name] = (_iso(before), _iso(after))
            setattr(case, name, after)
    case.deadlines_estimated = computed.estimated
    case.late_application = case.received_on > computed.application_due
    return moved


def refresh_open_cases(ws: Workspace) -> dict[str, dict[str, tuple[str | None, str | None]]]:
    """Recompute every open case's deadlines inside the caller's transaction; audit each move."""
    changes: dict[str, dict[str, tuple[str | None, str | None]]] = {}
    for case in Case.select().where(Case.status.in_(sorted(OPEN_STATUSES))).iterator():
        moved = apply_deadlines(ws, case)
        if moved:
            case.save()
            changes[case.number] = moved
            ws.record("recompute_deadlines", case.uuid, "case",
                      {k: b for k, (b, _) in moved.items()}, {k: a for k, (_, a) in moved.items()})
    return changes


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
