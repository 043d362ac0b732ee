"""``export``, ``verify`` and ``import``: cases to a USB stick as one package, and into another
installation (``core.services.exchange``; the format: docs/exchange-format.md)."""
from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from cli.options import hint, hint_written, password_from, size_text
from core import validation as v
from core.errors import UserError
from core.services.workspace import Workspace

LAST = ("last", "上次")


def add_exchange_parsers(commands: argparse._SubParsersAction[Any]) -> None:
    """The three commands' arguments, under ``build_parser``'s subcommands."""
    export = commands.add_parser(
        "export", help="导出案件到 U 盘或文件夹（一个 .zip 导出包）：export 编号… | --all | --since 日期 --to 文件夹",
        usage="rongcuo export (NUMBER… | --all | --since DATE) --to DIR [--password-file F]",
        description="把案件导出为一个导出包（.zip），供报送上级机关或在另一台电脑上导入：每件案件的归档案卷（PDF）、"
                    "各文书的 DOCX 原件、证据材料的附件、机读的案件文件（JSON），以及列出每个文件 SHA-256 和 SM3 "
                    "校验值和本机审计链头的清单。导出不编发文字号，未编发文字号的文书不带文号。"
                    "给出密码文件则加密（SM4），U 盘上看不到任何姓名和身份证号码。格式见 docs/exchange-format.md。")
    export.add_argument("numbers", nargs="*", metavar="NUMBER", help="要导出的案件编号（可多个）")
    export.add_argument("--all", action="store_true", help="导出全部案件")
    export.add_argument("--since", metavar="DATE",
                        help="导出该日（含）以来新登记或有变动的案件；写 last 表示上次导出的日期")
    export.add_argument("--to", type=Path, required=True, metavar="DIR", help="保存导出包的文件夹（如 U 盘）")
    export.add_argument("--password-file", type=Path, metavar="F",
                        help="加密：密码文件的第一行是密码（至少 8 位）；不给则不加密")

    verify = commands.add_parser("verify", help="校验导出包：逐个文件核对 SHA-256 和 SM3（加密的导出包需要密码）",
                                 description="完整读取导出包，核对其中每个文件的 SHA-256 和 SM3 校验值、格式版本和文件名；"
                                             "不改动任何数据。同时清理该文件夹中中断的导出留下的不完整文件。")
    verify.add_argument("package", type=Path, metavar="PACKAGE", help="导出包（.zip 文件）")
    verify.add_argument("--password-file", type=Path, metavar="F", help="加密导出包的密码文件：第一行是密码")

    imp = commands.add_parser("import", help="导入导出包中的案件（按 UUID 合并：新增、更新、相同的跳过、冲突的列出不覆盖）",
                              description="先完整校验导出包（校验值、密码、格式版本、文件名），无误后在一个事务中导入："
                                          "本机没有的案件新增；与本机相同的跳过；导出包是本机版本的后续（增加了办理环节）的更新；"
                                          "两边都修改过的列为冲突，不覆盖。案件编号在本机已被其他案件占用时改用本机的下一个编号，"
                                          "原编号记入审计记录。每件导入的案件写一条审计记录。")
    imp.add_argument("package", type=Path, metavar="PACKAGE", help="导出包（.zip 文件）")
    imp.add_argument("--password-file", type=Path, metavar="F", help="加密导出包的密码文件：第一行是密码")
    imp.add_argument("--replace-conflicting", action="store_true",
                     help="冲突的案件以导出包为准（本机原来的内容记入审计记录）；不给则冲突的案件不导入")


def _since(ws: Workspace, text: str) -> date:
    if text.strip().lower() in LAST:
        from core.services.exchange import last_export

        last = last_export(ws)
        if last is None:
            raise UserError("本机还没有导出过案件，--since last 无从算起；请写日期，如 --since 2026-11-01，或用 --all")
        return last.at.date()
    return v.parse_date(text, "since", "起始日期", today=ws.today())


def cmd_export(ws: Workspace, args: argparse.Namespace) -> None:
    from core.services.exchange import export_cases

    chosen = sum((bool(args.numbers), args.all, args.since is not None))
    if chosen != 1:
        raise UserError("请选择一种导出范围：案件编号（可多个）、--all 全部案件，或 --since 日期")
    password = password_from(args)
    since = _since(ws, args.since) if args.since is not None else None
    result = export_cases(ws, list(args.numbers) if args.numbers else None, since, args.to, password)
    sealed = hint_written(result.warnings, result.encrypted, "导出包", " U 盘")
    print(f"已导出 {len(result.cases)} 件案件到：{result.path}（{size_text(result.size)}，{result.files} 个文件，{sealed}，"
          f"已读回校验，用时 {result.seconds:.1f} 秒）")


def cmd_verify(ws: Workspace, args: argparse.Namespace) -> None:
    from core.services.exchange import verify_package

    info = verify_package(args.package, password_from(args))
    for name in info.cleaned:
        hint(f"已清理中断的导出留下的文件：{name}")
    when = f"{info.created_at:%Y-%m-%d %H:%M}" if info.created_at else "时间不详"
    if not info.contents_checked:
        print(f"导出包外层完好：{info.path}（导出于 {when}，{info.files} 个加密文件，{size_text(info.size)}）")
        hint("该导出包已加密，其中的内容须用 --password-file 给出密码才能校验")
        return
    source = f"，来自 {info.organ}" if info.organ else ""
    sealed = "已加密" if info.encrypted else "未加密"
    print(f"导出包完好：{info.path}（导出于 {when}{source}，{len(info.cases)} 件案件，{info.files} 个文件，"
          f"{size_text(info.size)}，{sealed}；每个文件的 SHA-256 和 SM3 均与清单一致）")
    for case in info.cases:
        print(f"  {case.number}\t{case.status}")


def cmd_import(ws: Workspace, args: argparse.Namespace) -> None:
    from core.services.exchange import import_package

    result = import_package(ws, args.package, password_from(args), replace_conflicting=args.replace_conflicting)
    print(f"已导入 {args.package.name}：新增 {len(result.new)} 件，更新 {len(result.updated)} 件，"
          + (f"以导出包为准替换 {len(result.replaced)} 件，" if result.replaced else "")
          + f"跳过 {len(result.skipped)} 件，冲突 {len(result.conflicts)} 件")
    for label, cases in (("新增", result.new), ("更新", result.updated), ("替换", result.replaced)):
        for case in cases:
            renumbered = f"（原编号 {case.source_number} 在本机已被占用，改为本机编号）" if case.renumbered else ""
            print(f"  {label} {case.number}{renumbered}")
    for skipped in result.skipped:
        print(f"  跳过 {skipped.number}：{skipped.reason}")
    for conflict in result.conflicts:
        here = f"（本机编号 {conflict.local_number}）" if conflict.local_number else ""
        print(f"  冲突 {conflict.number}{here}：{'；'.join(conflict.reasons)}，未导入")
    for warning in result.warnings:
        hint(warning)
    if result.conflicts:
        hint(f"{len(result.conflicts)} 件案件有冲突，未覆盖本机的内容；核对后如确认以导出包为准，可加 --replace-conflicting 重新导入")
