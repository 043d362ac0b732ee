"""``archive-volume``: a case's archive volume (案卷) as one PDF, for printing and binding."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from core.services.workspace import Workspace


def add_archive_volume_parser(commands: argparse._SubParsersAction[Any]) -> None:
    """The command's arguments, under ``build_parser``'s subcommands."""
    volume = commands.add_parser(
        "archive-volume",
        help="生成案件的归档案卷 PDF：案卷封面、卷内文件目录、全部文书和证据材料（按装卷顺序，编页号）、卷内备考表",
        description="生成一件案件的归档案卷（一个 PDF 文件，A4，可直接打印装订）：案卷封面、卷内文件目录、"
                    "认定书、送达回证、调查报告、专家论证意见、谈话笔录和证据材料、暂缓追责通知书、受理通知书、"
                    "申请表、延长审批表，最后是卷内备考表。附件中的 PDF 逐页装订，JPEG/PNG 图片各占一页，"
                    "其他电子文件列入目录并注明未装订。文书使用已编发的文字号，不会编发新的文字号，也不修改任何数据。")
    volume.add_argument("number", help="案件编号，如 2026-0017")
    volume.add_argument("--out", type=Path, required=True, metavar="FILE.pdf", help="输出的 PDF 文件")


def cmd_archive_volume(ws: Workspace, args: argparse.Namespace) -> None:
    from core.services.archive_volume import build_volume

    info = build_volume(ws, args.number, args.out)
    unbound = sum(1 for item in info.items if item.first_page is None)
    rest = f"，其中 {unbound} 件未装订（见卷内备考表）" if unbound else ""
    print(f"已生成案卷：{info.path}（案卷号 {info.volume_number}，共 {len(info.items)} 件 {info.bound_pages} 页{rest}；"
          f"PDF 共 {info.pages} 页）")
