"""Issuing numbered official documents (文书): role check, number (文号), record, file.

``issue(unit, ctx, kind, issued_on=..., data={...})`` runs inside the caller's write
transaction (``ctx.unit``): it checks the signed-in user's role for the kind, advances
the gapless counter of (office, kind, year) — a rolled-back transaction consumes no
number and two clerks never get the same one — and writes the ``IssuedDocument`` row:
number, title, the data as JSON (codes and parameters, never UI text; with the document
language and the office name used) and the file's path *relative to the documents
folder*. Nothing is rendered while the write lock is held: the .docx is rendered and
written after the transaction commits (a SQLAlchemy ``after_commit`` hook on the unit's
session; a rolled-back unit renders nothing). If rendering fails the record stays and
``render(ctx, doc_id)`` / ``render_missing(ctx)`` (command ``mca-tui documents
render``) produce the file from the record at any time; rendering is deterministic.

Where files live: ``<documents folder>/<year>/<kind>-<office>-<year>-<seq>-<id>.docx``;
the documents folder is ``settings.documents_path()`` (default ``<data dir>/documents``).
A stored path is found under that folder, or else under ``<database file>.documents/``
beside the database (the layout ``mca-tui backup FILE`` writes), so a registry restored
into another data directory — or opened straight from a backup with ``--db`` — finds
its documents. Paths stored absolute by earlier versions are still found.

``content_sha256`` is the SHA-256 of the record's canonical content (kind, number, date,
office, language, data) — what the document says — computed in the transaction; the file
is a rendering of it (``verify(ctx, doc_id)`` re-renders and compares).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from mca_tui.config import Settings
from mca_tui.domain.enums import Role
from mca_tui.reports import documents as render_lib
from mca_tui.services.context import ServiceContext, Unit
from mca_tui.services.errors import FieldProblem, NotFound, ServiceError, ValidationFailed
from mca_tui.storage.audit import to_json
from mca_tui.storage.engine import Database
from mca_tui.storage.models import DocNumberCounter, IssuedDocument, Office

log = logging.getLogger(__name__)

KINDS = render_lib.KINDS

# Who may issue each kind (on top of the role check of the unit's own action).
ISSUERS: dict[str, frozenset[Role]] = {
    "acceptance_notice": frozenset({Role.CLERK}),
    "correction_notice": frozenset({Role.CLERK, Role.REVIEWER}),
    "refusal_decision": frozenset({Role.APPROVER}),
    "approval_decision": frozenset({Role.APPROVER}),
    "certificate_sheet": frozenset({Role.APPROVER}),
    "announcement": frozenset({Role.APPROVER}),
    "change_announcement": frozenset({Role.APPROVER}),
    # 材料接收凭证 at the counter for an incomplete file (行政许可法 Art 32; H4)
    "receipt": frozenset({Role.CLERK}),
    # supervision notices (issue 10): who orders, interviews or inspects issues them
    "rectification_notice": frozenset({Role.REVIEWER, Role.ENFORCEMENT, Role.APPROVER}),
    "interview_notice": frozenset({Role.REVIEWER, Role.ENFORCEMENT}),
    "inspection_notice": frozenset({Role.CLERK, Role.REVIEWER}),
    # 列入 / 移出信用名录决定书: the approver lists and removes (Order 60; credit_lists)
    "credit_listing_notice": frozenset({Role.APPROVER}),
    "credit_removal_notice": frozenset({Role.APPROVER}),
    # deregistration (services.deregistration): the counter accepts and announces, the
    # head extends and decides; custody (services.custody) declares items void from a
    # deregistration (clerk) or a revocation case (enforcement officers, approver)
    "dereg_acceptance_notice": frozenset({Role.CLERK}),
    "dereg_extension_notice": frozenset({Role.APPROVER}),
    "dereg_approval_decision": frozenset({Role.APPROVER}),
    "dereg_refusal_decision": frozenset({Role.APPROVER}),
    "dereg_announcement": frozenset({Role.CLERK, Role.APPROVER}),
    "void_announcement": frozenset({Role.CLERK, Role.APPROVER, Role.ENFORCEMENT}),
    # revocation cases (services.revocation): the officers file, notify and serve; the
    # approver decides (four eyes, 行政处罚法 Art 57)
    "case_filing": frozenset({Role.ENFORCEMENT}),
    "advance_notice": frozenset({Role.ENFORCEMENT}),
    "hearing_notice": frozenset({Role.ENFORCEMENT}),
    "penalty_decision": frozenset({Role.APPROVER}),
    "service_announcement": frozenset({Role.ENFORCEMENT, Role.CLERK}),
    "revocation_announcement": frozenset({Role.ENFORCEMENT, Role.CLERK}),
}
_READERS = (Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.ADMIN)

_PENDING = "mca_tui.documents.pending"


@dataclass(frozen=True)
class IssuedDocumentInfo:
    id: str
    kind: str
    number: str
    title: str
    file_path: str  # relative to the documents folder
    issued_on: date
    preview_text: str


@dataclass(frozen=True)
class _RenderJob:
    kind: str
    values: dict[str, Any]
    issued_on: date
    language: str
    target: Path
    override_dir: Path | None


# --------------------------------------------------------------------------- paths


def documents_root(settings: Settings) -> Path:
    return settings.documents_path()


def backup_folder(db_file: Path) -> Path:
    """The documents folder that goes with a database file in a backup: ``FILE.documents``."""
    return db_file.with_name(db_file.name + ".documents")


def relative_path(kind: str, office_code: str, year: int, seq: int, doc_id: str) -> str:
    return f"{year}/{kind}-{office_code}-{year}-{seq:05d}-{doc_id[:8]}.docx"


def _relative_of_stored(stored: str) -> str:
    """A stored path as a relative one (earlier versions stored absolute paths whose
    last two parts are <year>/<file>)."""
    p = Path(stored)
    if not p.is_absolute():
        return p.as_posix()
    return "/".join(p.parts[-2:])


def resolve(settings: Settings, stored: str, db: Database | None = None) -> Path:
    """Where the file of a stored document path is (see the module docstring); the
    path under the documents folder when it exists nowhere."""
    p = Path(stored)
    if p.is_absolute() and p.exists():
        return p
    rel = _relative_of_stored(stored)
    primary = documents_root(settings) / rel
    if primary.exists():
        return primary
    db_path = db.path if db is not None else None
    if db_path is not None:
        beside = backup_folder(db_path) / rel
        if beside.exists():
            return beside
    return primary


def override_dir() -> Path:
    """Where an administrator's Word templates live: ``<config dir>/templates``."""
    from mca_tui import config as cfg

    return cfg.config_dir() / "templates"


# --------------------------------------------------------------------------- issuing


def _office(session: Session, settings: Settings, office_id: str | None) -> Office:
    if office_id:
        office = session.get(Office, office_id)
    else:
        office = session.exec(
            select(Office).where(Office.code == settings.office.division_code)).first()
    if office is None:
        raise NotFound("doc.no_office")
    return office


def next_number(session: Session, office_id: str, kind: str, year: int) -> int:
    """Advance the gapless counter of (office, kind, year) inside the caller's
    transaction; a rollback returns the number. The row is locked (SELECT ... FOR
    UPDATE) so concurrent writers on a server take turns; its first creation is a
    savepoint, and a writer that lost that race reads the winner's row, locked."""
    key = (office_id, kind, year)
    counter = session.get(DocNumberCounter, key, with_for_update=True, populate_existing=True)
    if counter is None:
        try:
            with session.begin_nested():
                session.add(DocNumberCounter(office_id=office_id, kind=kind, year=year,
                                             last_seq=0))
        except IntegrityError:
            pass  # created meanwhile by another transaction
        counter = session.get(DocNumberCounter, key, with_for_update=True,
                              populate_existing=True)
        assert counter is not None
    counter.last_seq += 1
    session.add(counter)
    session.flush()
    return counter.last_seq


def _complete(kind: str, settings: Settings, data: dict[str, Any], issued_on: date) -> dict[str, Any]:
    """The record's data with the parameters taken from settings at issue time, so a
    re-render later says exactly the same."""
    doc = settings.documents
    out = dict(data)
    if not out.get("office_phone") and settings.office.phone:
        out["office_phone"] = settings.office.phone
    if kind in ("refusal_decision", "dereg_refusal_decision"):
        out.setdefault("review_body", doc.review_body)
        out.setdefault("court", doc.court)
    if kind == "correction_notice" and not out.get("correction_due"):
        # A mandatory deadline (行政许可法 Art 32 notice): the setting's default period.
        out["correction_due"] = issued_on + timedelta(days=doc.correction_days)
    return out


def _content_hash(payload: dict[str, Any]) -> str:
    return hashlib.sha256(to_json(payload).encode("utf-8")).hexdigest()


def issue(unit: Unit, ctx: ServiceContext, kind: str, *, issued_on: date, data: dict[str, Any],
          organization_id: str | None = None, application_id: str | None = None,
          case_id: str | None = None, office_id: str | None = None) -> IssuedDocumentInfo:
    """Number and record one document inside ``unit``; its file is written after the
    unit commits (see the module docstring). Refused: a role that may not issue the
    kind (PermissionDenied), missing required data (ValidationFailed, nothing
    numbered)."""
    if kind not in ISSUERS:
        raise ValidationFailed([FieldProblem("kind", "doc.unknown_kind", {"kind": kind})])
    ctx.require(*ISSUERS[kind])
    settings = ctx.settings
    language = settings.documents.language
    try:
        template = render_lib.builtin_template(kind, language)
    except render_lib.UnknownDocumentLanguage:
        raise ValidationFailed([FieldProblem("language", "doc.unknown_language",
                                             {"language": language})]) from None
    data = json.loads(to_json(_complete(kind, settings, data, issued_on)))
    missing = render_lib.missing_fields(template, data)
    if missing:
        raise ValidationFailed([FieldProblem(k, "doc.missing_field", {"field": k})
                                for k in missing])
    s = unit.session
    office = _office(s, settings, office_id)
    year = issued_on.year
    seq = next_number(s, office.id, kind, year)
    number = render_lib.document_number(settings.office.short_name, template.number_code,
                                        year, seq)
    stored = {**data, "document_language": language, "office_name": settings.office.name}
    values = _values(kind, stored, number, issued_on)
    title = str(values["title"])
    doc = IssuedDocument(
        office_id=office.id, kind=kind, year=year, seq=seq, number=number, title=title,
        organization_id=organization_id, application_id=application_id, case_id=case_id,
        issued_on=issued_on, data_json=to_json(stored))
    doc.file_path = relative_path(kind, office.code, year, seq, doc.id)
    doc.content_sha256 = _content_hash({"kind": kind, "number": number,
                                        "issued_on": issued_on, "data": stored})
    s.add(doc)
    s.flush()
    unit.record("issued_document", doc.id, None,
                {"kind": kind, "number": number, "title": title, "file_path": doc.file_path,
                 "issued_on": issued_on}, organization_id=organization_id)
    _after_commit(s, _job(settings, kind, values, issued_on, language,
                          documents_root(settings) / doc.file_path))
    return IssuedDocumentInfo(doc.id, kind, number, title, doc.file_path, issued_on,
                              render_lib.render_text(kind, values, language))


def _values(kind: str, stored: dict[str, Any], number: str, issued_on: date) -> dict[str, Any]:
    return render_lib.prepare_values(
        kind, stored, number=number, issued_on=issued_on,
        office_name=str(stored.get("office_name", "")),
        language=str(stored.get("document_language") or render_lib.DEFAULT_LANGUAGE))


def _job(settings: Settings, kind: str, values: dict[str, Any], issued_on: date, language: str,
         target: Path) -> _RenderJob:
    folder = override_dir()
    return _RenderJob(kind, values, issued_on, language, target,
                      folder if folder.is_dir() else None)


_DEFERRED = threading.local()


@contextmanager
def files_deferred() -> Iterator[None]:
    """Within this block (this thread), documents are numbered and recorded as usual but
    their files are not rendered after the commit: ``preview`` and ``render_missing`` /
    ``mca-tui documents render`` write them from the record when they are wanted. Used
    by the demo build (demo.deregistrations), where dozens of past documents are
    recorded and few are ever opened."""
    previous = getattr(_DEFERRED, "on", False)
    _DEFERRED.on = True
    try:
        yield
    finally:
        _DEFERRED.on = previous


def _after_commit(session: Session, job: _RenderJob) -> None:
    if getattr(_DEFERRED, "on", False):
        return
    pending: list[_RenderJob] | None = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = []

        def render_pending(sess: Session) -> None:
            jobs = sess.info.pop(_PENDING, [])
            for j in jobs:
                _write(j)

        event.listen(session, "after_commit", render_pending, once=True)
    pending.append(job)


def _write(job: _RenderJob) -> bool:
    """Render one document to its file; a failure is logged and leaves the record, from
    which the file can be rendered again."""
    try:
        content = render_lib.render_docx(job.kind, job.values, issued_on=job.issued_on,
                                         language=job.language, override_dir=job.override_dir)
        job.target.parent.mkdir(parents=True, exist_ok=True)
        tmp = job.target.with_name(job.target.name + ".tmp")
        tmp.write_bytes(content)
        os.replace(tmp, job.target)
        return True
    except Exception:  # noqa: BLE001 - the record is committed; the file can be re-rendered
        log.exception("rendering %s failed; run `mca-tui documents render`", job.target)
        return False


# --------------------------------------------------------------------------- after the fact


def _load(ctx: ServiceContext, doc_id: str) -> IssuedDocument:
    with ctx.db.read() as s:
        doc = s.get(IssuedDocument, doc_id)
    if doc is None:
        raise NotFound("doc.not_found", id=doc_id)
    return doc


def _record_job(settings: Settings, doc: IssuedDocument, target: Path) -> _RenderJob:
    stored = json.loads(doc.data_json or "{}")
    language = str(stored.get("document_language") or render_lib.DEFAULT_LANGUAGE)
    stored.setdefault("office_name", settings.office.name)
    values = _values(doc.kind, stored, doc.number, doc.issued_on)
    return _job(settings, doc.kind, values, doc.issued_on, language, target)


def path_of(ctx: ServiceContext, doc_id: str) -> Path:
    ctx.require(*_READERS)
    doc = _load(ctx, doc_id)
    return resolve(ctx.settings, doc.file_path, ctx.db)


def render(ctx: ServiceContext, doc_id: str, target: Path | None = None) -> Path:
    """(Re-)render a document's file from its record (to ``target`` or its own path)."""
    ctx.require(*_READERS)
    doc = _load(ctx, doc_id)
    path = target or documents_root(ctx.settings) / _relative_of_stored(doc.file_path)
    if not _write(_record_job(ctx.settings, doc, path)):
        raise RenderFailed(number=doc.number)
    return path


def render_missing(ctx: ServiceContext) -> list[str]:
    """Render every document whose file is missing; returns their numbers."""
    ctx.require(*_READERS)
    with ctx.db.read() as s:
        docs = list(s.exec(select(IssuedDocument)))
    done = []
    for doc in docs:
        if not resolve(ctx.settings, doc.file_path, ctx.db).exists():
            render(ctx, doc.id)
            done.append(doc.number)
    return done


def preview(ctx: ServiceContext, doc_id: str) -> str:
    """Plain text of a document for the terminal: from its file, rendered first from the
    record if the file is missing."""
    path = path_of(ctx, doc_id)
    if not path.exists():
        path = render(ctx, doc_id)
    return render_lib.preview_text(path)


def verify(ctx: ServiceContext, doc_id: str) -> bool:
    """True if the record is intact (its content hash) and its file says what the record
    renders to now (the same text)."""
    doc = _load(ctx, doc_id)
    stored = json.loads(doc.data_json or "{}")
    if _content_hash({"kind": doc.kind, "number": doc.number, "issued_on": doc.issued_on,
                      "data": stored}) != doc.content_sha256:
        return False
    path = resolve(ctx.settings, doc.file_path, ctx.db)
    if not path.exists():
        return False
    job = _record_job(ctx.settings, doc, path)
    fresh = render_lib.render_docx(job.kind, job.values, issued_on=job.issued_on,
                                   language=job.language, override_dir=job.override_dir)
    return render_lib.preview_text(fresh) == render_lib.preview_text(path)


def copy_to_backup(settings: Settings, db: Database, backup_db: Path) -> tuple[int, int]:
    """Copy the file of every document recorded in the backup ``backup_db`` into
    ``FILE.documents/<relative path>``; a file missing on disk is rendered there from
    its record. Returns (copied, rendered)."""
    import shutil
    import sqlite3

    folder = backup_folder(backup_db)
    conn = sqlite3.connect(backup_db)
    try:
        rows = conn.execute("select id, file_path from issued_document").fetchall()
    finally:
        conn.close()
    copied = rendered = 0
    by_id: dict[str, IssuedDocument] = {}
    for doc_id, stored in rows:
        target = folder / _relative_of_stored(stored)
        source = resolve(settings, stored, db)
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.exists():
            shutil.copy2(source, target)
            copied += 1
            continue
        if not by_id:
            with db.read() as s:
                by_id = {d.id: d for d in s.exec(select(IssuedDocument))}
        doc = by_id.get(doc_id)
        if doc is not None and _write(_record_job(settings, doc, target)):
            rendered += 1
    return copied, rendered


class RenderFailed(ServiceError):
    """A document's file could not be rendered (the details are in the log)."""

    key = "doc.render_failed"
