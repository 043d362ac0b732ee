"""``ledger --out FILE.xlsx`` and ``stats --from D --to D --out FILE.pdf`` from the command line."""
from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import openpyxl
import pdfplumber
import pytest

from .test_cli import CHINESE, ok, one_chinese_error, run


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("report-cli") / "data"
    ok(run(data, "demo"))
    return data


def audit_count(data: Path) -> int:
    conn = sqlite3.connect(str(data / "rongcuo.sqlite3"))
    try:
        return int(conn.execute("SELECT COUNT(*) FROM audit_record").fetchone()[0])
    finally:
        conn.close()


def test_help_is_chinese() -> None:
    top = ok(run(None, "--help"))
    assert "ledger" in top and "stats" in top
    for command in ("ledger", "stats"):
        text = ok(run(None, command, "--help"))
        assert text.startswith("用法：") and "--out" in text and "--from" in text and CHINESE.search(text)


def test_ledger(demo_data: Path, tmp_path: Path) -> None:
    before = audit_count(demo_data)
    out = tmp_path / "台账" / "案件台账.xlsx"
    said = ok(run(demo_data, "ledger", "--out", str(out)))
    assert said == f"已导出案件台账：24 件，{out}"
    sheet = openpyxl.load_workbook(out).worksheets[0]
    assert "容错免责案件台账（截至 " in sheet["A1"].value
    assert sheet.max_row == 2 + 24
    said = ok(run(demo_data, "ledger", "--out", str(out), "--status", "核实中", "--from", "2026-10-01",
                  "--to", "2026年11月30日"))
    assert said.startswith("已导出案件台账：3 件")
    assert [r[1] for r in openpyxl.load_workbook(out).worksheets[0].iter_rows(min_row=3, values_only=True)] == \
        ["2026-0008", "2026-0010", "2026-0011"]
    assert audit_count(demo_data) == before          # reading only: nothing audited


def test_stats(demo_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "统计.pdf"
    said = ok(run(demo_data, "stats", "--from", "2026-01-01", "--to", "2026-11-27", "--out", str(out)))
    assert said == f"已出具容错免责工作统计（2026年1月1日至2026年11月27日）：{out}"
    with pdfplumber.open(io.BytesIO(out.read_bytes())) as pdf:
        text = "".join(p.extract_text() or "" for p in pdf.pages).replace("\n", "").replace(" ", "")
    assert "容错免责工作统计" in text and "统计期间共收到容错免责申请23件" in text
    data = json.loads(ok(run(demo_data, "stats", "--from", "2026-01-01", "--to", "2026-11-27", "--out",
                             str(tmp_path / "b.pdf"), "--json")))
    assert data["received"] == 23 and data["determinations"] == 11
    assert sum(o["count"] for o in data["by_outcome"]) == data["determinations"]


@pytest.mark.parametrize("args", [
    ("ledger", "--out", "台账.xls"),
    ("ledger", "--out", "台账.xlsx", "--status", "closed"),
    ("ledger", "--out", "台账.xlsx", "--from", "2026-02-30"),
    ("ledger", "--out", "台账.xlsx", "--from", "2026-05-01", "--to", "2026-04-01"),
    ("stats", "--from", "2026-12-01", "--to", "2026-11-01", "--out", "统计.pdf"),
    ("stats", "--from", "去年", "--out", "统计.pdf"),
    ("stats", "--from", "2026-01-01", "--out", "统计.txt"),
])
def test_officer_mistakes_give_one_chinese_line(demo_data: Path, tmp_path: Path, args: tuple[str, ...]) -> None:
    args = tuple(str(tmp_path / a) if a.endswith((".xls", ".xlsx", ".pdf", ".txt")) else a for a in args)
    line = one_chinese_error(run(demo_data, *args))
    assert line.startswith("错误：")
    assert list(tmp_path.iterdir()) == []


def test_missing_out_is_a_usage_error(demo_data: Path) -> None:
    line = one_chinese_error(run(demo_data, "stats", "--from", "2026-01-01"), exit_code=2)
    assert "--out" in line
