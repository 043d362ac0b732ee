"""Every document the office prints: its code, its name, how it is numbered, and when a case is
ready for it. A letter the case is not ready for is refused with the reason."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Details = dict[str, Any]   # core.services.case_view.case_details output


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    format: str                      # file (文件格式) | letter (信函格式) | form; for a letter the default layout
    number_code: str | None          # the kind's part of the 发文字号 (贺纪 + 容认 + 〔2026〕3号); None: not numbered
    not_ready: Callable[[Details], str | None]
    per_cadre: bool = False          # issued about a cadre, not a case (not_ready gets the cadre's record)
    format_choice: bool = False      # the office may choose 文件格式 or 信函格式 (core.services.office)


def _always(details: Details) -> str | None:
    return None


def _needs(key: str, message: str) -> Callable[[Details], str | None]:
    def check(details: Details) -> str | None:
        return None if details.get(key) else message
    return check


def _suspension_by_notice(details: Details) -> str | None:
    if not details.get("accepted_on"):
        return "案件尚未受理，不能出具暂缓追责通知书"
    modes = [s["mode"] for s in details.get("suspensions", [])]
    if modes and modes[-1] != "notice":
        return "本案由本机关暂缓追责，无需向其他部门发出暂缓追责通知书"
    return None


# Default layouts of the letters (each office may choose the other, per kind). GB/T 9704 §10.1 gives
# 信函格式 to 函, the correspondence between organs that are not each other's superior or subordinate
# (《党政机关公文处理工作条例》第八条): the notices to the applicant (a cadre or a unit, not a subordinate
# organ), the suspension notice to another department and the statement answering an integrity review
# are of that kind, and offices send such notices as letters, not as 红头文件. The determination letter is
# the decision that closes the case: it is filed, copied to several organs and carries a full 版记
# (抄送 and 印发, which 信函格式 omits), so it keeps 文件格式. The investigation report is an internal
# report without a 标志 (no choice).
KINDS: dict[str, Kind] = {k.code: k for k in (
    Kind("application-form", "容错免责申请表", "form", None, _always),
    Kind("acceptance-notice", "受理通知书", "letter", "容受", _needs("accepted_on", "案件尚未受理，不能出具受理通知书"),
         format_choice=True),
    Kind("rejection-notice", "不予受理通知书", "letter", "容不受",
         _needs("rejected_on", "案件未作不予受理决定，不能出具不予受理通知书"), format_choice=True),
    Kind("suspension-notice", "暂缓追责通知书", "letter", "容缓", _suspension_by_notice, format_choice=True),
    Kind("extension-approval", "延长核实期限审批表", "form", None,
         _needs("extensions", "案件没有延长核实期限的记录，不能出具审批表")),
    Kind("interview-record", "谈话（调查）笔录", "form", None, _needs("notes", "案件还没有谈话（调查）笔录")),
    Kind("expert-opinion", "专家论证意见表", "form", None, _needs("assessments", "案件还没有专家（部门）评估记录")),
    Kind("investigation-report", "书面调查报告", "file", None, _needs("reports", "案件尚未出具调查报告")),
    Kind("determination-letter", "容错免责认定书", "file", "容认",
         _needs("determinations", "案件尚未作出认定，不能出具认定书"), format_choice=True),
    Kind("delivery-receipt", "送达回证", "form", None, _needs("determinations", "案件尚未作出认定，没有可送达的认定书")),
    # per cadre: ``not_ready`` gets core.services.cadres.cadre_record output, not a case's details
    Kind("cadre-statement", "容错免责情况说明", "letter", "容说",
         _needs("cases", "该干部没有容错免责申请记录，不能出具情况说明"), per_cadre=True, format_choice=True),
)}

FORMAT_LABELS = {"file": "文件格式", "letter": "信函格式"}


def kind_codes() -> list[str]:
    return list(KINDS)


def format_choice_kinds() -> list[str]:
    """The letters whose layout (文件格式 or 信函格式) the office chooses."""
    return [code for code, kind in KINDS.items() if kind.format_choice]
