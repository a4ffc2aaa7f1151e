"""What every table module shares (``storage.models``, ``storage.models_summary``): the
metadata with its naming convention, the id default and the time of a write."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import MetaData
from sqlmodel import SQLModel

from mca_tui.storage.ids import new_id

# A naming convention makes constraint names deterministic, which Alembic's batch
# mode on SQLite needs to drop or alter them.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


def _id() -> str:
    return new_id()


def utcnow() -> datetime:
    """Aware UTC to the millisecond (SQLModel's UTCDateTime stores UTC; the UI shows
    local time)."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)
