"""Search terms of applications (drafts included) for the F3 search box: an
application is found by a fragment of its application number (受理号), proposed name or
applicant (the legal representative typed on the form).

Each of those texts is normalized (storage.search_tokens.chars: NFKC, case-folded,
letters/digits/Han only) and every suffix of it is stored as one row of
``application_term``; a fragment then matches as the prefix range
``term >= q AND term < q + U+10FFFF`` on the index ``(office_id, term)``: any substring
of any length, read from the index alone, on SQLite and PostgreSQL alike.

The rows are derived: an ``after_flush`` listener rewrites them for every application
the flush inserted or changed, with Core statements on the flush's connection (so they
are not audited changes of their own, and they commit or roll back with the write)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, event, insert, select
from sqlalchemy.orm import Session

from mca_tui.storage.models import Application
from mca_tui.storage.models_summary import ApplicationTerm
from mca_tui.storage.search_tokens import chars

FORM_FIELDS = ("name", "legal_rep_name", "applicant")
MAX_TERM = 200
TOP = "\U0010ffff"


def terms_of(number: str | None, form_json: str | None) -> set[str]:
    """Every suffix of the normalized number, proposed name and applicant."""
    try:
        form: dict[str, Any] = json.loads(form_json or "{}")
    except ValueError:
        form = {}
    if not isinstance(form, dict):
        form = {}
    texts = [number or ""] + [str(form.get(k) or "") for k in FORM_FIELDS]
    out: set[str] = set()
    for text in texts:
        c = chars(text)[:MAX_TERM]
        out.update(c[i:] for i in range(len(c)))
    return out


def fragment(query: str) -> str:
    """The normalized form of a typed fragment ('' when nothing searchable is left)."""
    return chars(query)[:MAX_TERM]


def term_range(q: str) -> tuple[str, str]:
    return q, q + TOP


def rows_for(app_id: str, office_id: str, number: str | None,
             form_json: str | None) -> list[dict[str, str]]:
    return [{"application_id": app_id, "office_id": office_id, "term": t}
            for t in sorted(terms_of(number, form_json))]


@event.listens_for(Session, "after_flush")
def _refresh_terms(session: Session, _flush_context: object) -> None:
    written = [o for o in (*session.new, *session.dirty) if isinstance(o, Application)]
    gone = [o.id for o in session.deleted if isinstance(o, Application)]
    if not written and not gone:
        return
    table = ApplicationTerm.__table__  # type: ignore[attr-defined]
    conn = session.connection()
    ids = [o.id for o in written] + gone
    conn.execute(delete(table).where(table.c.application_id.in_(ids)))
    rows = [r for o in written for r in rows_for(o.id, o.office_id, o.number, o.form_json)]
    if rows:
        conn.execute(insert(table), rows)


def matching_ids(session: Session, office_id: str, q: str, limit: int) -> list[str]:
    """Ids of the office's applications having a term that starts with ``q``."""
    table = ApplicationTerm.__table__  # type: ignore[attr-defined]
    low, high = term_range(q)
    stmt = (select(table.c.application_id).distinct()
            .where(table.c.office_id == office_id, table.c.term >= low, table.c.term < high)
            .limit(limit))
    return [r[0] for r in session.connection().execute(stmt)]
