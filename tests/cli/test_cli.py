"""The command line as an officer (or a script) uses it: ``./run.sh --data-dir D …`` in a subprocess."""
from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest

from ..conftest import APPLICATION

ROOT = Path(__file__).resolve().parents[2]
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def run(data_dir: Path | None, *args: str, user: str | None = None) -> subprocess.CompletedProcess[str]:
    command = ["./run.sh"]
    if data_dir is not None:
        command += ["--data-dir", str(data_dir)]
    if user is not None:
        command += ["--user", user]
    env = {k: v for k, v in os.environ.items() if k != "RONGCUO_DATA_DIR"}
    env |= {"QT_QPA_PLATFORM": "offscreen", "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(command + list(args), cwd=ROOT, capture_output=True, text=True, encoding="utf-8",
                          env=env, timeout=60)


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, f"{result.args}: {result.returncode}\n{result.stdout}\n{result.stderr}"
    assert "Traceback" not in result.stderr
    return result.stdout.strip()


def one_chinese_error(result: subprocess.CompletedProcess[str], exit_code: int = 1) -> str:
    assert result.returncode == exit_code, f"{result.args}: {result.returncode}\n{result.stdout}\n{result.stderr}"
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert CHINESE.search(lines[0]), lines[0]
    assert "Traceback" not in result.stderr and "Error" not in result.stderr
    return lines[0]


def write_json(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    return path


# Test data in the format of the official notice, not the real 2027 arrangement (not yet published):
# the make-up Saturday 2027-01-09 makes the imported schedule visible in `workdays add`.
SCHEDULE_2027 = {
    "year": 2027,
    "source": "测试用2027年节假日安排",
    "holidays": ["2027-01-01", "2027-01-02", "2027-01-03"],
    "workdays": ["2027-01-09"],
}


def test_help_lists_the_commands() -> None:
    # Without a command the program opens its window (tests/gui/test_app_start.py).
    out = ok(run(None, "--help"))
    assert "容错免责案件办理系统" in out
    for command in ("workdays", "calendar", "case", "audit", "check"):
        assert command in out


def test_workdays(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = run(data, "workdays", "add", "2026-01-01", "1")
    assert ok(result) == "2026-01-04"     # 1–3 January off, Sunday the 4th a make-up working day
    assert result.stderr == ""
    # 1–7 October off; Thursday 8th and Friday 9th work; the make-up Saturday 10th is outside
    assert ok(run(data, "workdays", "count", "2026-09-30", "2026-10-09")) == "2"


def test_calendar_import_replaces_the_estimate(tmp_path: Path) -> None:
    data = tmp_path / "data"
    estimated = run(data, "workdays", "add", "2027-01-04", "5")
    assert ok(estimated) == "2027-01-11"
    warning = estimated.stderr.strip()
    assert "2027" in warning and "估算" in warning and len(warning.splitlines()) == 1

    out = ok(run(data, "calendar", "import", str(write_json(tmp_path / "2027.json", SCHEDULE_2027))))
    assert "2027" in out and "导入" in out

    years = json.loads(ok(run(data, "calendar", "list", "--from", "2026", "--to", "2027", "--json")))
    assert [(y["year"], y["source"], y["estimated"]) for y in years] == [
        (2026, "builtin", False), (2027, "imported", False)]
    assert years[1]["note"] == SCHEDULE_2027["source"]

    after = run(data, "workdays", "add", "2027-01-04", "5")
    assert ok(after) == "2027-01-09"
    assert after.stderr == ""


@pytest.mark.parametrize("content", [
    {"year": 2027, "source": "缺放假日期", "workdays": []},
    {"year": 2027, "source": "调休日不是周末", "holidays": ["2027-01-01"], "workdays": ["2027-01-04"]},
    "{not json",
])
def test_bad_calendar_import_is_refused(tmp_path: Path, content: Any) -> None:
    path = tmp_path / "bad.json"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        write_json(path, content)
    data = tmp_path / "data"
    one_chinese_error(run(data, "calendar", "import", str(path)))
    years = json.loads(ok(run(data, "calendar", "list", "--from", "2027", "--to", "2027", "--json")))
    assert years[0]["source"] == "estimated"


def test_whole_life_cycle(tmp_path: Path) -> None:
    data = tmp_path / "data"
    officer = "张科长"
    number = ok(run(data, "case", "add", str(write_json(tmp_path / "case.json", APPLICATION)), user=officer))
    assert re.fullmatch(r"2026-\d{4}", number)
    evidence = tmp_path / "情况说明.txt"
    evidence.write_text("关于容缺受理的情况说明\n", encoding="utf-8")
    steps: list[tuple[str, str, list[str], str]] = [
        ("accept", "2026-03-12", [], "核实中"),
        ("extend", "2026-03-20", ["days=10", "reason=案情复杂，需补充调查", "approver=王书记"], "核实中"),
        ("note", "2026-03-23", ["text=与李卫东谈话，了解容缺受理经过", "place=会议室", "interviewee=李卫东"], "核实中"),
        ("evidence", "2026-03-24", ["title=情况说明", "source=贺兰县住房和城乡建设局", "pages=1",
                                    f"files={evidence}"], "核实中"),
        ("expert", "2026-03-25", ["participants=专家甲、专家乙", "opinion=符合容错情形"], "核实中"),
        ("report", "2026-03-26", ["exclusions=", "proposal=exempted", "findings=查明已主动纠正",
                                  "analysis.4=属于先行先试"], "待认定"),
        ("determine", "2026-03-27", ["outcome=exempted", "reasoning=符合第四项情形", "approver=王书记"], "已认定"),
        ("deliver", "2026-03-30", ["to=organ", "receipt=回证001"], "已认定"),
        ("deliver", "2026-03-30", ["to=applicant"], "已认定"),
        ("archive", "2026-03-31", ["volume_number=2026-容错-01"], "已归档"),
    ]
    for action, on, settings, status in steps:
        args = ["case", "act", number, action, "--date", on]
        for setting in settings:
            args += ["--set", setting]
        out = ok(run(data, *args, user=officer))
        assert out.endswith(f"当前状态：{status}"), out

    details = json.loads(ok(run(data, "case", "show", number, "--json")))
    assert details["number"] == number and details["status"] == "archived"
    assert details["accepted_on"] == "2026-03-12"
    assert [e["days"] for e in details["extensions"]] == [10]
    assert [n["text"] for n in details["notes"]] == ["与李卫东谈话，了解容缺受理经过"]
    [exhibit] = details["evidence"]
    [stored] = exhibit["files"]
    assert stored["original_name"] == evidence.name
    assert stored["sha256"] == hashlib.sha256(evidence.read_bytes()).hexdigest()
    assert [a["opinion"] for a in details["assessments"]] == ["符合容错情形"]
    [report] = details["reports"]
    assert report["exclusions"] == [] and report["proposal"] == "exempted"
    assert details["determinations"][0]["outcome"] == "exempted"
    assert details["determinations"][0]["outcome_label"] == "免责"
    assert sorted(d["recipient"] for d in details["deliveries"]) == ["applicant", "organ"]
    assert details["archive"][0]["volume_number"] == "2026-容错-01"
    assert details["allowed_actions"] == ["reopen"]
    assert details["active_deadline"] is None and not details["overdue"]

    conn = sqlite3.connect(str(data / "rongcuo.sqlite3"))
    try:
        trail = conn.execute("SELECT actor, action FROM audit_record ORDER BY seq").fetchall()
    finally:
        conn.close()
    assert {actor for actor, _ in trail} == {officer}
    assert [action for _, action in trail][1:] == [step[0] for step in steps]

    assert "检查通过" in ok(run(data, "check"))


@pytest.fixture(scope="module")
def investigating(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A data folder with one case under investigation."""
    base = tmp_path_factory.mktemp("cli")
    data = base / "data"
    number = ok(run(data, "case", "add", str(write_json(base / "case.json", APPLICATION))))
    ok(run(data, "case", "act", number, "accept", "--date", "2026-03-12"))
    return data, number


@pytest.mark.parametrize(("args", "expect"), [
    (["case", "act", "2026-9999", "note", "--set", "text=x"], "2026-9999"),
    (["case", "act", "{number}", "fly"], "fly"),
    (["case", "act", "{number}", "note", "--set", "text"], "键=值"),
    (["case", "add", "/nonexistent/申请.json"], "找不到文件"),
    (["case", "act", "{number}", "evidence", "--set", "title=x", "--set", "files=/nonexistent/a.pdf"], "找不到"),
    (["case", "act", "{number}", "note", "--date", "2026-02-30", "--set", "text=x"], "2026-02-30"),
    (["case", "act", "{number}", "note", "--date", "2099-01-01", "--set", "text=x"], "不能晚于今天"),
    (["case", "act", "{number}", "note", "--date", "2026-03-11", "--set", "text=x"], "受理日期"),
    (["case", "act", "{number}", "determine", "--set", "outcome=exempted"], "核实中"),
    (["workdays", "add", "2026-01-01", "很多"], "工作日数"),
])
def test_mistakes_give_one_chinese_line(investigating: tuple[Path, str], args: list[str], expect: str) -> None:
    data, number = investigating
    line = one_chinese_error(run(data, *[a.format(number=number) for a in args]))
    assert line.startswith("错误：") and expect in line, line


def test_usage_mistake_gives_one_chinese_line(investigating: tuple[Path, str]) -> None:
    data, _ = investigating
    line = one_chinese_error(run(data, "workdays", "add", "2026-01-01"), exit_code=2)
    assert "缺少参数" in line


def test_mistakes_changed_nothing(investigating: tuple[Path, str]) -> None:
    data, number = investigating
    details = json.loads(ok(run(data, "case", "show", number, "--json")))
    assert details["status"] == "investigating" and details["notes"] == [] and details["evidence"] == []
    assert not (data / "logs").exists()   # no mistake was taken for a bug


def test_demo_verifies_and_checks(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert "演示数据" in ok(run(data, "demo", user="张科长"))
    assert "审计链完整" in ok(run(data, "audit", "verify"))
    assert "检查通过" in ok(run(data, "check"))


def test_fonts_names_a_font_for_every_role(tmp_path: Path) -> None:
    rows = json.loads(ok(run(tmp_path / "d", "fonts", "--json")))
    assert [row["role"] for row in rows] == ["title", "body", "heading1", "heading2", "page_number"]
    assert all(Path(row["file"]).is_file() for row in rows)


# --- letter settings and templates -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("cli-demo") / "data"
    ok(run(data, "demo"))
    return data


def test_office_letter_settings(demo_data: Path) -> None:
    shown = ok(run(demo_data, "office", "show"))
    assert "认定书份数（determination_letters）：1（一份" in shown
    assert "受理通知书版式（format.acceptance-notice）：信函格式（letter，默认）" in shown
    assert "容错免责认定书版式（format.determination-letter）：文件格式（file，默认）" in shown
    out = ok(run(demo_data, "office", "set", "--set", "format.determination-letter=信函格式",
                 "--set", "determination_letters=2"))
    assert "容错免责认定书版式（format.determination-letter）：信函格式（letter）" in out
    assert "认定书份数（determination_letters）：2（两份" in out
    line = one_chinese_error(run(demo_data, "office", "set", "--set", "format.investigation-report=letter"))
    assert "版式是固定的" in line
    ok(run(demo_data, "office", "set", "--set", "format.determination-letter=file",
           "--set", "determination_letters=1"))


def test_render_two_determination_letters(demo_data: Path, tmp_path: Path) -> None:
    line = one_chinese_error(run(demo_data, "render", "2026-0017", "determination-letter", "--to", "applicant",
                                 "--out", str(tmp_path / "x.pdf")))
    assert "只出具一份认定书" in line and "determination_letters=2" in line
    assert not (tmp_path / "x.pdf").exists()
    ok(run(demo_data, "office", "set", "--set", "determination_letters=2"))
    try:
        organ = ok(run(demo_data, "render", "2026-0017", "determination-letter", "--out", str(tmp_path / "o.pdf")))
        person = ok(run(demo_data, "render", "2026-0017", "determination-letter", "--to", "applicant",
                        "--out", str(tmp_path / "a.pdf")))
    finally:
        ok(run(demo_data, "office", "set", "--set", "determination_letters=1"))
    seqs = [int(m.group(1)) for out in (organ, person) if (m := re.search(r"〔2026〕(\d+)号", out))]
    assert len(seqs) == 2 and seqs[1] == seqs[0] + 1
    register = ok(run(demo_data, "numbers", "list"))
    assert "determination-letter（主送申请人）" in register
    line = one_chinese_error(run(demo_data, "render", "2026-0017", "acceptance-notice", "--to", "organ",
                                 "--out", str(tmp_path / "n.pdf")))
    assert "只用于认定书和送达回证" in line


def test_template_commands(demo_data: Path, tmp_path: Path) -> None:
    listed = ok(run(demo_data, "template", "list"))
    assert "acceptance-notice\t受理通知书\t默认模板" in listed.splitlines()
    out = ok(run(demo_data, "template", "export", "acceptance-notice", str(tmp_path)))
    exported = tmp_path / "acceptance-notice.docx"
    assert str(exported) in out and exported.is_file()
    broken = tmp_path / "broken.docx"
    broken.write_text("不是 Word 文档", encoding="utf-8")
    one_chinese_error(run(demo_data, "template", "import", "acceptance-notice", str(broken)))
    assert "默认模板" in ok(run(demo_data, "template", "list")).splitlines()[1]
    digest = hashlib.sha256(exported.read_bytes()).hexdigest()
    assert digest in ok(run(demo_data, "template", "import", "acceptance-notice", str(exported)))
    rows = {r["kind"]: r for r in json.loads(ok(run(demo_data, "template", "list", "--json")))}
    assert rows["acceptance-notice"]["template"] == "office" and rows["acceptance-notice"]["sha256"] == digest
    assert rows["rejection-notice"]["template"] == "default"
    assert "已恢复默认模板" in ok(run(demo_data, "template", "reset", "acceptance-notice"))
    assert "无需恢复" in one_chinese_error(run(demo_data, "template", "reset", "acceptance-notice"))
    assert "“nosuch”" in one_chinese_error(run(demo_data, "template", "export", "nosuch", str(tmp_path)))
    conn = sqlite3.connect(str(demo_data / "rongcuo.sqlite3"))
    try:
        actions = [a for (a,) in conn.execute("SELECT action FROM audit_record ORDER BY seq")]
    finally:
        conn.close()
    assert actions[-2:] == ["import_template", "reset_template"]
    assert "审计链完整" in ok(run(demo_data, "audit", "verify"))


def test_without_a_display_the_program_says_so_in_chinese(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run(["./run.sh", "--data-dir", str(tmp_path / "data")], cwd=ROOT, capture_output=True,
                            text=True, encoding="utf-8", env=env, timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip() == "错误：没有图形显示环境，无法打开窗口。命令行功能见 ./run.sh --help"
