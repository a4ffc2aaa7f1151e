"""Screens that open one another by name.

A screen that leads on to another one (the intake form to the application page after
受理, the application page back to its form, the applications list to a 注销登记 file)
asks this registry for the screen by name instead of importing the other screen's
module, so that screens never import one another in a circle. The builders are
registered by :mod:`mca_tui.ui.routes` (imported with the ``mca_tui.ui`` package), the
one module that knows every screen.

Names in use: ``record`` (ctx, organization_id), ``application`` (ctx, application_id,
preview_latest=False), ``application_form`` (ctx, application info or summary: the form
that continues it), ``intake`` (ctx), ``deregistration`` (ctx, organization_id,
application_id=None).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.screen import Screen

ScreenBuilder = Callable[..., "Screen"]

_BUILDERS: dict[str, ScreenBuilder] = {}


def register(name: str, build: ScreenBuilder) -> None:
    """Register (or replace) the builder of the screen called ``name``."""
    _BUILDERS[name] = build


def screen(name: str, *args: Any, **kwargs: Any) -> Screen:
    """A new instance of the screen called ``name``, built with these arguments."""
    try:
        build = _BUILDERS[name]
    except KeyError:
        raise LookupError(f"no screen is registered as {name!r} (see mca_tui.ui.routes)") \
            from None
    return build(*args, **kwargs)


def names() -> tuple[str, ...]:
    """The registered screen names (for tests)."""
    return tuple(sorted(_BUILDERS))
