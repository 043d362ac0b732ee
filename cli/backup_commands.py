"""``backup --to DIR`` and ``restore BACKUP``: the whole installation to one file and back.

``restore`` runs before any workspace is opened (``cli.main.run`` dispatches it early): opening one
would create a database in the folder that must stay empty until the backup is in place.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from cli.options import hint, hint_written, password_from, size_text
from core.errors import UserError
from core.services.workspace import Workspace


def cmd_backup(ws: Workspace, args: argparse.Namespace) -> None:
    from core.services.backup import make_backup

    result = make_backup(ws, args.to, password_from(args))
    sealed = hint_written(result.warnings, result.encrypted, "备份")
    print(f"已备份到：{result.path}（{size_text(result.size)}，{result.members} 个文件，{sealed}，"
          f"用时 {result.seconds:.1f} 秒）")


def run_restore(data_dir: Path, args: argparse.Namespace) -> int:
    """``restore``: the exit code (0, 1 for an officer's mistake, 3 for a fault)."""
    from cli.main import EXIT_USER_ERROR, _report_bug
    from core.services.backup import restore_backup

    try:
        password = password_from(args)
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
        hint("该备份未加密，没有用到密码")
    print(f"已从备份恢复到：{result.data_dir}（备份于 {info.created_at:%Y-%m-%d %H:%M}，案件 {info.cases} 件，"
          f"{info.members} 个文件）")
    if result.search_rebuilt:
        print("已重建案件搜索索引")
    for problem in result.problems:
        hint(f"恢复后的检查发现问题：{problem}")
    if not result.problems:
        print(result.summary)
    return 0
