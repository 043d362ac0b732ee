"""``--self-test``: the program proves on this computer that it has every part it needs.

In a temporary data folder (never the office's own), it registers a case and takes it through the
whole procedure, issues every kind of document as PDF and DOCX, exports the cases to a sealed
package and verifies it, binds the archive volume, writes the ledger and the statistics report,
backs up and restores, and estimates the holidays of a year without an official schedule. The
desktop program adds one step (``gui/self_test.py``): the main window, opened offscreen.

Built for the one-folder program (``build.spec``): a data file or a module the build left out
fails its step here, named in Chinese, instead of in an office months later. CI builds the program
and runs ``rongcuo --self-test``; ``./run.sh --self-test`` runs the same steps from the source tree.
Exit code 0 when every step passed, 1 otherwise (stderr names the step, then the details).

A step that hangs must not hang CI or an IT person's console: with ``watchdog`` (the program's
``--self-test``; never inside another process such as the tests), a thread of ``faulthandler``'s own,
which needs no Python lock, writes every thread's stack to stderr and ends the process with exit
code 1 when a step runs longer than ``STEP_LIMIT_SECONDS``, or when the process has not exited
``EXIT_LIMIT_SECONDS`` after the last step. The hung step is the one after the last “通过” line.
"""
from __future__ import annotations

import contextlib
import faulthandler
import io
import sys
import tempfile
import time
import traceback
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from core.services.workspace import Workspace

SELF_TEST_TODAY = date(2026, 11, 27)    # fixed: the steps' dates need no official schedule beyond 2026
OFFICE = {"organ_name": "中共贺兰县纪律检查委员会", "letterhead": "中共贺兰县纪委 贺兰县监委", "code_prefix": "贺纪",
          "organ_kind": "纪检监察机关"}
ADMIN = "自检管理员"
PASSWORD = "自检密码-2026"          # the administrator's, the package's and the backup's
CADRE_ID = "640104198001011235"
STEP_LIMIT_SECONDS = 300       # every step takes seconds here: only a hang comes near this
EXIT_LIMIT_SECONDS = 120       # from the last step to the process's exit (closing Qt, the worker)
APPLICATION: dict[str, Any] = {
    "applicant": {"kind": "person", "name": "李卫东"},
    "cadres": [{"name": "李卫东", "gender": "男", "id_number": CADRE_ID, "unit": "贺兰县住房和城乡建设局",
                "position": "副局长", "organ_type": "行政机关", "staff_type": "公务员"}],
    "accountability": {"organ": "贺兰县住房和城乡建设局党组", "started_on": "2026-03-02",
                       "matter": "老旧小区改造项目容缺受理后材料补正不及时"},
    "handled_by": "纪检监察机关",
    "received_on": "2026-03-10",
    "situations": [4, 8],
    "statement": "为提高审批效率实行容缺受理，出现偏差后已主动纠正。",
}


class SelfTestError(Exception):
    """A step found something wrong (a check, not a crash)."""


@dataclass
class SelfTestState:
    """What the steps share: the temporary folder, the open workspace, what earlier steps made."""

    root: Path
    ws: Workspace | None = None
    case: str = ""                   # the case taken through the procedure
    rejected: str = ""               # a second case, not accepted
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def data_dir(self) -> Path:
        return self.root / "数据"

    def workspace(self) -> Workspace:
        if self.ws is None:
            raise SelfTestError("数据文件夹未打开（前面的步骤未完成）")
        return self.ws

    def close(self) -> None:
        if self.ws is not None:
            self.ws.close()
            self.ws = None


@dataclass(frozen=True)
class SelfTestStep:
    name: str                                      # Chinese, printed as the step runs or fails
    run: Callable[[SelfTestState], str]            # returns a short Chinese note on what it did


# --- the headless steps -----------------------------------------------------------------------------

def _open(state: SelfTestState) -> str:
    from core.services.users import first_start

    state.ws = Workspace(state.data_dir, actor=ADMIN, today=lambda: SELF_TEST_TODAY)
    first_start(state.ws, OFFICE, ADMIN, PASSWORD)
    return str(state.data_dir)


def _png(path: Path) -> Path:
    """A small scanned page stand-in: an 8×8 PNG, written by hand (no image library needed here)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (len(data).to_bytes(4, "big") + kind + data
                + zlib.crc32(kind + data).to_bytes(4, "big"))

    rows = b"".join(b"\x00" + b"\xb2\x22\x22" * 8 for _ in range(8))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", (8).to_bytes(4, "big") * 2 + b"\x08\x02\x00\x00\x00")
                     + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    return path


def _procedure(state: SelfTestState) -> str:
    from core.services.actions import perform_action
    from core.services.registration import register_case

    ws = state.workspace()
    state.case = register_case(ws, APPLICATION).number
    scan = _png(state.root / "扫描件.png")
    steps: list[tuple[str, str, dict[str, Any]]] = [
        ("accept", "2026-03-11", {"suspension": "notice", "clues": "single"}),
        ("note", "2026-03-13", {"place": "谈话室", "interviewers": "马军、杨帆", "recorder": "杨帆",
                                "interviewee": "李卫东", "text": "问：请说明事情经过。答：为加快进度先行受理，事后及时补正了材料。"}),
        ("evidence", "2026-03-16", {"title": "会议纪要扫描件", "source": "申请人提交", "pages": 1, "files": [str(scan)]}),
        ("extend", "2026-03-18", {"days": 10, "reason": "涉及多个部门，情况复杂", "approver": "王宏"}),
        ("expert", "2026-03-20", {"kind": "expert", "participants": "县发改局、县财政局",
                                  "opinion": "该事项属于探索性工作中的一般性偏差"}),
        ("report", "2026-03-27", {"findings": "经调查核实，事实清楚，证据确凿。", "proposal": "exempted",
                                  "situation_analysis": {"4": "符合该项容错情形", "8": "符合该项容错情形"},
                                  "distinctions": {"1": "属于缺乏经验、先行先试出现的失误", "3": "未谋取私利"}}),
        ("determine", "2026-04-01", {"outcome": "exempted", "reasoning": "根据调查结果，经集体研究作出认定。",
                                     "approver": "张明"}),
        ("deliver", "2026-04-02", {"to": "organ", "method": "直接送达", "receipt": "已签收送达回证"}),
        ("deliver", "2026-04-03", {"to": "applicant", "method": "直接送达", "receipt": "已签收送达回证"}),
        ("archive", "2026-04-08", {"volume_number": "RC-2026-001", "retention_period": "永久",
                                   "classification": "内部"}),
    ]
    status = ""
    for action, on, fields in steps:
        status = perform_action(ws, state.case, action, on, fields).status
    if status != "archived":
        raise SelfTestError(f"案件办理后的状态为 {status}，应为 archived")
    other = dict(APPLICATION, received_on="2026-05-06",
                 accountability=dict(APPLICATION["accountability"], started_on="2026-04-28"))
    state.rejected = register_case(ws, other).number
    perform_action(ws, state.rejected, "reject", "2026-05-07", {"reason": "申请事项不属于本机关干部管理权限"})
    return f"{state.case} 登记至归档（{len(steps)} 项办理），{state.rejected} 不予受理"


def _check_file(path: Path, fmt: str) -> None:
    magic = {"pdf": b"%PDF-", "docx": b"PK\x03\x04", "xlsx": b"PK\x03\x04"}[fmt]
    if not path.is_file() or path.stat().st_size < 1000:
        raise SelfTestError(f"{path.name} 未生成或内容过少")
    with path.open("rb") as f:
        if f.read(len(magic)) != magic:
            raise SelfTestError(f"{path.name} 不是 {fmt.upper()} 文件")


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() or "" for page in PdfReader(path).pages)


def _documents(state: SelfTestState) -> str:
    from core.services.letters import FORMATS, render_blank, render_letter
    from documents.kinds import KINDS

    ws, out = state.workspace(), state.root / "文书"
    out.mkdir()
    count = 0
    for kind, spec in KINDS.items():
        key = CADRE_ID if spec.per_cadre else state.rejected if kind == "rejection-notice" else state.case
        for fmt in FORMATS:
            path = out / f"{kind}.{fmt}"
            render_letter(ws, key, kind, fmt, path)
            _check_file(path, fmt)
            state.files[f"{kind}.{fmt}"] = path
            count += 1
            if spec.format == "form":
                blank = out / f"空白-{kind}.{fmt}"
                render_blank(ws, kind, fmt, blank)
                _check_file(blank, fmt)
                count += 1
    text = _pdf_text(state.files["determination-letter.pdf"])
    if "认定书" not in text or "李卫东同志" not in text or "贺纪容认〔2026〕" not in text:
        raise SelfTestError("认定书 PDF 中读不出应有的文字（字体未嵌入或缺字）")
    return f"{len(KINDS)} 种文书，共 {count} 个文件（含空白表）"


def _exchange(state: SelfTestState) -> str:
    from core.services.exchange import export_cases, verify_package

    ws, stick = state.workspace(), state.root / "U盘"
    stick.mkdir()
    result = export_cases(ws, [state.case, state.rejected], None, stick, password=PASSWORD)
    info = verify_package(result.path, PASSWORD)
    found = sorted(c.number for c in info.cases)
    if not info.contents_checked or found != sorted([state.case, state.rejected]):
        raise SelfTestError(f"数据包核对结果不符：{found}")
    return f"{result.path.name}，{len(found)} 件，加密，{result.size:,} 字节"


def _volume(state: SelfTestState) -> str:
    from core.services.archive_volume import build_volume

    out = state.root / "卷宗.pdf"
    info = build_volume(state.workspace(), state.case, out)
    _check_file(out, "pdf")
    scan = next((item for item in info.items if item.title == "会议纪要扫描件"), None)
    if scan is None or scan.first_page is None:     # the PNG attachment, bound through Pillow
        raise SelfTestError(f"卷宗中没有装订证据材料的图片：{scan.note if scan else '未列入目录'}")
    return f"{info.pages} 页，{len(info.items)} 项"


def _reports(state: SelfTestState) -> str:
    from core.services.ledger import write_ledger
    from core.services.statistics import write_statistics_pdf

    ws = state.workspace()
    ledger = write_ledger(ws, state.root / "台账.xlsx")
    _check_file(ledger.path, "xlsx")
    stats = write_statistics_pdf(ws, date(2026, 1, 1), SELF_TEST_TODAY, state.root / "统计.pdf")
    _check_file(stats, "pdf")
    return f"台账 {ledger.rows} 件，统计报表"


def _calendar(state: SelfTestState) -> str:
    ws = state.workspace()
    start = date(2031, 9, 30)       # the National Day holidays of a year with no official schedule
    due = ws.calendar.add_workdays(start, 1)
    if ws.calendar.estimated_years(start, due) != [2031] or due <= date(2031, 10, 3):   # 10月1日至3日法定假日
        raise SelfTestError(f"2031 年国庆假期估算有误：{start} 后第 1 个工作日为 {due}")
    known = ws.calendar.add_workdays(date(2026, 9, 30), 1)
    return f"2026 年内置安排（9月30日后第1个工作日 {known}），2031 年按规则估算（{due}）"


def _health(state: SelfTestState) -> str:
    from core.services.health import check_installation

    problems, summary = check_installation(state.workspace())
    if problems:
        raise SelfTestError("；".join(problems))
    return summary


def _backup(state: SelfTestState) -> str:
    from core.services.backup import make_backup, restore_backup

    made = make_backup(state.workspace(), state.root / "备份", password=PASSWORD)
    state.close()                 # a restore opens the restored folder through the one database binding
    restored = restore_backup(made.path, state.root / "恢复", PASSWORD, actor=ADMIN, today=lambda: SELF_TEST_TODAY)
    if restored.problems:
        raise SelfTestError("恢复后的检查发现问题：" + "；".join(restored.problems))
    return f"{made.path.name}（{made.members} 个文件），恢复到空文件夹并检查通过"


HEADLESS_STEPS: tuple[SelfTestStep, ...] = (
    SelfTestStep("打开临时数据文件夹并完成初始设置", _open),
    SelfTestStep("登记案件并办理至认定、送达、归档", _procedure),
    SelfTestStep("出具全部文书（PDF 和 DOCX）", _documents),
    SelfTestStep("导出加密数据包并核对", _exchange),
    SelfTestStep("装订档案卷宗", _volume),
    SelfTestStep("生成台账和统计报表", _reports),
    SelfTestStep("计算工作日（内置节假日安排与估算）", _calendar),
    SelfTestStep("检查数据库、审计链和附件", _health),
    SelfTestStep("备份并恢复到空文件夹", _backup),
)


# --- running ---------------------------------------------------------------------------------------

def _reason(exc: BaseException) -> str:
    if isinstance(exc, SelfTestError):
        return str(exc)
    message = getattr(exc, "message", None) or str(exc)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _watch(err: TextIO, seconds: int, armed: bool) -> None:
    """Arm the watchdog (see the module docstring) for ``seconds`` from now, replacing the last one.
    Only a stream with a file descriptor can take the stacks (not a StringIO, nor a windowed
    program's missing stderr): without one, nothing is armed."""
    if not armed:
        return
    with contextlib.suppress(AttributeError, ValueError, io.UnsupportedOperation, RuntimeError):
        faulthandler.dump_traceback_later(seconds, exit=True, file=err)


def run_self_test(steps: Sequence[SelfTestStep] = HEADLESS_STEPS, *, out: TextIO | None = None,
                  err: TextIO | None = None, watchdog: bool = False) -> int:
    """Run ``steps`` in order in a new temporary folder (removed afterwards); 0 when all pass, else
    1 after naming the failed step on ``err``. Stops at the first failure: later steps need earlier
    ones. ``watchdog``: end this process if a step or the exit hangs (see the module docstring)."""
    out = out or sys.stdout
    err = err or sys.stderr
    started = time.perf_counter()
    from core.version import VERSION

    print(f"容错免责案件办理系统 {VERSION} 自检（临时文件夹，不涉及本机数据）", file=out, flush=True)
    with tempfile.TemporaryDirectory(prefix="rongcuo-self-test-", ignore_cleanup_errors=True) as folder:
        state = SelfTestState(Path(folder))
        try:
            for number, step in enumerate(steps, 1):
                began = time.perf_counter()
                _watch(err, STEP_LIMIT_SECONDS, watchdog)
                try:
                    note = step.run(state)
                except BaseException as exc:
                    if isinstance(exc, KeyboardInterrupt | SystemExit):
                        raise
                    print(f"自检失败：第 {number} 步“{step.name}”：{_reason(exc)}", file=err)
                    if not isinstance(exc, SelfTestError):
                        traceback.print_exc(file=err)
                    print(f"自检失败：{step.name}", file=err, flush=True)
                    _watch(err, EXIT_LIMIT_SECONDS, watchdog)
                    return 1
                print(f"通过 {number}/{len(steps)} {step.name}（{time.perf_counter() - began:.1f} 秒）：{note}",
                      file=out, flush=True)
        finally:
            state.close()
    _watch(err, EXIT_LIMIT_SECONDS, watchdog)
    print(f"自检通过：{len(steps)} 项，用时 {time.perf_counter() - started:.1f} 秒", file=out, flush=True)
    return 0
