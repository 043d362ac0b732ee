"""The case state machine: statuses, actions, which action is allowed when, and where it leads.

Rules that need the case's data (an exclusion forbids a tolerant outcome, the extension limit,
deliveries before archiving, dates in order) are checked by the services with the helpers below;
this module knows only statuses and actions, so the GUI can ask it why a button is disabled.
"""
from __future__ import annotations

from dataclasses import dataclass

from core.errors import ActionRefused
from core.policy import Policy

STATUS_LABELS: dict[str, str] = {
    "registered": "已登记",
    "investigating": "核实中",
    "reported": "待认定",
    "determined": "已认定",
    "archived": "已归档",
    "rejected": "不予受理",
    "withdrawn": "已撤回",
}

ACTION_LABELS: dict[str, str] = {
    "accept": "受理",
    "reject": "不予受理",
    "withdraw": "撤回申请",
    "extend": "延长核实期限",
    "note": "添加谈话（调查）笔录",
    "evidence": "添加证据材料",
    "expert": "添加专家（部门）评估意见",
    "report": "出具调查报告",
    "determine": "作出认定",
    "deliver": "登记送达",
    "archive": "归档",
    "reopen": "重新打开",
}


@dataclass(frozen=True)
class Transition:
    allowed_from: frozenset[str]
    to_status: str | None           # None: the status stays


TRANSITIONS: dict[str, Transition] = {
    "accept": Transition(frozenset({"registered"}), "investigating"),
    "reject": Transition(frozenset({"registered"}), "rejected"),
    "withdraw": Transition(frozenset({"registered", "investigating", "reported"}), "withdrawn"),
    "extend": Transition(frozenset({"investigating"}), None),
    "note": Transition(frozenset({"investigating"}), None),
    "evidence": Transition(frozenset({"investigating"}), None),
    "expert": Transition(frozenset({"investigating"}), None),
    "report": Transition(frozenset({"investigating"}), "reported"),
    "determine": Transition(frozenset({"reported"}), "determined"),
    "deliver": Transition(frozenset({"determined"}), None),
    "archive": Transition(frozenset({"determined"}), "archived"),
    "reopen": Transition(frozenset({"archived", "rejected", "withdrawn"}), None),
}

# Where a reopened case goes back to: an archived case to its determination (to correct and
# archive again); a rejected or withdrawn one to a fresh decision on acceptance.
REOPEN_TARGET: dict[str, str] = {"archived": "determined", "rejected": "registered", "withdrawn": "registered"}

OPEN_STATUSES = frozenset({"registered", "investigating", "reported", "determined"})


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def allowed_actions(status: str) -> list[str]:
    return [action for action, t in TRANSITIONS.items() if status in t.allowed_from]


def why_not(status: str, action: str) -> str | None:
    """The Chinese reason an action is not allowed in this status, or None when it is."""
    if action not in TRANSITIONS:
        return f"未知的操作“{action}”。可用的操作：{'、'.join(TRANSITIONS)}"
    transition = TRANSITIONS[action]
    if status in transition.allowed_from:
        return None
    label = ACTION_LABELS[action]
    if status == "archived":
        return f"案件已归档，不能{label}；如需更正，请先重新打开案件并说明理由"
    allowed = "、".join(f"“{STATUS_LABELS[s]}”" for s in STATUS_LABELS if s in transition.allowed_from)
    return f"案件当前状态为“{status_label(status)}”，不能{label}（仅在{allowed}状态下可以{label}）"


def check_allowed(status: str, action: str) -> None:
    reason = why_not(status, action)
    if reason:
        raise ActionRefused(reason)


def next_status(status: str, action: str) -> str:
    check_allowed(status, action)
    if action == "reopen":
        return REOPEN_TARGET[status]
    return TRANSITIONS[action].to_status or status


def check_outcome(policy: Policy, outcome: str, exclusions: list[int]) -> None:
    """An exclusion found by the report rules out every tolerant outcome (从轻、减轻、免责)."""
    if outcome not in policy.outcome_codes:
        codes = "、".join(f"{o.code}（{o.label}）" for o in policy.outcomes)
        raise ActionRefused(f"认定结果“{outcome}”无效，应为：{codes}")
    chosen = policy.outcome(outcome)
    if chosen.tolerant and exclusions:
        found = "、".join(f"第{n}项" for n in exclusions)
        allowed = "、".join(o.label for o in policy.outcomes if not o.tolerant)
        raise ActionRefused(
            f"调查报告认定存在不得容错情形（{found}），不能认定为“{chosen.label}”，只能认定为：{allowed}"
        )


def check_extension(policy: Policy, already_extended: int, days: int) -> None:
    """Extensions may bring the report deadline to the verification limit, never beyond it."""
    room = policy.max_extension_days() - already_extended
    if days > room:
        raise ActionRefused(
            f"延长 {days} 个工作日超出限制：调查核实时间自受理起不得超过 {policy.verification_limit_days} 个工作日"
            f"（已延长 {already_extended} 个工作日，最多还可延长 {max(room, 0)} 个工作日）"
        )
