"""What several test modules need: the demo's personal data and a scan for it in what was written,
a check that an installation is sound, and a child process killed with SIGKILL while it works."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from core.services.demo import CADRES, id_number
from core.services.health import check_installation
from core.services.workspace import Workspace
from core.stick_files import LockedFile

from .conftest import TODAY

ROOT = Path(__file__).resolve().parents[1]

# Personal data in the demo: every cadre's name and ID number, and an attachment that names one.
NAMES = [c[0] for c in CADRES]
ID_NUMBERS = [id_number(c[2], i, c[1]) for i, c in enumerate(CADRES)]
ATTACHMENT = f"谈话对象：{NAMES[0]}，身份证号码 {ID_NUMBERS[0]}\n".encode() * 40


def assert_no_personal_data(folder: Path) -> list[Path]:
    """No name or ID number of the demo in any file under ``folder`` (in UTF-8, or GBK as Chinese
    Windows tools write), nor in any name below it; the files found."""
    needles = [s.encode("utf-8") for s in NAMES + ID_NUMBERS] + [s.encode("gbk") for s in ID_NUMBERS]
    # Two-character names are four bytes in GBK, which random bytes hold now and then; the longer ones
    # are checked in GBK too.
    needles += [s.encode("gbk") for s in NAMES if len(s) >= 3]
    files = []
    for path in sorted(folder.rglob("*")):
        for text in NAMES + ID_NUMBERS:
            assert text not in str(path.relative_to(folder)), path
        if path.is_file():
            data = path.read_bytes()
            for needle in needles:
                assert needle not in data, (path.name, needle)
            files.append(path)
    return files


def assert_sound(data_dir: Path) -> None:
    """``check`` finds no problem and the audit chain verifies."""
    ws = Workspace(data_dir, actor="测试员", today=lambda: TODAY)
    try:
        problems, _ = check_installation(ws)
        assert problems == []
        assert ws.audit.verify().ok
    finally:
        ws.close()


@dataclass
class Leftovers:
    """What writers left on a stick and in a data folder's scratch folder (see ``leftovers``)."""

    abandoned: Path         # the partial file of a writer that was killed
    running: LockedFile     # the partial file of a writer still at work elsewhere
    stale: Path             # the scratch folder of a writer that was killed
    unrelated: Path         # someone else's file with the same ending

    def assert_cleaned(self, warnings: list[str]) -> None:
        """Only what the killed writer left is gone, and the warnings say so."""
        assert any(self.abandoned.name in w for w in warnings)
        assert not self.abandoned.exists() and not self.stale.exists()
        assert self.running.path.exists() and self.unrelated.exists()


@contextmanager
def leftovers(stick: Path, name: str, partial: str, scratch: Path, what: str) -> Iterator[Leftovers]:
    """``Leftovers`` of writers of ``what`` (``<name>-<time><partial>`` on ``stick``, plain copies
    in ``scratch``): one killed, one still running (whose file is removed afterwards)."""
    stick.mkdir()
    abandoned = stick / f"{name}-20261120-100000{partial}"
    abandoned.write_bytes(b"half")
    running = LockedFile.create(stick / f"{name}-20261120-110000{partial}", what)
    stale = scratch / "0123456789ab"
    stale.mkdir(parents=True)
    (stale / "copy").write_bytes(b"plaintext copy")
    unrelated = stick / f"别的文件{Path(partial).suffix}"
    unrelated.write_bytes(b"keep")
    try:
        yield Leftovers(abandoned, running, stale, unrelated)
    finally:
        running.discard()


# --- child processes ------------------------------------------------------------------------------

def crash_rng(what: str) -> tuple[int, random.Random]:
    """A seed (``RONGCUO_CRASH_SEED`` replays one), printed so that a failure can be replayed, and
    random numbers from it."""
    seed = int(os.environ.get("RONGCUO_CRASH_SEED") or random.SystemRandom().randrange(1 << 32))
    print(f"{what} seed={seed}")
    return seed, random.Random(seed)


def python_child(*args: str) -> subprocess.Popen[str]:
    """``python *args`` from the repository root, its output read as text."""
    return subprocess.Popen([sys.executable, *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, encoding="utf-8", env=os.environ | {"PYTHONDONTWRITEBYTECODE": "1"})


def stop(proc: subprocess.Popen[str]) -> None:
    """Kill ``proc`` if it still runs, wait for it, close its pipes."""
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    for stream in (proc.stdout, proc.stderr):
        if stream:
            stream.close()


@contextmanager
def watched(proc: subprocess.Popen[str], seconds: float) -> Iterator[subprocess.Popen[str]]:
    """``proc``, killed by a watchdog if it is still running after ``seconds``, and stopped on leaving."""
    watchdog = threading.Timer(seconds, proc.kill)
    watchdog.start()
    try:
        yield proc
    finally:
        watchdog.cancel()
        stop(proc)


def expect_line(proc: subprocess.Popen[str], text: str, where: str) -> None:
    """The next line ``proc`` prints is ``text`` (else its error output is shown)."""
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().strip() == text, f"{where}: {proc.stderr.read()}"


def kill_while_running(script: str, args: Sequence[str], where: str, *, delay: float, timeout: float,
                       then: Callable[[subprocess.Popen[str], str], None] | None = None) -> None:
    """Run ``script`` (``python -c``) with ``args``: it prints READY, then works on in a loop. After
    READY (and ``then(proc, where)``, which may read on), wait ``delay`` seconds and SIGKILL it, and
    make sure the kill ended it, not the script itself. ``where`` (the seed, the round) goes into
    every failure."""
    with watched(python_child("-c", script, *args), timeout) as proc:
        expect_line(proc, "READY", where)
        if then is not None:
            then(proc, where)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL, f"{where}: the loop ended on its own, not killed"
