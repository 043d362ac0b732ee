"""The audit trail against someone with a database editor: every edit, deletion, insertion,
truncation or replacement is found, and the first bad record is named by its sequence number."""
from __future__ import annotations

import json
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac

from core.audit import HEAD_FILE, KEY_FILE, VerifyResult
from core.services.actions import perform_action
from core.services.registration import register_case
from core.services.workspace import Workspace
from models.database import DATABASE_FILE

GENESIS = "0" * 64


@pytest.fixture
def chain(workspace: Workspace, application: dict[str, Any]) -> Workspace:
    """Five records: two registrations, an acceptance, a note, an extension."""
    first = register_case(workspace, application)
    register_case(workspace, application)
    perform_action(workspace, first.number, "accept", "2026-03-12")
    perform_action(workspace, first.number, "note", "2026-03-13", {"text": "与李卫东谈话"})
    perform_action(workspace, first.number, "extend", "2026-03-20",
                   {"days": "10", "reason": "案情复杂", "approver": "王书记"})
    assert workspace.audit.verify().ok
    return workspace


def db_path(ws: Workspace) -> Path:
    return ws.data_dir / DATABASE_FILE


def rows(ws: Workspace) -> list[dict[str, Any]]:
    with raw(ws) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute("SELECT * FROM audit_record ORDER BY seq")]


class raw:
    """A plain sqlite3 connection to the workspace's database, the attacker's tool."""

    def __init__(self, ws: Workspace) -> None:
        self.conn = sqlite3.connect(str(db_path(ws)), isolation_level=None)

    def __enter__(self) -> sqlite3.Connection:
        return self.conn

    def __exit__(self, *exc: object) -> None:
        self.conn.close()


@pytest.fixture
def editor(chain: Workspace) -> Iterator[sqlite3.Connection]:
    """A database editor with the append-only triggers dropped."""
    conn = sqlite3.connect(str(db_path(chain)), isolation_level=None)
    conn.execute("DROP TRIGGER audit_record_no_update")
    conn.execute("DROP TRIGGER audit_record_no_delete")
    yield conn
    conn.close()


def bad(result: VerifyResult, seq: int | None) -> None:
    assert not result.ok, result
    assert result.first_bad_seq == seq, result
    if seq is not None:
        assert str(seq) in result.message
    assert "审计" in result.message


def sm3_mac(key: bytes, previous: str, row: dict[str, Any]) -> str:
    """The documented scheme, written out again: HMAC-SM3 over the previous MAC, a newline, and the
    canonical JSON array [seq, at, actor, action, case_uuid, entity, before, after]."""
    fields = [row["seq"], row["at"], row["actor"], row["action"], row["case_uuid"], row["entity"],
              row["before"], row["after"]]
    signer = crypto_hmac.HMAC(key, hashes.SM3())
    signer.update(previous.encode("ascii") + b"\n")
    signer.update(json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8"))
    return signer.finalize().hex()


def audit_key(ws: Workspace) -> bytes:
    return bytes.fromhex((ws.data_dir / KEY_FILE).read_text(encoding="ascii").strip())


# --- a sound chain ----------------------------------------------------------------------------------

def test_clean_chain_verifies(chain: Workspace) -> None:
    result = chain.audit.verify()
    assert result == VerifyResult(True, 5, None, result.message)
    assert "5" in result.message


def test_empty_chain_verifies(workspace: Workspace) -> None:
    assert workspace.audit.verify().ok


def test_records_name_the_actor_and_hold_before_and_after(chain: Workspace) -> None:
    records = rows(chain)
    assert [r["seq"] for r in records] == [1, 2, 3, 4, 5]
    assert {r["actor"] for r in records} == {"测试员"}
    assert [r["action"] for r in records[2:]] == ["accept", "note", "extend"]
    accept = records[2]
    before, after = json.loads(accept["before"]), json.loads(accept["after"])
    assert before["status"] == "registered" and before["accepted_on"] is None
    assert after["status"] == "investigating" and after["accepted_on"] == "2026-03-12"
    note_after = json.loads(records[3]["after"])
    assert note_after["investigation_note"]["text"] == "与李卫东谈话"
    for r in records:
        json.loads(r["before"])
        json.loads(r["after"])
        assert r["case_uuid"]
        assert len(r["mac"]) == 64


def test_mac_is_hmac_sm3_over_the_documented_fields(chain: Workspace) -> None:
    key = audit_key(chain)
    records = rows(chain)
    previous = GENESIS
    for r in records:
        assert sm3_mac(key, previous, r) == r["mac"], f"第 {r['seq']} 条"
        previous = r["mac"]
    # and not some other hash under the same name
    sha = crypto_hmac.HMAC(key, hashes.SHA256())
    sha.update(GENESIS.encode("ascii") + b"\n")
    assert sha.finalize().hex() != records[0]["mac"]


def test_key_file_is_private_and_not_in_the_database(chain: Workspace) -> None:
    key_path = chain.data_dir / KEY_FILE
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    key_hex = key_path.read_text(encoding="ascii").strip()
    assert len(key_hex) == 64
    key = bytes.fromhex(key_hex)
    for path in chain.data_dir.glob(DATABASE_FILE + "*"):   # the database, its WAL and shared memory
        content = path.read_bytes()
        assert key_hex.encode("ascii") not in content, path.name
        assert key_hex.upper().encode("ascii") not in content, path.name
        assert key not in content, path.name


def test_triggers_refuse_update_and_delete(chain: Workspace) -> None:
    with raw(chain) as conn:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("UPDATE audit_record SET actor = '某人' WHERE seq = 2")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM audit_record WHERE seq = 5")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM audit_record")
    assert rows(chain)[1]["actor"] == "测试员"
    assert len(rows(chain)) == 5
    assert chain.audit.verify().ok


# --- tampering ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("column", "value"), [
    ("actor", "张三"),
    ("before", '{"status":"investigating"}'),
    ("after", '{"status":"determined"}'),
    ("at", "2026-01-01T09:00:00+08:00"),
    ("action", "reject"),
    ("case_uuid", "00000000-0000-0000-0000-000000000000"),
])
def test_edited_field_is_found(chain: Workspace, editor: sqlite3.Connection, column: str, value: str) -> None:
    editor.execute(f"UPDATE audit_record SET {column} = ? WHERE seq = 3", (value,))
    bad(chain.audit.verify(), 3)


def test_edit_of_the_first_record_is_found(chain: Workspace, editor: sqlite3.Connection) -> None:
    editor.execute("UPDATE audit_record SET actor = '张三' WHERE seq = 1")
    bad(chain.audit.verify(), 1)


def test_edited_mac_is_found(chain: Workspace, editor: sqlite3.Connection) -> None:
    editor.execute("UPDATE audit_record SET mac = ? WHERE seq = 4", ("ab" * 32,))
    bad(chain.audit.verify(), 4)


def test_deleted_middle_record_is_found(chain: Workspace, editor: sqlite3.Connection) -> None:
    editor.execute("DELETE FROM audit_record WHERE seq = 3")
    bad(chain.audit.verify(), 3)


def test_deleted_middle_record_with_renumbering_is_found(chain: Workspace, editor: sqlite3.Connection) -> None:
    editor.execute("DELETE FROM audit_record WHERE seq = 3")
    for seq in (4, 5):
        editor.execute("UPDATE audit_record SET seq = ? WHERE seq = ?", (seq - 1, seq))
    bad(chain.audit.verify(), 3)


def test_inserted_record_at_the_end_is_found(chain: Workspace, editor: sqlite3.Connection) -> None:
    last = rows(chain)[-1]
    editor.execute(
        "INSERT INTO audit_record (seq, at, actor, action, case_uuid, entity, before, after, mac) "
        "VALUES (6, ?, '张三', 'note', ?, 'investigation_note', 'null', '{}', ?)",
        (last["at"], last["case_uuid"], "cd" * 32))
    bad(chain.audit.verify(), 6)


def test_inserted_record_in_the_middle_with_renumbering_is_found(chain: Workspace,
                                                                  editor: sqlite3.Connection) -> None:
    for seq in (5, 4, 3):   # make room at 3, highest first so the key never collides
        editor.execute("UPDATE audit_record SET seq = ? WHERE seq = ?", (seq + 1, seq))
    fake = dict(rows(chain)[1], seq=3, actor="张三", mac="ef" * 32)
    editor.execute("INSERT INTO audit_record VALUES (:seq, :at, :actor, :action, :case_uuid, :entity, "
                   ":before, :after, :mac)", fake)
    bad(chain.audit.verify(), 3)


def test_truncated_tail_is_caught_by_the_head_file(chain: Workspace, editor: sqlite3.Connection) -> None:
    editor.execute("DELETE FROM audit_record WHERE seq > 3")
    # what is left is a perfectly valid chain; only the head file knows there were five records
    result = chain.audit.verify()
    bad(result, 4)
    assert "截断" in result.message and "5" in result.message


def test_missing_head_file_is_reported(chain: Workspace) -> None:
    (chain.data_dir / HEAD_FILE).unlink()
    result = chain.audit.verify()
    assert not result.ok
    assert result.first_bad_seq is None   # nothing to name: the records themselves are sound
    assert HEAD_FILE in result.message and "缺失" in result.message


def test_truncation_plus_deleted_head_is_caught_after_reopening(
        chain: Workspace, editor: sqlite3.Connection) -> None:
    """Opening the program must not write a fresh head over a trail that already has records:
    that would bless whatever the attacker left behind."""
    editor.execute("DELETE FROM audit_record WHERE seq > 3")
    (chain.data_dir / HEAD_FILE).unlink()
    chain.close()
    reopened = Workspace(chain.data_dir, actor="测试员")
    try:
        result = reopened.audit.verify()
        assert not result.ok
        assert HEAD_FILE in result.message
    finally:
        reopened.close()


def test_replaced_tail_with_made_up_mac_is_found(chain: Workspace, editor: sqlite3.Connection) -> None:
    last = rows(chain)[-1]
    editor.execute("DELETE FROM audit_record WHERE seq = 5")
    editor.execute("INSERT INTO audit_record VALUES (:seq, :at, :actor, :action, :case_uuid, :entity, "
                   ":before, :after, :mac)", dict(last, actor="张三", mac="12" * 32))
    bad(chain.audit.verify(), 5)


def test_replaced_tail_with_valid_mac_is_caught_by_the_head_file(
        chain: Workspace, editor: sqlite3.Connection) -> None:
    """Even someone who has also read the key file and re-signs the record is caught by the head."""
    records = rows(chain)
    forged = dict(records[-1], actor="张三", after='{"status":"determined"}')
    forged["mac"] = sm3_mac(audit_key(chain), records[-2]["mac"], forged)
    editor.execute("DELETE FROM audit_record WHERE seq = 5")
    editor.execute("INSERT INTO audit_record VALUES (:seq, :at, :actor, :action, :case_uuid, :entity, "
                   ":before, :after, :mac)", forged)
    result = chain.audit.verify()
    bad(result, 5)
    assert "链头" in result.message


def test_tampering_shows_in_check(chain: Workspace, editor: sqlite3.Connection) -> None:
    from core.services.health import check_installation

    editor.execute("UPDATE audit_record SET actor = '张三' WHERE seq = 2")
    problems, _ = check_installation(chain)
    assert any("第 2 条" in p for p in problems), problems


def test_head_file_follows_each_commit(chain: Workspace) -> None:
    head = (chain.data_dir / HEAD_FILE).read_text(encoding="ascii").split()
    assert head[:2] == ["5", rows(chain)[-1]["mac"]] and len(head[2]) == 64


def test_a_head_rewritten_to_match_a_truncated_trail_is_caught(chain: Workspace,
                                                                editor: sqlite3.Connection) -> None:
    # Without the key, an editor can cut the trail and point the head at the new last record,
    # but cannot sign that head.
    editor.execute("DELETE FROM audit_record WHERE seq > 3")
    editor.commit()
    third_mac = editor.execute("SELECT mac FROM audit_record WHERE seq = 3").fetchone()[0]
    signature = (chain.data_dir / HEAD_FILE).read_text(encoding="ascii").split()[2]
    (chain.data_dir / HEAD_FILE).write_text(f"3 {third_mac} {signature}\n", encoding="ascii")
    result = chain.audit.verify()
    assert not result.ok and "签名不符" in result.message
    assert not list(chain.data_dir.glob("*.tmp")), os.listdir(chain.data_dir)


# --- re-anchoring a lost or out-of-step head ------------------------------------------------------

def test_a_lost_head_is_reanchored_with_a_record_that_says_so(chain: Workspace) -> None:
    from core.services.health import reanchor_audit

    (chain.data_dir / HEAD_FILE).unlink()
    assert not chain.audit.verify().ok
    reanchor_audit(chain, "从备份恢复数据库时未带链头文件")
    assert chain.audit.verify().ok
    last = rows(chain)[-1]
    assert last["action"] == "audit_reanchor"
    assert json.loads(last["before"]) == {"head_seq": None, "records": 5}


def test_a_truncation_stays_visible_after_reanchoring(chain: Workspace, editor: sqlite3.Connection) -> None:
    from core.services.health import reanchor_audit

    editor.execute("DELETE FROM audit_record WHERE seq > 3")
    editor.commit()
    reanchor_audit(chain, "查明原因后重新锚定")
    assert chain.audit.verify().ok
    last = rows(chain)[-1]
    assert json.loads(last["before"]) == {"head_seq": 5, "records": 3}
    assert "截断" in json.loads(last["after"])["problem"]


def test_reanchoring_refuses_edited_records_and_a_sound_chain(chain: Workspace, editor: sqlite3.Connection) -> None:
    from core.errors import ActionRefused
    from core.services.health import reanchor_audit

    with pytest.raises(ActionRefused, match="无需"):
        reanchor_audit(chain, "试一试")
    editor.execute("UPDATE audit_record SET actor = '张三' WHERE seq = 2")
    editor.commit()
    count = len(rows(chain))
    with pytest.raises(ActionRefused, match="第 2 条"):
        reanchor_audit(chain, "想掩盖")
    assert len(rows(chain)) == count
