"""The local measures as data: time limits, tolerance situations, exclusions, outcomes.

Counties adopt the same procedure with different numbers and lists. Everything that varies lives in
a policy file under ``resources/policies/`` (Yinchuan's is the default); the state machine, and later
the letters and the GUI, read it from here. Another county's measures are a new file, not new code.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from core.errors import UserError
from core.resource_paths import resource_path

DEFAULT_POLICY_ID = "yinchuan"


@dataclass(frozen=True)
class Item:
    """A numbered tolerance situation, exclusion or distinction."""

    no: int
    short: str
    text: str
    article: str = ""


@dataclass(frozen=True)
class Outcome:
    code: str
    label: str
    tolerant: bool  # 从轻/减轻/免责 are tolerant outcomes; an exclusion rules them out


@dataclass(frozen=True)
class Policy:
    id: str
    name: str
    source: str
    application_days: int
    report_days: int
    verification_limit_days: int
    letter_days: int
    due_soon_days: int
    review: bool
    organ_types: tuple[str, ...]
    staff_types: tuple[str, ...]
    situations: tuple[Item, ...]
    exclusions: tuple[Item, ...]
    outcomes: tuple[Outcome, ...]
    distinctions: tuple[Item, ...]
    protections: tuple[str, ...]
    articles: dict[str, str]

    def outcome(self, code: str) -> Outcome:
        for outcome in self.outcomes:
            if outcome.code == code:
                return outcome
        raise KeyError(code)

    @property
    def outcome_codes(self) -> tuple[str, ...]:
        return tuple(o.code for o in self.outcomes)

    @property
    def situation_numbers(self) -> tuple[int, ...]:
        return tuple(s.no for s in self.situations)

    @property
    def exclusion_numbers(self) -> tuple[int, ...]:
        return tuple(e.no for e in self.exclusions)

    def max_extension_days(self) -> int:
        """Working days that extensions may add in all, beyond the ordinary report limit."""
        return self.verification_limit_days - self.report_days


def policy_file(policy_id: str) -> Path:
    return resource_path("policies", f"{policy_id}.json")


def available_policy_ids() -> list[str]:
    return sorted(p.stem for p in resource_path("policies").glob("*.json"))


_cache: dict[Path, Policy] = {}


def load_policy(policy_id: str = DEFAULT_POLICY_ID, path: Path | None = None) -> Policy:
    """The policy with this id (from ``resources/policies``), or read from ``path``."""
    path = path or policy_file(policy_id)
    if path not in _cache:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise UserError(f"找不到办法配置文件：{path.name}") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise UserError(f"办法配置文件 {path.name} 无法读取：{exc}") from None
        policy = _parse(raw, path.name)
        if path == policy_file(policy_id) and policy.id != policy_id:
            # cases store the id and find their policy by file name: the two must agree
            raise UserError(f"办法配置文件 {path.name} 中的 id（{policy.id}）应与文件名一致")
        _cache[path] = policy
    return _cache[path]


def _items(raw: list[dict], kind: str) -> tuple[Item, ...]:
    items = tuple(Item(int(r["no"]), str(r["short"]), str(r["text"]), str(r.get("article", ""))) for r in raw)
    numbers = [i.no for i in items]
    if len(set(numbers)) != len(numbers):
        raise ValueError(f"{kind} 编号重复")
    return items


def _parse(raw: dict, name: str) -> Policy:
    try:
        limits = raw["time_limits"]
        policy = Policy(
            id=str(raw["id"]),
            name=str(raw["name"]),
            source=str(raw.get("source", "")),
            application_days=int(limits["application_days"]),
            report_days=int(limits["report_days"]),
            verification_limit_days=int(limits["verification_limit_days"]),
            letter_days=int(limits["letter_days"]),
            due_soon_days=int(limits.get("due_soon_days", 3)),
            review=bool(raw.get("review", False)),
            organ_types=tuple(raw["organ_types"]),
            staff_types=tuple(raw["staff_types"]),
            situations=_items(raw["situations"], "容错情形"),
            exclusions=_items(raw["exclusions"], "不得容错情形"),
            outcomes=tuple(Outcome(str(o["code"]), str(o["label"]), _flag(o["tolerant"], "tolerant"))
                           for o in raw["outcomes"]),
            distinctions=_items(raw["distinctions"], "三个区分开来"),
            protections=tuple(raw.get("protections", ())),
            articles={k: str(v) for k, v in limits.items() if k.endswith("_article")}
            | {k: str(v) for k, v in raw.items() if k.endswith("_article")},
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise UserError(f"办法配置文件 {name} 内容不完整或有误：{exc}") from None
    if policy.verification_limit_days < policy.report_days:
        raise UserError(f"办法配置文件 {name}：核实最长期限不能短于出具调查报告期限")
    problem = _problem(policy)
    if problem:
        raise UserError(f"办法配置文件 {name}：{problem}")
    return policy


def _flag(value: object, key: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"“{key}”应为 true 或 false")
    return value


def _problem(policy: Policy) -> str | None:
    """What makes a parsed policy unusable: the rules would crash or could never be followed."""
    days = {"application_days": policy.application_days, "report_days": policy.report_days,
            "letter_days": policy.letter_days}
    for key, value in days.items():
        if value < 1:
            return f"期限“{key}”应为正整数（工作日数），现在是 {value}"
    if policy.due_soon_days < 0:
        return f"临近提醒天数“due_soon_days”不能为负数，现在是 {policy.due_soon_days}"
    for items, label in ((policy.situations, "容错情形（situations）"), (policy.exclusions, "不得容错情形（exclusions）"),
                         (policy.outcomes, "认定结果（outcomes）"), (policy.organ_types, "单位类型（organ_types）"),
                         (policy.staff_types, "人员类别（staff_types）")):
        if not items:
            return f"{label}不能为空"
    if len(set(policy.outcome_codes)) != len(policy.outcome_codes):
        return "认定结果（outcomes）编号重复"
    if all(o.tolerant for o in policy.outcomes):
        return "认定结果（outcomes）中至少应有一项不属于容错（tolerant 为 false，如“不予免责”）"
    return None
