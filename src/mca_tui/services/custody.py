"""Custody (收缴) of an organization's registration certificate 正本 and 副本, its seals and
its financial vouchers, each collected or declared void by announcement (公告作废).

Shared by deregistration (注销登记: [S1] Art 21, [S2] Art 17, the authority collects the
certificate, seals and vouchers; ``services.deregistration``) and the revocation case
(撤销登记: the same items handed in or declared void, procedure rule Art 32; H12). The
rules are ``domain.casework`` (:func:`~mca_tui.domain.casework.custody_status`,
:func:`~mca_tui.domain.casework.check_custody_record`); this module writes them.

Where the records live: a JSON list ``"custody"`` in the row of the file they belong to
(``Application.form_json`` of a deregistration, ``PenaltyCase.details_json`` of a
revocation case), one entry per record ``{"item", "outcome", "on", "note", "document"}``.
No table of its own: the file's row is what the unit already writes, so the records come
into the audit event as a change of that row.

How to call it:

- inside your own unit (one transaction, one audit event — the caller's action and
  subject): :func:`apply_custody` ``(unit, ctx, holder, records, organization_id=...,
  earliest=decision date, application_id=... | case_id=...)``. It refuses (nothing
  written) a record without its date, dated before ``earliest`` or in the future, or
  still pending; issues one 证书印章作废公告 (``void_announcement``) naming every item
  declared void in this call, with an ``Announcement`` row; marks the organization's
  valid ``Certificate`` rows ``collected`` / ``void`` once both the 正本 and the 副本 are
  settled; and appends the records to the holder's JSON.
- to read: :func:`records_of` / :func:`status_of` on the holder row.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from mca_tui.domain.casework import (
    CustodyRecord,
    CustodyStatus,
    LegalRefusal,
    check_custody_record,
    custody_status,
)
from mca_tui.domain.enums import CustodyItem, CustodyOutcome
from mca_tui.domain.text import normalize_text
from mca_tui.i18n import t
from mca_tui.services.context import ServiceContext, Unit
from mca_tui.services.errors import ServiceError
from mca_tui.storage.models import (
    Announcement,
    Application,
    Certificate,
    Organization,
    PenaltyCase,
)

__all__ = [
    "CustodyResult",
    "RefusedByRule",
    "apply_custody",
    "inherit_settled",
    "records_of",
    "settled_in_cases",
    "status_of",
]

KEY = "custody"
_CERTIFICATE_ITEMS = (CustodyItem.CERTIFICATE_ORIGINAL, CustodyItem.CERTIFICATE_DUPLICATE)


class RefusedByRule(ServiceError):
    """A rule of law refuses the act: the message names the article
    (a :class:`~mca_tui.domain.casework.LegalRefusal` from the domain)."""

    key = "case.refusal.with_article"

    def __init__(self, refusal: LegalRefusal) -> None:
        self.refusal = refusal
        super().__init__(self.key)

    def message(self, lang: str | None = None) -> str:
        return self.refusal.describe(lang)


@dataclass(frozen=True)
class CustodyResult:
    records: tuple[CustodyRecord, ...]  # every record of the file, after this call
    status: CustodyStatus
    document_id: str | None  # the void announcement issued by this call, if any
    document_number: str | None


# --------------------------------------------------------------------------- reading


def _attr(holder: object) -> str:
    if isinstance(holder, Application):
        return "form_json"
    if isinstance(holder, PenaltyCase):
        return "details_json"
    raise TypeError(f"custody is kept on an Application or a PenaltyCase, not {holder!r}")


def _data(holder: object) -> dict[str, Any]:
    try:
        data = json.loads(getattr(holder, _attr(holder)) or "{}")
    except ValueError:
        data = {}
    return data if isinstance(data, dict) else {}


def _record(entry: dict[str, Any]) -> CustodyRecord | None:
    try:
        on = entry.get("on")
        return CustodyRecord(CustodyItem(entry["item"]), CustodyOutcome(entry["outcome"]),
                             date.fromisoformat(on) if on else None,
                             str(entry.get("note") or ""))
    except (KeyError, ValueError, TypeError):
        return None


def records_of(holder: object) -> tuple[CustodyRecord, ...]:
    """The custody records kept on a deregistration application or a revocation case."""
    entries = _data(holder).get(KEY) or []
    return tuple(r for e in entries if isinstance(e, dict) and (r := _record(e)) is not None)


def status_of(holder: object) -> CustodyStatus:
    """Complete only when every item has a record and each is collected or declared void
    (``domain.casework.custody_status``)."""
    return custody_status(records_of(holder))


def settled_in_cases(session: Session, organization_id: str
                     ) -> dict[CustodyItem, tuple[PenaltyCase, dict[str, Any]]]:
    """The custody already settled in the organization's revocation cases (the items
    collected or declared void when its registration was revoked, procedure rule Art 32):
    per item, the latest settled entry and its case."""
    found: dict[CustodyItem, tuple[PenaltyCase, dict[str, Any]]] = {}
    for case in session.exec(select(PenaltyCase)
                             .where(PenaltyCase.organization_id == organization_id)
                             .order_by(col(PenaltyCase.filed_on))):
        for entry in _data(case).get(KEY) or []:
            r = _record(entry) if isinstance(entry, dict) else None
            if r is not None and r.on is not None and r.outcome is not CustodyOutcome.PENDING:
                found[r.item] = (case, entry)
    return found


def inherit_settled(unit: Unit, holder: Application, organization_id: str
                    ) -> dict[CustodyItem, str]:
    """Carry into a deregistration file the custody a revocation case of the same
    organization already settled (a revoked organization must still deregister,
    domain.md §3): those items are shown on the file with the case's number and its
    date and outcome, and not asked again. Items the file recorded itself are kept as
    they are. Inside the caller's unit (a change of the file's row). Returns the items
    carried over, each with its case's number."""
    own = {r.item for r in records_of(holder)}
    found = settled_in_cases(unit.session, organization_id)
    carried = [i for i in CustodyItem if i in found and i not in own]
    if not carried:
        return {}
    data = _data(holder)
    entries = list(data.get(KEY) or [])
    cases: dict[CustodyItem, str] = {}
    for item in carried:
        case, entry = found[item]
        number = cases[item] = case.case_number or case.id
        note = t("custody.from_case", number=number)
        entries.append({"item": item.value, "outcome": entry.get("outcome"),
                        "on": entry.get("on"), "document": entry.get("document"),
                        "note": f"{note} {entry.get('note') or ''}".strip(),
                        "case": case.id})
    data[KEY] = entries
    setattr(holder, _attr(holder), json.dumps(data, ensure_ascii=False, sort_keys=True,
                                              default=str))
    unit.session.add(holder)
    unit.record(KEY, None, None, {"carried_from_cases": sorted(set(cases.values())),
                                  "items": [i.value for i in carried]},
                organization_id=organization_id)
    return cases


# --------------------------------------------------------------------------- writing


def _check(records: list[CustodyRecord], earliest: date | None, today: date) -> None:
    if not records:
        raise RefusedByRule(LegalRefusal("custody.refusal.nothing", _article(None)))
    for r in records:
        if r.outcome is CustodyOutcome.PENDING:
            raise RefusedByRule(LegalRefusal("custody.refusal.pending", _article(r)))
        refusal = check_custody_record(r, earliest)
        if refusal is not None:
            raise RefusedByRule(refusal)
        if r.on is not None and r.on > today:
            raise RefusedByRule(LegalRefusal("custody.refusal.future", _article(r),
                                             {"date": r.on, "today": today}))


def _article(record: CustodyRecord | None) -> str:
    from mca_tui.domain.casework import S1, S2, VOID_ANNOUNCEMENT_RULE

    if record is not None and record.outcome is CustodyOutcome.VOID_ANNOUNCED:
        return VOID_ANNOUNCEMENT_RULE
    return f"{S1}第二十一条；{S2}第十七条"


def apply_custody(unit: Unit, ctx: ServiceContext, holder: Application | PenaltyCase,
                  records: Iterable[CustodyRecord], *, organization_id: str,
                  earliest: date | None, application_id: str | None = None,
                  case_id: str | None = None, issuer_kind: str = "void_announcement",
                  ) -> CustodyResult:
    """Record custody inside the caller's ``unit`` (see the module docstring). Refused
    with :class:`RefusedByRule` before anything is written."""
    new = [CustodyRecord(r.item, r.outcome, r.on, normalize_text(r.note)) for r in records]
    today = ctx.today()
    _check(new, earliest, today)
    s = unit.session
    org = s.get(Organization, organization_id)
    if org is None:
        raise ServiceError("org.not_found", id=organization_id)
    document_id = number = None
    void = [r for r in new if r.outcome is CustodyOutcome.VOID_ANNOUNCED]
    if void:
        document_id, number = _void_announcement(unit, ctx, org, void, application_id,
                                                 case_id, issuer_kind)
    data = _data(holder)
    entries = list(data.get(KEY) or [])
    for r in new:
        entries.append({"item": r.item.value, "outcome": r.outcome.value,
                        "on": r.on.isoformat() if r.on else None, "note": r.note,
                        "document": number if r.outcome is CustodyOutcome.VOID_ANNOUNCED
                        else None})
    data[KEY] = entries
    setattr(holder, _attr(holder), json.dumps(data, ensure_ascii=False, sort_keys=True,
                                              default=str))
    s.add(holder)
    every = records_of(holder)
    status = custody_status(every)
    _settle_certificates(unit, org, every)
    unit.record(KEY, None, None,
                {"records": [{"item": r.item.value, "outcome": r.outcome.value,
                              "on": r.on} for r in new],
                 "complete": status.complete,
                 "outstanding": [i.value for i in status.outstanding],
                 "void_announcement": number}, organization_id=org.id)
    return CustodyResult(every, status, document_id, number)


def _settle_certificates(unit: Unit, org: Organization, every: tuple[CustodyRecord, ...]) -> None:
    """Once the 正本 and the 副本 are both settled, the organization's valid certificate
    is no longer valid: ``collected`` (both handed in) or ``void`` (either declared void
    by announcement), dated the day the later one was settled."""
    settled = {i: [r for r in every if r.item is i] for i in _CERTIFICATE_ITEMS}
    if not all(rs and all(r.on and r.outcome is not CustodyOutcome.PENDING for r in rs)
               for rs in settled.values()):
        return
    mine = [r for rs in settled.values() for r in rs]
    void = any(r.outcome is CustodyOutcome.VOID_ANNOUNCED for r in mine)
    on = max(r.on for r in mine if r.on)
    s = unit.session
    for cert in s.exec(select(Certificate).where(Certificate.organization_id == org.id,
                                                 Certificate.status == "valid")):
        cert.status = "void" if void else "collected"
        cert.status_on = on
        cert.reason = t("custody.certificate_reason_void" if void
                        else "custody.certificate_reason_collected")
        s.add(cert)
        unit.record("certificate", cert.id, {"status": "valid"},
                    {"status": cert.status, "status_on": on}, organization_id=org.id)


def _void_announcement(unit: Unit, ctx: ServiceContext, org: Organization,
                       void: list[CustodyRecord], application_id: str | None,
                       case_id: str | None, kind: str) -> tuple[str, str]:
    """证书印章作废公告: one document naming every item declared void in this call
    (with the certificate serials), published on the records' date, and its
    ``Announcement`` row."""
    from mca_tui.services import documents

    s = unit.session
    published = max(r.on for r in void if r.on)
    cert = s.exec(select(Certificate).where(Certificate.organization_id == org.id)
                  .order_by(Certificate.issued_on.desc())).first()  # type: ignore[attr-defined]
    items = []
    for r in void:
        serial = ""
        if cert is not None and r.item is CustodyItem.CERTIFICATE_ORIGINAL:
            serial = cert.serial_original
        elif cert is not None and r.item is CustodyItem.CERTIFICATE_DUPLICATE:
            serial = cert.serial_duplicate
        items.append({"item": r.item.value, "serial": serial})
    doc = documents.issue(unit, ctx, kind, issued_on=published, organization_id=org.id,
                          application_id=application_id, case_id=case_id, data={
                              "org_name": org.name, "uscc": org.uscc or "",
                              "org_type": org.org_type, "void_items": items,
                              "reason_code": "revocation" if case_id else "deregistration",
                              "published_on": published})
    ann = Announcement(office_id=org.office_id, organization_id=org.id, kind="void",
                       created_on=published, published_on=published, text=doc.preview_text,
                       document_id=doc.id)
    s.add(ann)
    s.flush()
    unit.record("announcement", ann.id, None, {"kind": "void", "document": doc.number},
                organization_id=org.id)
    return doc.id, doc.number
