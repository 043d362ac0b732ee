"""Opening the database: bind the proxy, create or migrate the schema.

A new database is created at the newest schema. An older one is first copied with the backup API,
then brought up to date by the numbered steps in ``models.migrations``, all in one transaction.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import peewee

from core.errors import UserError
from models.adapter import SqliteAdapter
from models.audit import AuditRecord
from models.base import SchemaVersion, database_proxy
from models.cadre_care import Clarification, FollowUp
from models.calendar import ImportedSchedule
from models.case import Applicant, Cadre, Case, CaseCadre
from models.documents import IssuedNumber
from models.migrations import LATEST_VERSION, MIGRATIONS
from models.office import OfficeProfile, Setting
from models.procedure import (
    ArchiveRecord,
    Delivery,
    Determination,
    Evidence,
    EvidenceFile,
    ExpertAssessment,
    Extension,
    InvestigationNote,
    InvestigationReport,
    Reopening,
    Suspension,
)
from models.users import User

ALL_MODELS: list[type[peewee.Model]] = [
    SchemaVersion, OfficeProfile, Setting, Case, Applicant, Cadre, CaseCadre, Suspension, Extension,
    InvestigationNote, Evidence, EvidenceFile, ExpertAssessment, InvestigationReport, Determination,
    Delivery, ArchiveRecord, Reopening, Clarification, FollowUp, ImportedSchedule, AuditRecord,
    IssuedNumber, User,
]

DATABASE_FILE = "rongcuo.sqlite3"


def open_database(data_dir: Path) -> SqliteAdapter:
    """Bind the models to the SQLite database in ``data_dir`` with an up-to-date schema."""
    data_dir.mkdir(parents=True, exist_ok=True)
    adapter = SqliteAdapter(data_dir / DATABASE_FILE)
    database_proxy.initialize(adapter.db)
    adapter.db.connect(reuse_if_open=True)
    _bring_up_to_date(adapter, data_dir)
    return adapter


def close_database() -> None:
    if not database_proxy.is_closed():
        database_proxy.close()


def schema_version(adapter: SqliteAdapter) -> int:
    if not adapter.db.table_exists(SchemaVersion._meta.table_name):
        return 0
    return SchemaVersion.select(peewee.fn.MAX(SchemaVersion.version)).scalar() or 0


def _bring_up_to_date(adapter: SqliteAdapter, data_dir: Path) -> None:
    current = schema_version(adapter)
    if current == LATEST_VERSION:
        return
    if current > LATEST_VERSION:
        raise UserError(
            f"数据库结构版本为 {current}，高于本程序支持的 {LATEST_VERSION}。请使用新版本程序打开，以免损坏数据。"
        )
    if current > 0:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        adapter.backup_to(data_dir / "backups" / f"before-migration-v{current}-{stamp}.sqlite3")
    with adapter.write_transaction():
        # Another process may have created or migrated the schema while this one waited for the lock.
        current = schema_version(adapter)
        if current == LATEST_VERSION:
            return
        if current == 0:
            adapter.db.create_tables(ALL_MODELS)
            adapter.install_append_only(AuditRecord._meta.table_name)
            adapter.install_case_search()
            SchemaVersion.create(version=LATEST_VERSION, description="初始结构")
            return
        for step in MIGRATIONS:
            if step.version > current:
                step.apply(adapter)
                SchemaVersion.create(version=step.version, description=step.description)
