"""A realistic demo data set: two dozen cases in every status, around the 2026 holidays.

Each demo case has a fixed UUID, so loading the demo again adds nothing that is already there.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from core.services.actions import perform_action
from core.services.registration import register_case
from core.services.workspace import Workspace
from core.validation import id_check_char
from models.case import Case
from models.office import OfficeProfile

DEMO_NAMESPACE = uuid.UUID("6f1d3c1e-2b7a-4c55-9a44-3f3d2f6c0b01")
COUNTY = "贺兰县"
AREA = "640122"

# name, gender, birth date, unit, position, rank, organ type, staff type, political status
CADRES = [
    ("李卫东", "男", "19800101", "贺兰县住房和城乡建设局", "副局长", "四级调研员", "行政机关", "公务员", "中共党员"),
    ("王秀兰", "女", "19830512", "贺兰县行政审批服务局", "科长", "一级主任科员", "行政机关", "公务员", "中共党员"),
    ("张志强", "男", "19760823", "贺兰县农业农村局", "副局长", "二级调研员", "行政机关", "公务员", "中共党员"),
    ("马海燕", "女", "19880304", "贺兰县习岗镇人民政府", "副镇长", "一级主任科员", "行政机关", "公务员", "中共党员"),
    ("杨建国", "男", "19720630", "贺兰县自然资源局", "局长", "一级调研员", "行政机关", "公务员", "中共党员"),
    ("刘芳", "女", "19900915", "贺兰县人民医院", "副院长", "", "企事业单位", "事业单位工作人员", "中共党员"),
    ("丁学军", "男", "19850120", "贺兰县教育体育局", "股长", "二级主任科员", "行政机关", "公务员", "中共党员"),
    ("赵明", "男", "19820707", "贺兰县发展和改革局", "副局长", "三级调研员", "行政机关", "公务员", "中共党员"),
    ("纳小红", "女", "19870218", "贺兰县立岗镇人民政府", "党委委员", "一级主任科员", "党的机关", "公务员", "中共党员"),
    ("陈伟", "男", "19910402", "贺兰县工业园区管委会", "招商部部长", "", "行政机关", "借调", "中共党员"),
    ("周丽萍", "女", "19790926", "贺兰县城市管理局", "副局长", "四级调研员", "行政机关", "公务员", "中共党员"),
    ("韩东升", "男", "19840611", "贺兰县水务局", "科长", "一级主任科员", "行政机关", "挂职", "中共党员"),
]

MATTERS = [
    "老旧小区改造项目容缺受理后材料补正不及时",
    "企业开办“容缺审批”后部分材料与实际不符",
    "高标准农田建设项目因上级政策调整未达预期",
    "防汛抢险中临时调用物资手续不全",
    "历史遗留土地确权问题化解中引发信访",
    "医院信息化改革先行先试中系统切换出现偏差",
    "校园安全改造工程进度滞后",
    "招商引资项目因上级决策变动未能落地",
]


def id_number(birth: str, index: int, gender: str) -> str:
    seq = 100 + index * 2 + (1 if gender == "男" else 0)
    body = f"{AREA}{birth}{seq:03d}"
    return body + id_check_char(body)


@dataclass
class DemoCase:
    key: str
    target: str                     # status to drive the case to
    started_on: date
    receive_after: int = 5          # working days from the start of accountability to receipt
    cadres: tuple[int, ...] = (0,)
    situations: tuple[int, ...] = (4, 8)
    matter: int = 0
    applicant_unit: bool = False
    extension: int = 0
    exclusions: tuple[int, ...] = ()
    outcome: str = "exempted"
    deliveries: tuple[str, ...] = ("organ", "applicant")
    reopen: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


D = date
DEMO_CASES = [
    # registered, one of them late (received 14 working days after accountability started)
    DemoCase("reg-1", "registered", D(2026, 11, 16), 3, (1,), (4,), 1),
    DemoCase("reg-late", "registered", D(2026, 10, 26), 14, (6,), (2, 8), 6),
    DemoCase("reg-3", "registered", D(2026, 11, 19), 2, (9,), (3,), 7, applicant_unit=True),
    # rejected and withdrawn
    DemoCase("rej-1", "rejected", D(2026, 1, 26), 4, (10,), (5,), 6),
    DemoCase("rej-2", "rejected", D(2026, 6, 10), 3, (11,), (9,), 3),
    DemoCase("wd-1", "withdrawn", D(2026, 3, 30), 3, (7,), (6,), 4),
    DemoCase("wd-2", "withdrawn", D(2026, 9, 21), 2, (3,), (5,), 3, applicant_unit=True),
    # investigating: one due soon, one overdue despite an extension, one around National Day
    DemoCase("inv-soon", "investigating", D(2026, 11, 2), 3, (2,), (3,), 2),
    DemoCase("inv-overdue", "investigating", D(2026, 9, 14), 2, (4,), (6, 8), 4, extension=10),
    DemoCase("inv-oct", "investigating", D(2026, 10, 19), 5, (5,), (2,), 5, applicant_unit=True),
    DemoCase("inv-ext", "investigating", D(2026, 10, 28), 2, (8,), (7,), 7, extension=15),
    # reported: waiting for determination
    DemoCase("rep-1", "reported", D(2026, 9, 23), 3, (6,), (4, 8), 1),
    DemoCase("rep-excl", "reported", D(2026, 8, 3), 4, (11,), (6,), 4, exclusions=(2,), outcome="not_exempted"),
    # determined: letters out, deliveries pending
    DemoCase("det-1", "determined", D(2026, 4, 1), 3, (3,), (5,), 3, deliveries=("organ",)),
    DemoCase("det-2", "determined", D(2026, 6, 15), 2, (9,), (1,), 7, outcome="lighter", deliveries=()),
    DemoCase("det-3", "determined", D(2026, 9, 28), 2, (0, 1), (4, 7), 0, outcome="mitigated",
             applicant_unit=True, deliveries=("applicant",)),
    # archived: across Spring Festival, Qingming, Labour Day, Dragon Boat and National Day
    DemoCase("arc-spring", "archived", D(2026, 2, 9), 4, (0,), (4, 8), 0),
    DemoCase("arc-qingming", "archived", D(2026, 3, 27), 3, (2,), (3,), 2, outcome="lighter"),
    DemoCase("arc-labour", "archived", D(2026, 4, 24), 4, (7,), (2,), 7, applicant_unit=True),
    DemoCase("arc-dragon", "archived", D(2026, 6, 12), 3, (5,), (2, 8), 5, extension=8, outcome="mitigated"),
    DemoCase("arc-national", "archived", D(2026, 9, 18), 5, (4,), (6,), 4, exclusions=(3,), outcome="not_exempted"),
    DemoCase("arc-newyear", "archived", D(2025, 12, 24), 5, (10,), (5,), 6),
    DemoCase("arc-reopened", "determined", D(2026, 5, 11), 3, (1,), (4,), 1, reopen=True),
    DemoCase("arc-2", "archived", D(2026, 7, 6), 3, (9, 6), (1, 5), 3, applicant_unit=True, outcome="lighter"),
]


def _application(spec: DemoCase, received_on: date) -> dict[str, Any]:
    cadres = []
    for index in spec.cadres:
        name, gender, birth, unit, position, rank, organ_type, staff_type, political = CADRES[index]
        cadres.append({"name": name, "gender": gender, "id_number": id_number(birth, index, gender),
                       "unit": unit, "position": position, "rank": rank, "organ_type": organ_type,
                       "staff_type": staff_type, "political_status": political,
                       "management_authority": "县委管理" if "局长" in position else "县委组织部备案"})
    first = CADRES[spec.cadres[0]]
    if spec.applicant_unit:
        applicant = {"kind": "unit", "name": first[3], "contact_person": "办公室主任 苏文",
                     "phone": "0951-8012345", "address": f"宁夏银川市{COUNTY}"}
    else:
        applicant = {"kind": "person", "name": first[0], "phone": "13909510000",
                     "id_number": cadres[0]["id_number"]}
    return {
        "applicant": applicant,
        "cadres": cadres,
        "accountability": {"organ": "贺兰县纪委监委" if spec.matter % 2 == 0 else "中共贺兰县委组织部",
                           "started_on": spec.started_on.isoformat(), "matter": MATTERS[spec.matter],
                           "by_self": spec.matter % 2 == 0},
        "handled_by": "纪检监察机关" if spec.matter % 2 == 0 else "组织部门",
        "received_on": received_on.isoformat(),
        "situations": list(spec.situations),
        "statement": f"{first[0]}同志在{MATTERS[spec.matter]}一事中，出发点是推动工作、服务群众，"
                     "未谋取私利，出现偏差后已主动采取措施纠正，申请依照容错免责办法予以认定。",
        "materials": ["容错免责申请书", "情况说明", "相关会议纪要"],
    }


def _drive(ws: Workspace, number: str, spec: DemoCase, received_on: date) -> None:
    cal = ws.calendar

    def act(action: str, on: date, **fields: Any) -> None:
        perform_action(ws, number, action, on, fields)

    if spec.target == "registered":
        return
    if spec.target == "rejected":
        act("reject", cal.add_workdays(received_on, 2),
            reason="申请事项不属于本机关干部管理权限，已告知申请人向有管辖权的机关提出")
        return
    accepted = cal.add_workdays(received_on, 1)
    if spec.target == "withdrawn" and spec.key == "wd-1":
        act("withdraw", cal.add_workdays(received_on, 1), reason="申请人书面申请撤回")
        return
    act("accept", accepted, late_reason="因疫病住院未能按期提出，有医院证明" if spec.key == "reg-late" else "",
        clues="single")
    act("note", cal.add_workdays(accepted, 2), place=f"{COUNTY}纪委监委谈话室", interviewers="马军、杨帆",
        recorder="杨帆", interviewee=CADRES[spec.cadres[0]][0],
        text="问：请说明事情经过。答：为加快办理进度，经集体研究后先行受理，事后及时补正了材料。")
    act("evidence", cal.add_workdays(accepted, 3), title="会议纪要复印件", source="申请人提交", pages=4)
    if spec.target == "withdrawn":
        act("withdraw", cal.add_workdays(accepted, 4), reason="申请人书面申请撤回")
        return
    if spec.extension:
        act("extend", cal.add_workdays(accepted, 10), days=spec.extension,
            reason="涉及多个部门，情况复杂，需进一步调取材料", approver="县纪委副书记 王宏")
    if spec.target == "investigating":
        return
    reported = cal.add_workdays(accepted, 12 + spec.extension // 2)
    if spec.key in ("arc-dragon", "rep-excl"):
        act("expert", cal.add_workdays(accepted, 8), participants="县发改局、县财政局、宁夏大学 李教授",
            opinion="经讨论评估，该事项属于探索性工作中的一般性偏差")
    proposal = spec.outcome
    act("report", reported, findings=f"{CADRES[spec.cadres[0]][0]}同志在{MATTERS[spec.matter]}一事中，出发点是推动工作，未谋取私利；偏差发现后已主动纠正，相关损失已挽回。",
        proposal=proposal, exclusions=list(spec.exclusions),
        situation_analysis={str(n): "符合该项容错情形" for n in spec.situations},
        distinctions={"1": "属于缺乏经验、先行先试出现的失误", "3": "未谋取私利"})
    if spec.target == "reported":
        return
    determined = cal.add_workdays(reported, 5)
    act("determine", determined, outcome=spec.outcome, reasoning="根据调查结果，经集体研究作出认定。",
        approver="县纪委书记 张明")
    for i, recipient in enumerate(spec.deliveries if spec.target != "archived" else ("organ", "applicant")):
        act("deliver", cal.add_workdays(determined, 1 + i), to=recipient, method="直接送达",
            receipt="已签收送达回证")
    if spec.target == "archived" or spec.reopen:
        act("archive", cal.add_workdays(determined, 4), volume_number=f"RC-{determined.year}-{spec.key}",
            retention_period="永久", classification="内部")
    if spec.reopen:
        act("reopen", cal.add_workdays(determined, 8), reason="发现认定书送达回证信息录入有误，需更正")


def load_demo(ws: Workspace) -> tuple[int, int]:
    """Load every demo case not yet present; returns (created, already present)."""
    if OfficeProfile.select().count() == 0:
        with ws.change():
            profile = OfficeProfile.create(organ_name="中共贺兰县纪律检查委员会 贺兰县监察委员会",
                                           letterhead="中共贺兰县纪委 贺兰县监委", code_prefix="贺纪",
                                           organ_kind="纪检监察机关")
            ws.record("office_profile", None, "office_profile", None,
                      {"organ_name": profile.organ_name, "code_prefix": profile.code_prefix})
    created = existing = 0
    for spec in DEMO_CASES:
        case_uuid = str(uuid.uuid5(DEMO_NAMESPACE, spec.key))
        if Case.select().where(Case.uuid == case_uuid).exists():
            existing += 1
            continue
        received_on = ws.calendar.add_workdays(spec.started_on, spec.receive_after)
        registration = register_case(ws, _application(spec, received_on), case_uuid=case_uuid)
        _drive(ws, registration.number, spec, received_on)
        created += 1
    return created, existing
