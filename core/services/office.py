"""The office profile: who signs the letters and how their numbers start; and the office's choices
about its letters (``Setting`` rows): the layout of each letter and whether the determination goes
out as one letter or two."""
from __future__ import annotations

from typing import Any

from core import validation as v
from core.policy import available_policy_ids, load_policy
from core.services.workspace import Workspace
from documents.kinds import FORMAT_LABELS, KINDS, format_choice_kinds
from models.base import now
from models.office import ORGAN_KINDS, OfficeProfile, Setting

FIELDS = {
    "organ_name": "机关名称",
    "letterhead": "发文机关标志",
    "code_prefix": "机关代字",
    "organ_kind": "机关类型",
    "policy_id": "适用的办法",
}

# Settings, each one ``Setting`` row (JSON value), changed through ``update_office`` with the keys below.
LETTER_FORMATS_KEY = "letter_formats"            # {kind: "file" | "letter"}: the office's choices only
DETERMINATION_LETTERS_KEY = "determination_letters"   # 1 | 2
FORMAT_KEY_PREFIX = "format."                    # office set --set format.acceptance-notice=letter
DETERMINATION_LETTERS_LABELS = {
    1: "一份：主送问责实施机关，抄送申请人",
    2: "两份：分别主送问责实施机关和申请人，各编发文字号",
}
DEFAULT_DETERMINATION_LETTERS = 1
_FORMAT_WORDS = {"file": "file", "letter": "letter", "文件格式": "file", "信函格式": "letter", "文件": "file",
                 "信函": "letter"}
_COUNT_WORDS = {"1": 1, "2": 2, "一": 1, "二": 2, "两": 2, "一份": 1, "两份": 2}


def office_profile(ws: Workspace) -> dict[str, Any]:
    profile = ws.office()
    return {name: getattr(profile, name) for name in FIELDS}


# --- letter settings ------------------------------------------------------------------------------

def _setting(key: str, default: Any) -> Any:
    row = Setting.get_or_none(Setting.key == key)
    return default if row is None else row.value


def letter_formats(ws: Workspace) -> dict[str, str]:
    """Every letter whose layout the office chooses → ``file`` (文件格式) or ``letter`` (信函格式): the
    office's choice, or the kind's default (``documents.kinds``)."""
    stored = _setting(LETTER_FORMATS_KEY, {})
    chosen: dict[str, str] = {k: str(f) for k, f in stored.items() if f in FORMAT_LABELS} \
        if isinstance(stored, dict) else {}
    return {kind: chosen.get(kind, KINDS[kind].format) for kind in format_choice_kinds()}


def letter_format(ws: Workspace, kind: str) -> str | None:
    """The layout a letter whose layout the office chooses is printed in (``file`` | ``letter``); None
    for every other kind (its template's layout: the report, the forms)."""
    if kind in KINDS and KINDS[kind].format_choice:
        return letter_formats(ws)[kind]
    return None


def determination_letters(ws: Workspace) -> int:
    """1: one determination letter, 主送 the accountability organ and 抄送 the applicant; 2: two letters,
    one 主送 each, with a 发文字号 each."""
    value = _setting(DETERMINATION_LETTERS_KEY, DEFAULT_DETERMINATION_LETTERS)
    return value if value in DETERMINATION_LETTERS_LABELS else DEFAULT_DETERMINATION_LETTERS


def letter_settings(ws: Workspace) -> dict[str, Any]:
    """The office's letter settings as plain data (for the CLI's and the GUI's settings views)."""
    return {"determination_letters": determination_letters(ws), "formats": letter_formats(ws)}


def _check_format(kind: str, value: Any) -> str:
    field = FORMAT_KEY_PREFIX + kind
    if kind not in KINDS or not KINDS[kind].format_choice:
        choices = "、".join(f"{k}（{KINDS[k].label}）" for k in format_choice_kinds())
        fixed = f"“{KINDS[kind].label}”的版式是固定的。" if kind in KINDS else f"没有“{kind}”这种文书。"
        raise v.ValidationError(field, f"{fixed}可以选择版式的文书：{choices}")
    word = str(value if value is not None else "").strip()
    if word not in _FORMAT_WORDS:
        raise v.ValidationError(field, f"{KINDS[kind].label}的版式应为 file（文件格式）或 letter（信函格式），"
                                       f"收到的是“{word}”")
    return _FORMAT_WORDS[word]


def _check_count(value: Any) -> int:
    word = str(value if value is not None else "").strip()
    if word not in _COUNT_WORDS:
        raise v.ValidationError(DETERMINATION_LETTERS_KEY,
                                "认定书份数应为 1（一份：主送问责实施机关，抄送申请人）或 2（两份：分别主送问责实施机关"
                                f"和申请人），收到的是“{word}”")
    return _COUNT_WORDS[word]


def _save_setting(ws: Workspace, key: str, value: Any) -> None:
    """Write one setting and its audit record, inside the caller's ``ws.change()``."""
    row = Setting.get_or_none(Setting.key == key)
    before = None if row is None else row.value
    if before == value:
        return
    if row is None:
        Setting.create(key=key, value=value)
    else:
        row.value = value
        row.save()
    ws.record("office_setting", None, "setting", {key: before}, {key: value})


def _save_letter_settings(ws: Workspace, formats: dict[str, str], count: int | None) -> None:
    if formats:
        chosen = _setting(LETTER_FORMATS_KEY, {})
        chosen = dict(chosen) if isinstance(chosen, dict) else {}
        _save_setting(ws, LETTER_FORMATS_KEY, chosen | formats)
    if count is not None:
        _save_setting(ws, DETERMINATION_LETTERS_KEY, count)


def set_letter_format(ws: Workspace, kind: str, value: str) -> dict[str, str]:
    """Print ``kind`` in 文件格式 (``file``) or 信函格式 (``letter``) from now on; audited."""
    fmt = _check_format(kind, value)
    with ws.change():
        _save_letter_settings(ws, {kind: fmt}, None)
    return letter_formats(ws)


def set_determination_letters(ws: Workspace, value: int | str) -> int:
    """Issue the determination as one letter (1) or two (2) from now on; audited."""
    count = _check_count(value)
    with ws.change():
        _save_letter_settings(ws, {}, count)
    return determination_letters(ws)


# --- changing the profile and the settings together --------------------------------------------------

def setting_keys() -> list[str]:
    """Every key ``update_office`` takes: the profile's fields and the letter settings."""
    return [*FIELDS, DETERMINATION_LETTERS_KEY, *(FORMAT_KEY_PREFIX + kind for kind in format_choice_kinds())]


def update_office(ws: Workspace, changes: dict[str, Any]) -> dict[str, Any]:
    """Change some fields of the office profile (one audit record with before and after) and some letter
    settings (``format.<kind>``, ``determination_letters``; one audit record each), all or nothing."""
    unknown = sorted(k for k in changes if k not in FIELDS and k != DETERMINATION_LETTERS_KEY
                     and not k.startswith(FORMAT_KEY_PREFIX))
    if unknown:
        raise v.ValidationError(unknown[0], f"未知的设置项：{'、'.join(unknown)}。可设置：{'、'.join(setting_keys())}")
    clean: dict[str, Any] = {}
    formats: dict[str, str] = {}
    count: int | None = None
    for name, value in changes.items():
        if name.startswith(FORMAT_KEY_PREFIX):
            kind = name.removeprefix(FORMAT_KEY_PREFIX)
            formats[kind] = _check_format(kind, value)
        elif name == DETERMINATION_LETTERS_KEY:
            count = _check_count(value)
        elif name == "organ_kind":
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
        if clean:
            profile = OfficeProfile.select().first() or OfficeProfile()
            before = {name: getattr(profile, name) for name in clean}
            for name, value in clean.items():
                setattr(profile, name, value)
            profile.updated_at = now()
            profile.save()
            ws.record("office_profile", None, "office_profile", before, clean)
        _save_letter_settings(ws, formats, count)
    return office_profile(ws)
