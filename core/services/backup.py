"""Backing up a whole installation to one file, and restoring it into an empty data folder.

A backup (``容错免责备份-<机关代字>-YYYYMMDD-HHMMSS.rcbak``) is a gzip-compressed tar holding:

- ``rongcuo.sqlite3``: the database as copied by SQLite's backup API (a file copy would miss the
  WAL), which includes the office profile, the settings, users and the search index;
- ``audit.key`` and ``audit.head``: the audit key and chain head, which live beside the database;
- ``files/``: attachments; ``templates/``: the office's own letter templates; ``documents/``: the
  documents issued into the data folder;
- ``manifest.json``, last: the format, program and schema versions, the audit head, the problems
  ``check`` found, and the size and SHA-256 of every member.

Not included: ``backups/`` (copies made before a migration), ``logs/`` and ``tmp/``.

With a password the whole tar stream is sealed (``core.sealing``: SM4-GCM under scrypt) as it is
written, so no plaintext of it ever reaches the target folder; the plaintext copy of the database
is made in the data folder's ``tmp/`` (where the live database already is) and removed afterwards.

A backup is written under ``….rcbak.part``, fsynced, read back in full (decrypted, every member
hashed against the manifest) and only then renamed to its final name: a file named ``.rcbak`` is
always complete. A ``.part`` file or ``tmp/backup`` folder left by a backup that was killed is
removed by the next backup (each is locked while its backup runs, so a backup still running
elsewhere is left alone).

A database that fails SQLite's integrity check is not backed up: its copy would fail the same way.
Other problems ``check`` finds (the audit chain, attachments, foreign keys, the search index) do not
stop a backup — a copy of a damaged installation is still worth keeping, and refusing would leave an
office with none — but they are returned as warnings and written into the manifest, and a restore
reports them again.

A restore goes only into an empty (or missing) data folder: the backup is read and every member
written into a temporary folder beside the target and checked against the manifest (and the
password); only then is that folder renamed into place. The restored installation is then opened,
its search index rebuilt if it does not match the cases, the restore written to its audit trail
(both only when the trail verifies: any write re-anchors the head, which would hide a problem the
backup carried), and ``check`` run on it.
"""
from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import re
import sqlite3
import tarfile
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any, BinaryIO, cast

import peewee

from core.audit import HEAD_FILE, KEY_FILE
from core.errors import UserError
from core.sealing import MAGIC, SealingKey, check_password, derive_key, open_stream, seal_stream
from core.services.workspace import FILES_DIR, Workspace, default_actor
from core.stick_files import LockedFile, LockedFolder, fsync_folder, fsync_tree, remove_abandoned, target_folder
from core.version import VERSION
from models.database import DATABASE_FILE
from models.migrations import LATEST_VERSION
from models.office import Setting

Progress = Callable[[int, int], None]

PREFIX = "容错免责备份-"
SUFFIX = ".rcbak"
PARTIAL = ".part"                   # a backup being written: 容错免责备份-….rcbak.part
FORMAT = "rongcuo-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
TEMPLATES_DIR = "templates"         # documents.templates.TEMPLATE_DIR
DOCUMENTS_DIR = "documents"         # core.services.letters.DOCUMENTS_DIR
TREES = (FILES_DIR, DOCUMENTS_DIR)  # whole folders; templates/ is only the files directly in it
SCRATCH = Path("tmp") / "backup"    # under the data folder: the database copy while a backup runs
RESTORING = ".正在恢复-"            # beside the target folder: .<folder name>.正在恢复-<random>
STATUS_KEY = "backup.last"          # Setting row: the last backup made (or restored from)
DUE_AFTER_DAYS = 7
COMPRESS_LEVEL = 6
BLOCK = 1 << 20
MAX_MANIFEST = 256 * 2 ** 20


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int                   # bytes of the backup file
    sha256: str                 # of the backup file
    encrypted: bool
    created_at: datetime
    members: int                # files in the backup, the manifest not counted
    content_bytes: int          # their total size before compression
    seconds: float
    warnings: list[str] = field(default_factory=list)   # problems ``check`` found, and leftovers removed


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    encrypted: bool
    created_at: datetime
    organ: str
    program_version: str
    schema_version: int
    audit_head: tuple[int, str] | None
    cases: int
    members: int
    content_bytes: int
    size: int
    sha256: str
    problems: list[str]         # what ``check`` found when the backup was made


@dataclass(frozen=True)
class RestoreResult:
    data_dir: Path
    info: BackupInfo
    problems: list[str]         # what ``check`` finds in the restored installation (empty: sound)
    summary: str                # ``check``'s summary line
    search_rebuilt: bool
    seconds: float


@dataclass(frozen=True)
class BackupStatus:
    last_at: datetime | None
    days_since: int | None
    due: bool
    location: str | None = None
    message: str = ""


# --- the reminder ---------------------------------------------------------------------------------

def backup_status(ws: Workspace, due_after_days: int = DUE_AFTER_DAYS) -> BackupStatus:
    """When the last backup was made (or the installation restored from one), and whether another
    is due: none yet, or ``due_after_days`` days or more ago (by the workspace's today)."""
    row = Setting.get_or_none(Setting.key == STATUS_KEY)
    value = row.value if row is not None and isinstance(row.value, dict) else {}
    try:
        last_at = datetime.fromisoformat(str(value["at"]))
    except (KeyError, ValueError):
        return BackupStatus(None, None, True, None, "尚未备份过数据，请尽快备份")
    days = max(0, (ws.today() - last_at.date()).days)
    due = days >= due_after_days
    location = str(value["path"]) if value.get("path") else None
    when = "今天" if days == 0 else f"{days} 天前"
    message = f"上次备份：{last_at:%Y-%m-%d %H:%M}（{when}）" + ("，请及时备份" if due else "")
    return BackupStatus(last_at, days, due, location, message)


def _record_status(ws: Workspace, action: str, value: dict[str, Any]) -> None:
    with ws.change():
        before = Setting.get_or_none(Setting.key == STATUS_KEY)
        Setting.insert(key=STATUS_KEY, value=value).on_conflict_replace().execute()
        ws.record(action, None, "backup", before.value if before is not None else None, value)


# --- making a backup ------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Member:
    name: str                   # inside the backup, "/"-separated, relative to the data folder
    path: Path | None = None    # read from this file …
    data: bytes | None = None   # … or these bytes
    private: bool = False


def make_backup(ws: Workspace, target_dir: Path, password: str | None = None,
                progress: Progress | None = None) -> BackupResult:
    """Back up the installation into one new file in ``target_dir``; with ``password``, encrypted.

    ``progress(done, total)`` is called in the calling thread as the backup is written and read back.
    Raises ``UserError`` (nothing left behind) when the database fails its integrity check or the
    target cannot be written."""
    started = time.monotonic()
    if password is not None:
        check_password(password)
    target_dir = _backup_folder(ws, Path(target_dir))
    leftovers = remove_abandoned(target_dir, f"{PREFIX}*{SUFFIX}{PARTIAL}")
    warnings = [f"已清理上次中断的备份留下的文件：{name}" for name in leftovers]
    created_at = datetime.combine(ws.today(), datetime.now().time().replace(microsecond=0))
    scratch = LockedFolder.create(ws.data_dir / SCRATCH)     # (removes abandoned ones: never worth reporting)
    partial: LockedFile | None = None
    try:
        # The head first: it names records committed before it was written, so the copy made after
        # it holds them (and perhaps more, which ``audit verify`` accepts).
        head = _read_optional(ws.audit.head_path)
        snapshot = scratch.path / DATABASE_FILE
        try:
            ws.adapter.backup_to(snapshot)
        except sqlite3.Error as exc:
            raise UserError(f"无法复制数据库：{exc}") from None
        facts = _database_facts(snapshot)
        if facts["integrity"]:
            raise UserError("数据库未通过完整性检查，不能备份（备份只会复制损坏的数据）："
                            + "；".join(facts["integrity"][:3]) + "。请先运行 check，并联系技术支持")
        from core.services.health import check_installation

        problems = [f"数据不一致：{p}" for p in facts["foreign_keys"]]
        problems += check_installation(ws, database=False)[0]
        members = [_Member(DATABASE_FILE, path=snapshot, private=True),
                   _Member(KEY_FILE, path=ws.audit.key_path, private=True)]
        if head is not None:
            members.append(_Member(HEAD_FILE, data=head))
        members += _folder_members(ws.data_dir)
        content = sum(len(m.data) if m.data is not None else _size(m.path) for m in members)
        meter = _Meter(progress, 2 * content)
        meter.report()      # (0, total): the database has been copied

        profile = ws.office()
        manifest: dict[str, Any] = {
            "format": FORMAT, "format_version": FORMAT_VERSION, "created_at": created_at.isoformat(),
            "program": "容错免责案件办理系统", "program_version": VERSION,
            "schema_version": facts["schema_version"], "cases": facts["cases"],
            "audit_head": _head_fields(head), "organ": profile.organ_name, "code_prefix": profile.code_prefix,
            "encrypted": password is not None, "problems": problems,
        }
        name = _free_name(target_dir, profile.code_prefix or profile.organ_name, created_at)
        partial = LockedFile.create(target_dir / (name + PARTIAL), "备份", mode=0o600)
        sealing = derive_key(password) if password is not None else None
        try:
            written = _write_backup(partial.handle, members, manifest, sealing, meter)
            partial.sync()      # and forgotten by the page cache: reading back reads the disk
        except OSError as exc:      # a full or removed disk
            raise UserError(f"写入备份时出错，备份未完成：{exc.strerror or exc}。请检查 {target_dir} 所在磁盘的"
                            "剩余空间，或换一个位置") from None
        # Read back what is on the disk: decrypt, hash every member, compare with what was written.
        info = _read_backup(partial.path, sealing, None, content_meter=meter)
        if info.manifest["members"] != written["members"]:
            raise UserError("备份写入后读回的内容与写入的不一致，目标磁盘可能有问题，请换一个位置再试")
        final = target_dir / name
        partial.finish(final)
        partial = None
        meter.finish()
        result = BackupResult(final, info.size, info.sha256, sealing is not None, created_at,
                              info.members, info.content_bytes, round(time.monotonic() - started, 3),
                              warnings + problems)
    finally:
        if partial is not None:
            partial.discard()
        scratch.discard()
    try:
        _record_status(ws, "backup", {"at": created_at.isoformat(), "path": str(result.path),
                                      "size": result.size, "sha256": result.sha256,
                                      "encrypted": result.encrypted})
    except peewee.OperationalError as exc:      # the backup itself is complete: say so, do not fail it
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise
        result.warnings.append("备份已完成，但数据库正被另一个程序占用，未能记录本次备份时间")
    return result


def _backup_folder(ws: Workspace, target: Path) -> Path:
    return target_folder(target.expanduser().resolve(), ws.data_dir.resolve(), "备份")


def _free_name(target_dir: Path, label: str, created_at: datetime) -> str:
    label = re.sub(r'[\\/:*?"<>|\s]+', "", label)[:20] or "rongcuo"
    stem = f"{PREFIX}{label}-{created_at:%Y%m%d-%H%M%S}"
    for n in range(1, 1000):
        name = f"{stem}{'' if n == 1 else f'-{n}'}{SUFFIX}"
        if not (target_dir / name).exists() and not (target_dir / (name + PARTIAL)).exists():
            return name
    raise UserError(f"备份文件夹 {target_dir} 中同名的备份过多，请换一个文件夹")


def _read_optional(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _head_fields(head: bytes | None) -> dict[str, Any] | None:
    try:
        seq, mac, _ = (head or b"").decode("ascii").split()
        return {"seq": int(seq), "mac": mac}
    except (UnicodeDecodeError, ValueError):
        return None


def _database_facts(path: Path) -> dict[str, Any]:
    """Integrity and foreign keys of the copy, and what the manifest says about it."""
    connection = sqlite3.connect(str(path))
    try:
        rows = [r[0] for r in connection.execute("PRAGMA integrity_check").fetchall()]
        keys = connection.execute("PRAGMA foreign_key_check").fetchall()
        try:
            version = connection.execute("SELECT max(version) FROM schema_version").fetchone()[0] or 0
            cases = connection.execute('SELECT count(*) FROM "case"').fetchone()[0]
        except sqlite3.DatabaseError:
            version, cases = 0, 0
    except sqlite3.DatabaseError as exc:
        return {"integrity": [str(exc)], "foreign_keys": [], "schema_version": 0, "cases": 0}
    finally:
        connection.close()
    return {"integrity": [] if rows == ["ok"] else rows,
            "foreign_keys": [f"表 {r[0]} 第 {r[1]} 行引用的 {r[2]} 不存在" for r in keys],
            "schema_version": int(version), "cases": int(cases)}


def _folder_members(data_dir: Path) -> list[_Member]:
    members = []
    for tree in TREES:
        root = data_dir / tree
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if not _skipped(d))
            for file_name in sorted(files):
                path = Path(folder) / file_name
                if not _skipped(file_name) and path.is_file() and not path.is_symlink():
                    members.append(_Member(path.relative_to(data_dir).as_posix(), path=path))
    templates = data_dir / TEMPLATES_DIR
    if templates.is_dir():
        for path in sorted(templates.iterdir()):
            if not _skipped(path.name) and path.is_file() and not path.is_symlink():
                members.append(_Member(f"{TEMPLATES_DIR}/{path.name}", path=path))
    return members


def _skipped(name: str) -> bool:
    """Files being written: hidden drafts (.正在生成-…) and temporary copies (….tmp)."""
    return name.startswith(".") or name.endswith(".tmp")


def _size(path: Path | None) -> int:
    assert path is not None
    return path.stat().st_size


def _write_backup(target: BinaryIO, members: list[_Member], manifest: dict[str, Any],
                  sealing: SealingKey | None, meter: _Meter) -> dict[str, Any]:
    """The tar stream (gzip) into ``target``; sealed on the way when ``sealing`` is given. The
    tar is written by a second thread into a pipe that ``seal_stream`` reads, so the plaintext
    stream never touches a disk."""
    if sealing is None:
        return _write_tar(target, members, manifest, meter)
    read_end, write_end = os.pipe()
    reader, writer = os.fdopen(read_end, "rb"), os.fdopen(write_end, "wb")
    outcome: list[dict[str, Any]] = []
    failure: list[BaseException] = []
    def produce() -> None:
        try:
            outcome.append(_write_tar(writer, members, manifest, meter))
        except BaseException as exc:    # handed to the calling thread
            failure.append(exc)
        finally:
            with contextlib.suppress(OSError):
                writer.close()

    producer = threading.Thread(target=produce, name="backup-tar", daemon=True)
    producer.start()
    try:
        seal_stream(cast(BinaryIO, _Reporting(reader, meter)), target, sealing)
    finally:
        reader.close()          # a producer still writing gets a broken pipe and stops
        producer.join()
    if failure:
        raise failure[0]
    meter.report()
    return outcome[0]


def _write_tar(sink: IO[bytes], members: list[_Member], manifest: dict[str, Any], meter: _Meter) -> dict[str, Any]:
    entries = []
    compressed = gzip.GzipFile(filename="", mode="wb", fileobj=sink, compresslevel=COMPRESS_LEVEL, mtime=0)
    with tarfile.open(fileobj=compressed, mode="w|", format=tarfile.PAX_FORMAT, encoding="utf-8") as tar:
        for member in members:
            with contextlib.ExitStack() as stack:
                if member.data is not None:
                    source: IO[bytes] = io.BytesIO(member.data)
                    size, mtime = len(member.data), time.time()
                else:
                    assert member.path is not None
                    source = stack.enter_context(member.path.open("rb"))
                    stat = os.fstat(source.fileno())
                    size, mtime = stat.st_size, stat.st_mtime
                info = tarfile.TarInfo(member.name)
                info.size, info.mtime, info.mode = size, int(mtime), 0o600 if member.private else 0o644
                hashing = _Hashing(source, meter)
                tar.addfile(info, cast(IO[bytes], hashing))
                entries.append({"name": member.name, "size": size, "sha256": hashing.hexdigest()})
        manifest = dict(manifest, members=entries)
        data = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime, info.mode = len(data), int(time.time()), 0o644
        tar.addfile(info, io.BytesIO(data))
    compressed.close()
    sink.flush()
    return manifest


# --- reading a backup -----------------------------------------------------------------------------

@dataclass(frozen=True)
class _Read:
    manifest: dict[str, Any]
    encrypted: bool
    size: int
    sha256: str
    members: int
    content_bytes: int


def verify_backup(path: Path, password: str | None = None) -> BackupInfo:
    """Read the whole backup (decrypting it with ``password``) and check every member against the
    manifest; what the backup holds. Raises ``UserError`` for a wrong password, a damaged or
    incomplete file, or a file that is no backup."""
    path = Path(path)
    return _info(path, _read_backup(path, password, None))


def _info(path: Path, read: _Read) -> BackupInfo:
    m = read.manifest
    head = m.get("audit_head")
    return BackupInfo(
        path=path, encrypted=read.encrypted, created_at=datetime.fromisoformat(m["created_at"]),
        organ=str(m.get("organ") or ""), program_version=str(m.get("program_version") or ""),
        schema_version=int(m.get("schema_version") or 0),
        audit_head=(int(head["seq"]), str(head["mac"])) if isinstance(head, dict) else None,
        cases=int(m.get("cases") or 0), members=read.members, content_bytes=read.content_bytes,
        size=read.size, sha256=read.sha256, problems=[str(p) for p in m.get("problems") or []])


def _read_backup(path: Path, password: str | SealingKey | None, extract_to: Path | None, *,
                 file_meter: _Meter | None = None, content_meter: _Meter | None = None) -> _Read:
    """One pass over the file: decrypt, decompress, hash (and with ``extract_to``, write) every
    member, then compare them with the manifest. ``file_meter`` counts the file's bytes read,
    ``content_meter`` the members' bytes."""
    try:
        raw = path.open("rb")
    except FileNotFoundError:
        raise UserError(f"找不到备份文件：{path}") from None
    except OSError as exc:
        raise UserError(f"无法读取备份文件 {path}：{exc.strerror or exc}") from None
    with raw:
        total = os.fstat(raw.fileno()).st_size
        counted = _Counting(raw, file_meter)
        encrypted = raw.peek(len(MAGIC))[:len(MAGIC)] == MAGIC
        stream: IO[bytes] = cast(IO[bytes], counted)
        if encrypted:
            if password is None:
                raise UserError("该备份已加密，请提供加密时设置的密码")
            stream = cast(IO[bytes], _ChunkReader(open_stream(cast(BinaryIO, counted), password)))
        try:
            found, manifest = _read_tar(stream, extract_to, content_meter)
            while stream.read(BLOCK):       # to the end: the last sealed chunk is checked too
                pass
            _compare(found, manifest)
        except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile, ValueError, KeyError,
                TypeError, AttributeError) as exc:
            raise UserError(f"备份文件不完整或已损坏（{_reason(exc)}），不能使用") from None
        except OSError as exc:
            raise UserError(f"读取备份或写入恢复的数据时出错：{exc.strerror or exc}") from None
        digest = counted.hexdigest()
    return _Read(manifest, encrypted, total, digest, len(found), sum(size for size, _ in found.values()))


def _reason(exc: BaseException) -> str:
    if isinstance(exc, EOFError | tarfile.ReadError) or "end of data" in str(exc):
        return "文件被截断"
    return "内容无法解读"


def _read_tar(stream: IO[bytes], extract_to: Path | None,
              meter: _Meter | None) -> tuple[dict[str, tuple[int, str]], dict[str, Any]]:
    found: dict[str, tuple[int, str]] = {}
    manifest: dict[str, Any] | None = None
    decompressed = gzip.GzipFile(fileobj=stream, mode="rb")
    with tarfile.open(fileobj=decompressed, mode="r|", encoding="utf-8") as tar:
        for info in tar:
            name = _checked_name(info.name)
            if manifest is not None or not info.isfile() or name in found:
                raise ValueError(name)
            source = tar.extractfile(info)
            assert source is not None
            if name == MANIFEST:
                if info.size > MAX_MANIFEST:
                    raise ValueError(name)
                manifest = json.loads(source.read().decode("utf-8"))
                continue
            sha = hashlib.sha256()
            with contextlib.ExitStack() as stack:
                out = stack.enter_context(_create(extract_to / name)) if extract_to is not None else None
                while block := source.read(BLOCK):
                    sha.update(block)
                    if out is not None:
                        out.write(block)
                    if meter is not None:
                        meter.add(len(block))
                if out is not None:
                    out.flush()
                    os.fsync(out.fileno())
            if extract_to is not None:
                os.utime(extract_to / name, (info.mtime, info.mtime))
            found[name] = (info.size, sha.hexdigest())
        while decompressed.read(BLOCK):      # the gzip trailer's CRC and length
            pass
    if not isinstance(manifest, dict):
        raise UserError("备份文件不完整（缺少清单），不能使用")
    return found, manifest


def _checked_name(name: str) -> str:
    """A member name that stays inside the data folder, in a place a backup writes."""
    parts = PurePosixPath(name).parts
    if (not parts or name.startswith("/") or "\\" in name or ":" in name
            or any(p in ("", ".", "..") for p in parts)):
        raise ValueError(name)
    if len(parts) == 1 and name in (DATABASE_FILE, KEY_FILE, HEAD_FILE, MANIFEST):
        return name
    if (parts[0] in TREES and len(parts) >= 2) or (parts[0] == TEMPLATES_DIR and len(parts) == 2):
        return name
    raise ValueError(name)


def _create(path: Path) -> IO[bytes]:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("xb")


def _compare(found: dict[str, tuple[int, str]], manifest: dict[str, Any]) -> None:
    if manifest.get("format") != FORMAT:
        raise UserError("不是本程序的备份文件")
    if int(manifest.get("format_version", 0)) > FORMAT_VERSION:
        raise UserError("该备份由更新版本的程序生成，请使用新版本程序恢复")
    listed = {str(m["name"]): (int(m["size"]), str(m["sha256"])) for m in manifest.get("members", [])}
    for name in sorted(set(listed) | set(found)):
        if name not in found:
            raise UserError(f"备份文件不完整：缺少 {name}，不能使用")
        if name not in listed:
            raise UserError(f"备份文件已被改动：多出了清单中没有的 {name}，不能使用")
        if found[name] != listed[name]:
            raise UserError(f"备份文件已损坏或被改动：{name} 的校验值不符，不能使用")
    for required in (DATABASE_FILE, KEY_FILE):
        if required not in found:
            raise UserError(f"备份文件不完整：缺少 {required}，不能使用")


# --- restoring ------------------------------------------------------------------------------------

def restore_backup(path: Path, data_dir: Path, password: str | None = None, progress: Progress | None = None,
                   *, actor: str | None = None, today: Callable[[], date] | None = None) -> RestoreResult:
    """Restore a backup into ``data_dir``, which must be empty or not exist.

    Nothing appears in ``data_dir`` until the whole backup has been read and checked (password,
    every member's SHA-256). Afterwards the restored installation is opened — through the one
    database binding of this process, so call this with no other workspace open — its search index
    rebuilt if needed, the restore recorded in its audit trail (by ``actor``), and checked."""
    started = time.monotonic()
    path, target = Path(path), Path(data_dir).expanduser().absolute()
    if not path.is_file():
        raise UserError(f"找不到备份文件：{path}")
    _check_empty(target)
    missing = [p for p in (target, *target.parents) if not p.exists()]
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"无法创建数据文件夹 {target}：{exc.strerror or exc}") from None
    existed = target.is_dir()
    staging = LockedFolder.create(target.parent, prefix=f".{target.name}{RESTORING}")   # (removes abandoned ones)
    try:
        read = _read_backup(path, password, staging.path, file_meter=_Meter(progress, path.stat().st_size))
        if int(read.manifest.get("schema_version") or 0) > LATEST_VERSION:
            raise UserError("该备份来自更新版本的程序（数据库结构更新），请使用新版本程序恢复")
        if (staging.path / KEY_FILE).exists():
            os.chmod(staging.path / KEY_FILE, 0o600)
        fsync_tree(staging.path)
        _check_empty(target)      # still empty: nothing else wrote there meanwhile
        if target.exists():
            target.rmdir()
        staging.finish(target)
        fsync_folder(target.parent)
    except BaseException:
        staging.discard()
        if existed and not target.exists():
            with contextlib.suppress(OSError):
                target.mkdir()
        for folder in missing[1:]:          # parents this restore created, if still empty
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    info = _info(path, read)
    return _after_restore(target, info, actor, today, started)


def _check_empty(target: Path) -> None:
    if target.is_dir():
        if any(target.iterdir()):
            raise UserError(f"数据文件夹 {target} 不是空的。为免覆盖现有数据，只能恢复到空文件夹或新文件夹中")
    elif target.exists():
        raise UserError(f"{target} 不是文件夹，不能恢复到这里")


def _after_restore(target: Path, info: BackupInfo, actor: str | None, today: Callable[[], date] | None,
                   started: float) -> RestoreResult:
    from core.services.health import check_installation
    from core.services.search import rebuild_search_index, search_index_problems

    ws = Workspace(target, actor or default_actor(), today=today)
    try:
        # A write brings the audit head up to date, which would hide a head lost or out of step
        # before the backup: with the trail in doubt, the installation is left exactly as restored.
        rebuilt = False
        if ws.audit.verify().ok:
            rebuilt = bool(search_index_problems(ws))
            if rebuilt:
                rebuild_search_index(ws)
            _record_status(ws, "backup_restore", {
                "at": info.created_at.isoformat(), "path": str(info.path.absolute()), "size": info.size,
                "sha256": info.sha256, "encrypted": info.encrypted,
                "restored_at": datetime.now().replace(microsecond=0).isoformat()})
        problems, summary = check_installation(ws)
    finally:
        ws.close()
    return RestoreResult(target, info, problems, summary, rebuilt, round(time.monotonic() - started, 3))


# --- streams --------------------------------------------------------------------------------------

class _Meter:
    """``progress(done, total)`` in bytes, reported only in the thread that made the meter (a
    second thread may add to it; the first reports when it next reads)."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress, self.total, self.count = progress, max(total, 1), 0
        self.owner = threading.get_ident()
        self._reported = -1

    def add(self, n: int) -> None:
        self.count += n
        if threading.get_ident() == self.owner:
            self.report()

    def report(self) -> None:
        done = min(self.total, self.count)
        # about 500 steps at most: a dialog need not hear of every block
        step = self._reported < 0 or done - self._reported >= self.total // 500 or done == self.total
        if self.progress is not None and step and done != self._reported:
            self._reported = done
            self.progress(done, self.total)

    def finish(self) -> None:
        self.count = self.total
        self.report()


class _Hashing:
    """Reads ``source``, hashing and metering what passes."""

    def __init__(self, source: IO[bytes], meter: _Meter) -> None:
        self.source, self.meter, self.sha = source, meter, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.sha.update(data)
        self.meter.add(len(data))
        return data

    def hexdigest(self) -> str:
        return self.sha.hexdigest()


class _Reporting:
    """A reader that reports a deferred meter's progress each time it is read (in its own thread)."""

    def __init__(self, source: IO[bytes], meter: _Meter) -> None:
        self.source, self.meter = source, meter

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.meter.report()
        return data


class _Counting:
    """The backup file as read: hashed, and metered by bytes read."""

    def __init__(self, raw: io.BufferedReader, meter: _Meter | None) -> None:
        self.raw, self.meter, self.sha = raw, meter, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.sha.update(data)
        if self.meter is not None:
            self.meter.add(len(data))
        return data

    def peek(self, size: int = 0) -> bytes:
        return self.raw.peek(size)

    def hexdigest(self) -> str:
        return self.sha.hexdigest()


class _ChunkReader(io.RawIOBase):
    """A file-like reader over the decrypted chunks of a sealed stream."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        super().__init__()
        self.chunks, self.buffer = chunks, b""

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        while not self.buffer:
            try:
                self.buffer = next(self.chunks)
            except StopIteration:
                return 0
        n = min(len(target), len(self.buffer))
        target[:n] = self.buffer[:n]
        self.buffer = self.buffer[n:]
        return n
