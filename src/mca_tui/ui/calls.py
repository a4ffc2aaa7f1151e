"""Calling services from screens: every service call runs in a thread worker; the result
(or the error message) comes back on the UI thread. A failed call shows its message and
never closes the screen or drops what the clerk typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.dom import DOMNode

from mca_tui.i18n import t
from mca_tui.services.errors import ServiceError


class ServiceCalls:
    """Mixin for screens and widgets: ``self.call_service(fn, *args, then=..., group=...)``."""

    def call_service(self: DOMNode, fn: Callable[..., Any], *args: Any,
                     then: Callable[[Any], None] | None = None,
                     failed: Callable[[str], None] | None = None,
                     group: str = "service", exclusive: bool = False, **kwargs: Any) -> None:
        self._service_worker(fn, args, kwargs, then, failed, group, exclusive)

    def _service_worker(self: DOMNode, fn, args, kwargs, then, failed, group,  # noqa: ANN001
                        exclusive) -> None:
        node = self

        def runner() -> None:
            try:
                result = fn(*args, **kwargs)
            except ServiceError as exc:
                message = exc.message()
                node.app.call_from_thread(_report, node, message, failed)
                return
            except Exception as exc:  # noqa: BLE001 - shown to the clerk, logged
                import logging

                logging.getLogger("mca_tui.ui").exception("service call failed")
                message = t("ui.error.unexpected", error=type(exc).__name__)
                node.app.call_from_thread(_report, node, message, failed)
                return
            if then is not None:
                node.app.call_from_thread(then, result)

        node.run_worker(runner, thread=True, exit_on_error=False, group=group,
                        exclusive=exclusive)


def _report(node: DOMNode, message: str, failed: Callable[[str], None] | None) -> None:
    if failed is not None:
        failed(message)
    else:
        node.app.notify(message, severity="error", markup=False, timeout=8)
