"""The audited ledger import (台账导入).

``import_ledger(ctx, path_or_raw, dry_run=..., skip_bad_rows=..., accept_legacy_codes=...)``

1. reads the file row by row (``reports.ledger.open_ledger``: a workbook in read-only
   mode, never held in memory) and validates each row as it is read
   (``validate_stream``); every ``WRITE_CHUNK`` valid rows are checked against the
   registry (a report or supervision record must name an organization of the file or of
   the registry) and planned, and the rows to create or change are kept in a temporary
   spool; nothing is written before all rows are checked;
2. plans: organizations are matched by USCC, annual reports by (organization, report
   year), supervision records by (organization, date, kind, description); each row is
   to be created, changed or skipped (unchanged). An empty cell never erases a value
   already on record;
3. unless ``dry_run``, or errors without ``skip_bad_rows``, writes in
   ``ctx.unit("ledger.import")``: one ``ImportBatch`` row, the records (each carrying
   ``import_batch_id``, ``source_sheet``, ``source_row``), and one audit event. A file of
   up to ``WRITE_CHUNK`` rows to write is one unit; a longer one is written in
   consecutive units of at most ``WRITE_CHUNK`` rows (grouped by organization, each
   organization's row before its reports and records: ``Spool.parts``), each taken
   from the spool and re-planned under the write lock and recorded by its own event of the same batch (``part`` k of ``parts``), with
   a pause between them, so that other clerks' writes get in within seconds instead of
   waiting minutes for the whole file (issue 13). An import stopped half-way leaves whole
   parts; importing the file again writes only what is missing (idempotence). Memory
   holds one part's rows, the problems, the planned changes and the keys that find
   duplicates and organizations, whatever the size of the file.
   Within a part, new rows take the bulk path (``services.ledger.bulk``): client-side
   ids, Core inserts with ``executemany`` through ``Unit.insert_rows`` (one change row
   per row, so the audit trail is the same as the ORM's), pinyin computed once per
   distinct name, the search index rows written in bulk
   (``storage.search.index_new_organizations``), the dormancy summaries of the touched
   organizations refreshed in bulk (``services.dormancy.refresh_many``); changes of
   existing rows go through the session and the organization services. After a big
   import the planner's statistics are refreshed (``ANALYZE`` + ``PRAGMA optimize``).

Audit and timeline. The single audit event's subject is the batch (entity
``import_batch``, id chosen before the unit opens); its headline holds the counts and the
ids of the organizations that were *changed*. Every row the import writes is one change
row of that event (captured from the session's flushes, in the hash chain) and the event
is indexed under every organization it created or changed or brought reports/records to.
The batch's ``summary_json`` keeps the sheet and row of each change for people; the
truth is the chain. A record's timeline finds its imports with
``services.ledger.history.import_history(session, organization_id)``: the batch that created it
(``Organization.import_batch_id``), batches that changed it (the audit subject index and
the event's change rows) and batches that brought its reports and records.

An import that would create or change nothing writes nothing (no batch, no event), so
importing the same file twice changes nothing the second time.

Roles: a dry run is open to every role; the real import needs the administrator or the
approver (it writes registered facts in bulk).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar, cast

from sqlalchemy import text
from sqlmodel import Session, col, select

from mca_tui.domain import pinyin
from mca_tui.domain.enums import OrgStatus, SupervisionKind
from mca_tui.i18n import t
from mca_tui.reports import ledger as L
from mca_tui.services.context import ServiceContext, Unit
from mca_tui.services.errors import FieldProblem, ServiceError, ValidationFailed
from mca_tui.services.ledger import bulk
from mca_tui.services.ledger.spool import Spool
from mca_tui.services.organizations import (
    PersonInput,
    set_legal_rep,
    update_organization,
)
from mca_tui.storage.audit import Subject, to_json
from mca_tui.storage.ids import new_id
from mca_tui.storage.models import (
    AnnualReport,
    ImportBatch,
    Organization,
    Person,
    SupervisionRecord,
    utcnow,
)

ACTION = "ledger.import"
WRITE_CHUNK = 2000  # rows per write transaction (bounds how long the import holds the lock)
# between parts, when another writer said it waits (storage.sqlite.someone_waiting): longer
# than SQLite's longest busy-handler sleep (100 ms)
CHUNK_PAUSE_S = 0.2
CHUNK = 500  # IN-list size for registry look-ups
PART_CACHE_KB = 8000  # SQLite page cache while a part is written (bounds the peak memory)

# Supervision records an import writes that count as an organization's first activity
# (the dormancy summary reads them: ``services.dormancy.first_activity``): an evaluation;
# a spot check counts only with an outcome found operating, which a ledger row does not
# carry (an imported record's ``outcome`` is empty).
_ACTIVITY_KINDS = frozenset({SupervisionKind.EVALUATION})

# Organization columns an import may set, from the ledger row.
_ORG_FIELDS = {
    "name": "name", "org_type": "org_type", "established_on": "established_on",
    "status": "status", "deregistered_on": "deregistered_on", "revoked_on": "revoked_on",
    "revocation_kind": "revocation_kind", "domicile": "domicile",
    "subdistrict": "subdistrict_code", "supervisory_unit": "supervisory_unit",
    "funds": "funds_fen", "business_scope": "business_scope", "phone": "phone",
}


@dataclass(frozen=True)
class RowChange:
    """A planned change of an existing record (what a dry run shows)."""

    sheet: str
    row: int
    uscc: str
    before: dict[str, Any]
    after: dict[str, Any]


@dataclass(frozen=True)
class ImportResult:
    file_name: str
    dry_run: bool
    written: bool
    batch_id: str | None
    counts: dict[str, Any]  # sheet -> {"create": n, "change": n, "skip": n, "reject": n}
    problems: tuple[L.Problem, ...]
    changes: tuple[RowChange, ...]
    rejected_file: str | None = None
    total_rows: int = 0
    blocked: bool = False  # errors stopped the import: nothing was written

    @property
    def errors(self) -> list[L.Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[L.Problem]:
        return [p for p in self.problems if not p.is_error]

    def total(self, what: str) -> int:
        return sum(c.get(what, 0) for c in self.counts.values())

    def summary(self, lang: str | None = None) -> str:
        lines = []
        for sheet, c in self.counts.items():
            lines.append(t("ledger.summary.sheet", lang, sheet=sheet, **c))
        return "\n".join(lines)


@dataclass
class _Plan:
    org_create: list[L.OrgRow] = field(default_factory=list)
    org_change: list[tuple[L.OrgRow, str, dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    report_create: list[L.ReportRow] = field(default_factory=list)
    report_change: list[tuple[L.ReportRow, str, dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    record_create: list[L.SupervisionRow] = field(default_factory=list)
    record_change: list[tuple[L.SupervisionRow, str, dict[str, Any], dict[str, Any]]] = field(
        default_factory=list)
    counts: dict[str, Any] = field(default_factory=dict)
    changes: list[RowChange] = field(default_factory=list)

    def count(self, sheet: str, what: str, n: int = 1) -> None:
        c = self.counts.setdefault(sheet, {"create": 0, "change": 0, "skip": 0, "reject": 0})
        c[what] += n


# --------------------------------------------------------------------------- helpers


# An import writing at least this many new rows refreshes the planner's statistics.
BULK_ROWS = 1000


def _chunks(items: list[Any], n: int = CHUNK) -> Iterable[list[Any]]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


def _org_values(row: L.OrgRow) -> dict[str, Any]:
    """The organization columns a row sets: those with a value in the file (an empty
    cell keeps what is on record), plus the status, and the closing dates/kind that the
    status makes meaningless are cleared."""
    out = {}
    for key, column in _ORG_FIELDS.items():
        if key in row.present or key == "status":
            value = getattr(row, column)
            out[column] = value.value if hasattr(value, "value") else value
    if row.status != OrgStatus.DEREGISTERED:
        out["deregistered_on"] = None
    if row.status != OrgStatus.REVOKED:
        out["revoked_on"] = None
        out["revocation_kind"] = None
    return out


def _file_sha256(path: Path | None) -> str:
    if path is None or not path.exists():
        return ""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _existing_orgs(session: Session, usccs: list[str]) -> dict[str, Organization]:
    found: dict[str, Organization] = {}
    for part in _chunks(sorted(set(usccs))):
        for org in session.exec(select(Organization).where(col(Organization.uscc).in_(part))):
            assert org.uscc is not None  # selected by code
            found[org.uscc] = org
    return found


def _rep_ids(session: Session, person_ids: list[str | None]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for part in _chunks(sorted({p for p in person_ids if p})):
        for pid, number in session.exec(select(Person.id, Person.id_number)
                                        .where(col(Person.id).in_(part))):
            out[pid] = number
    return out


# --------------------------------------------------------------------------- planning


def _plan(session: Session, parsed: L.ParsedLedger, settings_mode: str,
          file_orgs: dict[str, date] | None = None) -> _Plan:
    """Match every valid row against the registry. Adds row errors to ``parsed`` for
    rows that name an unknown organization or contradict it. ``file_orgs`` holds the
    established dates of the file's organization rows seen so far (a streamed file is
    planned a chunk at a time): a report may name an organization of another chunk."""
    plan = _Plan()
    usccs = ([r.uscc for r in parsed.orgs] + [r.uscc for r in parsed.reports]
             + [r.uscc for r in parsed.supervision])
    existing = _existing_orgs(session, usccs)
    reps = _rep_ids(session, [o.legal_rep_person_id for o in existing.values()])
    # Established dates known after the import (file rows win over the registry).
    established: dict[str, date | None] = {u: o.established_on for u, o in existing.items()}
    if file_orgs:
        for u in usccs:
            if u in file_orgs:
                established[u] = file_orgs[u]
    org_ids: dict[str, str] = {u: o.id for u, o in existing.items()}

    for row in parsed.orgs:
        established[row.uscc] = row.established_on
        org = existing.get(row.uscc)
        if org is None:
            plan.org_create.append(row)
            plan.count(L.SHEET_ORGS, "create")
            continue
        wanted = _org_values(row)
        if org.status == OrgStatus.APPLYING.value:
            wanted.pop("status", None)
        before = {k: getattr(org, k) for k in wanted}
        changed = {k: v for k, v in wanted.items() if before.get(k) != v}
        rep_changed = False
        if row.legal_rep and row.legal_rep != org.legal_rep_name:
            rep_changed = True
        if row.legal_rep_id and row.legal_rep_id != reps.get(org.legal_rep_person_id or ""):
            rep_changed = True
        if rep_changed:
            changed["legal_rep"] = {"name": row.legal_rep, "id_number": row.legal_rep_id}
            before["legal_rep"] = {"name": org.legal_rep_name}
        if not changed:
            plan.count(L.SHEET_ORGS, "skip")
            continue
        b = {k: before.get(k) for k in changed}
        plan.org_change.append((row, org.id, b, changed))
        plan.count(L.SHEET_ORGS, "change")
        plan.changes.append(RowChange(L.SHEET_ORGS, row.row, row.uscc, b, changed))

    def known(sheet: str, row: int, uscc: str, when: date | int) -> bool:
        if uscc not in established:
            parsed.add(L.Problem(sheet, row, "统一社会信用代码", "unknown_org", {"code": uscc}))
            return False
        est = established[uscc]
        if est is not None:
            year = when if isinstance(when, int) else when.year
            if year < est.year:
                key = "report_before_established" if isinstance(when, int) \
                    else "record_before_established"
                parsed.add(L.Problem(sheet, row, None, key,
                                     {"value": str(when), "established": est.isoformat()}))
                return False
        return True

    reports = [r for r in parsed.reports
               if known(L.SHEET_REPORTS, r.row, r.uscc, r.report_year)]
    wanted_ids = sorted({org_ids[r.uscc] for r in reports if r.uscc in org_ids})
    current: dict[tuple[str, int], AnnualReport] = {}
    for part in _chunks(wanted_ids):
        for found in session.exec(select(AnnualReport)
                                  .where(col(AnnualReport.organization_id).in_(part))):
            current[(found.organization_id, found.report_year)] = found
    for r in reports:
        rep = current.get((org_ids.get(r.uscc, ""), r.report_year))
        if rep is None:
            plan.report_create.append(r)
            plan.count(L.SHEET_REPORTS, "create")
            continue
        wanted = {}
        if r.submitted_on is not None:
            wanted["submitted_on"] = r.submitted_on
        if r.conclusion is not None:
            wanted["conclusion"] = r.conclusion.value
            wanted["mode"] = bulk.report_mode(r.conclusion, rep.mode)
        before = {k: getattr(rep, k) for k in wanted}
        changed = {k: v for k, v in wanted.items() if before[k] != v}
        if not changed:
            plan.count(L.SHEET_REPORTS, "skip")
            continue
        b = {k: before[k] for k in changed}
        plan.report_change.append((r, rep.id, b, changed))
        plan.count(L.SHEET_REPORTS, "change")
        plan.changes.append(RowChange(L.SHEET_REPORTS, r.row, r.uscc, b, changed))

    records = [sr for sr in parsed.supervision
               if known(L.SHEET_SUPERVISION, sr.row, sr.uscc, sr.record_date)]
    wanted_ids = sorted({org_ids[sr.uscc] for sr in records if sr.uscc in org_ids})
    have: dict[tuple[Any, ...], tuple[str, date | None, date | None]] = {}
    for part in _chunks(wanted_ids):
        for rec in session.exec(select(SupervisionRecord)
                                .where(col(SupervisionRecord.organization_id).in_(part))):
            have[(rec.organization_id, rec.record_date, rec.kind, rec.description)] = (
                rec.id, rec.due_on, rec.completed_on)
    for sr in records:
        key = (org_ids.get(sr.uscc, ""), sr.record_date, sr.kind.value, sr.description)
        if key not in have:
            plan.record_create.append(sr)
            plan.count(L.SHEET_SUPERVISION, "create")
            continue
        rec_id, due_on, completed_on = have[key]
        before, after = {}, {}
        if sr.due_on and sr.due_on != due_on:
            before["due_on"], after["due_on"] = due_on, sr.due_on
        if sr.completed_on and sr.completed_on != completed_on:
            before["completed_on"], after["completed_on"] = completed_on, sr.completed_on
        if not after:
            plan.count(L.SHEET_SUPERVISION, "skip")
            continue
        plan.record_change.append((sr, rec_id, before, after))
        plan.count(L.SHEET_SUPERVISION, "change")
        plan.changes.append(RowChange(L.SHEET_SUPERVISION, sr.row, sr.uscc, before, after))
    return plan


def _count_rejects(plan: _Plan, parsed: L.ParsedLedger) -> None:
    for sheet, _row in parsed.bad_rows:
        plan.count(sheet, "reject")


# --------------------------------------------------------------------------- writing


class _Recorder:
    """Stands in for the Unit when calling the organization services: same session (so
    every row is captured as a change row of the import's event), but their per-record
    headline notes are dropped: a bulk event's headline holds only the counts."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def record(self, entity: str, entity_id: str | None, before: dict[str, Any] | None,
               after: dict[str, Any] | None, *, organization_id: str | None = None) -> None:
        return None


_Changed = TypeVar("_Changed", AnnualReport, SupervisionRecord)


def _apply_changes(s: Session, model: type[_Changed],
                   changes: list[Any]) -> dict[str, dict[str, Any]]:
    """Apply planned (row, id, before, after) changes to rows of ``model`` through the
    session (each update is captured as a change row); returns the source row of each
    changed id for the batch summary."""
    out: dict[str, dict[str, Any]] = {}
    ids = sorted({row_id for _r, row_id, _b, _a in changes})
    for part in _chunks(ids):  # one query; s.get below finds them in the session
        list(s.exec(select(model).where(col(model.id).in_(part))))
    for r, row_id, _before, after in changes:
        row = s.get(model, row_id)
        assert row is not None  # planned from this registry
        for k, v in after.items():
            setattr(row, k, v)
        s.add(row)
        # where it came from; what changed is in the audit event's change rows
        out[row_id] = {"organization_id": row.organization_id, "row": r.row}
    return out


def _apply(ctx: ServiceContext, unit: Unit, plan: _Plan, batch: ImportBatch,
           step: Callable[[int], None]) -> dict[str, Any]:
    """Write one part's plan in ``unit``: new rows in bulk (``services.ledger.bulk``:
    Core inserts, client-side ids, the search index in bulk, one change row each),
    changes of existing rows through the session, then the dormancy summaries of every
    organization touched, refreshed in bulk."""
    s = unit.session
    office_id = ctx.actor.office_id
    now = utcnow()
    org_ids = bulk.insert_organizations(unit, office_id, plan.org_create, batch.id, now)
    step(len(plan.org_create))

    rec = cast(Unit, _Recorder(s))  # duck-typed: the organization services use these two
    changed: dict[str, dict[str, Any]] = {}
    for row, org_id, _before, after in plan.org_change:
        columns = {k: v for k, v in after.items() if k != "legal_rep"}
        if "legal_rep" in after:
            holder = s.get(Organization, org_id)
            assert holder is not None  # planned from this registry
            set_legal_rep(rec, holder, PersonInput(row.legal_rep or holder.legal_rep_name,
                                                   row.legal_rep_id, row.legal_rep_id_override),
                          ctx.today())
            s.add(holder)
        update_organization(rec, org_id, columns)
        changed[org_id] = {"sheet": L.SHEET_ORGS, "row": row.row}
    step(len(plan.org_change))

    # planned rows name organizations of the file or of the registry (_plan)
    bulk.organization_ids(unit, [*(r.uscc for r in plan.report_create),
                                 *(sr.uscc for sr in plan.record_create)], org_ids)
    bulk.insert_reports(unit, office_id, plan.report_create, org_ids, batch.id,
                        ctx.settings.legal.annual_report_mode, now)
    step(len(plan.report_create))
    report_changes = _apply_changes(s, AnnualReport, plan.report_change)
    step(len(plan.report_change))
    bulk.insert_records(unit, office_id, plan.record_create, org_ids, batch.id, now)
    step(len(plan.record_create))
    record_changes = _apply_changes(s, SupervisionRecord, plan.record_change)
    step(len(plan.record_change))
    s.flush()
    # the dormancy summary of every organization the import touched (H12, services.dormancy)
    from mca_tui.services import dormancy

    # Organizations created or changed, with a report written, or with a supervision
    # record the summary reads (its first activity: an evaluation, _ACTIVITY_KINDS); a
    # record's dates (due, completed) are not inputs.
    touched = {*(org_ids[r.uscc] for r in plan.org_create), *changed,
               *(org_ids[r.uscc] for r in plan.report_create),
               *(v["organization_id"] for v in report_changes.values()),
               *(org_ids[sr.uscc] for sr in plan.record_create
                 if sr.kind in _ACTIVITY_KINDS)}
    dormancy.refresh_many(unit, ctx, sorted(touched))
    return {"changed": changed, "report_changes": report_changes,
            "record_changes": record_changes}


class RejectedRowsNotWritable(ServiceError):
    """--skip-bad-rows writes the rejected rows beside the ledger; that folder cannot be
    written, so nothing is imported (issue 13)."""

    key = "ledger_rejected.not_writable"


def _check_roles(ctx: ServiceContext, dry_run: bool) -> None:
    """A dry run checks a file (any role); writing needs ``ledger.import``'s roles
    (domain.permissions), checked again by the unit."""
    ctx.permit("ledger.check" if dry_run else ACTION)


def _ledger_of(file_name: str, rows: list[tuple[str, Any]]) -> L.ParsedLedger:
    part = L.ParsedLedger(file_name)
    for sheet, row in rows:
        _SHEET_LIST[sheet](part).append(row)
    return part


_SHEET_LIST: dict[str, Callable[[L.ParsedLedger], list[Any]]] = {
    L.SHEET_ORGS: lambda p: p.orgs, L.SHEET_REPORTS: lambda p: p.reports,
    L.SHEET_SUPERVISION: lambda p: p.supervision}


def _merge(plan: _Plan, part: _Plan) -> None:
    for sheet, c in part.counts.items():
        for what, n in c.items():
            plan.count(sheet, what, n)
    plan.changes += part.changes


def import_ledger(ctx: ServiceContext, source: str | Path | L.RawLedger, *,
                  dry_run: bool = False, skip_bad_rows: bool = False,
                  accept_legacy_codes: bool = False,
                  progress: L.Progress | None = None) -> ImportResult:
    """Validate, plan and (unless dry run or blocked by errors) write a ledger in one
    audited operation. See the module docstring.

    The file is read twice at most, never held in memory: the check streams it row by
    row (``reports.ledger.open_ledger``/``validate_stream``), planning every
    ``WRITE_CHUNK`` rows against the registry and keeping the rows to create or change
    in a temporary spool; the writing then takes the spool a part at a time. Only the
    problems, the planned changes and the keys that find duplicates and organizations
    stay in memory. (A --skip-bad-rows import reads the file again for the rejected
    rows.)"""
    _check_roles(ctx, dry_run)
    path = None if isinstance(source, L.RawLedger) else Path(source)
    if progress:
        progress("read", 0, 0)
    mode = ctx.settings.legal.annual_report_mode
    plan = _Plan()  # the whole file's counts and changes (rows are in the spool)
    spool = Spool()
    try:
        with L.open_ledger(source) as stream:
            file_name = stream.file_name
            parsed = L.ParsedLedger(file_name)  # problems and refused rows only
            file_orgs: dict[str, date] = {}
            order: dict[str, int] = {}  # organization rows to write: code -> position
            chunk: list[tuple[str, Any]] = []

            def check(rows: list[tuple[str, Any]]) -> None:
                part = _ledger_of(file_name, rows)
                with ctx.db.read() as s:
                    part_plan = _plan(s, part, mode, file_orgs)
                for p in part.problems:  # organizations unknown or established later
                    parsed.add(p)
                _merge(plan, part_plan)
                if dry_run or parsed.file_errors or (parsed.errors and not skip_bad_rows):
                    return  # nothing will be written: no need to keep rows
                planned = {id(r) for r in (
                    *part_plan.org_create, *(c[0] for c in part_plan.org_change),
                    *part_plan.report_create, *(c[0] for c in part_plan.report_change),
                    *part_plan.record_create, *(c[0] for c in part_plan.record_change))}
                kept = [(sheet, r) for sheet, r in rows if id(r) in planned]
                for sheet, r in kept:
                    if sheet == L.SHEET_ORGS:
                        order.setdefault(r.uscc, len(order))
                spool.add(kept)

            for sheet, row in L.validate_stream(parsed, stream, ctx.settings,
                                                today=ctx.today(),
                                                accept_legacy_codes=accept_legacy_codes,
                                                progress=progress):
                if isinstance(row, L.OrgRow):
                    file_orgs[row.uscc] = row.established_on
                chunk.append((sheet, row))
                if len(chunk) >= WRITE_CHUNK:
                    check(chunk)
                    chunk = []
            check(chunk)
            del chunk
        _count_rejects(plan, parsed)
        problems = tuple(parsed.problems)
        blocked = bool(parsed.file_errors) or (bool(parsed.errors) and not skip_bad_rows)

        def result(written: bool, batch_id: str | None = None,
                   rejected: Path | None = None) -> ImportResult:
            return ImportResult(file_name, dry_run, written, batch_id, plan.counts, problems,
                                tuple(plan.changes), str(rejected) if rejected else None,
                                parsed.total_rows, blocked and not dry_run)

        if dry_run or blocked:
            return result(False)
        rejected_path = None
        if parsed.bad_rows and path is not None:
            try:
                rejected_path = _write_rejected(path, parsed.bad_rows)
            except OSError as exc:  # e.g. --skip-bad-rows on a read-only folder: nothing
                raise RejectedRowsNotWritable(folder=str(path.parent),
                                              error=exc.strerror or type(exc).__name__
                                              ) from exc
        if not _to_write(plan):
            return result(False, rejected=rejected_path)
        batch_id = _write(ctx, spool, order, plan, file_name, _file_sha256(path), mode,
                          skip_bad_rows=skip_bad_rows, accept_legacy_codes=accept_legacy_codes,
                          warnings=sum(1 for p in problems if not p.is_error),
                          rejected_path=rejected_path, progress=progress)
    finally:
        spool.close()
    if _creates(plan) >= BULK_ROWS:
        # the planner's statistics describe the registry before the import (issue 12)
        from mca_tui.storage.maintenance import refresh_statistics

        refresh_statistics(ctx.db, ("organization", "annual_report", "supervision_record",
                                    "dormancy_summary", "audit_change", "audit_subject"))
    return result(True, batch_id, rejected_path)


def _creates(plan: _Plan) -> int:
    return sum(c.get("create", 0) for c in plan.counts.values())


def _to_write(plan: _Plan) -> int:
    """The rows a (file-wide) plan creates or changes."""
    return sum(c.get("create", 0) + c.get("change", 0) for c in plan.counts.values())


def _write_rejected(path: Path, bad_rows: dict[tuple[str, int], list[L.Problem]]) -> Path | None:
    """The rejected rows beside the file (``reports.ledger.write_rejected``), read again
    from the file: only they are kept."""
    with L.open_ledger(path) as again:
        for name, sheet in again.sheets.items():
            sheet.rows = [(n, values) for n, values in again.rows(name)
                          if (name, n) in bad_rows]
            sheet.source = None
        raw = L.RawLedger(again.file_name, again.kind, again.sheets, [])
    return L.write_rejected(raw, bad_rows, path)


def _write(ctx: ServiceContext, spool: Spool, order: dict[str, int], plan: _Plan,
           file_name: str, sha: str, mode: str, *, skip_bad_rows: bool, accept_legacy_codes: bool, warnings: int,
           rejected_path: Path | None, progress: L.Progress | None) -> str:
    """Write the spooled rows, a part (at most WRITE_CHUNK rows) per unit, each re-planned
    under the write lock; returns the batch id."""
    batch_id = new_id()
    parts = spool.count(WRITE_CHUNK)
    details: dict[str, Any] = {"changed": {}, "report_changes": {}, "record_changes": {}}
    total, done = _to_write(plan), 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        if progress and n:
            progress("write", done, total)

    from mca_tui.storage.sqlite import CACHE_KB, busy_marker, someone_waiting

    db_file = ctx.db.path if ctx.db.is_sqlite else None

    with busy_marker(db_file, "import"):
        for k, rows in enumerate(spool.parts(WRITE_CHUNK, order), start=1):
            if k > 1 and someone_waiting(db_file):
                time.sleep(CHUNK_PAUSE_S)  # let writers waiting for the lock in
            part = _ledger_of(file_name, rows)
            del rows
            with ctx.unit(ACTION, subject=Subject("import_batch", batch_id)) as unit:
                s = unit.session
                if ctx.db.is_sqlite:  # a part touches each page a few times: small cache
                    s.execute(text(f"PRAGMA cache_size=-{PART_CACHE_KB}"))
                # again, under the write lock (the file's organizations of earlier parts
                # are on record now)
                part_plan = _plan(s, part, mode)
                if part.errors and not skip_bad_rows:
                    raise ValidationFailed([
                        FieldProblem(p.where(), f"ledger.problem.{p.key}", p.params)
                        for p in part.errors[:20]])
                batch = s.get(ImportBatch, batch_id)
                if batch is None:
                    batch = ImportBatch(id=batch_id, office_id=ctx.actor.office_id,
                                        file_name=file_name, file_sha256=sha,
                                        actor_name=ctx.actor.name)
                    s.add(batch)
                    s.flush()
                written = _apply(ctx, unit, part_plan, batch, step)
                for key, value in written.items():
                    details[key].update(value)
                summary = {
                    "file_name": file_name, "file_sha256": sha, "counts": plan.counts,
                    "options": {"skip_bad_rows": skip_bad_rows,
                                "accept_legacy_codes": accept_legacy_codes},
                    "warnings": warnings,
                    "rejected_file": str(rejected_path) if rejected_path else None,
                    **({"parts": parts} if parts > 1 else {}),
                    **details,
                }
                batch = s.get(ImportBatch, batch.id) or batch
                batch.summary_json = to_json(summary)
                s.add(batch)
                headline: dict[str, Any] = {
                    "file_name": file_name, "file_sha256": sha, "counts": plan.counts,
                    "changed_organization_ids": sorted(written["changed"]),
                }
                if parts > 1:
                    headline.update(part=k, parts=parts, part_counts=part_plan.counts)
                unit.record("import_batch", batch.id, None, headline)
                if ctx.db.is_sqlite:  # the connection goes back to the pool as it was
                    s.execute(text(f"PRAGMA cache_size=-{CACHE_KB}"))
            pinyin.clear_name_caches()  # every name of the part is written (bounded memory)
    return batch_id
