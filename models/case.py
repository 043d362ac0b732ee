"""The case, its applicant and the cadres it concerns."""
from __future__ import annotations

import peewee

from models.base import BaseModel, new_uuid, now


class Case(BaseModel):
    """One application for tolerance and exemption (容错免责申请), from receipt to archive.

    Deadlines are stored, not only computed, so that lists can filter on them and an imported
    holiday schedule can log what it moved.
    """

    uuid = peewee.CharField(max_length=36, unique=True, default=new_uuid)
    number = peewee.CharField(max_length=32, unique=True)
    year = peewee.IntegerField()
    seq = peewee.IntegerField()
    policy_id = peewee.TextField()
    status = peewee.CharField(max_length=16, index=True)
    handled_by = peewee.TextField()                    # 纪检监察机关 | 组织部门
    received_on = peewee.DateField(index=True)         # lists and search pages go newest first
    statement = peewee.TextField(default="")
    situations = peewee.JSONField(default=list)        # tolerance situation numbers claimed
    materials = peewee.JSONField(default=list)         # titles of materials handed in
    accountability_organ = peewee.TextField()
    accountability_started_on = peewee.DateField()
    accountability_matter = peewee.TextField()
    accountability_by_self = peewee.BooleanField(default=False)  # the handling organ pursues it itself
    late_application = peewee.BooleanField(default=False)
    late_reason = peewee.TextField(default="")
    accepted_on = peewee.DateField(null=True)
    rejected_on = peewee.DateField(null=True)
    rejection_reason = peewee.TextField(default="")
    withdrawn_on = peewee.DateField(null=True)
    withdrawal_reason = peewee.TextField(default="")
    application_due = peewee.DateField(null=True)
    report_due = peewee.DateField(null=True, index=True)
    report_limit = peewee.DateField(null=True)
    letter_due = peewee.DateField(null=True, index=True)
    deadlines_estimated = peewee.BooleanField(default=False)
    created_at = peewee.DateTimeField(default=now)
    updated_at = peewee.DateTimeField(default=now)

    class Meta:
        indexes = ((("year", "seq"), True),)


class Applicant(BaseModel):
    """Who applied: a unit (with its contact) or a person."""

    case = peewee.ForeignKeyField(Case, backref="applicants", unique=True, on_delete="CASCADE")
    kind = peewee.CharField(max_length=8)              # person | unit
    name = peewee.TextField()
    credit_code = peewee.TextField(default="")         # unit: 统一社会信用代码
    id_number = peewee.TextField(default="")           # person
    contact_person = peewee.TextField(default="")
    phone = peewee.TextField(default="")
    address = peewee.TextField(default="")


class Cadre(BaseModel):
    """A person, across cases: lookups for integrity reviews go by name or ID number."""

    uuid = peewee.CharField(max_length=36, unique=True, default=new_uuid)
    name = peewee.TextField(index=True)
    gender = peewee.TextField(default="")
    birth_date = peewee.DateField(null=True)
    id_number = peewee.CharField(max_length=18, null=True, unique=True)
    political_status = peewee.TextField(default="")
    created_at = peewee.DateTimeField(default=now)


class CaseCadre(BaseModel):
    """A cadre as concerned in one case: unit and post as they were at the time."""

    case = peewee.ForeignKeyField(Case, backref="cadre_links", on_delete="CASCADE")
    cadre = peewee.ForeignKeyField(Cadre, backref="case_links")
    unit = peewee.TextField()
    position = peewee.TextField(default="")
    rank = peewee.TextField(default="")
    organ_type = peewee.TextField()
    staff_type = peewee.TextField()
    management_authority = peewee.TextField(default="")  # 干部管理权限

    class Meta:
        indexes = ((("case", "cadre"), True),)
