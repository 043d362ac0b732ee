"""The headless command line: a thin face over ``core.services``, like the GUI.

Every officer mistake ends with exit code 1 and one Chinese line on stderr; a bug ends with exit
code 3, a Chinese line naming the log file, and the traceback in that log, never on screen.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import traceback
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import peewee

from cli.archive_commands import add_archive_volume_parser, cmd_archive_volume
from cli.backup_commands import cmd_backup, run_restore
from cli.exchange_commands import add_exchange_parsers, cmd_export, cmd_import, cmd_verify
from cli.report_commands import cmd_ledger, cmd_stats
from core import validation as v
from core.data_dir import DATA_DIR_ENV, resolve_data_dir
from core.error_log import append_error_log
from core.errors import UserError, ValidationError
from core.services.workspace import Workspace

PROGRAM = "容错免责案件办理系统"
EXIT_USER_ERROR = 1
EXIT_USAGE = 2
EXIT_BUG = 3

_ARGPARSE_MESSAGES = [
    (r"the following arguments are required: (.*)", r"缺少参数：\1"),
    (r"unrecognized arguments: (.*)", r"无法识别的参数：\1"),
    (r"argument (\S+): invalid choice: (\S+) \(choose from (.*)\)", r"参数 \1 的值 \2 无效，可选：\3"),
    (r"argument (\S+): invalid (\w+) value: (\S+)", r"参数 \1 的值 \3 不是有效的数字或格式"),
    (r"argument (\S+): expected one argument", r"参数 \1 后面缺少取值"),
]


class ChineseHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage: str | None, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse with its own words in Chinese: headings, -h, and error messages."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "命令与参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def error(self, message: str) -> NoReturn:
        for pattern, replacement in _ARGPARSE_MESSAGES:
            if re.fullmatch(pattern, message):
                message = re.sub(pattern, replacement, message)
                break
        self.exit(EXIT_USAGE, f"命令格式有误：{message}。运行 ./run.sh {self.prog.split(' ', 1)[-1]} --help 查看用法\n"
                  if " " in self.prog else f"命令格式有误：{message}。运行 ./run.sh --help 查看用法\n")


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(
        prog="rongcuo", description=f"{PROGRAM}（rongcuo）。不带命令运行时打开图形界面。",
        epilog=f"数据文件夹：--data-dir 指定，或环境变量 {DATA_DIR_ENV}，否则为当前用户的数据目录。",
    )
    parser.add_argument("--data-dir", help="数据文件夹（数据库、附件、审计密钥）")
    parser.add_argument("--user", help="经办人姓名，记入审计记录（默认：操作系统登录名）")
    parser.add_argument("--self-test", action="store_true",
                        help="自检：在临时文件夹中登记并办理一件案件、出具全部文书、导出并核对数据包、打开主窗口（离屏），"
                             "然后退出；不涉及本机数据（core/self_test.py）")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=ChineseArgumentParser)

    commands.add_parser("demo", help="写入演示数据（20 余件各状态案件；重复运行不会重复写入）")

    workdays = commands.add_parser("workdays", help="工作日计算：workdays add DATE N | workdays count A B")
    wd = workdays.add_subparsers(dest="workdays_command", metavar="SUBCOMMAND", required=True)
    add = wd.add_parser("add", help="DATE 之后第 N 个工作日（当日不计）")
    add.add_argument("date")
    add.add_argument("n")
    count = wd.add_parser("count", help="A 之后（不含 A）到 B（含 B）之间的工作日数")
    count.add_argument("start")
    count.add_argument("end")

    calendar = commands.add_parser("calendar", help="节假日安排：calendar import FILE | calendar list")
    cal = calendar.add_subparsers(dest="calendar_command", metavar="SUBCOMMAND", required=True)
    imp = cal.add_parser("import", help="导入某年国务院节假日安排（JSON 文件）")
    imp.add_argument("file", type=Path)
    lst = cal.add_parser("list", help="列出各年份节假日数据的来源（内置、导入或估算）")
    lst.add_argument("--from", dest="first", type=int, default=None, help="起始年份")
    lst.add_argument("--to", dest="last", type=int, default=None, help="截止年份")
    lst.add_argument("--json", action="store_true")

    case = commands.add_parser("case", help="案件：case add | act | show | list")
    cs = case.add_subparsers(dest="case_command", metavar="SUBCOMMAND", required=True)
    c_add = cs.add_parser("add", help="登记案件（JSON 文件，格式见 docs/cli.md），输出案件编号")
    c_add.add_argument("file", type=Path)
    c_act = cs.add_parser("act", help="办理：accept reject withdraw extend note evidence expert report determine "
                                      "deliver archive reopen")
    c_act.add_argument("number")
    c_act.add_argument("action")
    c_act.add_argument("--date", help="办理日期 YYYY-MM-DD（默认今天）")
    c_act.add_argument("--set", dest="settings", action="append", default=[], metavar="KEY=VALUE",
                       help="字段取值，可重复；列表用逗号分隔")
    c_act.add_argument("--json-file", type=Path, help="字段取值的 JSON 文件")
    c_show = cs.add_parser("show", help="显示案件详情")
    c_show.add_argument("number")
    c_show.add_argument("--json", action="store_true")
    c_list = cs.add_parser("list", help="案件列表")
    c_list.add_argument("--status", choices=["registered", "investigating", "reported", "determined", "archived",
                                             "rejected", "withdrawn"])
    c_list.add_argument("--overdue", action="store_true", help="只列出已超期的案件")
    c_list.add_argument("--search", metavar="TEXT",
                        help="按编号、姓名、身份证号码、单位、问责机关和事项、谈话笔录查找（空格分隔的词须都出现）")
    c_list.add_argument("--limit", type=int, default=50, help="与 --search 同用：最多列出的条数（默认 50）")
    c_list.add_argument("--json", action="store_true")

    cadre = commands.add_parser("cadre", help="干部：cadre find | show | clarify | follow-up（廉政审查查询、澄清正名、回访）")
    cd = cadre.add_subparsers(dest="cadre_command", metavar="SUBCOMMAND", required=True)
    c_find = cd.add_parser("find", help="按姓名（包含）或身份证号码查找干部")
    c_find.add_argument("query")
    c_find.add_argument("--json", action="store_true")
    c_rec = cd.add_parser("show", help="某干部的全部案件和认定结果、澄清正名、回访记录")
    c_rec.add_argument("id_number")
    c_rec.add_argument("--json", action="store_true")
    for name, help_text in (("clarify", "登记澄清正名：--set matter=… [--set outcome=… --set concluded_on=…]"),
                            ("follow-up", "登记回访：--set content=… [--set visitors=… --set case=编号]")):
        sub = cd.add_parser(name, help=help_text)
        sub.add_argument("id_number")
        sub.add_argument("--date", help="受理澄清日期或回访日期（默认今天）")
        sub.add_argument("--set", dest="settings", action="append", default=[], metavar="KEY=VALUE")

    render = commands.add_parser("render", help="出具文书：render NUMBER KIND --format pdf|docx --out PATH；"
                                                "空白表：render --blank KIND --out PATH（种类见 docs/cli.md）",
                                 usage="rongcuo render (NUMBER KIND | --blank KIND) [--format pdf|docx] [--to organ|applicant] "
                                       "--out PATH")
    render.add_argument("number", nargs="?", help="案件编号（容错免责情况说明：干部的身份证号码）")
    render.add_argument("kind", nargs="?", help="文书种类，如 determination-letter、investigation-report")
    render.add_argument("--blank", metavar="KIND", help="出具空白表（供手工填写），如 application-form、interview-record")
    render.add_argument("--format", dest="fmt", choices=["pdf", "docx"], default="pdf")
    render.add_argument("--to", dest="recipient", choices=["organ", "applicant"],
                        help="认定书的主送（本机关设置为两份认定书时）或送达回证的受送达对象："
                             "organ 问责实施机关（默认）/ applicant 申请人")
    render.add_argument("--out", type=Path, required=True, help="输出文件")

    add_archive_volume_parser(commands)   # archive-volume NUMBER --out FILE.pdf (cli/archive_commands.py)

    fonts = commands.add_parser("fonts", help="各字体角色实际使用的字体（已安装的公文字体或自带字体）")
    fonts.add_argument("--json", action="store_true")

    office = commands.add_parser("office", help="本机关信息和文书设置：office show | office set --set 键=值")
    of = office.add_subparsers(dest="office_command", metavar="SUBCOMMAND", required=True)
    of.add_parser("show", help="显示机关名称、发文机关标志、机关代字、机关类型、适用的办法，以及各文书的版式、认定书份数")
    o_set = of.add_parser("set", help="修改：organ_name letterhead code_prefix organ_kind policy_id；"
                                      "format.文书种类=file|letter（文件格式/信函格式）；determination_letters=1|2")
    o_set.add_argument("--set", dest="settings", action="append", default=[], metavar="KEY=VALUE", required=True)

    template = commands.add_parser("template", help="文书模板：列出、导出默认模板供修改、导入本机关修改的模板、恢复默认（template --help）")
    tp = template.add_subparsers(dest="template_command", metavar="SUBCOMMAND", required=True)
    t_list = tp.add_parser("list", help="各文书使用的模板：默认模板或本机关导入的模板")
    t_list.add_argument("--json", action="store_true")
    t_export = tp.add_parser("export", help="把默认模板保存到 PATH（文件或文件夹），供用 Word 或 WPS 修改")
    t_export.add_argument("kind")
    t_export.add_argument("path", type=Path)
    t_import = tp.add_parser("import", help="导入修改后的模板（先用示例案件试生成，写错的模板不会被采用）")
    t_import.add_argument("kind")
    t_import.add_argument("path", type=Path)
    t_reset = tp.add_parser("reset", help="恢复默认模板（删除本机关导入的模板）")
    t_reset.add_argument("kind")

    numbers = commands.add_parser("numbers", help="发文字号：numbers list | numbers void NUMBER --reason …")
    nu = numbers.add_subparsers(dest="numbers_command", metavar="SUBCOMMAND", required=True)
    n_list = nu.add_parser("list", help="已编发文字号（含作废的及其理由）")
    n_list.add_argument("--year", type=int)
    n_list.add_argument("--json", action="store_true")
    n_void = nu.add_parser("void", help="作废一个发文字号（不再使用，也不会重新编发）")
    n_void.add_argument("number")
    n_void.add_argument("--reason", required=True)

    user = commands.add_parser("user", help="用户（登录图形界面）：user list | add | password | disable | enable")
    us = user.add_subparsers(dest="user_command", metavar="SUBCOMMAND", required=True)
    u_list = us.add_parser("list", help="列出用户：姓名、是否管理员、是否停用")
    u_list.add_argument("--json", action="store_true")
    u_add = us.add_parser("add", help="添加用户；不给 --password-file 时在终端输入两遍密码（不显示）")
    u_add.add_argument("name", help="用户的真实姓名（记入审计记录）")
    u_add.add_argument("--admin", action="store_true", help="设为管理员（可在图形界面中管理用户）")
    u_add.add_argument("--password-file", type=Path, metavar="F", help="密码文件：第一行是密码")
    u_password = us.add_parser("password", help="重设用户的密码（如忘记密码）；不给 --password-file 时在终端输入两遍")
    u_password.add_argument("name", help="用户姓名")
    u_password.add_argument("--password-file", type=Path, metavar="F", help="密码文件：第一行是密码")
    for name, help_text in (("disable", "停用用户（如已调离；其姓名仍保留在各条记录中）"), ("enable", "重新启用已停用的用户")):
        sub = us.add_parser(name, help=help_text)
        sub.add_argument("name", help="用户姓名")

    audit = commands.add_parser("audit", help="审计记录：audit verify")
    au = audit.add_subparsers(dest="audit_command", metavar="SUBCOMMAND", required=True)
    au.add_parser("verify", help="校验审计链，指出第一条有问题的记录")
    reanchor = au.add_parser("reanchor", help="链头文件丢失或与记录不符时重新锚定（记录完好时才允许；本操作本身记入审计）")
    reanchor.add_argument("--reason", required=True)

    check = commands.add_parser("check", help="检查数据库完整性、外键、审计链、附件和搜索索引")
    check.add_argument("--rebuild-search", action="store_true", help="先重建案件搜索索引，再检查")

    backup = commands.add_parser("backup", help="备份全部数据（数据库、附件、模板、已出具文书、审计密钥）为一个文件："
                                                "backup --to 文件夹")
    backup.add_argument("--to", type=Path, required=True, metavar="DIR", help="保存备份的文件夹（如 U 盘）")
    backup.add_argument("--password-file", type=Path, metavar="F",
                        help="加密：密码文件的第一行是密码（至少 8 位）；不给则不加密")
    restore = commands.add_parser("restore", help="从备份文件恢复到空的数据文件夹（--data-dir 或默认数据文件夹，须为空或不存在）")
    restore.add_argument("backup", type=Path, metavar="BACKUP", help="备份文件（.rcbak）")
    restore.add_argument("--password-file", type=Path, metavar="F", help="加密备份的密码文件：第一行是密码")

    add_exchange_parsers(commands)   # export / verify / import (cli/exchange_commands.py)

    ledger = commands.add_parser("ledger", help="导出案件台账（XLSX，A4 横向可直接打印）：ledger --out 台账.xlsx "
                                                "[--status S] [--from D] [--to D]")
    ledger.add_argument("--out", type=Path, required=True, help="输出文件（.xlsx）")
    ledger.add_argument("--status", help="只列出该状态的案件：registered investigating reported determined archived "
                                         "rejected withdrawn（也可写“核实中”等）")
    ledger.add_argument("--from", dest="date_from", metavar="D", help="收到申请日期不早于 D（YYYY-MM-DD）")
    ledger.add_argument("--to", dest="date_to", metavar="D", help="收到申请日期不晚于 D（YYYY-MM-DD）")
    stats = commands.add_parser("stats", help="容错免责工作统计（PDF，含图表）：stats --from D --to D --out 统计.pdf")
    stats.add_argument("--from", dest="date_from", metavar="D", required=True, help="统计起始日期（含）")
    stats.add_argument("--to", dest="date_to", metavar="D", help="统计截止日期（含；默认今天）")
    stats.add_argument("--out", type=Path, required=True, help="输出文件（.pdf）")
    stats.add_argument("--json", action="store_true", help="在标准输出打印统计数字（JSON），代替结果提示")

    shots = commands.add_parser("screenshots", help="用演示数据在临时文件夹中打开每个窗口和对话框，各存一张 PNG 截图")
    shots.add_argument("--out", required=True, help="保存截图的文件夹")
    shots.add_argument("--size", default="1366x768", help="主窗口尺寸，例如 1366x768 或 1920x1080（默认 1366x768）")
    shots.add_argument("--scale", default="1", help="界面缩放比例，例如 1.5 表示 150%%（默认 1）")
    return parser


def _print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def _warn(lines: Sequence[str]) -> None:
    for line in lines:
        print(f"提示：{line}", file=sys.stderr)


def _read_json_file(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise UserError(f"找不到文件：{path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"无法读取文件 {path}：{exc}") from None
    except json.JSONDecodeError as exc:
        raise UserError(f"文件 {path.name} 不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）") from None


def _settings(pairs: list[str], json_file: Path | None) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if json_file:
        loaded = _read_json_file(json_file)
        if not isinstance(loaded, dict):
            raise UserError(f"文件 {json_file.name} 应为 JSON 对象（花括号括起的键值对）")
        fields.update(loaded)
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UserError(f"--set 的格式应为 键=值，收到的是“{pair}”")
        fields[key.strip()] = value
    return fields


# --- commands -------------------------------------------------------------------------------------

def cmd_demo(ws: Workspace, args: argparse.Namespace) -> None:
    from core.services.demo import load_demo

    created, existing = load_demo(ws)
    print(f"演示数据：新建 {created} 件，已存在 {existing} 件")


def cmd_workdays(ws: Workspace, args: argparse.Namespace) -> None:
    if args.workdays_command == "add":
        start = v.parse_date(args.date, "date", "起算日期", allow_future=True)
        n = v.parse_int(args.n, "n", "工作日数", minimum=0, maximum=3650)
        result = ws.calendar.add_workdays(start, n)
        print(result.isoformat())
        _warn_estimated(ws, start, result)
    else:
        start = v.parse_date(args.start, "start", "起始日期", allow_future=True)
        end = v.parse_date(args.end, "end", "截止日期", allow_future=True)
        print(ws.calendar.count_workdays(start, end))
        _warn_estimated(ws, start, end)


def _warn_estimated(ws: Workspace, start: date, end: date) -> None:
    years = ws.calendar.estimated_years(start, end)
    if years:
        _warn([f"{'、'.join(map(str, years))}年尚无官方节假日安排，结果按法定节假日规则估算；"
               "国务院公布安排后请用 calendar import 导入"])


def cmd_calendar(ws: Workspace, args: argparse.Namespace) -> None:
    from core.calendar import SOURCE_LABELS
    from core.services.holidays import import_schedule, read_schedule_file

    if args.calendar_command == "import":
        result = import_schedule(ws, read_schedule_file(args.file))
        verb = "替换" if result.replaced else "导入"
        print(f"已{verb} {result.year} 年节假日安排；重新计算期限的案件：{len(result.moved)} 件")
        for number, moved in result.moved.items():
            for name, (before, after) in moved.items():
                print(f"  {number} {name}: {before} → {after}")
        return
    this_year = ws.today().year
    first = args.first or 2004
    last = args.last or this_year + 1
    years = ws.calendar.years(first, last)
    if args.json:
        _print_json([{"year": y.year, "source": y.source, "estimated": y.source == "estimated",
                      "note": y.note, "holidays": len(y.holidays), "workdays": len(y.workdays)} for y in years])
        return
    for y in years:
        print(f"{y.year}\t{y.source}\t{SOURCE_LABELS[y.source]}\t{y.note}")


def cmd_case(ws: Workspace, args: argparse.Namespace) -> None:
    from core.services import actions, case_view, registration

    if args.case_command == "add":
        try:
            result = registration.register_case(ws, _read_json_file(args.file))
        except ValidationError as exc:
            # Core messages name no JSON keys; here the officer edits JSON, so say which key.
            raise ValidationError(exc.field, f"{exc.message}（JSON 字段 {exc.field}）") from None
        _warn(result.warnings)
        print(result.number)
    elif args.case_command == "act":
        fields = _settings(args.settings, args.json_file)
        try:
            outcome = actions.perform_action(ws, args.number, args.action, args.date, fields)
        except ValidationError as exc:
            hinted = _with_set_hint(exc, fields)
            if hinted is exc:
                raise
            raise hinted from None
        _warn(outcome.warnings)
        from core.workflow import ACTION_LABELS, status_label

        print(f"{outcome.number}：已{ACTION_LABELS.get(args.action, args.action)}，当前状态：{status_label(outcome.status)}")
    elif args.case_command == "show":
        details = case_view.case_details(ws, args.number)
        if args.json:
            _print_json(details)
        else:
            _print_case(details)
    else:
        if args.search is not None:
            from core.services.search import search_cases

            if args.overdue:
                raise UserError("--search 与 --overdue 不能同时使用")
            rows = search_cases(ws, args.search, status=args.status, limit=args.limit).rows
        else:
            rows = case_view.list_cases(ws, args.status, args.overdue)
        if args.json:
            _print_json({"count": len(rows), "cases": rows})
        else:
            for row in rows:
                deadline = row["active_deadline"]
                due = f"{deadline['due']}（{deadline['workdays_left']}）" if deadline else ""
                flag = "超期" if row["overdue"] else ""
                print("\t".join([row["number"], row["status_label"], row["received_on"], row["applicant"],
                                 "、".join(row["cadres"]), due, flag]))


# Fields not given as a plain ``--set KEY=…``: the date has its own option, per-item texts are KEY.N.
_NO_SET_HINT = {"date", "situation_analysis", "distinctions"}


def _with_set_hint(exc: ValidationError, given: dict[str, Any]) -> ValidationError:
    """For a field the officer left out, say how to give it here (core messages name no options)."""
    if not exc.field or exc.field in given or exc.field in _NO_SET_HINT:
        return exc
    return ValidationError(exc.field, f"{exc.message}（--set {exc.field}=…）")


def _print_case(d: dict[str, Any]) -> None:
    print(f"案件编号：{d['number']}（{d['status_label']}）")
    print(f"申请人：{d['applicant']['name']}；涉及干部：{'、'.join(c['name'] for c in d['cadres'])}")
    print(f"问责实施机关：{d['accountability']['organ']}，启动追责：{d['accountability']['started_on']}")
    print(f"收到申请：{d['received_on']}；受理：{d['accepted_on'] or '—'}")
    labels = {"application_due": "申请期限", "report_due": "调查报告期限", "report_limit": "核实最长期限",
              "letter_due": "认定书期限"}
    for key, label in labels.items():
        print(f"{label}：{d['deadlines'][key] or '—'}")
    for warning in d["warnings"]:
        print(f"提示：{warning}")
    print(f"可办理：{' '.join(d['allowed_actions']) or '—'}")


def cmd_cadre(ws: Workspace, args: argparse.Namespace) -> None:
    from core.services import cadres

    if args.cadre_command == "find":
        found = cadres.find_cadres(args.query)
        if args.json:
            _print_json(found)
        for c in [] if args.json else found:
            print(f"{c['name']}\t{c['gender']}\t{c['id_number']}\t案件 {c['cases']} 件")
        return
    if args.cadre_command == "show":
        record = cadres.cadre_record(ws, args.id_number)
        if args.json:
            _print_json(record)
            return
        print(f"{record['name']}（{record['gender']}，{record['id_number']}）")
        for case in record["cases"]:
            outcome = f"{case['outcome_label']}（{case['determined_on']}）" if case["outcome"] else case["status_label"]
            print(f"  {case['number']}\t{case['matter']}\t{outcome}")
        for c in record["clarifications"]:
            print(f"  澄清正名 {c['opened_on']}：{c['matter']} {c['outcome']}")
        for f in record["follow_ups"]:
            print(f"  回访 {f['visited_on']}：{f['content']}")
        return
    fields = _settings(args.settings, None)
    if args.cadre_command == "clarify":
        fields.setdefault("opened_on", args.date)
        cadres.add_clarification(ws, args.id_number, fields)
        print("已登记澄清正名事项")
    else:
        fields.setdefault("visited_on", args.date)
        cadres.add_follow_up(ws, args.id_number, fields)
        print("已登记回访")


def cmd_render(ws: Workspace, args: argparse.Namespace) -> None:
    from core.services.letters import render_blank, render_letter

    if args.blank:
        if args.number or args.kind or args.recipient:
            raise UserError("出具空白表时只需给出 --blank 文书种类，不要再给案件编号、文书种类或 --to")
        issued = render_blank(ws, args.blank, args.fmt, args.out)
        print(f"已出具空白{issued.label}（{issued.format.upper()}）：{issued.path}")
        return
    if not args.kind:
        raise UserError("请给出案件编号和文书种类，如：render 2026-0001 determination-letter --out 认定书.pdf；"
                        "空白表用 render --blank application-form --out 申请表.pdf")
    issued = render_letter(ws, args.number, args.kind, args.fmt, args.out, recipient=args.recipient)
    number = f"，文号 {issued.number}" if issued.number else ""
    print(f"已出具{issued.label}（{issued.format.upper()}{number}）：{issued.path}")


def cmd_fonts(ws: Workspace, args: argparse.Namespace) -> None:
    from documents.fonts import load_fonts

    rows = load_fonts().describe()
    if args.json:
        _print_json(rows)
        return
    for row in rows:
        note = f"（{row['note']}）" if row.get("note") else ""
        print(f"{row['label']}：{row['family']}，{row['source_label']}，{row['file']}{note}")


def cmd_office(ws: Workspace, args: argparse.Namespace) -> None:
    from core.services.office import (
        DETERMINATION_LETTERS_KEY,
        DETERMINATION_LETTERS_LABELS,
        FIELDS,
        FORMAT_KEY_PREFIX,
        letter_settings,
        office_profile,
        update_office,
    )
    from documents.kinds import FORMAT_LABELS, KINDS

    profile = office_profile(ws) if args.office_command == "show" else update_office(
        ws, _settings(args.settings, None))
    for name, label in FIELDS.items():
        print(f"{label}（{name}）：{profile[name] or '（未填写）'}")
    settings = letter_settings(ws)
    count = settings["determination_letters"]
    print(f"认定书份数（{DETERMINATION_LETTERS_KEY}）：{count}（{DETERMINATION_LETTERS_LABELS[count]}）")
    for kind, fmt in settings["formats"].items():
        default = "，默认" if fmt == KINDS[kind].format else ""
        print(f"{KINDS[kind].label}版式（{FORMAT_KEY_PREFIX}{kind}）：{FORMAT_LABELS[fmt]}（{fmt}{default}）")


def cmd_template(ws: Workspace, args: argparse.Namespace) -> None:
    from core.services import templates_admin as admin

    command = args.template_command
    if command == "export":
        path = admin.export_template(ws, args.kind, args.path)
        print(f"已导出默认模板：{path}（修改后用 template import {args.kind} 文件 导入）")
        return
    if command in ("import", "reset"):
        info = admin.import_office_template(ws, args.kind, args.path) if command == "import" \
            else admin.reset_office_template(ws, args.kind)
        done = "已导入本机关模板" if command == "import" else "已恢复默认模板"
        print(f"{done}：{info.label}（{info.kind}），SHA-256 {info.sha256}")
        return
    rows = admin.list_templates(ws)
    if args.json:
        _print_json([{"kind": t.kind, "label": t.label, "template": "office" if t.customised else "default",
                      "path": str(t.path), "sha256": t.sha256,
                      "imported_at": t.modified.isoformat(sep=" ") if t.modified else None} for t in rows])
        return
    for t in rows:
        state = f"本机关模板（{t.modified:%Y-%m-%d %H:%M} 导入）" if t.customised and t.modified else "默认模板"
        print(f"{t.kind}\t{t.label}\t{state}")


def cmd_numbers(ws: Workspace, args: argparse.Namespace) -> None:
    from core.numbering import list_numbers, void_number

    if args.numbers_command == "void":
        voided = void_number(ws, args.number, args.reason)
        print(f"已作废：{voided.number}（{voided.void_reason}）")
        return
    rows = list_numbers(ws, year=args.year)
    if args.json:
        _print_json(rows)
        return
    to = {"organ": "主送问责实施机关", "applicant": "主送申请人"}
    for row in rows:
        state = f"作废：{row['void_reason']}" if row["voided"] else ""
        kind = row["kind"] + (f"（{to[row['recipient']]}）" if row["recipient"] in to else "")
        print("\t".join([row["number"], kind, row["case_number"] or "", row["issued_on"], state]))


def _new_password(path: Path | None) -> tuple[str, str | None]:
    """The new password and its repetition: the first line of ``path``, or typed twice without echo."""
    if path is not None:
        try:
            lines = path.read_text(encoding="utf-8-sig").splitlines()
        except FileNotFoundError:
            raise UserError(f"找不到文件：{path}") from None
        except UnicodeDecodeError:
            raise UserError(f"密码文件 {path.name} 应为 UTF-8 编码的文本") from None
        except OSError as exc:
            raise UserError(f"无法读取文件 {path}：{exc.strerror or exc}") from None
        return (lines[0] if lines else ""), None
    import getpass

    if not sys.stdin or not sys.stdin.isatty():   # never read a password from a pipe, echoed or not
        raise UserError("不在终端上运行，无法输入密码；请用 --password-file 给出密码文件（第一行是密码）")
    try:
        return getpass.getpass("新密码："), getpass.getpass("再输入一遍：")
    except EOFError:
        print(file=sys.stderr)   # end the prompt's line
        raise UserError("没有输入密码") from None


def cmd_user(ws: Workspace, args: argparse.Namespace) -> None:
    from core.services import users

    command = args.user_command
    if command == "list":
        rows = users.officers(ws)
        if args.json:
            _print_json([{"name": o.name, "is_admin": o.is_admin, "active": o.active} for o in rows])
            return
        for o in rows:
            print("\t".join([o.name, "管理员" if o.is_admin else "经办人", "启用" if o.active else "已停用"]))
        if not rows:
            _warn(["尚无用户：首次启动图形界面时设置管理员，或用 user add 姓名 --admin 添加"])
    elif command == "add":
        password, repeated = _new_password(args.password_file)
        officer = users.add_officer(ws, args.name, password, repeated, is_admin=args.admin, holder=True)
        print(f"已添加用户：{officer.name}{'（管理员）' if officer.is_admin else ''}")
    elif command == "password":
        password, repeated = _new_password(args.password_file)
        users.reset_password(ws, args.name, password, repeated)
        print(f"已重设用户“{args.name.strip()}”的密码")
    else:
        officer = users.set_active(ws, args.name, command == "enable", holder=True)
        print(f"已{'启用' if officer.active else '停用'}用户：{officer.name}")


def cmd_audit(ws: Workspace, args: argparse.Namespace) -> None:
    if args.audit_command == "reanchor":
        from core.services.health import reanchor_audit

        problem = reanchor_audit(ws, args.reason)
        print(f"已重新锚定审计链头（原问题：{problem}），并记入审计记录")
        return
    result = ws.audit.verify()
    if not result.ok:
        raise UserError(result.message)
    print(result.message)


def cmd_check(ws: Workspace, args: argparse.Namespace) -> None:
    from core.services.health import check_installation

    if args.rebuild_search:
        from core.services.search import rebuild_search_index

        print(f"已重建搜索索引：{rebuild_search_index(ws)} 件案件")
    problems, summary = check_installation(ws)
    if problems:
        for problem in problems[:-1]:
            print(f"问题：{problem}", file=sys.stderr)
        raise UserError(problems[-1])
    print(summary)
    from core.services.backup import backup_status

    status = backup_status(ws)
    if status.due:
        _warn([f"{status.message}（backup --to 文件夹）"])


COMMANDS: dict[str, Callable[[Workspace, argparse.Namespace], None]] = {
    "demo": cmd_demo, "workdays": cmd_workdays, "calendar": cmd_calendar, "case": cmd_case,
    "cadre": cmd_cadre, "render": cmd_render, "fonts": cmd_fonts, "office": cmd_office, "template": cmd_template,
    "numbers": cmd_numbers, "user": cmd_user, "audit": cmd_audit, "check": cmd_check,
}
COMMANDS["backup"] = cmd_backup     # restore opens no workspace: run() dispatches it first
COMMANDS["archive-volume"] = cmd_archive_volume
COMMANDS["export"] = cmd_export
COMMANDS["verify"] = cmd_verify
COMMANDS["import"] = cmd_import
COMMANDS["ledger"] = cmd_ledger
COMMANDS["stats"] = cmd_stats


def run(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.self_test:
        from gui.self_test import run_program_self_test

        return run_program_self_test()
    data_dir = resolve_data_dir(args.data_dir)
    if args.command is None:
        from gui.app import run_gui

        try:
            return run_gui(data_dir)
        except Exception:
            return _report_bug(data_dir)
    if args.command == "screenshots":
        from gui.screenshots import take_screenshots

        return take_screenshots(Path(args.out), args.size, args.scale)
    if args.command == "restore":      # before a workspace would create a database in the empty target
        return run_restore(data_dir, args)
    ws: Workspace | None = None
    try:
        ws = Workspace(data_dir, args.user)
        COMMANDS[args.command](ws, args)
        return 0
    except UserError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return EXIT_USER_ERROR
    except peewee.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            print("错误：数据库正被另一个程序占用，请稍后重试", file=sys.stderr)
            return EXIT_USER_ERROR
        return _report_bug(data_dir)
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `case list | head`): not an error of the program.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception:
        return _report_bug(data_dir)
    finally:
        if ws is not None:
            ws.close()


def _report_bug(data_dir: Path) -> int:
    log = append_error_log(data_dir, " ".join(sys.argv), traceback.format_exc())
    if log is None:
        traceback.print_exc(file=sys.stderr)
    where = str(log) if log else "（日志无法写入）"
    print(f"错误：程序内部错误，操作未完成，已保存的数据不受影响。详情已记录在 {where}，请联系技术支持。",
          file=sys.stderr)
    return EXIT_BUG
