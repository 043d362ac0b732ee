"""``--self-test`` run in this process (CI runs the built program's: .ci/run)."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from core.self_test import HEADLESS_STEPS, SelfTestError, SelfTestState, SelfTestStep, run_self_test


def test_every_step_passes_here(qapp: object) -> None:
    from gui.self_test import MAIN_WINDOW_STEP

    out, err = io.StringIO(), io.StringIO()
    assert run_self_test((*HEADLESS_STEPS, MAIN_WINDOW_STEP), out=out, err=err) == 0, err.getvalue()
    lines = out.getvalue().splitlines()
    assert lines[-1].startswith(f"自检通过：{len(HEADLESS_STEPS) + 1} 项")
    assert any("出具全部文书" in line and "11 种文书" in line for line in lines)
    assert any("打开主窗口" in line for line in lines)
    assert err.getvalue() == ""


def test_the_cli_flag_runs_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import gui.self_test
    from cli.main import run

    monkeypatch.setattr(gui.self_test, "run_program_self_test", lambda: 7)
    assert run(["--self-test"]) == 7


def _boom(state: SelfTestState) -> str:
    raise ModuleNotFoundError("No module named 'holidays.countries.china'")


def _refuse(state: SelfTestState) -> str:
    raise SelfTestError("认定书 PDF 中读不出应有的文字")


@pytest.mark.parametrize(("step", "reason"), [
    (SelfTestStep("计算工作日", _boom), "ModuleNotFoundError: No module named 'holidays.countries.china'"),
    (SelfTestStep("出具全部文书", _refuse), "认定书 PDF 中读不出应有的文字"),
])
def test_a_failing_step_is_named_on_stderr_and_the_exit_code_is_1(step: SelfTestStep, reason: str) -> None:
    ran: list[str] = []
    after = SelfTestStep("之后的步骤", lambda state: ran.append("after") or "")
    out, err = io.StringIO(), io.StringIO()
    assert run_self_test((HEADLESS_STEPS[0], step, after), out=out, err=err) == 1
    assert f"自检失败：第 2 步“{step.name}”：{reason}" in err.getvalue()
    assert err.getvalue().rstrip().endswith(f"自检失败：{step.name}")
    assert ran == []                              # later steps need the earlier ones: not run
    assert "通过 1/3" in out.getvalue()


def test_the_temporary_folder_is_removed(tmp_path: Path) -> None:
    seen: list[Path] = []
    step = SelfTestStep("记下文件夹", lambda state: seen.append(state.root) or "")
    assert run_self_test((HEADLESS_STEPS[0], step), out=io.StringIO(), err=io.StringIO()) == 0
    assert seen and not seen[0].exists()


# The watchdog ends the process: so these run in a child process, with a small limit.
HANGING = """
import sys, threading, time
import core.self_test as st
st.STEP_LIMIT_SECONDS, st.EXIT_LIMIT_SECONDS = 2, 2

def hang_in_step(state):
    time.sleep(120)
    return ""

def hang_at_exit(state):
    threading.Thread(target=time.sleep, args=(120,), name="a-stuck-worker").start()   # not a daemon
    return "started"

step = {"step": hang_in_step, "exit": hang_at_exit}[sys.argv[1]]
sys.exit(st.run_self_test((st.SelfTestStep("第一步", lambda state: "ok"), st.SelfTestStep("卡住的步骤", step)),
                          watchdog=True))
"""


@pytest.mark.parametrize(("where", "passed", "in_stack"), [
    ("step", "通过 1/2 第一步", "hang_in_step"),
    ("exit", "自检通过：2 项", "Thread"),
])
def test_a_hang_ends_the_process_with_every_stack(where: str, passed: str, in_stack: str) -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    # the step or the thread would take 120 s: ending sooner is the watchdog's doing
    child = subprocess.run([sys.executable, "-c", HANGING, where], cwd=root, capture_output=True, text=True,
                           timeout=100, check=False)
    assert child.returncode == 1, child.stderr
    assert passed in child.stdout
    assert "Timeout (0:00:02)!" in child.stderr and in_stack in child.stderr
