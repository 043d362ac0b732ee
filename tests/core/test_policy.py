"""A different county's measures are a different policy file, and the rules follow it.

The second policy (``county_b``) differs from Yinchuan's everywhere that matters: application 5,
report 20, verification limit 40 and letter 7 working days; only 3 tolerance situations and
2 exclusions; no 减轻 (mitigated) outcome; review on. It lives in ``tmp_path``: the services find it
through ``core.policy.policy_file``, patched for the test, so nothing is written under resources/.
"""
from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import core.policy
from core import workflow
from core.calendar import WorkCalendar
from core.deadlines import compute_deadlines
from core.errors import ActionRefused, UserError, ValidationError
from core.policy import DEFAULT_POLICY_ID, Policy, load_policy, policy_file
from core.services.actions import perform_action
from core.services.case_view import case_details
from core.services.registration import register_case
from core.services.workspace import Workspace
from models.case import Case
from models.office import OfficeProfile

CJK = re.compile(r"[\u4e00-\u9fff]")
POLICY_ID = "county_b"


def yinchuan_raw() -> dict[str, Any]:
    raw: dict[str, Any] = json.loads(policy_file(DEFAULT_POLICY_ID).read_text(encoding="utf-8"))
    return raw


def county_b_raw() -> dict[str, Any]:
    raw = copy.deepcopy(yinchuan_raw())
    raw["id"] = POLICY_ID
    raw["name"] = "某县容错纠错实施办法（试行）"
    raw["time_limits"].update(application_days=5, report_days=20, verification_limit_days=40, letter_days=7)
    raw["situations"] = raw["situations"][:3]
    raw["exclusions"] = raw["exclusions"][:2]
    raw["outcomes"] = [o for o in raw["outcomes"] if o["code"] != "mitigated"]
    raw["review"] = True
    return raw


def write(path: Path, raw: object) -> Path:
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def county_b_file(tmp_path: Path) -> Path:
    return write(tmp_path / f"{POLICY_ID}.json", county_b_raw())


@pytest.fixture
def county_b(county_b_file: Path) -> Policy:
    return load_policy(path=county_b_file)


@pytest.fixture
def office_on_county_b(workspace: Workspace, county_b_file: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """The workspace's office set to county_b, whose file is found in tmp_path."""
    shipped: Callable[[str], Path] = core.policy.policy_file

    def find(policy_id: str) -> Path:
        return county_b_file if policy_id == POLICY_ID else shipped(policy_id)

    monkeypatch.setattr(core.policy, "policy_file", find)
    with workspace.change():
        OfficeProfile.create(policy_id=POLICY_ID)
    return workspace


# --- the policy as loaded ------------------------------------------------------------------------

def test_the_second_policy_loads_with_its_own_numbers(county_b: Policy) -> None:
    assert county_b.id == POLICY_ID
    assert (county_b.application_days, county_b.report_days, county_b.verification_limit_days,
            county_b.letter_days) == (5, 20, 40, 7)
    assert county_b.situation_numbers == (1, 2, 3)
    assert county_b.exclusion_numbers == (1, 2)
    assert county_b.outcome_codes == ("lighter", "exempted", "not_exempted")
    assert county_b.review is True
    assert county_b.max_extension_days() == 20


def test_loading_the_second_policy_leaves_yinchuan_alone(county_b: Policy) -> None:
    yinchuan = load_policy()
    assert yinchuan.id == DEFAULT_POLICY_ID
    assert (yinchuan.application_days, yinchuan.report_days, yinchuan.verification_limit_days,
            yinchuan.letter_days) == (10, 15, 30, 10)
    assert "mitigated" in yinchuan.outcome_codes and len(yinchuan.situations) == 9


# --- the pure rules follow it --------------------------------------------------------------------

def test_compute_deadlines_follows_the_policy(county_b: Policy) -> None:
    calendar = WorkCalendar()
    deadlines = compute_deadlines(county_b, calendar, started_on=date(2026, 3, 2), accepted_on=date(2026, 3, 11),
                                  extension_days=0, reported_on=date(2026, 3, 20))
    assert deadlines.application_due == date(2026, 3, 9)     # 5 working days (Yinchuan: 03-16)
    assert deadlines.report_due == date(2026, 4, 9)          # 20, across 清明 04-04..06 (Yinchuan: 04-01)
    assert deadlines.report_limit == date(2026, 5, 11)       # 40, across 劳动节 05-01..05 and 调休 05-09
    assert deadlines.letter_due == date(2026, 3, 31)         # 7 (Yinchuan: 04-03)
    assert not deadlines.estimated
    yinchuan = compute_deadlines(load_policy(), calendar, started_on=date(2026, 3, 2), accepted_on=date(2026, 3, 11),
                                 extension_days=0, reported_on=date(2026, 3, 20))
    assert (yinchuan.application_due, yinchuan.report_due, yinchuan.report_limit, yinchuan.letter_due) == (
        date(2026, 3, 16), date(2026, 4, 1), date(2026, 4, 23), date(2026, 4, 3))


def test_compute_deadlines_extensions_reach_the_policy_limit(county_b: Policy) -> None:
    calendar = WorkCalendar()

    def report_due(extension_days: int) -> date | None:
        return compute_deadlines(county_b, calendar, started_on=date(2026, 3, 2), accepted_on=date(2026, 3, 11),
                                 extension_days=extension_days, reported_on=None).report_due

    assert report_due(10) == date(2026, 4, 23)     # 30 working days: Yinchuan's limit, not this one's
    assert report_due(20) == date(2026, 5, 11)
    assert report_due(25) == date(2026, 5, 11)     # never past the limit


def test_check_extension_allows_up_to_twenty_extra_days(county_b: Policy) -> None:
    workflow.check_extension(county_b, 0, 20)
    workflow.check_extension(county_b, 15, 5)
    with pytest.raises(ActionRefused) as caught:
        workflow.check_extension(county_b, 0, 21)
    assert "40" in caught.value.message and "最多还可延长 20 个工作日" in caught.value.message
    with pytest.raises(ActionRefused, match="最多还可延长 5 个工作日"):
        workflow.check_extension(county_b, 15, 6)
    with pytest.raises(ActionRefused):                # Yinchuan allows only 15
        workflow.check_extension(load_policy(), 0, 16)


def test_check_outcome_refuses_mitigated_as_unknown(county_b: Policy) -> None:
    with pytest.raises(ActionRefused) as caught:
        workflow.check_outcome(county_b, "mitigated", [])
    assert "无效" in caught.value.message and "减轻" not in caught.value.message
    workflow.check_outcome(county_b, "exempted", [])
    workflow.check_outcome(county_b, "not_exempted", [2])
    with pytest.raises(ActionRefused, match="不得容错"):
        workflow.check_outcome(county_b, "lighter", [1])
    workflow.check_outcome(load_policy(), "mitigated", [])    # Yinchuan knows it


# --- through the services ------------------------------------------------------------------------

def test_a_case_registered_under_the_office_policy_follows_it(office_on_county_b: Workspace,
                                                              application: dict[str, Any]) -> None:
    ws = office_on_county_b
    assert ws.policy().id == POLICY_ID
    application["situations"] = [1, 3]
    registration = register_case(ws, application)
    assert Case.get(Case.number == registration.number).policy_id == POLICY_ID
    # received 2026-03-10: in time for Yinchuan (due 03-16), late under a 5-day limit (due 03-09)
    assert registration.late_application is True
    number = registration.number
    with pytest.raises(ValidationError):
        perform_action(ws, number, "accept", "2026-03-11")
    perform_action(ws, number, "accept", "2026-03-11", {"late_reason": "经集体研究予以受理"})
    case = case_details(ws, number)
    assert case["policy"] == POLICY_ID
    assert case["deadlines"] == {"application_due": "2026-03-09", "report_due": "2026-04-09",
                                 "report_limit": "2026-05-11", "letter_due": None}


def test_extensions_through_the_services_follow_the_policy(office_on_county_b: Workspace,
                                                           application: dict[str, Any]) -> None:
    ws = office_on_county_b
    application.update(situations=[1], received_on="2026-03-09")
    number = register_case(ws, application).number
    perform_action(ws, number, "accept", "2026-03-11")
    extension = {"reason": "案情复杂", "approver": "王书记"}
    perform_action(ws, number, "extend", "2026-03-20", {"days": 16, **extension})   # over Yinchuan's 15
    perform_action(ws, number, "extend", "2026-03-23", {"days": 4, **extension})
    deadlines = case_details(ws, number)["deadlines"]
    assert deadlines["report_due"] == deadlines["report_limit"] == "2026-05-11"
    with pytest.raises(ActionRefused) as caught:
        perform_action(ws, number, "extend", "2026-03-24", {"days": 1, **extension})
    assert "40" in caught.value.message


def test_situation_four_is_out_of_range_under_the_policy(office_on_county_b: Workspace,
                                                         application: dict[str, Any]) -> None:
    application["situations"] = [4, 8]      # valid for Yinchuan
    with pytest.raises(ValidationError) as caught:
        register_case(office_on_county_b, application)
    assert "1到3之间" in caught.value.message
    assert Case.select().count() == 0


def test_the_report_and_determination_follow_the_policy(office_on_county_b: Workspace,
                                                        application: dict[str, Any]) -> None:
    ws = office_on_county_b
    application.update(situations=[2], received_on="2026-03-09")
    number = register_case(ws, application).number
    perform_action(ws, number, "accept", "2026-03-11")
    with pytest.raises(ValidationError, match="1到2之间"):          # only two exclusions
        perform_action(ws, number, "report", "2026-03-20",
                       {"proposal": "not_exempted", "exclusions": [3], "findings": "……"})
    with pytest.raises(ActionRefused, match="无效"):
        perform_action(ws, number, "report", "2026-03-20", {"proposal": "mitigated", "findings": "……"})
    perform_action(ws, number, "report", "2026-03-20", {"proposal": "lighter", "findings": "……"})
    assert case_details(ws, number)["deadlines"]["letter_due"] == "2026-03-31"
    with pytest.raises(ActionRefused, match="无效"):
        perform_action(ws, number, "determine", "2026-03-25",
                       {"outcome": "mitigated", "reasoning": "……", "approver": "王书记"})
    perform_action(ws, number, "determine", "2026-03-25", {"outcome": "lighter", "reasoning": "……",
                                                           "approver": "王书记"})
    assert case_details(ws, number)["determinations"][0]["outcome_label"] == "从轻"


def test_a_case_keeps_the_policy_it_was_registered_under(workspace: Workspace, county_b_file: Path,
                                                         application: dict[str, Any],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    old = register_case(workspace, copy.deepcopy(application)).number        # under Yinchuan
    shipped = core.policy.policy_file
    monkeypatch.setattr(core.policy, "policy_file",
                        lambda policy_id: county_b_file if policy_id == POLICY_ID else shipped(policy_id))
    with workspace.change():
        OfficeProfile.create(policy_id=POLICY_ID)
    perform_action(workspace, old, "accept", "2026-03-11")
    case = case_details(workspace, old)
    assert case["policy"] == DEFAULT_POLICY_ID
    assert case["deadlines"]["report_due"] == "2026-04-01"                  # 15 working days, not 20


# --- a broken policy file is the officer's problem to fix, not a traceback -------------------------

def _drop_time_limits(raw: dict[str, Any]) -> None:
    del raw["time_limits"]


def _words_for_days(raw: dict[str, Any]) -> None:
    raw["time_limits"]["report_days"] = "十五"


def _limit_shorter_than_report(raw: dict[str, Any]) -> None:
    raw["time_limits"]["verification_limit_days"] = 10


def _negative_days(raw: dict[str, Any]) -> None:
    raw["time_limits"]["application_days"] = -1


def _zero_letter_days(raw: dict[str, Any]) -> None:
    raw["time_limits"]["letter_days"] = 0


def _no_situations(raw: dict[str, Any]) -> None:
    raw["situations"] = []


def _no_exclusions(raw: dict[str, Any]) -> None:
    raw["exclusions"] = []


def _duplicate_situation(raw: dict[str, Any]) -> None:
    raw["situations"].append(dict(raw["situations"][0]))


def _situation_without_number(raw: dict[str, Any]) -> None:
    del raw["situations"][0]["no"]


def _only_tolerant_outcomes(raw: dict[str, Any]) -> None:
    raw["outcomes"] = [o for o in raw["outcomes"] if o["tolerant"]]


def _tolerant_as_text(raw: dict[str, Any]) -> None:
    raw["outcomes"][-1]["tolerant"] = "false"


def _duplicate_outcome(raw: dict[str, Any]) -> None:
    raw["outcomes"].append(dict(raw["outcomes"][0]))


def _outcomes_not_a_list(raw: dict[str, Any]) -> None:
    raw["outcomes"] = 4


BROKEN = [_drop_time_limits, _words_for_days, _limit_shorter_than_report, _negative_days, _zero_letter_days,
          _no_situations, _no_exclusions, _duplicate_situation, _situation_without_number, _only_tolerant_outcomes,
          _tolerant_as_text, _duplicate_outcome, _outcomes_not_a_list]


@pytest.mark.parametrize("spoil", BROKEN, ids=[f.__name__.strip("_") for f in BROKEN])
def test_a_broken_policy_file_gives_a_user_error(tmp_path: Path, spoil: Callable[[dict[str, Any]], None]) -> None:
    raw = county_b_raw()
    spoil(raw)
    path = write(tmp_path / "broken.json", raw)
    with pytest.raises(UserError) as caught:
        load_policy(path=path)
    assert "办法配置文件 broken.json" in caught.value.message
    assert CJK.search(caught.value.message)


@pytest.mark.parametrize("text", ['{"id": "county_b", ', "", "[1, 2, 3]", '"yinchuan"', "null"],
                         ids=["truncated", "empty", "list", "string", "null"])
def test_a_policy_file_that_is_not_a_policy_gives_a_user_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "broken.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as caught:
        load_policy(path=path)
    assert "broken.json" in caught.value.message and CJK.search(caught.value.message)


def test_a_policy_file_in_another_encoding_gives_a_user_error(tmp_path: Path) -> None:
    path = tmp_path / "gbk.json"
    path.write_bytes(json.dumps(county_b_raw(), ensure_ascii=False).encode("gbk"))
    with pytest.raises(UserError, match="无法读取"):
        load_policy(path=path)


def test_a_missing_policy_gives_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="找不到办法配置文件"):
        load_policy(path=tmp_path / "nowhere.json")
    with pytest.raises(UserError, match=r"找不到办法配置文件：no_such_county\.json"):
        load_policy("no_such_county")


def test_an_office_set_to_a_missing_policy_refuses_registration_with_a_user_error(
        workspace: Workspace, application: dict[str, Any]) -> None:
    with workspace.change():
        OfficeProfile.create(policy_id="no_such_county")
    with pytest.raises(UserError, match="找不到办法配置文件"):
        register_case(workspace, application)
    assert Case.select().count() == 0
