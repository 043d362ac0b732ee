"""An open installation: its database, audit trail, calendar and the officer at work.

Every service takes a ``Workspace``. ``change()`` is the one way to write: a single exclusive
transaction, and after it commits, the audit head is brought up to date.
"""
from __future__ import annotations

import getpass
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from core.audit import AuditTrail
from core.calendar import WorkCalendar
from core.errors import UserError
from core.policy import DEFAULT_POLICY_ID, Policy, load_policy
from models.audit import AuditRecord
from models.database import close_database, open_database
from models.office import OfficeProfile

FILES_DIR = "files"


def default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):   # no passwd entry, e.g. in a container
        return "unknown"


class Workspace:
    def __init__(self, data_dir: Path, actor: str | None = None,
                 today: Callable[[], date] | None = None) -> None:
        self.data_dir = data_dir
        self.actor = (actor or default_actor()).strip()
        if not self.actor:
            raise UserError("请填写经办人姓名（--user）")
        self._today = today or date.today
        try:
            self.adapter = open_database(data_dir)
        except OSError as exc:
            raise UserError(f"无法打开数据文件夹 {data_dir}：{exc.strerror or exc}") from None
        self.audit = AuditTrail(data_dir)
        if self.audit.read_head() is None and not AuditRecord.select().exists():
            # A new installation. Never write a head over existing records: a deleted head plus a
            # truncated trail would then verify as sound.
            self.audit.write_head()
        self.calendar = self.load_calendar()

    def today(self) -> date:
        return self._today()

    @property
    def files_dir(self) -> Path:
        return self.data_dir / FILES_DIR

    def load_calendar(self) -> WorkCalendar:
        from core.services.holidays import imported_schedules

        return WorkCalendar(imported_schedules())

    @contextmanager
    def change(self) -> Iterator[None]:
        """One write transaction. Nested inside another ``change()`` it is a savepoint, and the audit
        head is written only when the outermost one commits (a head written earlier would name
        records that a later rollback removes, and the trail would then verify as truncated)."""
        outermost = not self.adapter.db.in_transaction()
        with self.adapter.write_transaction():
            yield
        if outermost:
            self.audit.write_head()

    def record(self, action: str, case_uuid: str | None, entity: str, before: Any, after: Any) -> None:
        """One audit record, inside the current ``change()``."""
        self.audit.append(self.actor, action, case_uuid, entity, before, after)

    def office(self) -> OfficeProfile:
        profile = OfficeProfile.select().first()
        return profile or OfficeProfile(policy_id=DEFAULT_POLICY_ID)

    def policy(self, policy_id: str | None = None) -> Policy:
        return load_policy(policy_id or self.office().policy_id)

    def close(self) -> None:
        close_database()
