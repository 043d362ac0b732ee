"""The 台账 (XLSX): print layout, one row per case with the values ``case_details`` gives, filters,
the atomic write, and a constant number of queries however many cases there are."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from core.errors import UserError, ValidationError
from core.services import ledger
from core.services.case_view import case_details
from core.services.demo import load_demo
from core.services.ledger import COLUMNS, FIRST_DATA_ROW, HEADER_ROW, ledger_rows, write_ledger
from core.services.registration import register_case
from core.services.workspace import Workspace
from models.case import Case

from ..conftest import APPLICATION, TODAY

HEADERS = [c.header for c in COLUMNS]
KEYS = [c.key for c in COLUMNS]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    ws = Workspace(tmp_path_factory.mktemp("ledger") / "data", actor="测试员", today=lambda: TODAY)
    load_demo(ws)
    yield ws
    ws.close()


@pytest.fixture(scope="module")
def book(demo: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_ledger(demo, tmp_path_factory.mktemp("out") / "台账.xlsx").path


def _sheet(path: Path) -> Any:
    return openpyxl.load_workbook(path).worksheets[0]


def _rows(sheet: Any) -> dict[str, dict[str, Any]]:
    """Data rows by case number, each keyed by column key (``ledger.COLUMNS``)."""
    rows = {}
    for values in sheet.iter_rows(min_row=FIRST_DATA_ROW, values_only=True):
        row = dict(zip(KEYS, values, strict=True))
        rows[row["number"]] = row
    return rows


def _day(value: Any) -> str | None:
    """A cell's date as ISO text (openpyxl reads Excel dates as datetimes)."""
    if value is None:
        return None
    assert isinstance(value, datetime), value
    return value.date().isoformat()


def test_the_sheet_is_ready_to_print(book: Path) -> None:
    sheet = _sheet(book)
    title = sheet["A1"].value
    assert title == "中共贺兰县纪律检查委员会 贺兰县监察委员会容错免责案件台账（截至 2026-11-27）"
    assert f"A1:{openpyxl.utils.get_column_letter(len(COLUMNS))}1" in {str(r) for r in sheet.merged_cells.ranges}
    assert [c.value for c in sheet[HEADER_ROW]] == HEADERS
    assert sheet.freeze_panes == f"C{FIRST_DATA_ROW}"          # title and header (and the case number) stay
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"   # the header on every printed page
    setup = sheet.page_setup
    assert setup.orientation == "landscape" and str(setup.paperSize) == "9"     # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert setup.fitToWidth == 1 and setup.fitToHeight == 0                      # one page wide
    assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text
    assert sheet.auto_filter.ref == f"A{HEADER_ROW}:{openpyxl.utils.get_column_letter(len(COLUMNS))}" \
                                    f"{HEADER_ROW + Case.select().count()}"
    for letter, column in zip("ABCDEFGHIJKLMNOPQRSTUVW", COLUMNS, strict=False):
        assert sheet.column_dimensions[letter].width == pytest.approx(column.width)
    received = sheet.cell(FIRST_DATA_ROW, KEYS.index("received_on") + 1)
    assert received.is_date and received.number_format == "yyyy-mm-dd"
    assert received.border.left.style == "thin" and received.border.bottom.style == "thin"
    assert sheet.cell(HEADER_ROW, 1).font.name == "黑体"


def test_one_row_per_case_in_case_number_order(book: Path) -> None:
    sheet = _sheet(book)
    numbers = [r[1] for r in sheet.iter_rows(min_row=FIRST_DATA_ROW, values_only=True)]
    expected = [c.number for c in Case.select(Case.number).order_by(Case.year, Case.seq)]
    assert numbers == expected and len(numbers) == 24
    assert [r[0] for r in sheet.iter_rows(min_row=FIRST_DATA_ROW, values_only=True)] == list(range(1, 25))


@pytest.mark.parametrize("number", ["2025-0001", "2026-0004", "2026-0007", "2026-0009", "2026-0013",
                                    "2026-0014", "2026-0016", "2026-0022", "2026-0023"])
def test_a_row_says_what_case_details_says(demo: Workspace, book: Path, number: str) -> None:
    row = _rows(_sheet(book))[number]
    d = case_details(demo, number)
    assert row["status"] == d["status_label"]
    assert row["applicant"] == d["applicant"]["name"]
    assert row["cadres"] == "、".join(c["name"] for c in d["cadres"])
    assert row["units"] == "、".join(dict.fromkeys(c["unit"] for c in d["cadres"]))
    assert row["matter"] == d["accountability"]["matter"]
    assert _day(row["received_on"]) == d["received_on"]
    assert _day(row["accepted_on"]) == d["accepted_on"]
    assert _day(row["report_due"]) == d["deadlines"]["report_due"]
    assert _day(row["letter_due"]) == d["deadlines"]["letter_due"]
    assert _day(row["reported_on"]) == (d["reports"][-1]["reported_on"] if d["reports"] else None)
    last = d["determinations"][-1] if d["determinations"] else None
    assert _day(row["determined_on"]) == (last["determined_on"] if last else None)
    assert row["outcome"] == (last["outcome_label"] if last else None)
    for recipient, header in (("organ", "delivered_organ"), ("applicant", "delivered_applicant")):
        dates = [x["delivered_on"] for x in d["deliveries"]
                 if x["recipient"] == recipient and last and x["delivered_on"] >= last["determined_on"]]
        assert _day(row[header]) == (dates[-1] if dates else None)
    archived = d["archive"][-1]["archived_on"] if d["archive"] and d["status"] == "archived" else None
    assert _day(row["archived_on"]) == archived
    assert (row["overdue"] == "是") == d["overdue"]
    assert (row["estimated"] == "是") == d["estimated"]


def test_known_demo_rows(book: Path) -> None:
    rows = _rows(_sheet(book))
    archived = rows["2026-0017"]        # archived across the Spring Festival
    assert archived["status"] == "已归档" and archived["outcome"] == "免责"
    assert _day(archived["received_on"]) == "2026-02-13" and _day(archived["accepted_on"]) == "2026-02-14"
    assert _day(archived["archived_on"]) == "2026-03-23"
    assert archived["situations"] == "（四）容缺受理容缺审查\n（八）主动纠错挽回损失"
    two = rows["2026-0016"]             # two cadres, letter delivered to the applicant only
    assert two["cadres"] == "李卫东、王秀兰" and two["overdue"] == "是" and two["outcome"] == "减轻"
    assert two["delivered_organ"] is None and _day(two["delivered_applicant"]) == "2026-11-02"
    assert "已超过下发认定书期限" in two["remarks"]
    rejected = rows["2026-0004"]
    assert rejected["status"] == "不予受理" and rejected["accepted_on"] is None and "2026-02-03 不予受理" in rejected["remarks"]
    reopened = rows["2026-0022"]        # archived, then reopened: no archive date, the reopening noted
    assert reopened["status"] == "已认定" and reopened["archived_on"] is None and "重新打开" in reopened["remarks"]
    assert rows["2026-0002"]["remarks"] == "逾期申请"


def test_overdue_flags_match_the_case_list(demo: Workspace) -> None:
    from core.services.case_view import list_cases

    overdue = {r["number"] for r in list_cases(demo, overdue_only=True)}
    flagged = {r["number"] for r in ledger_rows(demo) if r["overdue"]}
    assert flagged == overdue and len(overdue) == 7


def test_filters(demo: Workspace, tmp_path: Path) -> None:
    result = write_ledger(demo, tmp_path / "核实中.xlsx", status="investigating")
    sheet = _sheet(result.path)
    assert result.rows == 4 == len(_rows(sheet))
    assert {r["status"] for r in _rows(sheet).values()} == {"核实中"}
    assert "状态：核实中" in sheet["A1"].value
    # Chinese status labels are accepted too; the received dates are inclusive
    rows = list(ledger_rows(demo, status="已归档", received_from="2026-04-01", received_to=date(2026, 7, 9)))
    assert [r["number"] for r in rows] == ["2026-0018", "2026-0019", "2026-0020", "2026-0023"]
    result = write_ledger(demo, tmp_path / "一季度.xlsx", received_from="2026-01-01", received_to="2026-03-31")
    assert result.rows == 2            # 2026-0004 (30 January) and 2026-0017 (13 February)
    assert "收到申请日期：2026-01-01 至 2026-03-31" in _sheet(result.path)["A1"].value
    empty = write_ledger(demo, tmp_path / "无.xlsx", received_from="2030-01-01")
    assert empty.rows == 0 and _sheet(empty.path).max_row == HEADER_ROW


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"status": "closed"}, "不是可选项"),
    ({"received_from": "2026-05-01", "received_to": "2026-04-01"}, "早于"),
    ({"received_from": "2026-02-30"}, "2026-02-30"),
])
def test_bad_filters_are_refused_in_chinese(demo: Workspace, tmp_path: Path, kwargs: dict[str, Any],
                                            words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        write_ledger(demo, tmp_path / "x.xlsx", **kwargs)
    assert not (tmp_path / "x.xlsx").exists()


def test_output_must_be_an_xlsx_file(demo: Workspace, tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"\.xlsx"):
        write_ledger(demo, tmp_path / "台账.xls")
    with pytest.raises(UserError, match="文件夹"):
        write_ledger(demo, tmp_path)


def test_the_write_is_atomic(demo: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "台账.xlsx"
    out.write_bytes(b"the old ledger")

    def fail(*args: Any) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ledger, "_write_workbook", fail)
    with pytest.raises(UserError, match="无法写入"):
        write_ledger(demo, out)
    assert out.read_bytes() == b"the old ledger"
    assert [p.name for p in tmp_path.iterdir()] == ["台账.xlsx"]     # no temporary file left behind
    monkeypatch.undo()
    assert write_ledger(demo, out).rows == Case.select().count()
    assert _sheet(out)["A1"].value.startswith("中共贺兰县")


def test_progress_is_reported(demo: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ledger, "PROGRESS_EVERY", 10)
    calls: list[tuple[int, int]] = []
    write_ledger(demo, tmp_path / "p.xlsx", progress=lambda done, total: calls.append((done, total)))
    total = Case.select().count()
    assert calls == [(10, total), (20, total), (total, total)]


def test_no_query_per_case(demo: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The ledger runs the same few queries for 24 cases as for 100,000: none per case, and never
    ``case_details``."""
    def refuse(*args: Any) -> None:
        raise AssertionError("case_details called")

    monkeypatch.setattr("core.services.case_view.case_details", refuse)
    db = demo.adapter.db
    executed: list[str] = []
    original = db.execute_sql

    def counting(sql: str, *args: Any, **kwargs: Any) -> Any:
        executed.append(sql)
        return original(sql, *args, **kwargs)

    monkeypatch.setattr(db, "execute_sql", counting)
    write_ledger(demo, tmp_path / "q.xlsx")
    selects = [s for s in executed if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 10, selects


def test_text_is_never_a_formula(demo: Workspace, tmp_path: Path) -> None:
    # Added last in this module: the other tests count the 24 demo cases.
    application = dict(APPLICATION) | {"accountability": dict(APPLICATION["accountability"])
                                       | {"matter": "=HYPERLINK(\"http://x\",\"点击\")"}}
    application["cadres"] = [dict(APPLICATION["cadres"][0]) | {"unit": "#N/A"}]
    number = register_case(demo, application).number
    sheet = openpyxl.load_workbook(write_ledger(demo, tmp_path / "f.xlsx").path).worksheets[0]
    row = next(r for r in sheet.iter_rows(min_row=FIRST_DATA_ROW) if r[1].value == number)
    matter = row[KEYS.index("matter")]
    assert matter.data_type == "s" and matter.value.startswith("=HYPERLINK")
    assert row[KEYS.index("units")].data_type == "s"
