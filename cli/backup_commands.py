"""``backup --to DIR`` and ``restore BACKUP``: the whole installation to one file and back.

``restore`` runs before any workspace is opened (``cli.main.run`` dispatches it early): opening one
would create a database in the folder that must stay empty until the backup is in place.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from core.errors import UserError
from core.sealing import read_password_file
from core.services.workspace import Workspace


def _size(n: int) -> str:
    for unit, scale in (("GB", 2 ** 30), ("MB", 2 ** 20), ("KB", 2 ** 10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} 字节"


def _hint(line: str) -> None:
    print(f"提示：{line}", file=sys.stderr)


def cmd_backup(ws: Workspace, args: argparse.Namespace) -> None:
    from core.services.backup import make_backup

    password = read_password_file(args.password_file) if args.password_file else None
    result = make_backup(ws, args.to, password)
    for warning in result.warnings:
        _hint(warning)
    if not result.encrypted:
        _hint("备份未加密，其中有个人信息，请妥善保管；加密请用 --password-file 给出密码文件")
    sealed = "已加密" if result.encrypted else "未加密"
    print(f"已备份到：{result.path}（{_size(result.size)}，{result.members} 个文件，{sealed}，"
          f"用时 {result.seconds:.1f} 秒）")


def run_restore(data_dir: Path, args: argparse.Namespace) -> int:
    """``restore``: the exit code (0, 1 for an officer's mistake, 3 for a fault)."""
    from cli.main import EXIT_USER_ERROR, _report_bug
    from core.services.backup import restore_backup

    try:
        password = read_password_file(args.password_file) if args.password_file else None
        result = restore_backup(args.backup, data_dir, password, actor=args.user)
    except UserError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130
    except Exception:
        # Not into the data folder: it must stay empty for the next attempt.
        return _report_bug(Path(tempfile.gettempdir()) / "rongcuo")
    info = result.info
    if password is not None and not info.encrypted:
        _hint("该备份未加密，没有用到密码")
    print(f"已从备份恢复到：{result.data_dir}（备份于 {info.created_at:%Y-%m-%d %H:%M}，案件 {info.cases} 件，"
          f"{info.members} 个文件）")
    if result.search_rebuilt:
        print("已重建案件搜索索引")
    for problem in result.problems:
        _hint(f"恢复后的检查发现问题：{problem}")
    if not result.problems:
        print(result.summary)
    return 0
