"""Officers who sign in: the first start (office profile and administrator together), signing in,
managing officers as an administrator, the scrypt hashes, and the audit record of every change."""
from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

import core.services.users as users
from core.errors import ActionRefused, NotFound, UserError, ValidationError
from core.services.office import office_profile, update_office
from core.services.users import (
    Officer,
    add_officer,
    first_start,
    needs_first_start,
    officers,
    password_matches,
    reset_password,
    set_active,
    set_password,
    sign_in,
)
from core.services.workspace import Workspace
from models.audit import AuditRecord
from models.database import DATABASE_FILE
from models.users import User

CHINESE = re.compile(r"[\u4e00-\u9fff]")
OFFICE = {"organ_name": "中共贺兰县纪律检查委员会", "letterhead": "中共贺兰县纪委 贺兰县监委", "code_prefix": "贺纪",
          "organ_kind": "纪检监察机关"}
ADMIN, ADMIN_PW = "王宏", "Helan-2026"
CLERK, CLERK_PW = "李娜", "lina-secret-1"


def trail(ws: Workspace) -> list[tuple[str, str, Any, Any]]:
    """(actor, action, before, after) of every audit record, oldest first."""
    return [(r.actor, r.action, json.loads(r.before), json.loads(r.after))
            for r in AuditRecord.select().order_by(AuditRecord.seq)]


def snapshot(ws: Workspace) -> dict[str, Any]:
    """Every row of every table, and the audit head file: what 'saves nothing' must leave alone."""
    db = ws.adapter.db
    tables = [row[0] for row in db.execute_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'case_search%' ORDER BY name")]
    state: dict[str, Any] = {t: db.execute_sql(f'SELECT * FROM "{t}"').fetchall() for t in tables}
    state["audit.head"] = ws.audit.head_path.read_text(encoding="ascii") if ws.audit.head_path.exists() else None
    return state


def sound(ws: Workspace) -> None:
    result = ws.audit.verify()
    assert result.ok, result.message


@pytest.fixture
def admin(workspace: Workspace) -> Workspace:
    """The first start done: the office profile saved and 王宏 the administrator (signed in)."""
    first_start(workspace, OFFICE, ADMIN, ADMIN_PW, ADMIN_PW)
    return workspace


@pytest.fixture
def clerk(admin: Workspace) -> Workspace:
    """Also 李娜, an officer who is not an administrator; 王宏 still signed in."""
    add_officer(admin, CLERK, CLERK_PW)
    return admin


# --- the first start --------------------------------------------------------------------------------------

def test_first_start_saves_the_office_and_the_administrator_together(workspace: Workspace) -> None:
    assert needs_first_start(workspace)
    officer = first_start(workspace, OFFICE, f" {ADMIN} ", ADMIN_PW, ADMIN_PW)
    assert officer == Officer(ADMIN, True, True)
    assert not needs_first_start(workspace)
    assert officers(workspace) == [Officer(ADMIN, True, True)]
    profile = office_profile(workspace)
    assert {k: profile[k] for k in OFFICE} == OFFICE
    assert workspace.actor == ADMIN   # the administrator is at work from now on
    assert [(actor, action) for actor, action, _, _ in trail(workspace)] == [
        (ADMIN, "office_profile"), (ADMIN, "user.create")]
    assert trail(workspace)[-1][3] == {"name": ADMIN, "is_admin": True}
    sound(workspace)


def test_first_start_is_refused_once_done(admin: Workspace) -> None:
    before = snapshot(admin)
    with pytest.raises(ActionRefused, match="已完成初始设置"):
        first_start(admin, OFFICE | {"organ_name": "另一个机关"}, "张明", "another-pw1", "another-pw1")
    assert snapshot(admin) == before
    assert officers(admin) == [Officer(ADMIN, True, True)]


@pytest.mark.parametrize(("office", "name", "password", "repeated", "field"), [
    (OFFICE, ADMIN, "short1", "short1", "password"),                            # too short
    (OFFICE, ADMIN, " Helan-2026", " Helan-2026", "password"),                  # leading space
    (OFFICE, ADMIN, ADMIN_PW, "Helan-2027", "password_repeated"),               # typed differently
    (OFFICE | {"organ_name": "  "}, ADMIN, ADMIN_PW, ADMIN_PW, "organ_name"),   # empty organ name
    ({k: v for k, v in OFFICE.items() if k != "organ_name"}, ADMIN, ADMIN_PW, ADMIN_PW, "organ_name"),
    (OFFICE | {"code_prefix": ""}, ADMIN, ADMIN_PW, ADMIN_PW, "code_prefix"),
    (OFFICE, "   ", ADMIN_PW, ADMIN_PW, "name"),                                # no administrator's name
    # refused inside the transaction, by the office profile's own checks
    (OFFICE | {"organ_kind": "人民法院"}, ADMIN, ADMIN_PW, ADMIN_PW, "organ_kind"),
    (OFFICE | {"code_prefix": "贺纪（2）"}, ADMIN, ADMIN_PW, ADMIN_PW, "code_prefix"),
])
def test_a_refused_first_start_saves_nothing(workspace: Workspace, office: dict[str, str], name: str,
                                             password: str, repeated: str, field: str) -> None:
    before = snapshot(workspace)
    with pytest.raises(ValidationError) as refused:
        first_start(workspace, office, name, password, repeated)
    assert refused.value.field == field
    assert CHINESE.search(refused.value.message)
    assert snapshot(workspace) == before
    assert needs_first_start(workspace) and officers(workspace) == []
    assert workspace.actor == "测试员"
    sound(workspace)


def test_a_failure_after_the_office_was_saved_saves_nothing(workspace: Workspace,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The office profile is written (and audited) first; the administrator failing after it rolls
    the profile back too, and the audit head must not name the rolled-back record."""
    before = snapshot(workspace)

    def broken(password: str) -> str:
        raise OSError("磁盘已满")

    monkeypatch.setattr(users, "hash_password", broken)
    with pytest.raises(OSError):
        first_start(workspace, OFFICE, ADMIN, ADMIN_PW, ADMIN_PW)
    assert snapshot(workspace) == before
    assert workspace.actor == "测试员"
    sound(workspace)


# --- signing in --------------------------------------------------------------------------------------------

def test_sign_in_names_the_officer_in_the_next_audit_record(clerk: Workspace, data_dir: Path) -> None:
    clerk.actor = "未登录"
    assert sign_in(clerk, CLERK, CLERK_PW) == Officer(CLERK, False, True)
    assert clerk.actor == CLERK
    update_office(clerk, {"letterhead": "贺兰县纪委监委"})
    assert trail(clerk)[-1][:2] == (CLERK, "office_profile")
    sound(clerk)

    # a new session (as the GUI opens one) signs in as someone else
    ws = Workspace(data_dir, actor="未登录")
    try:
        sign_in(ws, f"{ADMIN} ", ADMIN_PW)
        assert ws.actor == ADMIN
        update_office(ws, {"letterhead": "中共贺兰县纪委 贺兰县监委"})
        assert trail(ws)[-1][:2] == (ADMIN, "office_profile")
        sound(ws)
    finally:
        ws.close()


@pytest.mark.parametrize(("name", "password"), [
    (CLERK, "wrong-password"), (CLERK, ""), (CLERK, CLERK_PW.upper()), ("张明", CLERK_PW), ("", CLERK_PW),
])
def test_a_wrong_name_or_password_is_refused(clerk: Workspace, name: str, password: str) -> None:
    clerk.actor = "未登录"
    with pytest.raises(UserError) as refused:
        sign_in(clerk, name, password)
    assert refused.value.message == "姓名或密码不正确"   # the same words whichever was wrong
    assert clerk.actor == "未登录"


def test_a_disabled_officer_cannot_sign_in(clerk: Workspace) -> None:
    set_active(clerk, CLERK, False)
    clerk.actor = "未登录"
    with pytest.raises(ActionRefused) as refused:
        sign_in(clerk, CLERK, CLERK_PW)
    assert CHINESE.search(refused.value.message) and "停用" in refused.value.message
    with pytest.raises(UserError, match=r"^姓名或密码不正确$"):   # no hint about the account without the password
        sign_in(clerk, CLERK, "wrong-password")
    assert clerk.actor == "未登录"


# --- managing officers ----------------------------------------------------------------------------------

def test_only_an_administrator_adds_officers(clerk: Workspace) -> None:
    for actor in ("测试员", CLERK):   # not an officer at all; an officer who is not an administrator
        clerk.actor = actor
        before = snapshot(clerk)
        with pytest.raises(ActionRefused, match="只有管理员"):
            add_officer(clerk, "张明", "zhangming-1")
        assert snapshot(clerk) == before
    sign_in(clerk, ADMIN, ADMIN_PW)
    assert add_officer(clerk, "张明", "zhangming-1", is_admin=True) == Officer("张明", True, True)
    assert [o.name for o in officers(clerk)] == [ADMIN, CLERK, "张明"]
    assert trail(clerk)[-1] == (ADMIN, "user.create", None, {"name": "张明", "is_admin": True})
    sound(clerk)


def test_a_disabled_administrator_manages_no_one(clerk: Workspace) -> None:
    add_officer(clerk, "张明", "zhangming-1", is_admin=True)
    set_active(clerk, "张明", False)
    clerk.actor = "张明"   # a session signed in before the account was disabled
    with pytest.raises(ActionRefused, match="只有管理员"):
        add_officer(clerk, "赵刚", "zhaogang-1")
    with pytest.raises(ActionRefused, match="只有管理员"):
        set_active(clerk, CLERK, False)


@pytest.mark.parametrize(("name", "password", "field"), [
    (CLERK, "another-pw1", "name"),    # the name is taken
    ("", "another-pw1", "name"),
    ("张明", "1234567", "password"),
    ("张明", "zhangming-1 ", "password"),
])
def test_a_refused_officer_saves_nothing(clerk: Workspace, name: str, password: str, field: str) -> None:
    before = snapshot(clerk)
    with pytest.raises(ValidationError) as refused:
        add_officer(clerk, name, password)
    assert refused.value.field == field and CHINESE.search(refused.value.message)
    assert snapshot(clerk) == before


def test_officers_change_their_own_password_and_only_an_administrator_sets_others(clerk: Workspace) -> None:
    sign_in(clerk, CLERK, CLERK_PW)
    before = snapshot(clerk)
    with pytest.raises(ActionRefused, match="只有管理员"):
        set_password(clerk, ADMIN, "taken-over-1")
    assert snapshot(clerk) == before

    set_password(clerk, CLERK, "lina-new-pw2")
    assert trail(clerk)[-1] == (CLERK, "user.password", None, {"name": CLERK})
    with pytest.raises(UserError):
        sign_in(clerk, CLERK, CLERK_PW)
    sign_in(clerk, CLERK, "lina-new-pw2")

    sign_in(clerk, ADMIN, ADMIN_PW)
    set_password(clerk, CLERK, "set-by-admin3")
    assert trail(clerk)[-1] == (ADMIN, "user.password", None, {"name": CLERK})
    sign_in(clerk, CLERK, "set-by-admin3")

    sign_in(clerk, ADMIN, ADMIN_PW)
    with pytest.raises(NotFound):
        set_password(clerk, "张明", "whoever-pw4")
    with pytest.raises(ValidationError) as refused:
        set_password(clerk, CLERK, "short")
    assert refused.value.field == "password"
    sound(clerk)


def test_reset_password_needs_no_signed_in_administrator(clerk: Workspace) -> None:
    """The command line's reset, for a forgotten password: run by whoever holds the machine."""
    clerk.actor = "信息中心小刘"
    reset_password(clerk, ADMIN, "forgotten-5", "forgotten-5")
    assert trail(clerk)[-1] == ("信息中心小刘", "user.password_reset", None, {"name": ADMIN})
    sign_in(clerk, ADMIN, "forgotten-5")
    with pytest.raises(ValidationError) as refused:
        reset_password(clerk, ADMIN, "forgotten-6", "forgotten-7")
    assert refused.value.field == "password_repeated"
    with pytest.raises(NotFound):
        reset_password(clerk, "张明", "forgotten-6")
    sign_in(clerk, ADMIN, "forgotten-5")
    sound(clerk)


def test_the_last_administrator_cannot_be_disabled(clerk: Workspace) -> None:
    before = snapshot(clerk)
    with pytest.raises(ActionRefused, match="唯一的管理员"):
        set_active(clerk, ADMIN, False)
    assert snapshot(clerk) == before

    add_officer(clerk, "张明", "zhangming-1", is_admin=True)
    assert set_active(clerk, ADMIN, False) == Officer(ADMIN, True, False)   # 张明 is still there
    assert trail(clerk)[-1] == (ADMIN, "user.active", {"name": ADMIN, "active": True},
                                {"name": ADMIN, "active": False})
    sign_in(clerk, "张明", "zhangming-1")
    with pytest.raises(ActionRefused, match="唯一的管理员"):
        set_active(clerk, "张明", False)
    with pytest.raises(ActionRefused, match="已经是停用状态"):
        set_active(clerk, ADMIN, False)
    assert set_active(clerk, ADMIN, True) == Officer(ADMIN, True, True)
    assert trail(clerk)[-1] == ("张明", "user.active", {"name": ADMIN, "active": False},
                                {"name": ADMIN, "active": True})
    assert set_active(clerk, CLERK, False).active is False
    with pytest.raises(NotFound):
        set_active(clerk, "赵刚", False)
    assert [(o.name, o.active) for o in officers(clerk)] == [(ADMIN, True), (CLERK, False), ("张明", True)]
    sound(clerk)


def test_the_command_line_acts_as_administrator(workspace: Workspace) -> None:
    workspace.actor = "信息中心小刘"   # the CLI's --user: not an officer who signs in
    add_officer(workspace, ADMIN, ADMIN_PW, ADMIN_PW, is_admin=True, holder=True)
    add_officer(workspace, CLERK, CLERK_PW, holder=True)
    set_active(workspace, CLERK, False, holder=True)
    with pytest.raises(ActionRefused, match="唯一的管理员"):
        set_active(workspace, ADMIN, False, holder=True)
    assert [(a, act) for a, act, _, _ in trail(workspace)] == [
        ("信息中心小刘", "user.create"), ("信息中心小刘", "user.create"), ("信息中心小刘", "user.active")]
    assert not needs_first_start(workspace)   # an administrator exists


def test_officers_without_an_administrator_still_need_the_first_start(workspace: Workspace) -> None:
    add_officer(workspace, CLERK, CLERK_PW, holder=True)
    assert needs_first_start(workspace)
    first_start(workspace, OFFICE, ADMIN, ADMIN_PW)
    assert not needs_first_start(workspace)
    assert [(o.name, o.is_admin) for o in officers(workspace)] == [(CLERK, False), (ADMIN, True)]


# --- what is stored ----------------------------------------------------------------------------------------

def test_the_stored_hash_is_salted_scrypt_and_never_the_password(clerk: Workspace, data_dir: Path) -> None:
    set_password(clerk, CLERK, "lina-secret-2")
    reset_password(clerk, ADMIN, "helan-secret-3")
    stored = {u.name: u.password_hash for u in User.select()}
    for name, value in stored.items():
        scheme, n, r, p, salt, digest = value.split("$")
        assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1"), name
        assert len(users.base64.b64decode(salt)) == 16 and len(users.base64.b64decode(digest)) == 32
    assert password_matches("lina-secret-2", stored[CLERK])
    assert not password_matches("lina-secret-2", stored[ADMIN])
    # the same password twice: different salts, different hashes
    assert users.hash_password("same-password") != users.hash_password("same-password")

    passwords = [ADMIN_PW, CLERK_PW, "lina-secret-2", "helan-secret-3"]
    clerk.close()   # checkpoint the WAL so the file holds everything
    files = [data_dir / DATABASE_FILE, *data_dir.glob(DATABASE_FILE + "-*"), data_dir / "audit.head"]
    for path in files:
        content = path.read_bytes()
        for password in passwords:
            assert password.encode() not in content, (path, password)
    conn = sqlite3.connect(str(data_dir / DATABASE_FILE))
    try:
        rows = conn.execute("SELECT before || after FROM audit_record").fetchall()
    finally:
        conn.close()
    assert not [row for (row,) in rows for password in passwords if password in row]
    assert not [row for (row,) in rows if "scrypt$" in row]   # nor the hash


@pytest.mark.parametrize("stored", [
    "", "scrypt", "md5$1$2$3$c2FsdA==$ZGlnZXN0", "scrypt$x$8$1$c2FsdA==$ZGlnZXN0", "scrypt$16384$8$1$!!!$ZGlnZXN0",
    "scrypt$3$8$1$c2FsdA==$ZGlnZXN0",   # n not a power of two
])
def test_a_damaged_hash_matches_nothing(stored: str) -> None:
    assert not password_matches("anything-1", stored)


def test_every_change_is_audited(workspace: Workspace) -> None:
    first_start(workspace, OFFICE, ADMIN, ADMIN_PW)
    add_officer(workspace, CLERK, CLERK_PW)
    set_password(workspace, CLERK, "lina-new-pw2")
    set_active(workspace, CLERK, False)
    set_active(workspace, CLERK, True)
    workspace.actor = "信息中心小刘"
    reset_password(workspace, ADMIN, "forgotten-5")
    assert [(actor, action, after) for actor, action, _, after in trail(workspace)][1:] == [
        (ADMIN, "user.create", {"name": ADMIN, "is_admin": True}),
        (ADMIN, "user.create", {"name": CLERK, "is_admin": False}),
        (ADMIN, "user.password", {"name": CLERK}),
        (ADMIN, "user.active", {"name": CLERK, "active": False}),
        (ADMIN, "user.active", {"name": CLERK, "active": True}),
        ("信息中心小刘", "user.password_reset", {"name": ADMIN}),
    ]
    sound(workspace)
