"""The office profile: who signs the letters and how their numbers start."""
from __future__ import annotations

from typing import Any

from core import validation as v
from core.policy import available_policy_ids, load_policy
from core.services.workspace import Workspace
from models.base import now
from models.office import ORGAN_KINDS, OfficeProfile

FIELDS = {
    "organ_name": "机关名称",
    "letterhead": "发文机关标志",
    "code_prefix": "机关代字",
    "organ_kind": "机关类型",
    "policy_id": "适用的办法",
}


def office_profile(ws: Workspace) -> dict[str, Any]:
    profile = ws.office()
    return {name: getattr(profile, name) for name in FIELDS}


def update_office(ws: Workspace, changes: dict[str, Any]) -> dict[str, Any]:
    """Change some fields of the office profile; one audit record with before and after."""
    unknown = sorted(set(changes) - set(FIELDS))
    if unknown:
        raise v.ValidationError(unknown[0], f"未知的设置项：{'、'.join(unknown)}。可设置：{'、'.join(FIELDS)}")
    clean: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "organ_kind":
            clean[name] = v.check_choice(value, name, FIELDS[name], ORGAN_KINDS)
        elif name == "policy_id":
            clean[name] = v.check_choice(value, name, FIELDS[name], available_policy_ids())
            load_policy(clean[name])   # a broken file is refused here, not at the next registration
        elif name == "code_prefix":
            clean[name] = v.require_text(value, name, FIELDS[name], max_length=10)
            if any(ch in clean[name] for ch in "〔〕[]()（） "):
                raise v.ValidationError(name, "机关代字不能含括号或空格，例如：贺纪")
        else:
            clean[name] = v.require_text(value, name, FIELDS[name], max_length=100)
    with ws.change():
        profile = OfficeProfile.select().first() or OfficeProfile()
        before = {name: getattr(profile, name) for name in clean}
        for name, value in clean.items():
            setattr(profile, name, value)
        profile.updated_at = now()
        profile.save()
        ws.record("office_profile", None, "office_profile", before, clean)
    return office_profile(ws)
