"""Files written where they may be cut off: a USB stick pulled out, a full disk, a process killed.

Export packages (``core.exchange_package``, ``core.services.exchange``) and backups
(``core.services.backup``) go onto sticks the same way, so that a file carrying its final name is
always complete: it is created new under a partial name and locked while written (``LockedFile``);
then fsynced and its pages dropped from the cache (so reading it back reads the stick, not memory),
read back and checked by the caller, and only then renamed into place, with the folder fsynced.
Plain copies that must never reach the stick, and a restore being unpacked, go into a
``LockedFolder``.

A writer that was interrupted leaves its partial file or folder behind, and the next one removes it
(``remove_abandoned`` for partial files, ``LockedFolder.create`` for folders). The lock tells such a leftover from one that is still being written
elsewhere: ``flock`` on POSIX, held until the writer closes the file or dies; on Windows an open
file cannot be deleted, which protects it the same way. Nothing that may still be in use is removed.

Messages name what is written (``what``: "导出包", "备份"); they are ``UserError`` in Chinese.
"""
from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import sys
from pathlib import Path
from typing import BinaryIO, cast

from core.errors import UserError

if sys.platform != "win32":
    import fcntl

LOCK_FILE = ".lock"                  # inside a LockedFolder: what its process holds locked


def lock(fd: int) -> None:
    """Lock ``fd`` until it is closed or the process dies; ``OSError`` if that cannot be done
    (``BlockingIOError``: another process holds it). Windows: nothing to do — an open file cannot
    be deleted there, which protects it the same way."""
    if sys.platform != "win32":
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _hold(fd: int) -> None:
    """Lock ``fd``, a file just created; on a file system without locks (some network shares) go
    on unlocked rather than refuse to write."""
    try:
        lock(fd)
    except BlockingIOError:
        os.close(fd)
        raise
    except OSError:
        pass


def remove_if_abandoned(path: Path) -> bool:
    """Remove a leftover partial file or ``LockedFolder`` whose writer has gone; False if it may be
    in use (its lock is held, or cannot be taken) or cannot be removed."""
    lock_path = path / LOCK_FILE if path.is_dir() else path
    try:
        fd = os.open(lock_path, os.O_RDONLY)
    except FileNotFoundError:
        fd = -1              # a folder whose lock was never created: its process died at once
    except OSError:
        return False
    try:
        if fd >= 0:
            lock(fd)
    except OSError:
        os.close(fd)
        return False
    try:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    except OSError:          # Windows: still open in a running process
        return False
    finally:
        if fd >= 0:
            os.close(fd)
    return True


def remove_abandoned(folder: Path, pattern: str) -> list[str]:
    """Remove the partial files (``pattern``, a glob) that interrupted writers left in ``folder``;
    their names. Folders that match are left alone, and so is a folder that cannot be read."""
    removed = []
    with contextlib.suppress(OSError):
        for path in sorted(folder.glob(pattern)):
            if path.is_file() and remove_if_abandoned(path):
                removed.append(path.name)
    return removed


def target_folder(target: Path, data_dir: Path, what: str) -> Path:
    """``target``, made if missing, as the folder to write a ``what`` into: refused inside the data
    folder (a copy there is no copy), also when reached through ``..`` or a symbolic link."""
    real_target, real_data = target.resolve(), data_dir.resolve()
    if real_target == real_data or real_data in real_target.parents:
        raise UserError(f"{what}不能保存在数据文件夹之内，请选择 U 盘或其他文件夹")
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"无法使用文件夹 {target}：{exc.strerror or exc}") from None
    if not target.is_dir():
        raise UserError(f"{target} 不是文件夹，请选择保存{what}的文件夹")
    return target


class LockedFile:
    """A new file, locked while this process writes it, renamed into place when complete."""

    def __init__(self, path: Path, handle: BinaryIO) -> None:
        self.path, self.handle = path, handle

    @classmethod
    def create(cls, path: Path, what: str, mode: int = 0o644) -> LockedFile:
        """Create ``path`` (which must not exist) for writing a ``what``."""
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), mode)
        except OSError as exc:
            raise UserError(f"无法在 {path.parent} 中写入{what}：{exc.strerror or exc}") from None
        _hold(fd)
        return cls(path, cast(BinaryIO, os.fdopen(fd, "w+b")))

    def sync(self) -> None:
        """Everything written onto the disk, and forgotten by the page cache (so that reading it
        back reads the disk)."""
        self.handle.flush()
        os.fsync(self.handle.fileno())
        drop_cache(self.handle.fileno())

    def finish(self, final: Path) -> None:
        """Rename into place as ``final`` (closed), and make the rename durable."""
        if sys.platform == "win32":          # an open file cannot be renamed there
            self.handle.close()
        os.replace(self.path, final)
        self.handle.close()
        fsync_folder(final.parent)

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.handle.close()
        with contextlib.suppress(OSError):
            self.path.unlink()


class LockedFolder:
    """A new folder with a lock file, held while this process fills it."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path, self.fd = path, fd

    @classmethod
    def create(cls, parent: Path, prefix: str = "", mode: int = 0o777) -> LockedFolder:
        """A new folder ``<prefix><random>`` in ``parent``; first removes the folders of that prefix
        that processes which have gone left there."""
        try:
            parent.mkdir(parents=True, exist_ok=True)
            for leftover in sorted(parent.iterdir()):
                if leftover.name.startswith(prefix):
                    remove_if_abandoned(leftover)
            path = parent / f"{prefix}{secrets.token_hex(6)}"
            path.mkdir(mode=mode)
            fd = os.open(path / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as exc:
            raise UserError(f"无法在 {parent} 中建立临时文件夹：{exc.strerror or exc}") from None
        _hold(fd)
        return cls(path, fd)

    def finish(self, final: Path) -> None:
        """Rename into place as ``final``, without the lock file."""
        os.close(self.fd)
        self.fd = -1
        (self.path / LOCK_FILE).unlink()
        os.rename(self.path, final)

    def discard(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
        shutil.rmtree(self.path, ignore_errors=True)


def fsync_folder(folder: Path) -> None:
    """Make the names in ``folder`` durable (a rename, a new file); POSIX only."""
    if sys.platform == "win32":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def fsync_tree(root: Path) -> None:
    for folder, _dirs, _files in os.walk(root):
        fsync_folder(Path(folder))


def drop_cache(fd: int) -> None:
    """Ask the system to forget the written pages, so reading back reads the disk (Linux)."""
    if hasattr(os, "posix_fadvise"):
        with contextlib.suppress(OSError):
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
