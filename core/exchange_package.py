"""The export package as a file: one ZIP, written for USB sticks, read with suspicion.

Writing (``write_package``): members stream into a ZIP (ZIP64 when needed) in a file the caller
holds open and locked; each member is hashed (SHA-256 and SM3) on the way, and ``manifest.json``
comes last, listing every member with its size and both hashes. With a password every member is
sealed (``core.sealing``: SM4-GCM under scrypt) and stored under an opaque name ``data/000001.bin``;
the real names, sizes and hashes go into the sealed ``index.bin``, and the plain ``manifest.json``
lists only the opaque members (with the hashes of their sealed bytes), so nothing readable about a
case is on the stick: not in a member's bytes, not in its name, not in the manifest.

Reading (``read_package``) checks everything before it returns: the ZIP's structure, every member
name (no absolute paths, no drive letters, no ``..``, no backslashes), sizes and compression ratios
(no ZIP bombs), the format version (a newer one is refused), that the members are exactly those the
manifest lists, and every member's SHA-256 and SM3 (decrypted first, with a password). Names that
Chinese Windows ZIP tools write in GBK without the UTF-8 flag are read as GBK.

The format is documented in docs/exchange-format.md.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any, BinaryIO, cast

from cryptography.hazmat.primitives import hashes

from core.errors import UserError
from core.sealing import MAGIC, SealingKey, WrongPassword, key_for, open_stream, seal_stream
from core.stick_files import remove_abandoned

FORMAT = "rongcuo-exchange"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
INDEX = "index.bin"                  # encrypted packages: the sealed inner manifest
SEALED_DIR = "data"                  # encrypted packages: data/000001.bin …
PREFIX = "容错免责案件-"
SUFFIX = ".zip"
PARTIAL = ".partial"                 # a package being written: 容错免责案件-….zip.partial
BLOCK = 1 << 20

MAX_PACKAGE = 2 ** 32 - 1            # FAT32 holds no file of 4 GiB or more
MAX_MEMBER = 2 ** 32 - 1
MAX_TOTAL = 5 * 2 ** 30              # all members uncompressed
MAX_MEMBERS = 200_000
MAX_JSON = 64 * 2 ** 20              # manifest, index and case files
MAX_RATIO = 100                      # uncompressed / compressed, for members over RATIO_FLOOR
RATIO_FLOOR = 1 << 20
UTF8_FLAG = 0x800
ZIP64_FROM = 1 << 30                 # members this large get ZIP64 headers (zipfile's own limit is 2 GiB - 1)
ENCRYPTED_FLAG = 0x1


class PackageRefused(UserError):
    """A package that is not used: nothing was written."""


# --- hashing --------------------------------------------------------------------------------------

class Digests:
    """SHA-256 and SM3 of the same bytes, and their count."""

    def __init__(self) -> None:
        self.sha256 = hashlib.sha256()
        self.sm3 = hashes.Hash(hashes.SM3())
        self.size = 0

    def update(self, data: bytes) -> None:
        self.sha256.update(data)
        self.sm3.update(data)
        self.size += len(data)

    def entry(self, name: str) -> dict[str, Any]:
        return {"name": name, "size": self.size, "sha256": self.sha256.hexdigest(), "sm3": self.sm3.finalize().hex()}


class _HashingReader:
    def __init__(self, source: IO[bytes], digests: Digests, on_read: Callable[[int], None] | None) -> None:
        self.source, self.digests, self.on_read = source, digests, on_read

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.digests.update(data)
        if self.on_read is not None:
            self.on_read(len(data))
        return data


class _HashingWriter:
    def __init__(self, target: IO[bytes], digests: Digests) -> None:
        self.target, self.digests = target, digests

    def write(self, data: bytes) -> int:
        self.digests.update(data)
        return self.target.write(data)


# --- writing --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Member:
    """One file of the package: its name inside (``/``-separated, already safe), from a file or bytes."""

    name: str
    path: Path | None = None
    data: bytes | None = None
    compress: bool = False           # deflate (only the JSON: the rest is compressed already)
    sha256: str | None = None        # what the content must hash to (a stored attachment)

    def size(self) -> int:
        if self.data is not None:
            return len(self.data)
        assert self.path is not None
        return self.path.stat().st_size

    def open(self) -> IO[bytes]:
        if self.data is not None:
            return io.BytesIO(self.data)
        assert self.path is not None
        return self.path.open("rb")


def sealed_name(index: int) -> str:
    return f"{SEALED_DIR}/{index:06d}.bin"


def estimated_size(members: list[Member], sealed: bool) -> int:
    """An upper bound of the package's size (members stored, headers, sealing overhead, manifest)."""
    total = 0
    for member in members:
        size = member.size()
        total += size + 2 * (len(member.name.encode()) + 100)
        if sealed:
            total += 512 + 20 * (size // BLOCK + 1)
    return total + 512 * len(members) + (1 << 16)


class PackageWriter:
    """Writes members into a ZIP on ``target`` (a seekable file), sealing them when ``sealing``."""

    def __init__(self, target: BinaryIO, sealing: SealingKey | None, created_at: datetime) -> None:
        self.zip = zipfile.ZipFile(target, "w", allowZip64=True)
        self.sealing = sealing
        self.date_time = created_at.timetuple()[:6]
        self.inner: list[dict[str, Any]] = []    # the real files: name, size, sha256, sm3 (stored_as)
        self.outer: list[dict[str, Any]] = []    # what is in the ZIP, when sealed

    def _info(self, name: str, compress: bool) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=cast(Any, self.date_time))
        info.compress_type = zipfile.ZIP_DEFLATED if compress and self.sealing is None else zipfile.ZIP_STORED
        info.external_attr = 0o644 << 16
        return info

    def add(self, member: Member, on_read: Callable[[int], None] | None = None) -> dict[str, Any]:
        """Write one member; its entry (real name, size, SHA-256, SM3) for the manifest."""
        plain = Digests()
        size = member.size()
        with member.open() as source:
            reader = _HashingReader(source, plain, on_read)
            if self.sealing is None:
                info = self._info(member.name, member.compress)
                with self.zip.open(info, "w", force_zip64=size > ZIP64_FROM) as out:
                    while block := reader.read(BLOCK):
                        out.write(block)
                entry = plain.entry(member.name)
            else:
                stored = sealed_name(len(self.outer) + 1)
                sealed = Digests()
                with self.zip.open(self._info(stored, False), "w", force_zip64=size > ZIP64_FROM) as out:
                    seal_stream(cast(BinaryIO, reader), cast(BinaryIO, _HashingWriter(out, sealed)), self.sealing)
                self.outer.append(sealed.entry(stored))
                entry = plain.entry(member.name) | {"stored_as": stored}
        if entry["size"] != size:
            raise UserError(f"文件“{member.name}”在导出过程中被改动，请重新导出")
        if member.sha256 is not None and entry["sha256"] != member.sha256:
            raise UserError(f"附件“{member.name.rsplit('/', 1)[-1]}”的内容已被改动（与登记时的校验值不符），不能导出；"
                            "请先运行 check 检查")
        self.inner.append(entry)
        return entry

    def finish(self, manifest: dict[str, Any]) -> dict[str, Any]:
        """The manifest last (with a password: the sealed index, then the plain outer manifest);
        closes the ZIP. Returns what was written as ``manifest.json``."""
        inner = dict(manifest, format=FORMAT, format_version=FORMAT_VERSION, encrypted=self.sealing is not None,
                     files=self.inner)
        if self.sealing is None:
            self._write_json(MANIFEST, inner)
            self.zip.close()
            return inner
        assert self.sealing is not None
        index = Digests()
        sealed = io.BytesIO()
        seal_stream(io.BytesIO(_json_bytes(inner)), cast(BinaryIO, _HashingWriter(sealed, index)), self.sealing)
        with self.zip.open(self._info(INDEX, False), "w") as out:
            out.write(sealed.getvalue())
        outer: dict[str, Any] = {key: manifest[key] for key in ("created_at", "program", "program_version", "audit_head")
                 if key in manifest}
        outer |= {"format": FORMAT, "format_version": FORMAT_VERSION, "encrypted": True, "index": INDEX,
                  "files": [index.entry(INDEX), *self.outer]}
        self._write_json(MANIFEST, outer)
        self.zip.close()
        return outer

    def abandon(self) -> None:
        """Give up a package that failed half-way (its file is discarded by the caller)."""
        with contextlib.suppress(Exception):
            self.zip.close()
        self.zip.fp = None          # nothing left for the ZIP to write when it is collected

    def _write_json(self, name: str, value: dict[str, Any]) -> None:
        with self.zip.open(self._info(name, True), "w") as out:
            out.write(_json_bytes(value))


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=False).encode("utf-8")


# --- reading --------------------------------------------------------------------------------------

_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its writer meant it: UTF-8 when flagged; otherwise the raw bytes as
    UTF-8 if they are valid UTF-8 (some tools omit the flag), else as GBK (GB 18030), which Chinese
    Windows ZIP tools use, else as code page 437 (the ZIP standard's default)."""
    if info.flag_bits & UTF8_FLAG:
        return info.filename
    try:
        raw = info.orig_filename.encode("cp437")
    except UnicodeEncodeError:      # decoded with another metadata encoding already
        return info.filename
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def check_member_name(name: str) -> str:
    """``name`` if it is a relative path that stays inside the package; else refused."""
    shown = _CONTROL.sub("?", name)[:200]
    parts = name.rstrip("/").split("/")
    if (not name or name.startswith(("/", "\\")) or _DRIVE.match(name) or "\\" in name or ":" in name
            or _CONTROL.search(name) or any(p in ("", ".", "..") for p in parts)):
        raise PackageRefused(f"导出包中的文件名“{shown}”不安全（绝对路径、盘符、“..”或反斜杠，可能指向导出包以外的位置），"
                             "已拒绝导入，未写入任何数据")
    return name


@dataclass
class OpenedPackage:
    """A package whose every member was read and found to match its manifest. ``manifest`` is the
    inner manifest (for an encrypted package: the sealed index), ``files`` its entries by name."""

    path: Path
    size: int
    sha256: str
    encrypted: bool
    manifest: dict[str, Any]
    outer: dict[str, Any]
    files: dict[str, dict[str, Any]]
    contents_checked: bool
    zip: zipfile.ZipFile
    infos: dict[str, zipfile.ZipInfo]
    key: SealingKey | None = None
    cached: dict[str, bytes] = field(default_factory=dict)    # the JSON members, read while checking

    def close(self) -> None:
        self.zip.close()

    def __enter__(self) -> OpenedPackage:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def chunks(self, name: str) -> Iterator[bytes]:
        """The plain bytes of member ``name``, in blocks (the caller checks their hash again)."""
        entry = self.files[name]
        stored = entry.get("stored_as", name)
        with self.zip.open(self.infos[stored]) as raw:
            if self.key is None:
                while block := raw.read(BLOCK):
                    yield block
            else:
                yield from open_stream(cast(BinaryIO, raw), self.key)

    def read_json(self, name: str) -> Any:
        data = self.cached.get(name)
        if data is None:
            raise PackageRefused(f"导出包缺少文件“{name}”，不能使用")
        try:
            return json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise PackageRefused(f"导出包中的“{name}”不是有效的 JSON，不能使用") from None


def read_package(path: Path, password: str | None, *, need_contents: bool = True,
                 on_read: Callable[[int, int], None] | None = None) -> OpenedPackage:
    """Open and check a package completely (see the module docstring); the caller closes it.

    Without ``password`` an encrypted package is checked only outside (the sealed members' hashes),
    or refused when ``need_contents``. Refusals are ``PackageRefused`` or ``WrongPassword``."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise PackageRefused(f"{path} 不是文件，请选择导出包（.zip 文件）")
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            while block := handle.read(BLOCK):
                digest.update(block)
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise PackageRefused(f"找不到导出包：{path}") from None
    except zipfile.BadZipFile:
        raise PackageRefused(f"{path.name} 不是导出包，或文件已损坏（不是完整的 ZIP 文件）") from None
    except OSError as exc:
        raise PackageRefused(f"无法读取导出包 {path}：{exc.strerror or exc}") from None
    try:
        opened = _check(path, size, digest.hexdigest(), archive, password, need_contents, on_read)
    except BaseException:
        archive.close()
        raise
    return opened


def _check(path: Path, size: int, sha256: str, archive: zipfile.ZipFile, password: str | None,
           need_contents: bool, on_read: Callable[[int, int], None] | None) -> OpenedPackage:
    infos = _members(archive)
    if MANIFEST not in infos:
        raise PackageRefused(f"{path.name} 不是本程序的导出包（缺少 {MANIFEST}）")
    try:
        outer = _manifest(_read_limited(archive, infos[MANIFEST]), MANIFEST)
        listed = _listed(outer)
        _same_members(listed, set(infos) - {MANIFEST})
        total = sum(int(e["size"]) for e in listed.values()) * (2 if outer.get("encrypted") else 1)
        done = [0]

        def read(n: int) -> None:
            done[0] += n
            if on_read is not None:
                on_read(min(done[0], total), total)

        cached: dict[str, bytes] = {}
        for name, entry in listed.items():
            keep = name == INDEX or (not outer.get("encrypted") and name.endswith(".json"))
            data = _hash_member(archive, infos[name], entry, name, keep, read)
            if keep and data is not None:
                cached[name] = data
        if not outer.get("encrypted"):
            return OpenedPackage(path, size, sha256, False, outer, outer, listed, True, archive, infos, None, cached)
        if outer.get("index") != INDEX or INDEX not in cached:
            raise PackageRefused("加密导出包缺少索引，不能使用")
        if password is None:
            if need_contents:
                raise PackageRefused("该导出包已加密，请提供导出时设置的密码（--password-file）")
            return OpenedPackage(path, size, sha256, True, outer, outer, {}, False, archive, infos, None, {})
        key = key_for(io.BytesIO(cached[INDEX]), password)[2]
        inner = _manifest(b"".join(open_stream(io.BytesIO(cached[INDEX]), key)), INDEX)
        files = _listed(inner)
        stored = {str(e.get("stored_as")): name for name, e in files.items()}
        if len(stored) != len(files) or set(stored) != set(listed) - {INDEX}:
            raise PackageRefused("加密导出包的索引与其中的文件不符（已损坏或被改动），不能使用")
        inner_cached: dict[str, bytes] = {}
        for name, entry in files.items():
            data = _hash_sealed(archive, infos[entry["stored_as"]], key, entry, name, name.endswith(".json"), read)
            if data is not None:
                inner_cached[name] = data
        return OpenedPackage(path, size, sha256, True, inner, outer, files, True, archive, infos, key, inner_cached)
    except WrongPassword:
        raise
    except UserError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise PackageRefused(f"导出包已损坏（{exc}），不能使用") from None
    except OSError as exc:
        raise PackageRefused(f"读取导出包时出错：{exc.strerror or exc}") from None


def _members(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    infos: dict[str, zipfile.ZipInfo] = {}
    folded: set[str] = set()
    total = 0
    entries = archive.infolist()
    if len(entries) > MAX_MEMBERS:
        raise PackageRefused(f"导出包中的文件过多（{len(entries)} 个），不是本程序的导出包，已拒绝")
    for info in entries:
        name = check_member_name(member_name(info))
        if info.flag_bits & ENCRYPTED_FLAG:
            raise PackageRefused(f"导出包中的“{name}”使用了 ZIP 自带的密码加密，本程序不使用这种加密，已拒绝")
        if info.file_size > MAX_MEMBER:
            raise PackageRefused(f"导出包中的“{name}”过大（{info.file_size} 字节，超过 4 GB），已拒绝")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise PackageRefused(f"导出包中的“{name}”压缩比异常（{info.compress_size} 字节解压后为 {info.file_size} 字节，"
                                 "可能是“压缩炸弹”），已拒绝")
        total += info.file_size
        if total > MAX_TOTAL:
            raise PackageRefused("导出包解压后的总大小超过上限（可能是“压缩炸弹”），已拒绝")
        if name.endswith("/"):
            if info.file_size:
                raise PackageRefused(f"导出包中的“{name}”结构异常，已拒绝")
            continue             # a folder entry some ZIP tools add
        if name.casefold() in folded:
            raise PackageRefused(f"导出包中有重名的文件“{name}”，已拒绝")
        folded.add(name.casefold())
        infos[name] = info
    return infos


def _read_limited(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    if info.file_size > MAX_JSON:
        raise PackageRefused(f"导出包中的“{member_name(info)}”过大，不是本程序的导出包")
    with archive.open(info) as handle:
        return handle.read(MAX_JSON + 1)


def _manifest(data: bytes, name: str) -> dict[str, Any]:
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise PackageRefused(f"导出包的清单（{name}）已损坏，不能使用") from None
    if not isinstance(value, dict) or value.get("format") != FORMAT:
        raise PackageRefused("不是本程序的导出包（清单格式不符）")
    version = value.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise PackageRefused("导出包的格式版本无法识别，不能使用")
    if version > FORMAT_VERSION:
        raise PackageRefused(f"该导出包由更新版本的程序生成（格式版本 {version}，本程序支持到 {FORMAT_VERSION}），"
                             "请先升级本程序再导入")
    return value


def _listed(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    files = manifest.get("files")
    if not isinstance(files, list):
        raise PackageRefused("导出包的清单缺少文件列表，不能使用")
    listed: dict[str, dict[str, Any]] = {}
    for entry in files:
        if not (isinstance(entry, dict) and isinstance(entry.get("name"), str)
                and isinstance(entry.get("size"), int) and not isinstance(entry.get("size"), bool)
                and isinstance(entry.get("sha256"), str) and isinstance(entry.get("sm3"), str)
                and entry["size"] >= 0 and ("stored_as" not in entry or isinstance(entry["stored_as"], str))):
            raise PackageRefused("导出包的清单格式有误，不能使用")
        name = check_member_name(entry["name"])
        if name in listed or name == MANIFEST:
            raise PackageRefused(f"导出包的清单中“{name}”重复，不能使用")
        listed[name] = entry
    return listed


def _same_members(listed: dict[str, dict[str, Any]], present: set[str]) -> None:
    for name in sorted(set(listed) - present):
        raise PackageRefused(f"导出包不完整：缺少“{name}”，不能使用")
    for name in sorted(present - set(listed)):
        raise PackageRefused(f"导出包中多出了清单中没有的“{name}”（可能被改动过），不能使用")


def _mismatch(name: str) -> PackageRefused:
    return PackageRefused(f"导出包中的“{name}”校验不符（SHA-256/SM3 与清单不一致：文件已损坏或被改动），不能使用")


def _compare(digests: Digests, entry: dict[str, Any], name: str) -> None:
    found = digests.entry(name)
    if (found["size"], found["sha256"], found["sm3"]) != (entry["size"], entry["sha256"], entry["sm3"]):
        raise _mismatch(name)


def _hash_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, entry: dict[str, Any], name: str,
                 keep: bool, read: Callable[[int], None]) -> bytes | None:
    if info.file_size != entry["size"]:
        raise _mismatch(name)
    if keep and info.file_size > MAX_JSON:
        raise PackageRefused(f"导出包中的“{name}”过大，不能使用")
    digests, kept = Digests(), io.BytesIO()
    with archive.open(info) as handle:
        while block := handle.read(BLOCK):
            digests.update(block)
            read(len(block))
            if keep:
                kept.write(block)
    _compare(digests, entry, name)
    return kept.getvalue() if keep else None


def _hash_sealed(archive: zipfile.ZipFile, info: zipfile.ZipInfo, key: SealingKey, entry: dict[str, Any],
                 name: str, keep: bool, read: Callable[[int], None]) -> bytes | None:
    if keep and entry["size"] > MAX_JSON:
        raise PackageRefused(f"导出包中的“{name}”过大，不能使用")
    digests, kept = Digests(), io.BytesIO()
    with archive.open(info) as handle:
        if cast(Any, handle).peek(len(MAGIC))[:len(MAGIC)] != MAGIC:
            raise _mismatch(name)
        for block in open_stream(cast(BinaryIO, handle), key):
            digests.update(block)
            read(len(block))
            if digests.size > entry["size"]:
                raise _mismatch(name)
            if keep:
                kept.write(block)
    _compare(digests, entry, name)
    return kept.getvalue() if keep else None


# --- leftovers -----------------------------------------------------------------------------------

def clean_leftovers(folder: Path) -> list[str]:
    """Remove the partial packages an interrupted export left in ``folder``; their names."""
    return remove_abandoned(folder, f"{PREFIX}*{SUFFIX}{PARTIAL}")
