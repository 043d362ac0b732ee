"""Officers' passwords from the settings page: typed twice, the current one asked before a change."""
from __future__ import annotations

import pytest

from core.errors import ActionRefused, ValidationError
from core.services.users import add_officer, change_password, first_start, officers, set_password, sign_in

OFFICE = {"organ_name": "中共贺兰县纪律检查委员会", "letterhead": "中共贺兰县纪委", "code_prefix": "贺纪"}


@pytest.fixture
def admin(workspace):
    return first_start(workspace, OFFICE, "王宏", "password1")


def test_a_new_officer_needs_the_same_password_twice(workspace, admin):
    with pytest.raises(ValidationError) as refused:
        add_officer(workspace, "李娜", "password2", repeated="password3")
    assert refused.value.field == "password_repeated"
    assert [o.name for o in officers(workspace)] == ["王宏"]
    add_officer(workspace, "李娜", "password2", repeated="password2")
    assert [o.name for o in officers(workspace)] == ["王宏", "李娜"]


def test_changing_ones_own_password_asks_for_the_current_one(workspace, admin):
    with pytest.raises(ValidationError) as refused:
        change_password(workspace, "wrong-one", "password9", "password9")
    assert refused.value.field == "current_password"
    sign_in(workspace, "王宏", "password1")
    change_password(workspace, "password1", "password9", "password9")
    sign_in(workspace, "王宏", "password9")


def test_a_mistyped_repeat_changes_nothing(workspace, admin):
    with pytest.raises(ValidationError) as refused:
        change_password(workspace, "password1", "password9", "password8")
    assert refused.value.field == "password_repeated"
    sign_in(workspace, "王宏", "password1")


def test_only_an_administrator_resets_someone_elses_password(workspace, admin):
    add_officer(workspace, "李娜", "password2")
    set_password(workspace, "李娜", "password5", "password5")
    sign_in(workspace, "李娜", "password5")             # now the workspace acts as 李娜
    with pytest.raises(ActionRefused):
        set_password(workspace, "王宏", "password6", "password6")
    sign_in(workspace, "王宏", "password1")
