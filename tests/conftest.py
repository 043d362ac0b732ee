"""Shared fixtures: a fresh data folder and workspace per test, with a fixed 'today'."""
from __future__ import annotations

import copy
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from core.services.workspace import Workspace

TODAY = date(2026, 11, 27)

APPLICATION: dict[str, Any] = {
    "applicant": {"kind": "person", "name": "李卫东"},
    "cadres": [{"name": "李卫东", "gender": "男", "id_number": "640104198001011235",
                "unit": "贺兰县住房和城乡建设局", "position": "副局长",
                "organ_type": "行政机关", "staff_type": "公务员"}],
    "accountability": {"organ": "贺兰县纪委监委", "started_on": "2026-03-02",
                       "matter": "老旧小区改造项目容缺受理后材料补正不及时"},
    "handled_by": "纪检监察机关",
    "received_on": "2026-03-10",
    "situations": [4, 8],
    "statement": "为提高审批效率实行容缺受理，出现偏差后已主动纠正。",
}


@pytest.fixture
def application() -> dict[str, Any]:
    """A valid application (accountability started 2026-03-02, received 2026-03-10); edit freely."""
    return copy.deepcopy(APPLICATION)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def workspace(data_dir: Path) -> Iterator[Workspace]:
    ws = Workspace(data_dir, actor="测试员", today=lambda: TODAY)
    yield ws
    ws.close()
