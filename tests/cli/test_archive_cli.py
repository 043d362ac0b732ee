"""``archive-volume NUMBER --out FILE.pdf``: a case's archive volume from the command line."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from pypdf import PdfReader

from .test_cli import CHINESE, ok, one_chinese_error, run


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("archive-cli") / "data"
    ok(run(data, "demo"))
    return data


def counts(data: Path) -> tuple[int, int]:
    conn = sqlite3.connect(str(data / "rongcuo.sqlite3"))
    try:
        audit = conn.execute("SELECT COUNT(*) FROM audit_record").fetchone()[0]
        numbers = conn.execute("SELECT COUNT(*) FROM issued_number").fetchone()[0]
    finally:
        conn.close()
    return audit, numbers


def test_archive_volume_writes_the_volume(demo_data: Path, tmp_path: Path) -> None:
    ok(run(demo_data, "render", "2026-0017", "determination-letter", "--out", str(tmp_path / "认定书.pdf")))
    before = counts(demo_data)
    out = tmp_path / "卷宗" / "2026-0017.pdf"
    said = ok(run(demo_data, "archive-volume", "2026-0017", "--out", str(out)))
    assert said.startswith("已生成案卷：") and str(out) in said and "RC-2026-arc-spring" in said
    reader = PdfReader(str(out))
    assert f"PDF 共 {len(reader.pages)} 页" in said
    assert counts(demo_data) == before                  # nothing issued, nothing audited
    ok(run(demo_data, "audit", "verify"))


def test_archive_volume_refusals(demo_data: Path, tmp_path: Path) -> None:
    line = one_chinese_error(run(demo_data, "archive-volume", "2099-0001", "--out", str(tmp_path / "x.pdf")))
    assert "2099-0001" in line
    line = one_chinese_error(run(demo_data, "archive-volume", "2026-0017", "--out", str(tmp_path)))
    assert "文件夹" in line
    line = one_chinese_error(run(demo_data, "archive-volume", "2026-0017"), exit_code=2)
    assert "--out" in line
    assert not list(tmp_path.iterdir())


def test_archive_volume_help_is_chinese(demo_data: Path) -> None:
    text = ok(run(demo_data, "archive-volume", "--help"))
    assert "卷内文件目录" in text and "不会编发新的文字号" in text
    top = ok(run(demo_data, "--help"))
    assert "archive-volume" in top and CHINESE.search(top)
