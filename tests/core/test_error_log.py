"""The fault logs: ``logs/error.log`` for caught faults, ``logs/fatal.log`` for what kills the process."""
from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.error_log import FATAL_LOG, append_error_log

ROOT = Path(__file__).resolve().parents[2]
CRASHING = """
import faulthandler, sys, time
from pathlib import Path
from core.error_log import keep_fatal_traces

def inside_a_native_library():
    faulthandler._sigsegv()          # as a fault in Qt or PDFium would

keep_fatal_traces(Path(sys.argv[1]))
keep_fatal_traces(Path(sys.argv[1]))          # again: nothing more
if sys.argv[2] == "crash":
    inside_a_native_library()
print("ready", flush=True)
time.sleep(60)
"""


def test_an_error_is_appended_with_its_time(tmp_path: Path) -> None:
    log = append_error_log(tmp_path, "GUI", "Traceback: one")
    append_error_log(tmp_path, "CLI", "Traceback: two\n")
    assert log == tmp_path / "logs" / "error.log"
    text = log.read_text(encoding="utf-8")
    assert text.count("--- ") == 2 and "GUI\nTraceback: one\n" in text and text.endswith("Traceback: two\n")


def test_a_native_crash_leaves_the_python_stack_in_fatal_log(tmp_path: Path) -> None:
    child = subprocess.run([sys.executable, "-c", CRASHING, str(tmp_path), "crash"], cwd=ROOT,
                           capture_output=True, text=True, timeout=60, check=False)
    assert child.returncode != 0
    text = (tmp_path / FATAL_LOG).read_text(encoding="utf-8")
    assert text.count("started (pid") == 1
    assert "Fatal Python error: Segmentation fault" in text and "inside_a_native_library" in text


@pytest.mark.skipif(sys.platform == "win32", reason="SIGUSR1 exists only on Linux and other POSIX systems")
def test_sigusr1_writes_where_a_running_program_is_and_it_goes_on(tmp_path: Path) -> None:
    child = subprocess.Popen([sys.executable, "-c", CRASHING, str(tmp_path), "run"], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        child.send_signal(signal.SIGUSR1)
        log = tmp_path / FATAL_LOG
        deadline = time.monotonic() + 30
        while 'File "<string>"' not in log.read_text(encoding="utf-8"):          # the stack is written
            assert time.monotonic() < deadline, log.read_text(encoding="utf-8")
            time.sleep(0.05)
        assert child.poll() is None          # still running
    finally:
        child.kill()
        child.wait()
