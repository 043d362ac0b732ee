"""PySide6 6.12.0 drops a reference to None on every call of a void Qt method on CPython 3.11; after
a few thousand calls None's count reaches zero and the interpreter aborts. The pinned version must
not do that (requirements.txt pins 6.11.3)."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

PySide6 = pytest.importorskip("PySide6", reason="PySide6 is not installed")

from PySide6.QtCore import QObject  # noqa: E402

BROKEN_VERSIONS = {(6, 12, 0)}


def test_installed_pyside6_is_not_a_broken_version() -> None:
    version = tuple(PySide6.__version_info__[:3])
    assert version not in BROKEN_VERSIONS, f"PySide6 {PySide6.__version__} 会泄漏 None 的引用计数，请使用 requirements.txt 中固定的版本"
    import shiboken6

    assert shiboken6.__version__ == PySide6.__version__


@pytest.mark.skipif(sys.version_info >= (3, 12),
                    reason="None is immortal from Python 3.12 on: its reference count never moves")
def test_void_calls_keep_none_refcount() -> None:
    obj = QObject()
    obj.setObjectName("warm-up")
    before = sys.getrefcount(None)
    for _ in range(1000):
        obj.setObjectName("x")
    moved = sys.getrefcount(None) - before
    assert abs(moved) <= 100, f"1000 次 setObjectName 使 None 的引用计数变化了 {moved}"


def test_many_void_calls_do_not_abort_the_process() -> None:
    script = textwrap.dedent("""
        from PySide6.QtCore import QObject
        o = QObject()
        for i in range(20000):
            o.setObjectName("x")
        print("SURVIVED", o.objectName())
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                            env=os.environ | {"QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, f"进程异常退出（{result.returncode}）：{result.stderr[-2000:]}"
    assert result.stdout.strip() == "SURVIVED x"
