"""Issuing a numbered document for an application inside the unit
(``services.documents`` renders the file after the commit)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from mca_tui.domain.enums import ApplicationKind
from mca_tui.services.context import ServiceContext, Unit
from mca_tui.services.registration.dto import DocumentRef
from mca_tui.storage.models import Application

if TYPE_CHECKING:  # services.documents is imported where it is used
    from mca_tui.services.documents import IssuedDocumentInfo


def _issue(unit: Unit, ctx: ServiceContext, kind: str, on: date, app: Application,
           data: dict[str, Any], organization_id: str | None = None) -> IssuedDocumentInfo:
    """Number and record a document in this unit; services.documents renders its file
    after the commit. The data holds codes (registration_kind = the application's kind),
    the document language supplies the words."""
    from mca_tui.services import documents

    data = {"registration_kind": ApplicationKind(app.kind).value, **data}
    return documents.issue(unit, ctx, kind, issued_on=on,
                           organization_id=organization_id or app.organization_id,
                           application_id=app.id, data=data, office_id=app.office_id)



def _docref(doc: IssuedDocumentInfo) -> DocumentRef:
    return DocumentRef(doc.id, doc.kind, doc.number, doc.title, doc.file_path, doc.issued_on)
