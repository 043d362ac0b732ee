"""Deadlines of a case in working days, as the policy sets them, and how close each one is."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from core.calendar import WorkCalendar
from core.policy import Policy

DUE_SOON = "due_soon"
OVERDUE = "overdue"
ON_TIME = "ok"


@dataclass(frozen=True)
class Deadlines:
    application_due: date
    report_due: date | None
    report_limit: date | None
    letter_due: date | None
    estimated_years: list[int] = field(default_factory=list)

    @property
    def estimated(self) -> bool:
        return bool(self.estimated_years)


def compute_deadlines(policy: Policy, calendar: WorkCalendar, *, started_on: date,
                      accepted_on: date | None, extension_days: int,
                      reported_on: date | None) -> Deadlines:
    application_due = calendar.add_workdays(started_on, policy.application_days)
    spans = [(started_on, application_due)]
    report_due = report_limit = letter_due = None
    if accepted_on is not None:
        report_limit = calendar.add_workdays(accepted_on, policy.verification_limit_days)
        days = min(policy.report_days + extension_days, policy.verification_limit_days)
        report_due = calendar.add_workdays(accepted_on, days)
        spans.append((accepted_on, report_limit))
    if reported_on is not None:
        letter_due = calendar.add_workdays(reported_on, policy.letter_days)
        spans.append((reported_on, letter_due))
    years = sorted({y for a, b in spans for y in calendar.estimated_years(a, b)})
    return Deadlines(application_due, report_due, report_limit, letter_due, years)


@dataclass(frozen=True)
class DeadlineState:
    name: str          # report_due | letter_due
    due: date
    workdays_left: int  # negative once passed
    state: str         # ok | due_soon | overdue


def deadline_state(policy: Policy, calendar: WorkCalendar, name: str, due: date, today: date) -> DeadlineState:
    left = calendar.count_workdays(today, due)
    if due < today:
        state = OVERDUE
    elif left <= policy.due_soon_days:
        state = DUE_SOON
    else:
        state = ON_TIME
    return DeadlineState(name, due, left, state)
