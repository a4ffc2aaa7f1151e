"""Who performs an operation: a signed-in user or the operating-system user of a CLI run."""

from __future__ import annotations

from dataclasses import dataclass, field

from mca_tui.domain.enums import Role


@dataclass(frozen=True)
class Actor:
    kind: str  # "user" (signed in) | "os" (command line: the OS account of the process)
    name: str  # user name, or the operating-system login
    display_name: str
    office_id: str
    office_code: str
    user_id: str | None = None
    roles: frozenset[Role] = field(default_factory=frozenset)

    def has(self, *roles: Role) -> bool:
        """True if the actor holds any of ``roles``. The OS account that owns the
        registry file is given every role (``services.context.os_actor``); another OS
        account holds none until it signs in."""
        return any(r in self.roles for r in roles)
