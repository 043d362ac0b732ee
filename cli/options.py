"""What the commands that write to USB sticks share (``backup``/``restore``, ``export``/``verify``/
``import``): the password given with ``--password-file``, sizes and hints as the officer reads them."""
from __future__ import annotations

import argparse
import sys

from core.sealing import read_password_file


def password_from(args: argparse.Namespace) -> str | None:
    """The password in ``--password-file`` (its first line), or None when none was given."""
    return read_password_file(args.password_file) if args.password_file else None


def size_text(n: int) -> str:
    for unit, scale in (("GB", 2 ** 30), ("MB", 2 ** 20), ("KB", 2 ** 10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} 字节"


def hint(line: str) -> None:
    print(f"提示：{line}", file=sys.stderr)


def hint_written(warnings: list[str], encrypted: bool, what: str, keep: str = "") -> str:
    """The hints after a ``what`` ("备份", "导出包") was written: its warnings, and a reminder when it
    is not encrypted (to keep ``keep`` safe); "已加密" or "未加密" for the summary line."""
    for warning in warnings:
        hint(warning)
    if not encrypted:
        hint(f"{what}未加密，其中有个人信息，请妥善保管{keep}；加密请用 --password-file 给出密码文件")
    return "已加密" if encrypted else "未加密"
