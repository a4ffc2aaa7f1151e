"""Assignment of new codes: the USCC of an approved registration and certificate serials.

A counter row is read and advanced inside the caller's write transaction (BEGIN
IMMEDIATE on SQLite), and ``organization.uscc`` is unique, so a code is never handed
out twice even by two clerks approving at the same moment.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from mca_tui.config import Settings
from mca_tui.domain.enums import OrgType
from mca_tui.domain.identifiers import build_uscc
from mca_tui.services.errors import ServiceError
from mca_tui.storage.models import CodeCounter, Organization


class CodePoolExhausted(ServiceError):
    key = "code.pool_exhausted"


def _locked_counter(session: Session, name: str, start: int) -> CodeCounter:
    """The counter row ``name``, locked for the rest of the transaction (SELECT ... FOR
    UPDATE; on SQLite the write transaction already holds the lock). The first use
    creates it in a savepoint: if a concurrent transaction created it first (a primary-key
    conflict, possible where writers are not serialised), the row is read again, locked."""
    counter = session.get(CodeCounter, name, with_for_update=True)
    if counter is not None:
        return counter
    try:
        with session.begin_nested():
            session.add(CodeCounter(name=name, last_value=start - 1))
    except IntegrityError:
        pass  # created meanwhile by another transaction: use that row
    counter = session.get(CodeCounter, name, with_for_update=True, populate_existing=True)
    assert counter is not None
    return counter


def next_value(session: Session, name: str, *, start: int = 1) -> int:
    """Advance and return the counter ``name`` (first value ``start``)."""
    counter = _locked_counter(session, name, start)
    counter.last_value += 1
    session.add(counter)
    session.flush()
    return counter.last_value


def bodies_in_use(session: Session, prefix: str = "") -> set[str]:
    """Every organization-code body (USCC positions 9-16) on the register that starts
    with ``prefix``: imported, legacy or issued codes, of any category and division, so
    that a new code never gives another organization's 主体标识码 (GB 32100-2015: positions
    9-17 identify exactly one organization; domain.md §11.1)."""
    body = func.substr(Organization.uscc, 9, 8)
    stmt = select(body).where(col(Organization.uscc).is_not(None))
    if prefix:
        stmt = stmt.where(func.substr(Organization.uscc, 9, len(prefix)) == prefix)
    return {b for b in session.exec(stmt).all() if b}


def assign_uscc(session: Session, settings: Settings, org_type: OrgType) -> str:
    """A new USCC: department 5 (民政), category from the type, the office's division,
    the next body from the configured pool, both check characters computed.

    The body (主体标识码) is never one already in use by any organization on the register,
    whatever its category or division (``bodies_in_use``): the pool skips them, so
    51350205MJ0000018G is never issued while 52350205MJ0000018D exists. Concurrent
    approvals are serialised by the pool's counter row, locked for the rest of the write
    transaction (BEGIN IMMEDIATE on SQLite, SELECT ... FOR UPDATE elsewhere), and
    ``organization.uscc`` is unique; the body set is read after taking the lock."""
    pool = settings.code_pool
    division = settings.office.division_code
    width = 8 - len(pool.prefix)
    name = f"uscc:{division}:{pool.prefix}"
    counter = _locked_counter(session, name, pool.first)
    used = bodies_in_use(session, pool.prefix)
    value = max(counter.last_value, pool.first - 1)
    while True:
        value += 1
        if value > pool.last or len(str(value)) > width:
            raise CodePoolExhausted(prefix=pool.prefix, last=pool.last)
        body8 = f"{pool.prefix}{value:0{width}d}"
        if body8 in used:
            continue
        code = build_uscc(org_type.uscc_category, division, body8)
        if session.exec(select(Organization.id).where(Organization.uscc == code)).first():
            continue  # belt and braces: the whole code is unique as well
        counter.last_value = value
        session.add(counter)
        session.flush()
        return code


def certificate_serials(session: Session, settings: Settings, year: int) -> tuple[str, str]:
    """正本 and 副本 serial numbers: division + year + 5-digit sequence, suffix Z/F."""
    seq = next_value(session, f"certificate:{settings.office.division_code}:{year}")
    base = f"{settings.office.division_code}{year}{seq:05d}"
    return f"{base}Z", f"{base}F"
