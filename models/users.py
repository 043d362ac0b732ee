"""The officers who sign in to the desktop program; every audit record names one of them."""
from __future__ import annotations

import peewee

from models.base import BaseModel, now


class User(BaseModel):
    name = peewee.TextField(unique=True)        # the officer's real name, as audit records show it
    password_hash = peewee.TextField()          # scrypt$n$r$p$salt$hash (core.services.users)
    is_admin = peewee.BooleanField(default=False)
    active = peewee.BooleanField(default=True)
    created_at = peewee.DateTimeField(default=now)
