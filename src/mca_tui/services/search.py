"""Finding organizations (查询): one query string for name fragments of any length,
USCC fragments, pinyin initials, legal representative and address; ranked, paged from
the database by keyset (storage.search). Deregistered and revoked organizations are
included and marked (``OrgHit.closed``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mca_tui.domain.enums import OrgStatus
from mca_tui.services.context import ServiceContext
from mca_tui.storage import search as index

COUNT_CAP = 1000

Keyset = tuple[int, str, str]


@dataclass(frozen=True)
class OrgHit:
    """One search result."""

    id: str
    name: str
    uscc: str | None
    org_type: str
    status: str
    legal_rep_name: str
    domicile: str
    established_on: date | None
    rank: int  # 0 exact, 1 prefix, 2 elsewhere
    keyset: Keyset

    @property
    def closed(self) -> bool:
        """Deregistered (已注销) or revoked (已撤销)."""
        return self.status in (OrgStatus.DEREGISTERED, OrgStatus.REVOKED)


@dataclass(frozen=True)
class SearchPage:
    query: str
    items: tuple[OrgHit, ...]
    total: int  # counted up to COUNT_CAP (see total_capped)
    next_after: Keyset | None  # pass as ``after`` for the next page; None at the end

    @property
    def total_capped(self) -> bool:
        return self.total >= COUNT_CAP


def _as_date(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def search_organizations(ctx: ServiceContext, query: str, *, limit: int = 50,
                         after: Keyset | None = None, with_count: bool = True) -> SearchPage:
    """One page of organizations matching ``query`` (any signed-in role may search)."""
    ctx.permit("search.read")
    parsed = index.parse_query(query)
    with ctx.db.read() as s:
        rows = index.find(s, parsed, limit=limit + 1, after=after)
        total = index.count(s, parsed, COUNT_CAP) if with_count else -1
    items = tuple(
        OrgHit(id=r["id"], name=r["name"], uscc=r["uscc"], org_type=r["org_type"],
               status=r["status"], legal_rep_name=r["legal_rep_name"] or "",
               domicile=r["domicile"] or "", established_on=_as_date(r["established_on"]),
               rank=int(r["rank"]), keyset=(int(r["rank"]), r["sort_key"] or "", r["id"]))
        for r in rows[:limit]
    )
    next_after = items[-1].keyset if len(rows) > limit and items else None
    return SearchPage(query=query, items=items, total=total, next_after=next_after)


def count_organizations(ctx: ServiceContext, query: str) -> int:
    """Organizations matching ``query``, counted up to COUNT_CAP: the search screen shows
    the first page first (``with_count=False``) and the count when this returns (a phrase
    of common characters can take tens of milliseconds to count at a million
    organizations, much longer than its first page)."""
    ctx.permit("search.read")
    parsed = index.parse_query(query)
    with ctx.db.read() as s:
        return index.count(s, parsed, COUNT_CAP)


@dataclass(frozen=True)
class ApplicationHit:
    """An application or draft found by number, proposed name or applicant."""

    id: str
    number: str | None
    kind: str
    status: str
    name: str
    applicant: str
    organization_id: str | None
    updated_at: object


APPLICATION_LIMIT = 20


def search_applications(ctx: ServiceContext, query: str, *,
                        limit: int = APPLICATION_LIMIT) -> tuple[ApplicationHit, ...]:
    """The office's applications (drafts included) whose number, proposed name or
    applicant contains ``query``: read through the term index
    (storage.application_search), then the rows by primary key; newest change first.
    Empty for a role that may not read applications."""
    import json

    from sqlmodel import col, select

    from mca_tui.services.errors import PermissionDenied
    from mca_tui.storage import application_search
    from mca_tui.storage.models import Application, Organization

    try:
        ctx.permit("application.read")
    except PermissionDenied:
        return ()
    q = application_search.fragment(query)
    if not q:
        return ()
    with ctx.db.read() as s:
        ids = application_search.matching_ids(s, ctx.actor.office_id, q, limit)
        if not ids:
            return ()
        apps = list(s.exec(select(Application).where(col(Application.id).in_(ids))))
        org_ids = {a.organization_id for a in apps if a.organization_id}
        orgs = {o.id: o.name for o in s.exec(select(Organization).where(
            col(Organization.id).in_(org_ids)))} if org_ids else {}
    out = []
    for a in apps:
        try:
            form = json.loads(a.form_json or "{}")
        except ValueError:
            form = {}
        name = str(form.get("name") or "") or orgs.get(a.organization_id or "", "")
        applicant = str(form.get("legal_rep_name") or form.get("applicant") or "")
        out.append(ApplicationHit(id=a.id, number=a.number, kind=a.kind, status=a.status,
                                  name=name, applicant=applicant,
                                  organization_id=a.organization_id, updated_at=a.updated_at))
    out.sort(key=lambda h: (str(h.updated_at), h.id), reverse=True)
    return tuple(out)
