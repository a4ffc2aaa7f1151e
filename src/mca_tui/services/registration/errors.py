"""What the registration services refuse with (the messages name the article)."""

from __future__ import annotations

from mca_tui.domain.eligibility import FindingDTO
from mca_tui.i18n import t
from mca_tui.services.errors import ServiceError
from mca_tui.services.workflow import WrongState


class FoundationNotRegistered(ServiceError):
    """A district office does not register new foundations ([S3] Art 6)."""

    key = "registration.error.foundation"



class WrongStatus(WrongState):
    key = "registration.error.wrong_status"



class NotReady(ServiceError):
    """The application still has blocking findings."""

    key = "registration.error.not_ready"

    def __init__(self, findings: list[FindingDTO]) -> None:
        self.findings = list(findings)
        super().__init__(self.key, count=len(self.findings))

    def message(self, lang: str | None = None) -> str:
        head = t(self.key, lang, count=len(self.findings))
        return "\n".join([head, *(f"- {f.message(lang)}" for f in self.findings)])



class MaterialsMissing(NotReady):
    """The file is not complete: it cannot go to the approver before the 补正 (行政许可法
    Art 32: every missing item is told to the applicant at once)."""

    key = "registration.error.materials_missing"



class RefusedByLaw(ServiceError):
    """The law does not allow the act; the message names the article."""

    key = "registration.law.refused"
