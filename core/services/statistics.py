"""Statistics of the office's work over a period: the numbers behind the statistics report (PDF,
``write_statistics_pdf``) and, later, the GUI's charts. ``statistics()`` returns plain typed data
(frozen dataclasses of ints, strings and dates; ``Statistics.to_json()`` for JSON).

Definitions. The period is ``date_from`` to ``date_to``, both days included. Each figure counts the
cases whose event of that kind is dated in the period, whenever the case was received:

* ``received`` — applications received (``received_on``) in the period; ``late_applications`` are
  those received after the application deadline; ``received_by_status`` is where those cases stand
  today (sums to ``received``).
* ``accepted`` / ``rejected`` / ``withdrawn`` — cases accepted, refused (不予受理) or withdrawn in the
  period. A case reopened after a refusal or a withdrawal is no longer counted as refused or
  withdrawn (reopening clears that decision).
* ``reports`` — cases with an investigation report in the period (a case with several counts once,
  by its last report in the period).
* ``determinations`` — cases with a determination in the period, each counted once by its last
  determination in the period (the one in force at the end of the period, so a past period's
  figures do not change when a case is determined again later); ``by_outcome`` splits them
  (sums to ``determinations``) and ``tolerant`` counts the outcomes the policy marks tolerant
  (从轻、减轻、免责).
* ``by_situation`` — per tolerance situation of the office's policy: ``applied``, cases received in
  the period that invoke it; ``found``, determinations in the period with a tolerant outcome, under
  each situation the application invoked. (The report analyses each invoked situation in words; the
  program records no yes/no per situation, so a tolerant determination counts under all of them.)
  A case invoking two situations counts under both, so these columns may sum to more than
  ``received`` or ``tolerant``.
* ``by_unit`` / ``by_organ_type`` — per unit (单位) and organ type (单位类型) of the cadres concerned:
  ``received``, ``determined`` and ``tolerant`` as above. A case concerning cadres of two units counts
  once under each. Units are ranked by received, then determined; the first ``top_units`` are listed
  and the rest summed in one row with ``key == ""`` (each case counted once there). Organ types are
  all those of the policy, in its order (zeros included), then any other type found.
* ``by_month`` — every calendar month that overlaps the period (cut to the period at both ends):
  received, accepted, determined and tolerant, by the same dates as above; each column sums to the
  period's figure.
* Deadlines: ``reports_late`` — reports in the period issued after the report deadline;
  ``letters_late`` — determinations in the period whose letter reached both the accountability
  organ and the applicant after the letter deadline, or has not reached both and the deadline has
  passed (as of ``as_of``). ``overdue_now_report`` / ``overdue_now_letter`` — cases received by the
  end of the period that are overdue today (``as_of``): the same test as the case list and the
  ledger (``case_view.active_deadline``). ``estimated_deadlines`` — cases received in the period
  whose deadlines rest on an estimated holiday calendar; ``estimated_years`` — years of the period
  without an official holiday schedule (working-day averages over them are estimates too).
* Durations: ``avg_workdays_to_report`` — working days from acceptance to the report, averaged over
  the ``reports`` (``reports_timed`` of them had both dates); ``avg_workdays_to_determination`` —
  from the last report on or before the determination to the determination, averaged over the
  ``determinations`` (``determinations_timed``). ``None`` when nothing was timed.

Labels (outcomes, situations, organ types) come from the office's policy; a case registered under
another policy contributes by its codes and numbers. Cheap on 100,000 cases: a few aggregate or
column-only queries, no case is built on its own.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from core import workflow
from core.deadlines import OVERDUE
from core.errors import UserError, ValidationError
from core.policy import Policy
from core.services.actions import RECIPIENTS
from core.services.case_view import active_deadline
from core.services.ledger import situation_label
from core.services.workspace import Workspace
from models.case import Case, CaseCadre
from models.procedure import Delivery, Determination, InvestigationReport

TOP_UNITS = 10
OTHER_UNITS = "其他单位"


@dataclass(frozen=True)
class Count:
    """A labelled count: a status, or anything keyed by a code."""

    key: str          # the code (e.g. the status ``investigating``)
    label: str        # Chinese label (e.g. 核实中)
    count: int


@dataclass(frozen=True)
class OutcomeCount:
    code: str         # outcome code of the policy (``exempted`` …)
    label: str        # 免责 …
    tolerant: bool    # 从轻/减轻/免责 are tolerant outcomes
    count: int


@dataclass(frozen=True)
class SituationCount:
    no: int           # the situation's number in the policy
    label: str        # （四）容缺受理容缺审查
    applied: int      # cases received in the period invoking it
    found: int        # tolerant determinations in the period of cases invoking it


@dataclass(frozen=True)
class GroupCount:
    """A unit or an organ type of the cadres concerned."""

    key: str          # the unit or organ type; "" for the row summing the units not listed
    label: str
    received: int
    determined: int
    tolerant: int


@dataclass(frozen=True)
class MonthCount:
    month: str        # 2026-01
    label: str        # 2026年1月
    received: int
    accepted: int
    determined: int
    tolerant: int


@dataclass(frozen=True)
class Statistics:
    """The period's figures; see the module docstring for what each one counts."""

    date_from: date
    date_to: date
    as_of: date                              # today: what "overdue now" refers to
    organ_name: str
    received: int
    late_applications: int
    accepted: int
    rejected: int
    withdrawn: int
    reports: int
    determinations: int
    tolerant: int
    received_by_status: tuple[Count, ...]    # every status, in the procedure's order
    by_outcome: tuple[OutcomeCount, ...]     # every outcome of the policy, in its order
    by_situation: tuple[SituationCount, ...]  # every situation of the policy, in its order
    by_unit: tuple[GroupCount, ...]          # top units, then one row (key "") for the others
    by_organ_type: tuple[GroupCount, ...]
    by_month: tuple[MonthCount, ...]
    reports_late: int
    letters_late: int
    overdue_now_report: int
    overdue_now_letter: int
    estimated_deadlines: int
    estimated_years: tuple[int, ...]
    avg_workdays_to_report: float | None
    reports_timed: int
    avg_workdays_to_determination: float | None
    determinations_timed: int

    @property
    def overdue_now(self) -> int:
        return self.overdue_now_report + self.overdue_now_letter

    @property
    def title(self) -> str:
        """``<机关名称>容错免责工作统计（2026年1月1日至2026年11月27日）``."""
        return f"{self.organ_name}容错免责工作统计（{chinese_date(self.date_from)}至{chinese_date(self.date_to)}）"

    def to_json(self) -> dict[str, Any]:
        """Plain JSON-ready data (dates as ISO strings)."""
        data = asdict(self)
        for key in ("date_from", "date_to", "as_of"):
            data[key] = data[key].isoformat()
        data["estimated_years"] = list(self.estimated_years)
        data["overdue_now"] = self.overdue_now
        data["title"] = self.title
        return data


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _months(first: date, last: date) -> list[str]:
    months, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        months.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def check_period(date_from: date, date_to: date) -> None:
    if date_to < date_from:
        raise ValidationError("date_to", f"统计截止日期 {date_to.isoformat()} 早于起始日期 {date_from.isoformat()}，请核对")


def _between(column: Any, first: date, last: date) -> Any:
    return (column >= first) & (column <= last)


def statistics(ws: Workspace, date_from: date, date_to: date, *, top_units: int = TOP_UNITS) -> Statistics:
    """The figures for ``date_from`` … ``date_to`` (inclusive); definitions in the module docstring."""
    check_period(date_from, date_to)
    with ws.adapter.db.atomic():      # one snapshot for every query below
        return _statistics(ws, date_from, date_to, max(0, top_units))


def _statistics(ws: Workspace, first: date, last: date, top_units: int) -> Statistics:
    office_policy = ws.policy()
    policies: dict[str, Policy] = {}

    def policy_of(policy_id: str) -> Policy:
        if policy_id not in policies:
            policies[policy_id] = ws.policy(policy_id)
        return policies[policy_id]

    months = _months(first, last)
    month_counts: dict[str, Counter[str]] = {m: Counter() for m in months}

    # Received in the period.
    received_rows: Any = (Case.select(Case.id, Case.status, Case.received_on, Case.late_application, Case.situations,
                                      Case.deadlines_estimated)
                          .where(_between(Case.received_on, first, last)).tuples())
    received_ids: set[int] = set()
    by_status: Counter[str] = Counter()
    applied: Counter[int] = Counter()
    late = estimated = 0
    for case_id, status, received_on, late_application, situations, estimated_flag in received_rows:
        received_ids.add(case_id)
        by_status[status] += 1
        month_counts[_month_key(received_on)]["received"] += 1
        late += bool(late_application)
        estimated += bool(estimated_flag)
        for no in set(situations or []):
            applied[int(no)] += 1

    # Accepted, rejected, withdrawn in the period.
    accepted_rows: Any = Case.select(Case.accepted_on).where(_between(Case.accepted_on, first, last)).tuples()
    accepted = 0
    for (accepted_on,) in accepted_rows:
        accepted += 1
        month_counts[_month_key(accepted_on)]["accepted"] += 1
    rejected = Case.select().where(_between(Case.rejected_on, first, last)).count()
    withdrawn = Case.select().where(_between(Case.withdrawn_on, first, last)).count()

    # Reports in the period: the last one of each case.
    report_rows: Any = (InvestigationReport.select(InvestigationReport.case, InvestigationReport.reported_on,
                                                   Case.accepted_on, Case.report_due).join(Case)
                        .where(_between(InvestigationReport.reported_on, first, last))
                        .order_by(InvestigationReport.reported_on, InvestigationReport.id).tuples())
    last_report: dict[int, tuple[date, date | None, date | None]] = {}
    for case_id, reported_on, accepted_on, report_due in report_rows:
        last_report[case_id] = (reported_on, accepted_on, report_due)
    reports_late = sum(1 for on, _acc, due in last_report.values() if due and on > due)
    to_report = [ws.calendar.count_workdays(acc, on) for on, acc, _due in last_report.values() if acc]

    # Determinations in the period: the last one of each case.
    in_period = Determination.select(Determination.case).where(_between(Determination.determined_on, first, last))
    det_rows: Any = (Determination.select(Determination.case, Determination.determined_on, Determination.outcome,
                                          Case.policy_id, Case.situations, Case.letter_due).join(Case)
                     .where(_between(Determination.determined_on, first, last))
                     .order_by(Determination.determined_on, Determination.id).tuples())
    determined: dict[int, tuple[date, str, bool, list[int], date | None]] = {}
    for case_id, on, outcome, policy_id, situations, letter_due in det_rows:
        try:
            tolerant = policy_of(policy_id).outcome(outcome).tolerant
        except KeyError:
            tolerant = False
        determined[case_id] = (on, outcome, tolerant, [int(n) for n in set(situations or [])], letter_due)
    outcome_counts: Counter[str] = Counter()
    found: Counter[int] = Counter()
    for on, outcome, tolerant, situations, _due in determined.values():
        outcome_counts[outcome] += 1
        month_counts[_month_key(on)]["determined"] += 1
        if tolerant:
            month_counts[_month_key(on)]["tolerant"] += 1
            found.update(situations)
    tolerant_ids = {cid for cid, d in determined.items() if d[2]}

    # Reports before each determination (for the time it took) and deliveries since (the letter).
    prior: dict[int, date] = {}
    prior_rows: Any = (InvestigationReport.select(InvestigationReport.case, InvestigationReport.reported_on)
                       .where(InvestigationReport.case.in_(in_period)).order_by(InvestigationReport.reported_on)
                       .tuples())
    for case_id, reported_on in prior_rows:
        d = determined.get(case_id)
        if d and reported_on <= d[0]:
            prior[case_id] = reported_on
    to_determination = [ws.calendar.count_workdays(prior[cid], d[0]) for cid, d in determined.items() if cid in prior]
    delivered: dict[int, dict[str, date]] = {}
    delivery_rows: Any = (Delivery.select(Delivery.case, Delivery.recipient, Delivery.delivered_on)
                          .where(Delivery.case.in_(in_period)).order_by(Delivery.delivered_on, Delivery.id).tuples())
    for case_id, recipient, on in delivery_rows:
        d = determined.get(case_id)
        if d and on >= d[0]:
            delivered.setdefault(case_id, {}).setdefault(recipient, on)
    today = ws.today()
    letters_late = 0
    for cid, (_on, _outcome, _tol, _sit, letter_due) in determined.items():
        if not letter_due:
            continue
        got = delivered.get(cid, {})
        issued = max(got.values()) if set(RECIPIENTS) <= set(got) else None
        if (issued and issued > letter_due) or (issued is None and letter_due < today):
            letters_late += 1

    # Units and organ types of the cadres concerned.
    units_received: dict[str, set[int]] = {}
    units_determined: dict[str, set[int]] = {}
    types_received: dict[str, set[int]] = {}
    types_determined: dict[str, set[int]] = {}
    cadre_rows: Any = (CaseCadre.select(CaseCadre.case, CaseCadre.unit, CaseCadre.organ_type)
                       .where(CaseCadre.case.in_(Case.select(Case.id).where(_between(Case.received_on, first, last)))
                              | CaseCadre.case.in_(in_period)).tuples())
    for case_id, unit, organ_type in cadre_rows:
        unit = (unit or "").strip() or "（未填写单位）"
        organ_type = (organ_type or "").strip() or "（未填写类型）"
        if case_id in received_ids:
            units_received.setdefault(unit, set()).add(case_id)
            types_received.setdefault(organ_type, set()).add(case_id)
        if case_id in determined:
            units_determined.setdefault(unit, set()).add(case_id)
            types_determined.setdefault(organ_type, set()).add(case_id)

    def group(key: str, label: str, rec: set[int], det: set[int]) -> GroupCount:
        return GroupCount(key, label, len(rec), len(det), len(det & tolerant_ids))

    units = sorted(set(units_received) | set(units_determined),
                   key=lambda u: (-len(units_received.get(u, ())), -len(units_determined.get(u, ())), u))
    by_unit = [group(u, u, units_received.get(u, set()), units_determined.get(u, set())) for u in units[:top_units]]
    rest = units[top_units:]
    if rest:
        rec_rest = set().union(*(units_received.get(u, set()) for u in rest))
        det_rest = set().union(*(units_determined.get(u, set()) for u in rest))
        by_unit.append(group("", f"{OTHER_UNITS}（{len(rest)} 个）", rec_rest, det_rest))
    type_order = list(office_policy.organ_types) + sorted(
        (set(types_received) | set(types_determined)) - set(office_policy.organ_types))
    by_organ_type = [group(t, t, types_received.get(t, set()), types_determined.get(t, set())) for t in type_order]

    # Overdue today, among the cases received by the end of the period.
    candidates: Any = (Case.select(Case.id, Case.status, Case.policy_id, Case.report_due, Case.letter_due)
                       .where((Case.received_on <= last)
                              & (((Case.status == "investigating") & (Case.report_due < today))
                                 | (Case.status.in_(["reported", "determined"]) & (Case.letter_due < today))))
                       .objects())
    candidates = list(candidates)
    since = _deliveries_since_determination([c.id for c in candidates if c.status == "determined"])
    overdue_report = overdue_letter = 0
    for case in candidates:
        state = active_deadline(ws, case, since.get(case.id, set()))
        if state and state.state == OVERDUE:
            if state.name == "report_due":
                overdue_report += 1
            else:
                overdue_letter += 1

    situation_numbers = list(office_policy.situation_numbers) + sorted(
        (set(applied) | set(found)) - set(office_policy.situation_numbers))
    outcome_codes = list(office_policy.outcome_codes) + sorted(set(outcome_counts) - set(office_policy.outcome_codes))

    def outcome_row(code: str) -> OutcomeCount:
        for p in (office_policy, *policies.values()):
            try:
                o = p.outcome(code)
                return OutcomeCount(code, o.label, o.tolerant, outcome_counts[code])
            except KeyError:
                continue
        return OutcomeCount(code, code, False, outcome_counts[code])

    return Statistics(
        date_from=first, date_to=last, as_of=today, organ_name=ws.office().organ_name.strip(),
        received=len(received_ids), late_applications=late, accepted=accepted, rejected=rejected,
        withdrawn=withdrawn, reports=len(last_report), determinations=len(determined), tolerant=len(tolerant_ids),
        received_by_status=tuple(Count(s, label, by_status[s]) for s, label in workflow.STATUS_LABELS.items()),
        by_outcome=tuple(outcome_row(code) for code in outcome_codes),
        by_situation=tuple(SituationCount(no, situation_label(office_policy, no), applied[no], found[no])
                           for no in situation_numbers),
        by_unit=tuple(by_unit), by_organ_type=tuple(by_organ_type),
        by_month=tuple(MonthCount(m, f"{int(m[:4])}年{int(m[5:])}月", c["received"], c["accepted"], c["determined"],
                                  c["tolerant"]) for m, c in month_counts.items()),
        reports_late=reports_late, letters_late=letters_late,
        overdue_now_report=overdue_report, overdue_now_letter=overdue_letter,
        estimated_deadlines=estimated, estimated_years=tuple(ws.calendar.estimated_years(first, last)),
        avg_workdays_to_report=sum(to_report) / len(to_report) if to_report else None, reports_timed=len(to_report),
        avg_workdays_to_determination=sum(to_determination) / len(to_determination) if to_determination else None,
        determinations_timed=len(to_determination),
    )


def _deliveries_since_determination(case_ids: list[int]) -> dict[int, set[str]]:
    """Recipients each case's letter reached on or after its latest determination."""
    latest: dict[int, date] = {}
    result: dict[int, set[str]] = {}
    for i in range(0, len(case_ids), 500):
        chunk = case_ids[i:i + 500]
        rows: Any = (Determination.select(Determination.case, Determination.determined_on)
                     .where(Determination.case.in_(chunk)).tuples())
        for case_id, on in rows:
            latest[case_id] = max(on, latest.get(case_id, on))
        rows = Delivery.select(Delivery.case, Delivery.recipient, Delivery.delivered_on) \
            .where(Delivery.case.in_(chunk)).tuples()
        for case_id, recipient, on in rows:
            if case_id in latest and on >= latest[case_id]:
                result.setdefault(case_id, set()).add(recipient)
    return result


# --- the printed report ---------------------------------------------------------------------------

def write_statistics_pdf(ws: Workspace, date_from: date, date_to: date, out: Path) -> Path:
    """The statistics for the period as a printable PDF report (A4; tables and charts; see
    ``documents.statistics_pdf``), written atomically to ``out``; returns the path."""
    _check_pdf_path(out)
    return save_statistics_pdf(statistics(ws, date_from, date_to), out)


def _check_pdf_path(out: Path) -> Path:
    out = Path(out).expanduser()
    if out.is_dir():
        raise UserError(f"输出位置 {out} 是一个文件夹，请给出文件名")
    if out.suffix.lower() != ".pdf":
        raise UserError(f"统计报告文件名应以 .pdf 结尾：{out.name}")
    return out


def save_statistics_pdf(stats: Statistics, out: Path) -> Path:
    """Write the report of figures already computed (e.g. those a window shows) to ``out``."""
    from core.services.letters import write_atomically
    from documents.fonts import FontError, load_fonts
    from documents.pdf_render import MissingGlyphError
    from documents.statistics_pdf import render_statistics_pdf

    out = _check_pdf_path(out)
    try:
        data = render_statistics_pdf(stats, load_fonts())
    except (MissingGlyphError, FontError) as exc:
        raise UserError(str(exc)) from None
    write_atomically(out, data)
    return out
