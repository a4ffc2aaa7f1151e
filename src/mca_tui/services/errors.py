"""Errors a service raises. Each carries an i18n key and parameters so that the UI and
the command line show a plain message in the user's language."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from mca_tui.i18n import t


class ServiceError(Exception):
    key = "error.service"

    def __init__(self, key: str | None = None, /, **params: object) -> None:
        self.key = key or type(self).key
        self.params = params
        super().__init__(self.message())

    def message(self, lang: str | None = None) -> str:
        return t(self.key, lang, **self.params)


class PermissionDenied(ServiceError):
    key = "error.permission_denied"


class NotFound(ServiceError):
    key = "error.not_found"


class Conflict(ServiceError):
    """Someone else changed the record since it was read (optimistic locking)."""

    key = "error.conflict"


@dataclass(frozen=True)
class FieldProblem:
    """A problem with one input field: which field, and the message's key/params."""

    field: str
    key: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    def message(self, lang: str | None = None) -> str:
        return t(self.key, lang, **self.params)


class ValidationFailed(ServiceError):
    key = "error.validation_failed"

    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = list(problems)
        super().__init__(self.key, count=len(self.problems))

    def message(self, lang: str | None = None) -> str:
        head = t(self.key, lang, count=len(self.problems))
        lines = [f"- {p.field}: {p.message(lang)}" for p in self.problems]
        return "\n".join([head, *lines])
