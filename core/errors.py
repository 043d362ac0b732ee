"""Errors an officer can act on.

Every message is Simplified Chinese and says what to fix; the CLI prints it as one line and the GUI
shows it in a dialog. Anything else that escapes is a bug.
"""
from __future__ import annotations


class UserError(Exception):
    """A mistake in what the officer asked for; nothing has been saved."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(UserError):
    """A field holds a value the program cannot accept."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class ActionRefused(UserError):
    """The procedure does not allow this action on this case now."""


class NotFound(UserError):
    """The case, record or file named does not exist."""
