"""Password encryption for what leaves the machine (export packages, backups): SM4-GCM, the
national standard block cipher in an authenticated mode, under a key derived by scrypt.

A sealed stream is written in chunks so files of any size stream through in constant memory:

    MAGIC | header length (4 bytes, big-endian) | header JSON | chunk*
    chunk = length (4 bytes) | ciphertext | 16-byte GCM tag

Each chunk's nonce is the header's 8-byte prefix plus the chunk's 4-byte index, and its
associated data is the header, the index and whether it is the last chunk, so chunks cannot be
reordered, dropped, or the stream cut short without the tag check failing.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from core.errors import UserError

MAGIC = b"RONGCUO-SEALED-1\n"
CHUNK = 1 << 20
TAG = 16
KEY_BYTES = 16      # SM4 has 128-bit keys
# scrypt at about a tenth of a second and 32 MiB here: slow for guessing, quick for one package.
KDF = {"name": "scrypt", "n": 2 ** 15, "r": 8, "p": 1}
MIN_PASSWORD = 8


class WrongPassword(UserError):
    def __init__(self) -> None:
        super().__init__("密码不正确，或文件已被改动")


@dataclass(frozen=True)
class SealingKey:
    """A derived key with the public parameters it was derived with (stored in each header)."""

    key: bytes
    salt: bytes
    kdf: dict[str, object]


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"加密密码至少 {MIN_PASSWORD} 位")
    return password


def read_password_file(path: Path) -> str:
    """The first line of a password file (a stick's owner keeps the password out of the shell's history)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"无法读取密码文件 {path}：{exc}") from None
    password = text.splitlines()[0] if text.splitlines() else ""
    if not password:
        raise UserError(f"密码文件 {path} 的第一行是空的")
    return password


def derive_key(password: str, salt: bytes | None = None, kdf: dict[str, object] | None = None) -> SealingKey:
    kdf = dict(kdf or KDF)
    if kdf.get("name") != "scrypt":
        raise UserError("不支持的密钥派生方式，请使用新版本程序打开")
    n, r, p = (int(kdf[k]) for k in ("n", "r", "p"))  # type: ignore[call-overload]
    if not (2 ** 10 <= n <= 2 ** 20 and 1 <= r <= 32 and 1 <= p <= 16):
        raise UserError("加密参数异常，文件可能已损坏")
    salt = salt or secrets.token_bytes(16)
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * 2 ** 20, dklen=KEY_BYTES)
    return SealingKey(key, salt, kdf)


def _header(sealing: SealingKey, prefix: bytes) -> bytes:
    return json.dumps({"cipher": "SM4-GCM", "kdf": sealing.kdf, "salt": base64.b64encode(sealing.salt).decode(),
                       "nonce_prefix": base64.b64encode(prefix).decode(), "chunk": CHUNK},
                      sort_keys=True, separators=(",", ":")).encode()


def _aad(header: bytes, index: int, last: bool) -> bytes:
    return header + struct.pack(">I?", index, last)


def seal_stream(source: BinaryIO, target: BinaryIO, sealing: SealingKey) -> None:
    """Encrypt everything ``source`` yields into ``target``."""
    prefix = secrets.token_bytes(8)
    header = _header(sealing, prefix)
    target.write(MAGIC + struct.pack(">I", len(header)) + header)
    index = 0
    chunk = source.read(CHUNK)
    while True:
        following = source.read(CHUNK) if len(chunk) == CHUNK else b""
        last = not following
        encryptor = Cipher(algorithms.SM4(sealing.key), modes.GCM(prefix + struct.pack(">I", index))).encryptor()
        encryptor.authenticate_additional_data(_aad(header, index, last))
        data = encryptor.update(chunk) + encryptor.finalize()
        target.write(struct.pack(">I", len(data)) + data + encryptor.tag)
        if last:
            return
        chunk, index = following, index + 1


def read_header(source: BinaryIO) -> tuple[bytes, dict[str, object]]:
    if source.read(len(MAGIC)) != MAGIC:
        raise UserError("不是本程序加密的文件，或文件已损坏")
    (length,) = struct.unpack(">I", _exactly(source, 4))
    if length > 4096:
        raise UserError("加密文件头异常，文件可能已损坏")
    header = _exactly(source, length)
    try:
        fields = json.loads(header)
    except ValueError:
        raise UserError("加密文件头异常，文件可能已损坏") from None
    if fields.get("cipher") != "SM4-GCM":
        raise UserError("不支持的加密方式，请使用新版本程序打开")
    return header, fields


def key_for(source: BinaryIO, password: str) -> tuple[bytes, dict[str, object], SealingKey]:
    header, fields = read_header(source)
    sealing = derive_key(password, base64.b64decode(str(fields["salt"])), dict(fields["kdf"]))  # type: ignore[call-overload]
    return header, fields, sealing


def open_stream(source: BinaryIO, password: str | SealingKey) -> Iterator[bytes]:
    """Decrypted chunks of a sealed stream; raises ``WrongPassword`` on any tampering, including a
    stream cut short. Callers must not keep output from a stream that ends in an exception."""
    header, fields = read_header(source)
    if isinstance(password, SealingKey):
        sealing = password
    else:
        sealing = derive_key(password, base64.b64decode(str(fields["salt"])), dict(fields["kdf"]))  # type: ignore[call-overload]
    prefix = base64.b64decode(str(fields["nonce_prefix"]))
    index = 0
    while True:
        length_bytes = source.read(4)
        if len(length_bytes) < 4:
            raise WrongPassword()          # cut short before the last chunk
        (length,) = struct.unpack(">I", length_bytes)
        if length > CHUNK:
            raise WrongPassword()
        data, tag = _exactly(source, length), _exactly(source, TAG)
        last = source.peek(1)[:1] == b"" if hasattr(source, "peek") else _at_end(source)
        try:
            decryptor = Cipher(algorithms.SM4(sealing.key), modes.GCM(prefix + struct.pack(">I", index), tag)).decryptor()
            decryptor.authenticate_additional_data(_aad(header, index, last))
            plain = decryptor.update(data) + decryptor.finalize()
        except InvalidTag:
            raise WrongPassword() from None
        yield plain
        if last:
            return
        index += 1


def _at_end(source: BinaryIO) -> bool:
    here = source.tell()
    end = source.seek(0, os.SEEK_END)
    source.seek(here)
    return here == end


def _exactly(source: BinaryIO, count: int) -> bytes:
    data = source.read(count)
    if len(data) != count:
        raise WrongPassword()
    return data


def seal_bytes(data: bytes, sealing: SealingKey) -> bytes:
    import io

    out = io.BytesIO()
    seal_stream(io.BytesIO(data), out, sealing)
    return out.getvalue()


def open_bytes(blob: bytes, password: str | SealingKey) -> bytes:
    import io

    return b"".join(open_stream(io.BytesIO(blob), password))


def is_sealed(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(MAGIC)) == MAGIC
    except OSError:
        return False
