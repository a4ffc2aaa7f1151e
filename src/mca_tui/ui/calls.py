"""Calling services from screens — the one way every screen does it.

``self.call_service(fn, *args, then=..., failed=..., group=...)`` runs ``fn`` in a thread
worker (no database call on the event loop) and posts a typed message back to the node
that asked: :class:`ServiceSucceeded` with the result, or :class:`ServiceFailed` with a
plain message in the UI language (the service's own message for a ``ServiceError``; for
anything else a plain sentence — never an exception type name or SQL text — with the
details in the log). The node's handler then calls ``then(result)`` or ``failed(message)``
(or ``on_error(exc)`` for a ``ServiceError`` when the screen needs its details, e.g. the
findings of a ``NotReady``). Without ``failed`` the message is shown as a notification.
A failed call never closes the screen or drops what the clerk typed. A result that comes
back after its screen closed is dropped.
"""

from __future__ import annotations

import inspect
import itertools
import logging
import threading
from collections.abc import Callable
from typing import Any

from textual.dom import DOMNode
from textual.message import Message

from mca_tui.i18n import t
from mca_tui.services.errors import ServiceError

log = logging.getLogger("mca_tui.ui")

_ids = itertools.count(1)


class ServiceSucceeded(Message, bubble=False):
    """A service call returned ``result``."""

    def __init__(self, call_id: int, group: tuple[str, str], result: Any) -> None:
        super().__init__()
        self.call_id, self.group, self.result = call_id, group, result


class ServiceFailed(Message, bubble=False):
    """A service call failed: ``message`` is what the clerk reads; ``error`` is the
    ``ServiceError`` (None for an unexpected error, which is logged)."""

    def __init__(self, call_id: int, group: tuple[str, str], message: str,
                 error: ServiceError | None) -> None:
        super().__init__()
        self.call_id, self.group, self.message, self.error = call_id, group, message, error


def plain_message(exc: BaseException) -> str:
    """What the clerk reads for an exception: the service's message, or a plain sentence
    (a busy database says so; anything else points to the log)."""
    if isinstance(exc, ServiceError):
        return exc.message()
    text = str(exc).lower()
    if "database is locked" in text or "database is busy" in text:
        return t("ui.error.busy")
    return t("ui.error.unexpected_plain")


# Calls started as a node closes (the intake form's last draft save when the screen or
# the app closes): each runs in its own non-daemon thread, never on the event loop; the
# process waits for them before it exits or restarts (run_app), and every later service
# call waits for them first, so a screen opened next reads what they wrote.
_closing: set[threading.Thread] = set()
_closing_lock = threading.Lock()


def call_on_close(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> threading.Thread:
    """Run ``fn(*args, **kwargs)`` off the event loop although its node is closing (a
    Textual worker would be cancelled with it); a failure is logged (nobody is left to
    read it). :func:`wait_for_closing_calls` waits for it."""

    def runner() -> None:
        try:
            fn(*args, **kwargs)
        except Exception:  # noqa: BLE001 - closing: log, never crash the exit
            log.exception("call on close %s failed", getattr(fn, "__name__", fn))
        finally:
            with _closing_lock:
                _closing.discard(thread)

    thread = threading.Thread(target=runner, name="mca-closing-call", daemon=False)
    with _closing_lock:
        _closing.add(thread)
    thread.start()
    return thread


def wait_for_closing_calls(timeout: float = 30.0) -> bool:
    """Wait (bounded) until every call started on close has ended; True if none is left."""
    with _closing_lock:
        pending = [th for th in _closing if th is not threading.current_thread()]
    for th in pending:
        th.join(timeout)
    with _closing_lock:
        return not any(th.is_alive() for th in _closing)


class ServiceCalls:
    """Mixin for screens, widgets and the app (before the Textual base class)."""

    _service_pending: dict[int, tuple[Any, Any, Any]]
    _service_latest: dict[str, int]  # exclusive group -> its latest call

    def call_service(self: Any, fn: Callable[..., Any], *args: Any,
                     then: Callable[[Any], Any] | None = None,
                     failed: Callable[[str], Any] | None = None,
                     on_error: Callable[[ServiceError], Any] | None = None,
                     group: str = "service", exclusive: bool = False, **kwargs: Any) -> int:
        """Run ``fn(*args, **kwargs)`` in a thread worker; returns the call's id."""
        node: DOMNode = self
        call_id = next(_ids)
        pending = getattr(self, "_service_pending", None)
        if pending is None:
            pending = self._service_pending = {}
        pending[call_id] = (then, failed, on_error)
        if exclusive:
            # only the latest call of an exclusive group is shown: a thread worker that the
            # newer call "cancelled" still runs to its end, and its older result (a list
            # read before a write committed) must not replace the newer one
            latest: dict[str, int] | None = getattr(self, "_service_latest", None)
            if latest is None:
                latest = self._service_latest = {}
            latest[group] = call_id
            message_group = (group, "exclusive")
        else:
            message_group = (group, "")

        def runner() -> None:
            wait_for_closing_calls()  # read what a closing form saved last
            try:
                result = fn(*args, **kwargs)
            except ServiceError as exc:
                node.post_message(ServiceFailed(call_id, message_group, exc.message(), exc))
                return
            except Exception as exc:  # noqa: BLE001 - shown to the clerk plainly, logged
                log.exception("service call %s failed", getattr(fn, "__name__", fn))
                node.post_message(ServiceFailed(call_id, message_group, plain_message(exc), None))
                return
            node.post_message(ServiceSucceeded(call_id, message_group, result))

        node.run_worker(runner, thread=True, exit_on_error=False, group=group,
                        exclusive=exclusive)
        return call_id

    def _superseded(self: Any, message: ServiceSucceeded | ServiceFailed) -> bool:
        """An exclusive call, and a newer call of its group was started after it."""
        group, exclusive = message.group
        latest = getattr(self, "_service_latest", None) or {}
        return bool(exclusive) and latest.get(group, message.call_id) != message.call_id

    async def on_service_succeeded(self: Any, message: ServiceSucceeded) -> None:
        message.stop()
        then, _failed, _on_error = (getattr(self, "_service_pending", None) or {}).pop(
            message.call_id, (None, None, None))
        if then is not None and not self._superseded(message):
            outcome = then(message.result)
            if inspect.isawaitable(outcome):
                await outcome

    async def on_service_failed(self: Any, message: ServiceFailed) -> None:
        message.stop()
        _then, failed, on_error = (getattr(self, "_service_pending", None) or {}).pop(
            message.call_id, (None, None, None))
        if self._superseded(message):
            return  # (a newer call of the group says what is true now)
        if on_error is not None and message.error is not None:
            outcome = on_error(message.error)
        elif failed is not None:
            outcome = failed(message.message)
        else:
            outcome = self.app.notify(message.message, severity="error", markup=False,
                                      timeout=8)
        if inspect.isawaitable(outcome):
            await outcome


def stale(shown: Any, arrived: Any) -> bool:
    """``arrived`` is an older state of the record ``shown`` (same id, lower version): a
    page's refresh, started when a dialog closed, read the record before the write the
    dialog asked for committed, and came back after that write's result. Showing it
    would undo on screen what was just done (and offer the action again)."""
    return (shown is not None and arrived is not None
            and getattr(shown, "id", None) == getattr(arrived, "id", object())
            and getattr(arrived, "version", 0) < getattr(shown, "version", 0))
