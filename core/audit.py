"""The audit trail: one record per change, append-only, chained by HMAC-SM3.

Each record's MAC covers its own fields and the previous record's MAC, under a key kept in a file in
the data folder (never in the database). Editing, deleting or inserting a record breaks the chain
from that record on. Truncating the tail leaves a valid chain, so the newest (seq, MAC) is also
written to a head file after every commit, signed with the same key so that it cannot be rewritten
to match a shortened trail; the database falling behind the head is truncation. (Someone holding
both the data folder and the key can still forge anything: the key protects against edits made
with a database editor, not against the owner of the machine.)
"""
from __future__ import annotations

import hmac as std_hmac
import json
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac

from core.errors import UserError
from models.audit import AuditRecord

KEY_FILE = "audit.key"
HEAD_FILE = "audit.head"
GENESIS_MAC = "0" * 64


def canonical_json(value: Any) -> str:
    """JSON that hashes the same on every machine."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def _mac(key: bytes, previous_mac: str, fields: list[Any]) -> str:
    signer = crypto_hmac.HMAC(key, hashes.SM3())
    signer.update(previous_mac.encode("ascii"))
    signer.update(b"\n")
    signer.update(canonical_json(fields).encode("utf-8"))
    return signer.finalize().hex()


def _fields(record: AuditRecord) -> list[Any]:
    return [record.seq, record.at, record.actor, record.action, record.case_uuid, record.entity,
            record.before, record.after]


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    count: int
    first_bad_seq: int | None
    message: str


class AuditTrail:
    """Appends to and verifies the chain for one data folder."""

    def __init__(self, data_dir: Path) -> None:
        self.key_path = data_dir / KEY_FILE
        self.head_path = data_dir / HEAD_FILE
        self.key = self._load_or_create_key()

    def _load_or_create_key(self) -> bytes:
        if not self.key_path.exists():
            _create_exclusively(self.key_path, secrets.token_hex(32))
        try:
            key = bytes.fromhex(self.key_path.read_text(encoding="ascii").strip())
        except (UnicodeDecodeError, ValueError):
            key = b""
        if len(key) != 32:
            raise UserError(f"审计密钥文件 {self.key_path} 已损坏，无法校验审计记录；请从备份恢复该文件")
        return key

    def append(self, actor: str, action: str, case_uuid: str | None, entity: str,
               before: Any, after: Any) -> AuditRecord:
        """Add a record inside the caller's write transaction."""
        last = AuditRecord.select().order_by(AuditRecord.seq.desc()).first()
        record = AuditRecord(
            seq=(last.seq + 1) if last else 1,
            at=datetime.now().astimezone().isoformat(timespec="seconds"),
            actor=actor, action=action, case_uuid=case_uuid, entity=entity,
            before=canonical_json(before), after=canonical_json(after),
        )
        record.mac = _mac(self.key, last.mac if last else GENESIS_MAC, _fields(record))
        record.save(force_insert=True)
        return record

    def write_head(self, force: bool = False) -> None:
        """Record the newest (seq, MAC) outside the database; call after each commit. ``force``
        re-anchors a head that is ahead of the database (only after an audited re-anchor record)."""
        last = AuditRecord.select().order_by(AuditRecord.seq.desc()).first()
        seq, mac = (last.seq, last.mac) if last else (0, GENESIS_MAC)
        head = self.read_head()
        if head is not None and head[0] > seq and not force:
            return   # another process already wrote a newer head
        _write_atomically(self.head_path, f"{seq} {mac} {self._head_signature(seq, mac)}\n")

    def _head_signature(self, seq: int, mac: str) -> str:
        return _mac(self.key, GENESIS_MAC, ["head", seq, mac])

    def read_head(self) -> tuple[int, str] | None:
        """The (seq, MAC) the head file records, or None when it is missing or unreadable."""
        try:
            seq_text, mac, _ = self.head_path.read_text(encoding="ascii").split()
            return int(seq_text), mac
        except (FileNotFoundError, ValueError):
            return None

    def _head_is_genuine(self) -> bool:
        seq_text, mac, signature = self.head_path.read_text(encoding="ascii").split()
        return std_hmac.compare_digest(signature, self._head_signature(int(seq_text), mac))

    def verify(self) -> VerifyResult:
        """The records' chain, then the head file against it."""
        chain, macs = self._verify_chain()
        return chain if not chain.ok else self._verify_head(chain.count, macs)

    def verify_records(self) -> VerifyResult:
        """The records' chain alone (for re-anchoring a head file lost or out of step)."""
        return self._verify_chain()[0]

    def _verify_chain(self) -> tuple[VerifyResult, dict[int, str]]:
        previous_mac, expected_seq, count = GENESIS_MAC, 1, 0
        macs: dict[int, str] = {}
        for record in AuditRecord.select().order_by(AuditRecord.seq).iterator():
            if record.seq != expected_seq:
                return VerifyResult(False, count, expected_seq,
                                    f"审计记录第 {expected_seq} 条缺失（被删除或被插入记录打乱了顺序）"), macs
            if not std_hmac.compare_digest(record.mac, _mac(self.key, previous_mac, _fields(record))):
                return VerifyResult(False, count, record.seq,
                                    f"审计记录第 {record.seq} 条校验不符：该记录或其前后记录被修改、插入或删除"), macs
            previous_mac, expected_seq, count = record.mac, expected_seq + 1, count + 1
            macs[record.seq] = record.mac
        return VerifyResult(True, count, None, f"审计记录链完整，共 {count} 条"), macs

    def _verify_head(self, count: int, macs: dict[int, str]) -> VerifyResult:
        head = self.read_head()
        if head is None:
            if count:
                return VerifyResult(False, count, None, f"审计链头文件 {HEAD_FILE} 缺失，无法确认记录末尾是否被截断")
            return VerifyResult(True, 0, None, "审计记录为空")
        if not self._head_is_genuine():
            return VerifyResult(False, count, None, f"审计链头文件 {HEAD_FILE} 的签名不符：该文件被改动过")
        head_seq, head_mac = head
        if head_seq > count:
            return VerifyResult(False, count, count + 1,
                                f"审计记录第 {count + 1} 条起缺失：记录被截断（链头记载共 {head_seq} 条）")
        if head_seq and macs.get(head_seq) != head_mac:
            return VerifyResult(False, count, head_seq, f"审计记录第 {head_seq} 条与链头文件不符：记录被替换")
        return VerifyResult(True, count, None, f"审计链完整，共 {count} 条记录")


def _create_exclusively(path: Path, text: str) -> None:
    """Write a new private file; if another process created it first, keep theirs."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    _write_atomically(tmp, text, private=True)
    try:
        os.link(tmp, path)      # fails if the file exists: two processes never hold two keys
    except FileExistsError:
        pass
    except OSError:             # no hard links (FAT32 or exFAT in portable mode)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
    finally:
        os.unlink(tmp)


def _write_atomically(path: Path, text: str, private: bool = False) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    fd = os.open(tmp, flags, 0o600 if private else 0o644)
    try:
        os.write(fd, text.encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
