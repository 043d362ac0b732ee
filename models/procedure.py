"""What happens to a case after registration: suspension, verification, report, determination,
delivery, archive and reopening. One table per kind of record, each tied to its case."""
from __future__ import annotations

import peewee

from models.base import BaseModel, now
from models.case import Case


class Suspension(BaseModel):
    """暂缓追责 on acceptance: by the handling organ itself, or by notice to another department."""

    case = peewee.ForeignKeyField(Case, backref="suspensions", on_delete="CASCADE")
    suspended_on = peewee.DateField()
    mode = peewee.CharField(max_length=8)                 # self | notice
    notified_department = peewee.TextField(default="")
    clue_scope = peewee.CharField(max_length=8)           # single | other
    other_clues = peewee.TextField(default="")            # what else stays under investigation
    created_at = peewee.DateTimeField(default=now)


class Extension(BaseModel):
    case = peewee.ForeignKeyField(Case, backref="extensions", on_delete="CASCADE")
    approved_on = peewee.DateField()
    days = peewee.IntegerField()
    reason = peewee.TextField()
    approver = peewee.TextField()
    created_at = peewee.DateTimeField(default=now)


class InvestigationNote(BaseModel):
    """谈话（调查）笔录."""

    case = peewee.ForeignKeyField(Case, backref="notes", on_delete="CASCADE")
    held_on = peewee.DateField()
    place = peewee.TextField(default="")
    interviewers = peewee.TextField(default="")
    recorder = peewee.TextField(default="")
    interviewee = peewee.TextField(default="")
    text = peewee.TextField()
    created_at = peewee.DateTimeField(default=now)


class Evidence(BaseModel):
    case = peewee.ForeignKeyField(Case, backref="evidence", on_delete="CASCADE")
    received_on = peewee.DateField()
    title = peewee.TextField()
    source = peewee.TextField(default="")
    pages = peewee.IntegerField(default=0)
    description = peewee.TextField(default="")
    created_at = peewee.DateTimeField(default=now)


class EvidenceFile(BaseModel):
    """An attached file, stored in the data folder under its SHA-256."""

    evidence = peewee.ForeignKeyField(Evidence, backref="files", on_delete="CASCADE")
    original_name = peewee.TextField()
    sha256 = peewee.CharField(max_length=64, index=True)
    size = peewee.BigIntegerField()
    created_at = peewee.DateTimeField(default=now)


class ExpertAssessment(BaseModel):
    """专家讨论评估 or a department's assessment."""

    case = peewee.ForeignKeyField(Case, backref="assessments", on_delete="CASCADE")
    held_on = peewee.DateField()
    kind = peewee.CharField(max_length=12)                # expert | department
    participants = peewee.TextField()
    opinion = peewee.TextField()
    created_at = peewee.DateTimeField(default=now)


class InvestigationReport(BaseModel):
    """书面调查报告. After a reopening a new report may follow; the latest counts."""

    case = peewee.ForeignKeyField(Case, backref="reports", on_delete="CASCADE")
    reported_on = peewee.DateField()
    findings = peewee.TextField()
    situation_analysis = peewee.JSONField(default=dict)  # {"4": "分析……"} per tolerance situation
    exclusions = peewee.JSONField(default=list)          # numbers of exclusions found
    distinctions = peewee.JSONField(default=dict)        # {"1": "……"} per distinction
    proposal = peewee.CharField(max_length=16)           # an outcome code
    created_at = peewee.DateTimeField(default=now)


class Determination(BaseModel):
    case = peewee.ForeignKeyField(Case, backref="determinations", on_delete="CASCADE")
    determined_on = peewee.DateField()
    outcome = peewee.CharField(max_length=16, index=True)
    reasoning = peewee.TextField()
    approver = peewee.TextField()
    created_at = peewee.DateTimeField(default=now)


class Delivery(BaseModel):
    """送达 of the determination letter to the accountability organ or to the applicant."""

    case = peewee.ForeignKeyField(Case, backref="deliveries", on_delete="CASCADE")
    recipient = peewee.CharField(max_length=12)          # organ | applicant
    recipient_name = peewee.TextField(default="")
    delivered_on = peewee.DateField()
    method = peewee.TextField()
    receipt = peewee.TextField(default="")               # who signed the 送达回证, or its number
    created_at = peewee.DateTimeField(default=now)


class ArchiveRecord(BaseModel):
    case = peewee.ForeignKeyField(Case, backref="archive_records", on_delete="CASCADE")
    archived_on = peewee.DateField()
    volume_number = peewee.TextField(default="")
    retention_period = peewee.TextField(default="")      # 永久 | 长期 | 30年 | 10年 …
    classification = peewee.TextField(default="")        # 密级
    created_at = peewee.DateTimeField(default=now)


class Reopening(BaseModel):
    case = peewee.ForeignKeyField(Case, backref="reopenings", on_delete="CASCADE")
    reopened_on = peewee.DateField()
    reason = peewee.TextField()
    from_status = peewee.CharField(max_length=16)
    to_status = peewee.CharField(max_length=16)
    created_at = peewee.DateTimeField(default=now)
