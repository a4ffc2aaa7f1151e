"""Who performs an operation: a signed-in user or the operating-system user of a CLI run."""

from __future__ import annotations

from dataclasses import dataclass, field

from mca_tui.domain.enums import Role


@dataclass(frozen=True)
class Actor:
    kind: str  # "user" (signed in) | "os" (command line: whoever can write the file)
    name: str  # user name, or the operating-system login
    display_name: str
    office_id: str
    office_code: str
    user_id: str | None = None
    roles: frozenset[Role] = field(default_factory=frozenset)

    def has(self, *roles: Role) -> bool:
        """True if the actor holds any of ``roles``. The OS user of the command line
        administers the registry file and holds every role."""
        if self.kind == "os":
            return True
        return any(r in self.roles for r in roles)
