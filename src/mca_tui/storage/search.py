"""Search index of organizations (filled in by the clerk-shell issue: one-character
tokens for Chinese substrings, pinyin initials). For now it keeps the sort key."""

from __future__ import annotations

from sqlmodel import Session

from mca_tui.storage.models import Organization


def index_organization(session: Session, org: Organization) -> None:
    org.name_sort_key = org.name
