"""The demo registry (演示数据库) opened by ``mca-tui --demo``.

Deterministic (fixed seed) and written only through the services: the users through
``services.users`` and the register through the ledger import. The full registry is
built in a later step; for now the demo users exist so the sign-in screen can show them.
"""

from __future__ import annotations

from mca_tui.config import Settings
from mca_tui.storage.engine import Database

# (username, display name, password, roles). Shown on the sign-in screen of the demo.
DEMO_USERS: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("clerk", "陈晓燕", "demo-clerk-1", ("clerk",)),
    ("clerk2", "林志伟", "demo-clerk-2", ("clerk",)),
    ("reviewer", "黄丽芳", "demo-reviewer", ("reviewer",)),
    ("approver", "郑建国", "demo-approver", ("approver",)),
    ("enforcer", "王海涛", "demo-enforcer", ("enforcement",)),
    ("admin", "李明辉", "demo-admin-1", ("admin",)),
]


def ensure_demo(db: Database, settings: Settings) -> None:
    """Create the demo registry if the database has no users yet (idempotent)."""
    from mca_tui.services import users
    from mca_tui.services.context import cli_context

    if users.has_users(db):
        return
    ctx = cli_context(db, settings)
    for username, display, password, roles in DEMO_USERS:
        users.add_user(ctx, username, display, password, list(roles))
