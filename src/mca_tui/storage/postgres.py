"""PostgreSQL-specific engine set-up (a shared registry on a server; README).

Writers are not serialised as on SQLite: transactions run at READ COMMITTED and every
read-then-write of a shared number locks its row (``SELECT ... FOR UPDATE``: code
counters in services.codes, the audit-chain head in storage.audit) or is backed by a
unique constraint (names, codes, document numbers), so two offices writing at once never
share a number. The search index is ``storage.postgres_search``.
"""

from __future__ import annotations

from typing import Any

# Seconds a statement may wait for a row lock held by another office before failing
# with a plain "busy" error instead of hanging the clerk's screen.
LOCK_TIMEOUT_S = 15


def engine_options() -> dict[str, Any]:
    """``create_engine`` options for a server database."""
    return {
        "pool_pre_ping": True,  # a server restarted overnight: reconnect, do not fail
        "pool_size": 5,
        "max_overflow": 5,
        "connect_args": {
            "connect_timeout": 10,
            "application_name": "mca-tui",
            "options": f"-c lock_timeout={LOCK_TIMEOUT_S * 1000} -c timezone=UTC",
        },
    }
