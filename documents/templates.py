"""Where the letter templates are, and how an office replaces one with its own.

The program ships a default template per kind in ``templates_docx/<kind>.docx``. An office that
edits one in Word or WPS imports it: the copy goes to ``<data_dir>/templates/<kind>.docx`` and wins
over the default from then on; resetting deletes the copy. An imported file is rendered with a
sample case first, so a template with a misspelt placeholder is refused at import, not when a
letter is due.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from docx.document import Document as DocxDocument

from core.errors import NotFound, UserError
from core.policy import load_policy
from core.resource_paths import templates_path
from documents.context import letter_context
from documents.docx_render import build_docx, docx_bytes, render_docx
from documents.kinds import KINDS

TEMPLATE_DIR = "templates"            # under the data folder
SUFFIX = ".docx"


def template_kinds() -> list[str]:
    """The kinds that have a default template."""
    return [kind for kind in KINDS if templates_path(kind + SUFFIX).is_file()]


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise NotFound(f"没有“{kind}”这种文书；可用的文书：{'、'.join(KINDS)}")
    if not templates_path(kind + SUFFIX).is_file():
        raise NotFound(f"{KINDS[kind].label}（{kind}）还没有 Word 模板")


def default_template(kind: str) -> Path:
    _check_kind(kind)
    return templates_path(kind + SUFFIX)


def office_template(kind: str, data_dir: Path) -> Path:
    """Where the office's own copy of a template lives (whether or not it exists)."""
    return Path(data_dir) / TEMPLATE_DIR / f"{kind}{SUFFIX}"


def template_for(kind: str, data_dir: Path | None) -> Path:
    """The template to render ``kind`` with: the office's copy if it has one, else the default."""
    _check_kind(kind)
    if data_dir is not None:
        own = office_template(kind, data_dir)
        if own.is_file():
            return own
    return templates_path(kind + SUFFIX)


def is_customised(kind: str, data_dir: Path) -> bool:
    return office_template(kind, data_dir).is_file()


def export_default(kind: str, target: Path) -> Path:
    """Copy the default template to ``target`` (a file, or a folder to put ``<kind>.docx`` in) to edit it."""
    source = default_template(kind)
    target = Path(target)
    if target.is_dir():
        target = target / source.name
    elif target.suffix.lower() != SUFFIX:
        raise UserError(f"导出位置“{target}”应为已有的文件夹或以 .docx 结尾的文件名")
    try:
        shutil.copyfile(source, target)
    except OSError as exc:
        raise UserError(f"无法保存模板到 {target}：{exc.strerror or exc}") from None
    return target


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@contextmanager
def checked_template(kind: str, source: Path, data_dir: Path, families: dict[str, str] | None = None,
                     letter_format: str | None = None) -> Iterator[Path]:
    """A copy of ``source`` that rendered with a sample case (in ``letter_format``, by default the
    kind's), ready to install with ``install_template`` while the context is open; the copy is gone
    afterwards. A file that is not a .docx, or whose placeholders do not render, raises ``UserError``
    before anything is yielded."""
    _check_kind(kind)
    source = Path(source)
    if not source.is_file():
        raise NotFound(f"找不到模板文件：{source}")
    if source.suffix.lower() != SUFFIX:
        raise UserError(f"模板“{source.name}”应为 Word 文档（.docx）；.doc 或 .wps 文件请先另存为 .docx")
    target = office_template(kind, data_dir)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"无法在数据文件夹中保存模板（{target.parent}）：{exc.strerror or exc}") from None
    # Check a copy named like the target, so messages name the kind's file as the office will see it.
    with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
        trial = Path(scratch) / target.name
        try:
            shutil.copyfile(source, trial)
        except OSError as exc:
            raise UserError(f"无法读取模板文件 {source}：{exc.strerror or exc}") from None
        render_docx(trial, sample_context(), families, letter_format=letter_format)
        yield trial


def install_template(checked: Path, kind: str, data_dir: Path) -> Path:
    """Put a copy ``checked_template`` yielded in place as the office's template for ``kind``."""
    target = office_template(kind, data_dir)
    try:
        os.replace(checked, target)
    except OSError as exc:
        raise UserError(f"无法保存模板 {target}：{exc.strerror or exc}") from None
    return target


def import_template(kind: str, source: Path, data_dir: Path, families: dict[str, str] | None = None,
                    letter_format: str | None = None) -> Path:
    """Make ``source`` the office's template for ``kind``, after rendering it with a sample case.

    A file that is not a .docx, or whose placeholders do not render, raises ``UserError`` and
    nothing is replaced. (``core.services.templates_admin`` does the same with an audit record.)"""
    with checked_template(kind, source, data_dir, families, letter_format) as trial:
        return install_template(trial, kind, data_dir)


def reset_template(kind: str, data_dir: Path) -> bool:
    """Go back to the default template; False if the office had no copy of its own."""
    _check_kind(kind)
    own = office_template(kind, data_dir)
    if not own.is_file():
        return False
    try:
        own.unlink()
    except OSError as exc:
        raise UserError(f"无法删除本机关的模板 {own}：{exc.strerror or exc}") from None
    return True


def render_kind(kind: str, context: dict[str, Any], data_dir: Path | None,
                families: dict[str, str] | None = None, letter_format: str | None = None) -> bytes:
    """The letter of ``kind`` rendered from the template that applies (office copy or default), in
    ``letter_format`` (``file`` | ``letter``; by default the kind's)."""
    return docx_bytes(build_kind(kind, context, data_dir, families, letter_format))


def build_kind(kind: str, context: dict[str, Any], data_dir: Path | None,
               families: dict[str, str] | None = None, letter_format: str | None = None) -> DocxDocument:
    """As ``render_kind``, the python-docx document before it is saved."""
    return build_docx(template_for(kind, data_dir), context, families, letter_format=letter_format)


def sample_context() -> dict[str, Any]:
    """A complete context (every placeholder filled) from an invented case, for checking templates."""
    details: dict[str, Any] = {
        "number": "2026-0001", "status_label": "已认定", "received_on": "2026-03-10", "accepted_on": "2026-03-11",
        "rejected_on": None, "rejection_reason": "申请事项不属于本机关干部管理权限", "late_application": True,
        "late_reason": "因住院未能按期提出", "statement": "申请人陈述。", "situations": [4, 8],
        "materials": ["容错免责申请书"],
        "accountability": {"organ": "示例县住房和城乡建设局", "started_on": "2026-03-02",
                           "matter": "老旧小区改造项目容缺受理后材料补正不及时", "by_self": False},
        "applicant": {"kind": "person", "name": "张三", "id_number": "", "credit_code": "", "contact_person": "",
                      "phone": "", "address": ""},
        "cadres": [{"name": "张三", "gender": "男", "birth_date": "1980-01-01", "id_number": "",
                    "political_status": "中共党员", "unit": "示例县住房和城乡建设局", "position": "副局长",
                    "rank": "四级调研员", "organ_type": "行政机关", "staff_type": "公务员"}],
        "deadlines": {"application_due": "2026-03-16", "report_due": "2026-04-08", "report_limit": "2026-04-23",
                      "letter_due": "2026-04-22"},
        "suspensions": [{"suspended_on": "2026-03-11", "mode": "notice", "notified_department": "示例县住房和城乡建设局",
                         "clue_scope": "other", "other_clues": "另有工程款支付问题线索"}],
        "extensions": [{"approved_on": "2026-03-25", "days": 5, "reason": "情况复杂", "approver": "副书记 李四"}],
        "notes": [{"held_on": "2026-03-13", "place": "谈话室", "interviewers": "王五、赵六", "recorder": "赵六",
                   "interviewee": "张三"}],
        "evidence": [{"received_on": "2026-03-16", "title": "会议纪要复印件", "source": "申请人提交", "pages": 4,
                      "description": ""}],
        "assessments": [{"held_on": "2026-03-20", "kind_label": "专家讨论评估", "participants": "县发改局、县财政局",
                         "opinion": "属于探索性工作中的一般性偏差"}],
        "reports": [{"reported_on": "2026-04-01", "findings": "查明的第一项事实。\n查明的第二项事实。",
                     "situation_analysis": {"4": "符合该项容错情形"}, "exclusions": [],
                     "distinctions": {"1": "属于缺乏经验出现的失误"}, "proposal": "exempted"}],
        "determinations": [{"determined_on": "2026-04-10", "outcome": "exempted", "reasoning": "经集体研究作出认定",
                            "approver": "书记 孙七"}],
    }
    office = {"organ_name": "中共示例县纪律检查委员会 示例县监察委员会", "letterhead": "中共示例县纪委 示例县监委",
              "code_prefix": "示纪", "organ_kind": "纪检监察机关"}
    details["issued_numbers"] = {"determination-letter": "示纪容认〔2026〕1号"}
    details["deliveries"] = [{"recipient": "organ", "recipient_name": "示例县住房和城乡建设局", "delivered_on": "2026-04-13",
                              "method": "直接送达", "receipt": "已签收"}]
    details["extensions"][0] |= {"due_before": "2026-04-01", "due_after": "2026-04-08"}
    details["notes"][0]["text"] = "问：请说明事情经过。答：经集体研究后先行受理，事后及时补正了材料。"
    context = letter_context(details, office, load_policy(), number="示纪容认〔2026〕1号", issued_on=date(2026, 4, 10))
    context["cadre"] = {"name": "张三", "id_number": "", "gender": "男", "birth": "1980年1月"}
    context["statements"] = ["经查，张三同志于2026年因“老旧小区改造项目容缺受理后材料补正不及时”问题提出容错免责申请，"
                             "我委于2026年4月10日作出认定（认定书文号：示纪容认〔2026〕1号），对其在该问题中的责任"
                             "予以免责（免予追究责任）。"]
    return context
