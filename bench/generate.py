"""Realistic, valid applications for benchmarks: deterministic for a given seed.

Each application passes ``core.services.registration.validate_application`` as of 2026-11-27:
18-digit ID numbers with the right check digit (and a gender digit matching the stated gender),
unified social credit codes with the right check character, dates in 2025–2026 with the receipt on
or after the start of accountability and not after 2026-11-27, situations 1–9.

Cadres come from a pool of people with unique ID numbers, so that, as in real ledgers, some cadres
appear in more than one case (always under the same name).

    .venv/bin/python bench/generate.py 10 --seed 1 > applications.json
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.services.demo import MATTERS as DEMO_MATTERS
from core.validation import CREDIT_CODE_CHARSET, credit_code_check_char, id_check_char

LAST_DAY = date(2026, 11, 27)
FIRST_START = date(2025, 1, 2)

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "纳拓海"
)
GIVEN_MALE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宁浩亮俊峰建国志东海林文学永红宏凯兴旭德龙晨阳"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞燕玲桂兰萍红秀英梅琳雪慧婷倩洁颖琴晶佳欣璐瑶月凤云丹蓉莉雯"

# Ningxia county-level divisions: (administrative code, name)
AREAS = (
    ("640104", "银川市兴庆区"), ("640105", "银川市西夏区"), ("640106", "银川市金凤区"),
    ("640121", "永宁县"), ("640122", "贺兰县"), ("640181", "灵武市"), ("640202", "石嘴山市大武口区"),
    ("640205", "石嘴山市惠农区"), ("640221", "平罗县"), ("640302", "吴忠市利通区"),
    ("640323", "盐池县"), ("640324", "同心县"), ("640381", "青铜峡市"), ("640402", "固原市原州区"),
    ("640422", "西吉县"), ("640423", "隆德县"), ("640425", "彭阳县"), ("640502", "中卫市沙坡头区"),
    ("640521", "中宁县"), ("640522", "海原县"),
)

# department, organ type, typical positions
DEPARTMENTS = (
    ("住房和城乡建设局", "行政机关", ("局长", "副局长", "科长", "股长", "科员")),
    ("行政审批服务局", "行政机关", ("副局长", "科长", "科员")),
    ("农业农村局", "行政机关", ("局长", "副局长", "站长", "科员")),
    ("自然资源局", "行政机关", ("副局长", "所长", "科员")),
    ("发展和改革局", "行政机关", ("局长", "副局长", "科长")),
    ("教育体育局", "行政机关", ("副局长", "股长", "科员")),
    ("水务局", "行政机关", ("副局长", "科长", "站长")),
    ("城市管理局", "行政机关", ("副局长", "中队长", "科员")),
    ("财政局", "行政机关", ("副局长", "科长", "科员")),
    ("市场监督管理局", "行政机关", ("副局长", "所长", "科员")),
    ("卫生健康局", "行政机关", ("副局长", "科长")),
    ("人民医院", "企事业单位", ("院长", "副院长", "科主任")),
    ("城市建设投资有限公司", "企事业单位", ("总经理", "副总经理", "部门经理")),
    ("工业园区管委会", "行政机关", ("副主任", "招商部部长", "科员")),
    ("人民政府办公室", "行政机关", ("副主任", "科长")),
    ("委组织部", "党的机关", ("副部长", "科长")),
    ("委宣传部", "党的机关", ("副部长", "科员")),
    ("人民法院", "审判机关", ("副院长", "庭长", "审判员")),
    ("人民检察院", "检察机关", ("副检察长", "检察官")),
    ("人大常委会办公室", "人大机关", ("副主任", "科员")),
    ("政协办公室", "政协机关", ("副主任", "科员")),
    ("总工会", "社会团体", ("副主席",)),
)
TOWNS = (("镇人民政府", ("副镇长", "党委委员", "站长", "科员")), ("乡人民政府", ("副乡长", "党委委员", "科员")),
         ("街道办事处", ("副主任", "党工委委员", "科员")))
RANKS = ("一级调研员", "二级调研员", "三级调研员", "四级调研员", "一级主任科员", "二级主任科员",
         "三级主任科员", "四级主任科员", "一级科员", "")
STAFF_TYPES = ("公务员",) * 12 + ("参照公务员法管理人员", "事业单位工作人员", "聘用", "借调", "挂职")
POLITICAL = ("中共党员",) * 8 + ("群众", "民盟盟员", "九三学社社员")
MATTERS = (
    *DEMO_MATTERS,
    "疫情防控应急采购未履行完整招标程序",
    "乡村振兴产业项目因市场价格波动出现亏损",
    "征地拆迁中为推进进度简化部分审批环节",
    "供热管网改造临时调整资金用途",
    "“放管服”改革中先行试点的告知承诺制出现偏差",
    "扶贫产业项目合作社经营不善",
    "重点工程抢工期中安全台账记录不全",
)
MATERIALS = ("容错免责申请书", "情况说明", "相关会议纪要", "项目批复文件", "整改报告", "单位意见",
             "工作台账", "财务凭证复印件")


@dataclass(frozen=True)
class Person:
    name: str
    gender: str
    id_number: str
    area: int                # index into AREAS: where the person works
    political_status: str


def _name(rng: random.Random, gender: str) -> str:
    chars = GIVEN_MALE if gender == "男" else GIVEN_FEMALE
    given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def _id_number(rng: random.Random, area_code: str, gender: str) -> str:
    birth = date(1962, 1, 1) + timedelta(days=rng.randrange(365 * 36))   # born 1962–1997
    seq = rng.randrange(500) * 2 + (1 if gender == "男" else 0)            # odd for men, even for women
    body = f"{area_code}{birth:%Y%m%d}{seq:03d}"
    return body + id_check_char(body)


def people(count: int, rng: random.Random) -> list[Person]:
    """``count`` people with unique, valid ID numbers."""
    seen: set[str] = set()
    result = []
    while len(result) < count:
        gender = "男" if rng.random() < 0.62 else "女"
        area = rng.randrange(len(AREAS))
        number = _id_number(rng, AREAS[area][0], gender)
        if number in seen:
            continue
        seen.add(number)
        result.append(Person(_name(rng, gender), gender, number, area, rng.choice(POLITICAL)))
    return result


def credit_code(rng: random.Random, area_code: str) -> str:
    """A unified social credit code: 1 (organ) or 9 (enterprise) + type + area + 9 characters + check."""
    head = rng.choice(("11", "12", "91"))
    body = head + area_code + "".join(rng.choice(CREDIT_CODE_CHARSET[:10]) for _ in range(8))
    body += rng.choice(CREDIT_CODE_CHARSET)
    return body + credit_code_check_char(body)


def _dates(rng: random.Random) -> tuple[date, date]:
    """(started_on, received_on): the receipt usually within 10 working days, sometimes late."""
    span = (LAST_DAY - FIRST_START).days
    started = FIRST_START + timedelta(days=rng.randrange(span - 3))
    while started.weekday() >= 5:
        started -= timedelta(days=1)
    gap = rng.randint(1, 12) if rng.random() < 0.93 else rng.randint(16, 30)   # ~7 % late applications
    received = min(started + timedelta(days=gap), LAST_DAY)
    return started, received


def _unit(rng: random.Random, person: Person) -> tuple[str, str, str]:
    """(unit, organ type, position) for a person, in the county where they work."""
    county = AREAS[person.area][1]
    if rng.random() < 0.2:
        town = rng.choice(("城关", "新华", "立岗", "金贵", "洪广", "常信", "习岗", "通贵"))
        kind, positions = rng.choice(TOWNS)
        return f"{county}{town}{kind}", "行政机关", rng.choice(positions)
    department, organ_type, positions = rng.choice(DEPARTMENTS)
    return f"{county}{department}", organ_type, rng.choice(positions)   # 贺兰县委组织部, 贺兰县水务局


def application(rng: random.Random, pool: list[Person]) -> dict[str, Any]:
    count = 1 if rng.random() < 0.8 else 2 if rng.random() < 0.75 else 3
    chosen = rng.sample(pool, count)
    cadres = []
    for person in chosen:
        unit, organ_type, position = _unit(rng, person)
        cadres.append({
            "name": person.name, "gender": person.gender, "id_number": person.id_number,
            "unit": unit, "position": position, "rank": rng.choice(RANKS), "organ_type": organ_type,
            "staff_type": rng.choice(STAFF_TYPES), "political_status": person.political_status,
            "management_authority": "县委管理" if "长" in position else "县委组织部备案",
        })
    first = chosen[0]
    area_code, county = AREAS[first.area]
    if rng.random() < 0.7:
        applicant = {"kind": "person", "name": first.name, "id_number": first.id_number,
                     "phone": f"1{rng.choice('35789')}{rng.randrange(10**9):09d}"}
    else:
        applicant = {"kind": "unit", "name": cadres[0]["unit"], "credit_code": credit_code(rng, area_code),
                     "contact_person": f"办公室主任 {_name(rng, rng.choice('男女'))}",
                     "phone": f"0951-{rng.randrange(2000000, 9999999)}", "address": f"宁夏{county}"}
    started_on, received_on = _dates(rng)
    matter = rng.choice(MATTERS)
    by_discipline = rng.random() < 0.6
    county_short = county.split("市")[-1] if county.endswith(("区", "县")) else county
    return {
        "applicant": applicant,
        "cadres": cadres,
        "accountability": {"organ": f"{county_short}纪委监委" if by_discipline else f"中共{county_short}委组织部",
                           "started_on": started_on.isoformat(), "matter": matter, "by_self": by_discipline},
        "handled_by": "纪检监察机关" if by_discipline else "组织部门",
        "received_on": received_on.isoformat(),
        "situations": sorted(rng.sample(range(1, 10), rng.choice((1, 1, 2, 2, 3)))),
        "statement": f"{first.name}同志在{matter}一事中，出发点是推动工作、服务群众，未谋取私利，"
                     "出现偏差后已主动采取措施纠正，申请依照容错免责办法予以认定。",
        "materials": rng.sample(MATERIALS, rng.randint(1, 4)),
    }


def applications(n: int, seed: int = 20261127) -> Iterator[dict[str, Any]]:
    """``n`` applications, the same ones for the same seed."""
    rng = random.Random(seed)
    pool = people(max(10, int(n * 1.1)), rng)
    for _ in range(n):
        yield application(rng, pool)


def main() -> None:
    parser = argparse.ArgumentParser(description="Print N realistic applications as a JSON list.")
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=20261127)
    args = parser.parse_args()
    json.dump(list(applications(args.n, args.seed)), sys.stdout, ensure_ascii=False, indent=2)
    print()


if __name__ == "__main__":
    main()
