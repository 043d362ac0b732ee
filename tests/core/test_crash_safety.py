"""A writer killed with SIGKILL at random points leaves a sound database holding every action it had
reported as committed. Replay a failure with RONGCUO_CRASH_SEED=<seed printed in the failure>."""
from __future__ import annotations

import random
import signal
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from core.services.health import check_installation
from core.services.workspace import Workspace
from models.case import Applicant, Case
from models.procedure import InvestigationNote

from ..conftest import TODAY
from ..helpers import crash_rng, kill_while_running

ROUNDS = 6

WRITER = r"""
import copy, sys
from datetime import date
from pathlib import Path

from core.services.actions import perform_action
from core.services.registration import register_case
from core.services.workspace import Workspace
from tests.conftest import APPLICATION

ws = Workspace(Path(sys.argv[1]), actor="崩溃测试", today=lambda: date(2026, 11, 27))
print("READY", flush=True)
while True:
    number = register_case(ws, copy.deepcopy(APPLICATION)).number
    print("COMMITTED", number, "register", flush=True)
    perform_action(ws, number, "accept", "2026-03-12")
    print("COMMITTED", number, "accept", flush=True)
    perform_action(ws, number, "note", "2026-03-13", {"text": "谈话笔录：" + number * 50})
    print("COMMITTED", number, "note", flush=True)
"""

CHECK_AGAINST = {"register", "accept", "note"}


def kill_after(rng: random.Random, data_dir: Path, seed: int, round_no: int) -> list[tuple[str, str]]:
    """Start the writer, read until a random number of commits, then SIGKILL it mid-work."""
    wanted = rng.randint(3, 25)
    committed: list[tuple[str, str]] = []

    def read_commits(proc: subprocess.Popen[str], where: str) -> None:
        assert proc.stdout is not None
        while len(committed) < wanted:
            line = proc.stdout.readline()
            if not line:
                proc.wait()
                pytest.fail(f"{where}: writer stopped after {len(committed)} commits:\n"
                            f"{proc.stderr.read() if proc.stderr else ''}")
            tag, number, action = line.split()
            assert tag == "COMMITTED" and action in CHECK_AGAINST, line
            committed.append((number, action))

    # vary where in the next action the kill lands: a few hundred microseconds to a few ms
    kill_while_running(WRITER, [str(data_dir)], f"seed={seed} round={round_no}", delay=rng.random() * 0.004,
                       timeout=20, then=read_commits)
    return committed


def assert_intact(data_dir: Path, committed: list[tuple[str, str]], seed: int, round_no: int) -> None:
    where = f"seed={seed} round={round_no}"
    ws = Workspace(data_dir, actor="检查", today=lambda: TODAY)
    try:
        problems, _summary = check_installation(ws)
        assert problems == [], f"{where}: {problems}"
        by_case = {number: {a for n, a in committed if n == number} for number, _ in committed}
        notes = Counter(n.case.number for n in InvestigationNote.select(InvestigationNote, Case).join(Case))
        for number, actions in by_case.items():
            case = Case.get_or_none(Case.number == number)
            assert case is not None, f"{where}: {number} was reported registered but is missing"
            if "accept" in actions:
                assert case.status == "investigating", f"{where}: {number} is {case.status}"
                assert str(case.accepted_on) == "2026-03-12", where
            if "note" in actions:
                assert notes[number] == 1, f"{where}: {number} has {notes[number]} notes"
        # nothing half-done: every case the writer touched is whole, committed or not
        for case in Case.select():
            assert case.status in ("registered", "investigating"), f"{where}: {case.number} {case.status}"
            assert notes[case.number] <= (1 if case.status == "investigating" else 0), where
            assert Applicant.select().where(Applicant.case == case).count() == 1, f"{where}: {case.number}"
        audit = ws.audit.verify()
        assert audit.ok, f"{where}: {audit.message}"
    finally:
        ws.close()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")
def test_killed_writer_leaves_every_committed_action(tmp_path: Path) -> None:
    seed, rng = crash_rng("crash-safety")
    data_dir = tmp_path / "data"
    everything: list[tuple[str, str]] = []
    for round_no in range(1, ROUNDS + 1):
        committed = kill_after(rng, data_dir, seed, round_no)
        everything += committed
        # every round's commits and all earlier rounds' stay
        assert_intact(data_dir, everything, seed, round_no)
    assert len({n for n, _ in everything}) >= ROUNDS
