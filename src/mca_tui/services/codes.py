"""Assignment of new codes: the USCC of an approved registration and certificate serials.

A counter row is read and advanced inside the caller's write transaction (BEGIN
IMMEDIATE on SQLite), and ``organization.uscc`` is unique, so a code is never handed
out twice even by two clerks approving at the same moment.
"""

from __future__ import annotations

from sqlmodel import Session, select

from mca_tui.config import Settings
from mca_tui.domain.enums import OrgType
from mca_tui.domain.identifiers import build_uscc
from mca_tui.services.errors import ServiceError
from mca_tui.storage.models import CodeCounter, Organization


class CodePoolExhausted(ServiceError):
    key = "code.pool_exhausted"


def next_value(session: Session, name: str, *, start: int = 1) -> int:
    """Advance and return the counter ``name`` (first value ``start``)."""
    counter = session.get(CodeCounter, name, with_for_update=True)
    if counter is None:
        counter = CodeCounter(name=name, last_value=start - 1)
    counter.last_value += 1
    session.add(counter)
    session.flush()
    return counter.last_value


def assign_uscc(session: Session, settings: Settings, org_type: OrgType) -> str:
    """A new USCC: department 5 (民政), category from the type, the office's division,
    the next body from the configured pool, both check characters computed."""
    pool = settings.code_pool
    division = settings.office.division_code
    width = 8 - len(pool.prefix)
    name = f"uscc:{division}:{pool.prefix}"
    while True:
        value = next_value(session, name, start=pool.first)
        if value > pool.last or len(str(value)) > width:
            raise CodePoolExhausted(prefix=pool.prefix, last=pool.last)
        code = build_uscc(org_type.uscc_category, division, f"{pool.prefix}{value:0{width}d}")
        # A code may already exist (imported ledgers): skip it, never reuse it.
        if session.exec(select(Organization.id).where(Organization.uscc == code)).first() is None:
            return code


def certificate_serials(session: Session, settings: Settings, year: int) -> tuple[str, str]:
    """正本 and 副本 serial numbers: division + year + 5-digit sequence, suffix Z/F."""
    seq = next_value(session, f"certificate:{settings.office.division_code}:{year}")
    base = f"{settings.office.division_code}{year}{seq:05d}"
    return f"{base}Z", f"{base}F"
