"""Document numbers (发文字号): per organ, per kind, per year, consecutive, never reused, never
duplicated — also when several processes issue at once."""
from __future__ import annotations

import copy
import itertools
import re
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import peewee
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import ActionRefused, NotFound, UserError, ValidationError
from core.numbering import (
    format_number,
    issue_number,
    list_numbers,
    numbers_for_case,
    void_number,
)
from core.services.registration import register_case
from core.services.workspace import Workspace
from models.audit import AuditRecord
from models.case import Case
from models.documents import IssuedNumber
from models.office import OfficeProfile

from ..conftest import APPLICATION, TODAY
from ..helpers import python_child, stop

CJK = re.compile(r"[\u4e00-\u9fff]")
LETTER = "determination-letter"


def set_prefix(prefix: str) -> None:
    profile = OfficeProfile.select().first() or OfficeProfile()
    profile.code_prefix = prefix
    profile.save()


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    """The workspace with 机关代字 贺纪 set."""
    set_prefix("贺纪")
    return workspace


@pytest.fixture
def new_case(ws: Workspace, application: dict[str, Any]) -> Callable[[], str]:
    def make() -> str:
        return register_case(ws, copy.deepcopy(application)).number
    return make


def issue(ws: Workspace, case: str | None = None, *, kind: str = LETTER, code: str = "容认",
          on: date | str = TODAY, recipient: str = "") -> IssuedNumber:
    return issue_number(ws, kind=kind, kind_code=code, case_uuid_or_number=case, issued_on=on, recipient=recipient)


def audit_count() -> int:
    return AuditRecord.select().count()


def snapshot() -> tuple[int, int, list[tuple[Any, ...]]]:
    rows = [(r.number, r.voided_at, r.void_reason) for r in IssuedNumber.select().order_by(IssuedNumber.id)]
    return IssuedNumber.select().count(), audit_count(), rows


def refused(call: Callable[[], Any], error: type[UserError] = UserError) -> UserError:
    before = snapshot()
    with pytest.raises(error) as caught:
        call()
    assert snapshot() == before
    assert CJK.search(caught.value.message)
    return caught.value


# --- the format -------------------------------------------------------------------------------------

def test_format_follows_gbt_9704() -> None:
    assert format_number("贺纪", "容认", 2026, 3) == "贺纪容认〔2026〕3号"
    assert format_number("贺纪", "容认", 2026, 10) == "贺纪容认\u30142026\u301510号"
    assert format_number("贺纪", "容受", 2025, 120) == "贺纪容受〔2025〕120号"


def test_issued_number_reads_as_the_standard_says(ws: Workspace) -> None:
    rows = [issue(ws) for _ in range(3)]
    assert [r.number for r in rows] == ["贺纪容认〔2026〕1号", "贺纪容认〔2026〕2号", "贺纪容认〔2026〕3号"]
    third = IssuedNumber.get(IssuedNumber.number == "贺纪容认〔2026〕3号")
    assert (third.prefix, third.kind_code, third.year, third.seq) == ("贺纪", "容认", 2026, 3)
    assert third.issued_on == TODAY and third.issued_by == "测试员" and third.voided_at is None


# --- series -----------------------------------------------------------------------------------------

def test_numbers_are_consecutive_per_prefix_kind_and_year(ws: Workspace) -> None:
    for _ in range(3):
        issue(ws, code="容认")
        issue(ws, code="容受")
        issue(ws, code="容认", on="2025-12-30")
    issue(ws, code="容认", on="2026-01-01")
    set_prefix("贺组")                                  # another organ's code: its own series
    issue(ws, code="容认")

    def series(prefix: str, code: str, year: int) -> list[int]:
        return [r.seq for r in IssuedNumber.select().where(
            (IssuedNumber.prefix == prefix) & (IssuedNumber.kind_code == code) & (IssuedNumber.year == year))
            .order_by(IssuedNumber.seq)]

    assert series("贺纪", "容认", 2026) == [1, 2, 3, 4]
    assert series("贺纪", "容受", 2026) == [1, 2, 3]
    assert series("贺纪", "容认", 2025) == [1, 2, 3]
    assert series("贺组", "容认", 2026) == [1]
    assert IssuedNumber.get(IssuedNumber.issued_on == date(2025, 12, 30), IssuedNumber.seq == 3).number \
        == "贺纪容认〔2025〕3号"


def test_the_year_is_that_of_the_letters_date_not_of_today(ws: Workspace) -> None:
    assert issue(ws, on="2025年12月31日").number == "贺纪容认〔2025〕1号"
    assert issue(ws, on=date(2026, 1, 4)).number == "贺纪容认〔2026〕1号"


# --- re-issue ---------------------------------------------------------------------------------------

def test_reissue_for_the_same_case_and_kind_keeps_number_and_date(ws: Workspace,
                                                                  new_case: Callable[[], str]) -> None:
    number = new_case()
    first = issue(ws, number, on="2026-11-20")
    records = audit_count()
    again = issue(ws, number, on="2026-11-27")          # re-rendered a week later
    assert (again.id, again.number, again.issued_on) == (first.id, "贺纪容认〔2026〕1号", date(2026, 11, 20))
    by_uuid = issue(ws, Case.get(Case.number == number).uuid)
    assert by_uuid.id == first.id
    assert audit_count() == records                     # a re-issue writes nothing
    assert IssuedNumber.select().count() == 1


def test_other_kind_or_recipient_or_case_gets_its_own_number(ws: Workspace, new_case: Callable[[], str]) -> None:
    one, two = new_case(), new_case()
    to_organ = issue(ws, one, recipient="贺兰县纪委监委")
    to_applicant = issue(ws, one, recipient="李卫东")
    other_case = issue(ws, two, recipient="李卫东")
    acceptance = issue(ws, one, kind="acceptance-notice", code="容受")
    assert [to_organ.number, to_applicant.number, other_case.number] == [
        "贺纪容认〔2026〕1号", "贺纪容认〔2026〕2号", "贺纪容认〔2026〕3号"]
    assert acceptance.number == "贺纪容受〔2026〕1号"
    assert issue(ws, one, recipient="李卫东").id == to_applicant.id
    assert [r.number for r in numbers_for_case(ws, one)] == [
        "贺纪容认〔2026〕1号", "贺纪容认〔2026〕2号", "贺纪容受〔2026〕1号"]
    assert [r.number for r in numbers_for_case(ws, two)] == ["贺纪容认〔2026〕3号"]


def test_letters_without_a_case_always_get_a_new_number(ws: Workspace) -> None:
    assert issue(ws).number != issue(ws).number
    assert IssuedNumber.select().where(IssuedNumber.case.is_null()).count() == 2


# --- voiding ----------------------------------------------------------------------------------------

def test_voided_number_stays_listed_and_is_never_issued_again(ws: Workspace, new_case: Callable[[], str]) -> None:
    case = new_case()
    first = issue(ws, case)
    records = audit_count()
    voided = void_number(ws, "贺纪容认〔2026〕1号", "  成文日期填写错误，重新编号  ")
    assert audit_count() == records + 1
    assert voided.voided_at is not None and voided.void_reason == "成文日期填写错误，重新编号"
    assert voided.voided_by == "测试员"

    replacement = issue(ws, case)                       # the same case, kind and recipient
    assert replacement.id != first.id
    assert replacement.number == "贺纪容认〔2026〕2号"
    assert issue(ws).number == "贺纪容认〔2026〕3号"

    listed = {row["number"]: row for row in list_numbers(ws)}
    assert listed["贺纪容认〔2026〕1号"]["voided"] is True
    assert listed["贺纪容认〔2026〕1号"]["void_reason"] == "成文日期填写错误，重新编号"
    assert listed["贺纪容认〔2026〕1号"]["case_number"] == case
    assert listed["贺纪容认〔2026〕2号"]["voided"] is False
    assert listed["贺纪容认〔2026〕3号"]["case_number"] is None
    live = [row["number"] for row in list_numbers(ws, include_voided=False)]
    assert live == ["贺纪容认〔2026〕2号", "贺纪容认〔2026〕3号"]
    assert [r.number for r in numbers_for_case(ws, case)] == ["贺纪容认〔2026〕1号", "贺纪容认〔2026〕2号"]


def test_voiding_the_last_number_does_not_free_it(ws: Workspace) -> None:
    issue(ws)
    void_number(ws, "贺纪容认〔2026〕1号", "误编")
    assert issue(ws).number == "贺纪容认〔2026〕2号"


def test_number_may_be_typed_with_other_brackets_and_spaces(ws: Workspace) -> None:
    issue(ws)
    assert void_number(ws, " 贺纪容认 [2026] 1号 ", "误编").number == "贺纪容认〔2026〕1号"


def test_list_filters_by_year_and_prefix(ws: Workspace, new_case: Callable[[], str]) -> None:
    case = new_case()
    issue(ws, case, on="2025-12-30")
    issue(ws, code="容受")
    set_prefix("贺组")
    issue(ws)
    assert [r["number"] for r in list_numbers(ws, year=2026)] == ["贺纪容受〔2026〕1号", "贺组容认〔2026〕1号"]
    assert [r["number"] for r in list_numbers(ws, prefix="贺纪")] == ["贺纪容认〔2025〕1号", "贺纪容受〔2026〕1号"]
    row = list_numbers(ws, year=2025)[0]
    assert row == row | {"kind": LETTER, "case_number": case, "issued_on": "2025-12-30", "voided": False,
                         "void_reason": "", "recipient": "", "seq": 1}


# --- refusals change nothing --------------------------------------------------------------------------

def test_empty_prefix_is_refused(workspace: Workspace) -> None:
    error = refused(lambda: issue(workspace))
    assert "机关代字" in error.message
    set_prefix("   ")
    assert "机关代字" in refused(lambda: issue(workspace)).message


def test_future_date_is_refused(ws: Workspace) -> None:
    error = refused(lambda: issue(ws, on="2026-11-28"), ValidationError)
    assert "成文日期" in error.message


@pytest.mark.parametrize("fields", [
    {"on": ""}, {"on": "2026-02-30"}, {"code": ""}, {"code": "容〔认"}, {"code": "容 认"}, {"kind": " "},
])
def test_bad_fields_are_refused(ws: Workspace, fields: dict[str, Any]) -> None:
    refused(lambda: issue(ws, **fields), ValidationError)


def test_unknown_case_is_refused(ws: Workspace) -> None:
    refused(lambda: issue(ws, "2026-9999"), NotFound)


def test_void_refusals_change_nothing(ws: Workspace) -> None:
    issue(ws)
    assert "作废理由" in refused(lambda: void_number(ws, "贺纪容认〔2026〕1号", "  "), ValidationError).message
    refused(lambda: void_number(ws, "贺纪容认〔2026〕9号", "误编"), NotFound)
    refused(lambda: void_number(ws, "", "误编"), NotFound)
    void_number(ws, "贺纪容认〔2026〕1号", "误编")
    assert "已于" in refused(lambda: void_number(ws, "贺纪容认〔2026〕1号", "再次作废"), ActionRefused).message


def test_colliding_code_split_is_refused_not_duplicated(ws: Workspace) -> None:
    issue(ws, code="容认")                                # 贺纪 + 容认
    set_prefix("贺纪容")
    refused(lambda: issue(ws, code="认"), ActionRefused)  # 贺纪容 + 认 would spell the same number


# --- audit ------------------------------------------------------------------------------------------

def test_each_issue_and_void_writes_one_audit_record(ws: Workspace, new_case: Callable[[], str]) -> None:
    case = new_case()
    records = audit_count()
    issue(ws, case)
    issue(ws)
    void_number(ws, "贺纪容认〔2026〕1号", "误编")
    assert audit_count() == records + 3
    last = list(AuditRecord.select().order_by(AuditRecord.seq))[-3:]
    assert [r.action for r in last] == ["issue_number", "issue_number", "void_number"]
    assert last[0].case_uuid == Case.get(Case.number == case).uuid and last[1].case_uuid is None
    assert "贺纪容认〔2026〕1号" in last[0].after and "误编" in last[2].after
    assert ws.audit.verify().ok


# --- the database itself refuses duplicates and deletion ---------------------------------------------

def test_database_refuses_a_duplicate_number_or_seq(ws: Workspace) -> None:
    first = issue(ws)
    fields = {k: getattr(first, k) for k in ("prefix", "kind_code", "year", "seq", "number", "kind",
                                             "issued_on", "issued_by")}
    with pytest.raises(peewee.IntegrityError):
        IssuedNumber.create(**fields | {"number": "另一个文号"})
    with pytest.raises(peewee.IntegrityError):
        IssuedNumber.create(**fields | {"seq": 99})


def test_database_refuses_two_live_numbers_for_one_case_kind_and_recipient(
        ws: Workspace, new_case: Callable[[], str]) -> None:
    first = issue(ws, new_case())
    with pytest.raises(peewee.IntegrityError):
        IssuedNumber.create(prefix="贺纪", kind_code="容认", year=2026, seq=2, number="贺纪容认〔2026〕2号",
                            kind=LETTER, case=first.case, issued_on=TODAY, issued_by="测试员")


def test_a_case_with_issued_numbers_cannot_be_deleted(ws: Workspace, new_case: Callable[[], str]) -> None:
    number = new_case()
    issue(ws, number)
    with pytest.raises(peewee.IntegrityError):
        ws.adapter.db.execute_sql('DELETE FROM "case" WHERE number = ?', (number,))
    assert Case.select().where(Case.number == number).exists()


# --- whatever the order of issues and voids, each series is 1..n with no number reused ----------------

OPS = st.lists(st.one_of(
    st.tuples(st.just("issue"), st.sampled_from(["容认", "容受"]), st.sampled_from([2025, 2026]),
              st.sampled_from([None, 0, 1]), st.sampled_from(["", "李卫东"])),
    st.tuples(st.just("void"), st.integers(min_value=0, max_value=30)),
), min_size=1, max_size=25)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_series_stay_consecutive_under_any_issue_and_void_order(tmp_path_factory: pytest.TempPathFactory,
                                                                ops: list[tuple[Any, ...]]) -> None:
    ws = Workspace(tmp_path_factory.mktemp("prop"), actor="测试员", today=lambda: TODAY)
    try:
        set_prefix("贺纪")
        cases = [register_case(ws, copy.deepcopy(APPLICATION)).number for _ in range(2)]
        issued: list[str] = []
        for op in ops:
            if op[0] == "issue":
                _, code, year, case_index, recipient = op
                case = cases[case_index] if case_index is not None else None
                before = {r.number for r in IssuedNumber.select()}
                row = issue(ws, case, code=code, on=date(year, 6, 1), recipient=recipient)
                if row.number not in before:
                    issued.append(row.number)
                else:   # only a live number of the same case, kind and recipient comes back
                    assert case is not None and row.voided_at is None and row.recipient == recipient
            elif issued:
                target = issued[op[1] % len(issued)]
                if IssuedNumber.get(IssuedNumber.number == target).voided_at is None:
                    void_number(ws, target, "误编")
        assert len(issued) == len(set(issued)) == IssuedNumber.select().count()
        series: dict[tuple[str, int], list[int]] = {}
        for row in IssuedNumber.select().order_by(IssuedNumber.seq):
            series.setdefault((row.kind_code, row.year), []).append(row.seq)
        for seqs in series.values():
            assert seqs == list(range(1, len(seqs) + 1))
        assert ws.audit.verify().ok
    finally:
        ws.close()


# --- several processes at once -------------------------------------------------------------------------

PROCESSES = 4
PER_PROCESS = 50

ISSUER = r"""
import copy, sys, time
from datetime import date
from pathlib import Path

from core.numbering import issue_number
from core.services.registration import register_case
from core.services.workspace import Workspace
from tests.conftest import APPLICATION

data_dir, go, count = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
ws = Workspace(data_dir, actor="并发" + sys.argv[4], today=lambda: date(2026, 11, 27))
print("READY", flush=True)
while not go.exists():
    time.sleep(0.001)
for i in range(count):
    case = register_case(ws, copy.deepcopy(APPLICATION)).number if i % 10 == 0 else None
    row = issue_number(ws, kind="determination-letter", kind_code="容认", case_uuid_or_number=case,
                       issued_on="2026-11-27")
    print("ISSUED", row.number, case or "-", flush=True)
ws.close()
"""


@pytest.fixture
def issuers(data_dir: Path) -> Iterator[list[subprocess.Popen[str]]]:
    procs: list[subprocess.Popen[str]] = []
    yield procs
    for proc in procs:
        stop(proc)


def test_processes_issuing_at_once_never_duplicate_or_skip(data_dir: Path,
                                                           issuers: list[subprocess.Popen[str]]) -> None:
    ws = Workspace(data_dir, actor="测试员", today=lambda: TODAY)   # schema, audit key and head made once
    set_prefix("贺纪")
    ws.close()
    go = data_dir.parent / "go"
    for index in range(PROCESSES):
        issuers.append(python_child("-c", ISSUER, str(data_dir), str(go), str(PER_PROCESS), str(index)))
    for proc in issuers:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "READY", proc.stderr.read() if proc.stderr else ""
    started = time.monotonic()
    go.touch()
    reported: list[tuple[str, str]] = []
    for proc in issuers:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        reported += [(line.split()[1], line.split()[2]) for line in out.splitlines() if line.startswith("ISSUED")]
    elapsed = time.monotonic() - started

    total = PROCESSES * PER_PROCESS
    ws = Workspace(data_dir, actor="检查", today=lambda: TODAY)
    try:
        rows = list(IssuedNumber.select().order_by(IssuedNumber.seq))
        assert [r.seq for r in rows] == list(range(1, total + 1)), "a gap or a duplicate"
        assert {(r.prefix, r.kind_code, r.year) for r in rows} == {("贺纪", "容认", 2026)}
        assert sorted(n for n, _ in reported) == sorted(r.number for r in rows)   # every reported number, once
        assert len({n for n, _ in reported}) == total
        by_number = {r.number: r for r in rows}
        for number, case in reported:
            linked = by_number[number].case
            assert (linked.number if linked else "-") == case
        issued_by = [r.issued_by for r in rows]
        assert set(issued_by) == {f"并发{i}" for i in range(PROCESSES)}
        switches = sum(a != b for a, b in itertools.pairwise(issued_by))
        print(f"{total} numbers in {elapsed:.2f} s, writer changed {switches} times")
        assert switches > PROCESSES, "the processes did not overlap: the test proved nothing"
        audit = ws.audit.verify()
        assert audit.ok, audit.message
        cases = PROCESSES * len(range(0, PER_PROCESS, 10))
        assert AuditRecord.select().count() == total + cases
        assert ws.adapter.integrity_problems() == []
        assert ws.adapter.foreign_key_problems() == []
    finally:
        ws.close()
    assert elapsed < 30, f"{total} numbers took {elapsed:.1f} s"
