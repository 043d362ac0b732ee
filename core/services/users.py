"""Officers who sign in to the desktop program, and the first start of an installation.

Passwords are never stored: only an scrypt hash (standard library) with a random salt. There is no
default password; the first start asks the administrator to choose one. Managing officers is an
administrator's task in the GUI; the command line (``user`` commands) acts as administrator without
signing in (``holder=True``, ``reset_password``), since whoever runs it can open the database anyway.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from core import validation as v
from core.errors import ActionRefused, NotFound, UserError, ValidationError
from core.services.office import update_office
from core.services.workspace import Workspace
from models.office import OfficeProfile
from models.users import User

MIN_PASSWORD = 8
# scrypt cost: about 50 ms and 16 MiB here, slow enough against guessing and quick to sign in.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1


@dataclass(frozen=True)
class Officer:
    name: str
    is_admin: bool
    active: bool


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return "$".join(["scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P),
                     base64.b64encode(salt).decode(), base64.b64encode(digest).decode()])


def password_matches(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r),
                                p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def check_new_password(password: str, repeated: str | None = None) -> str:
    if len(password) < MIN_PASSWORD:
        raise ValidationError("password", f"密码至少 {MIN_PASSWORD} 位")
    if password.strip() != password:
        raise ValidationError("password", "密码首尾不能是空格")
    if repeated is not None and repeated != password:
        raise ValidationError("password_repeated", "两次输入的密码不一致")
    return password


def needs_first_start(ws: Workspace) -> bool:
    """True until an (active) administrator exists: the first start saves the office profile and
    creates one. Officers added at the command line without ``--admin`` do not count."""
    return not User.select().where(User.is_admin & User.active).exists()


def officers(ws: Workspace) -> list[Officer]:
    return [Officer(u.name, u.is_admin, u.active) for u in User.select().order_by(User.id)]


def _check_name(name: str) -> str:
    name = v.require_text(name, "name", "姓名", max_length=30)
    if User.select().where(User.name == name).exists():
        raise ValidationError("name", f"已有名为“{name}”的用户")
    return name


def first_start(ws: Workspace, office: dict[str, Any], admin_name: str, password: str,
                repeated: str | None = None) -> Officer:
    """Save the office profile and create the administrator, in one transaction; from now on the
    workspace's audit records name the administrator. A refusal saves nothing."""
    if not needs_first_start(ws):
        raise ActionRefused("本机已完成初始设置")
    for key, label in (("organ_name", "机关名称"), ("letterhead", "发文机关标志"), ("code_prefix", "机关代字")):
        v.require_text(office.get(key), key, label, max_length=100)
    check_new_password(password, repeated)
    name = _check_name(admin_name)
    previous = ws.actor
    ws.actor = name   # the records below already name the administrator
    try:
        with ws.change():
            if not needs_first_start(ws):   # another program finished the first start meanwhile
                raise ActionRefused("本机已完成初始设置")
            _check_name(name)
            update_office(ws, office)   # nests as a savepoint: all or nothing
            User.create(name=name, password_hash=hash_password(password), is_admin=True)
            ws.record("user.create", None, "user", None, {"name": name, "is_admin": True})
    except BaseException:
        ws.actor = previous
        raise
    return Officer(name, True, True)


def sign_in(ws: Workspace, name: str, password: str) -> Officer:
    """Check the password; from now on the workspace's audit records name this officer."""
    user = User.get_or_none(User.name == (name or "").strip())
    if user is None or not password_matches(password, user.password_hash):
        raise UserError("姓名或密码不正确")
    if not user.active:   # said only to someone who knows the password
        raise ActionRefused(f"用户“{user.name}”已停用，请与管理员联系")
    ws.actor = user.name
    return Officer(user.name, user.is_admin, user.active)


def _require_admin(ws: Workspace, holder: bool) -> None:
    """The signed-in officer must be an active administrator, unless ``holder``: the command line,
    run by whoever holds the machine (who can open the database file anyway), acts as one."""
    if holder:
        return
    user = User.get_or_none(User.name == ws.actor)
    if user is None or not user.is_admin or not user.active:
        raise ActionRefused("只有管理员可以管理用户")


def add_officer(ws: Workspace, name: str, password: str, repeated: str | None = None, *,
                is_admin: bool = False, holder: bool = False) -> Officer:
    """A new officer (an administrator's task; ``holder``: the command line acts as administrator)."""
    _require_admin(ws, holder)
    check_new_password(password, repeated)
    with ws.change():
        name = _check_name(name)
        User.create(name=name, password_hash=hash_password(password), is_admin=is_admin)
        ws.record("user.create", None, "user", None, {"name": name, "is_admin": is_admin})
    return Officer(name, is_admin, True)


def _get(name: str) -> Any:
    user = User.get_or_none(User.name == (name or "").strip())
    if user is None:
        raise NotFound(f"没有名为“{name}”的用户")
    return user


def _save_password(ws: Workspace, action: str, name: str, password: str, repeated: str | None) -> None:
    check_new_password(password, repeated)
    with ws.change():
        user = _get(name)
        user.password_hash = hash_password(password)
        user.save()
        ws.record(action, None, "user", None, {"name": user.name})


def set_password(ws: Workspace, name: str, password: str, repeated: str | None = None) -> None:
    """An officer changes their own password; an administrator may set anyone's."""
    if name != ws.actor:
        _require_admin(ws, False)
    _save_password(ws, "user.password", name, password, repeated)


def change_password(ws: Workspace, current: str, password: str, repeated: str | None = None) -> None:
    """The signed-in officer changes their own password, giving the current one first."""
    user = User.get_or_none(User.name == ws.actor)
    if user is None or not user.active:
        raise ActionRefused("请先登录")
    if not password_matches(current, user.password_hash):
        raise ValidationError("current_password", "当前密码不正确")
    _save_password(ws, "user.password", user.name, password, repeated)


def reset_password(ws: Workspace, name: str, password: str, repeated: str | None = None) -> None:
    """A forgotten password set anew at the command line, which acts for whoever holds the machine
    and needs no signed-in administrator; the audit record names the command line's officer."""
    _save_password(ws, "user.password_reset", name, password, repeated)


def set_active(ws: Workspace, name: str, active: bool, *, holder: bool = False) -> Officer:
    """Disable an officer who has left (records keep their name) or enable them again (an
    administrator's task; ``holder``: the command line acts as administrator)."""
    _require_admin(ws, holder)
    with ws.change():
        user = _get(name)
        if user.active == active:
            raise ActionRefused(f"用户“{user.name}”已经是{'启用' if active else '停用'}状态")
        if not active and user.is_admin and User.select().where(User.is_admin & User.active).count() <= 1:
            raise ActionRefused("不能停用唯一的管理员")
        user.active = active
        user.save()
        ws.record("user.active", None, "user", {"name": user.name, "active": not active},
                  {"name": user.name, "active": active})
    return Officer(user.name, user.is_admin, user.active)


def office_is_set(ws: Workspace) -> bool:
    """Whether the office's name has been filled in."""
    profile = OfficeProfile.select().first()
    return bool(profile and profile.organ_name)
