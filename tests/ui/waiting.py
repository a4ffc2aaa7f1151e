"""Bounded waits for Pilot tests: wait for what the screen shows, never a fixed time."""

from __future__ import annotations

import threading
import time
from contextlib import suppress

from textual.worker import WorkerCancelled


async def wait_until(pilot, condition, timeout: float = 20.0, step: float = 0.02) -> None:  # noqa: ANN001
    """Wait (bounded) until ``condition()`` holds: for what the screen shows, not a fixed
    sleep. Fails the test with the timeout if it never does. The bound is generous (a
    passing test never waits for it): a database write on a 2-core machine that runs
    the suite on two workers besides other work took more than 5 s."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if condition():
                return
        except Exception:  # noqa: BLE001 - the screen is still being built
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s\n{describe(pilot.app)}")
        await pilot.pause(step or None)


def late_reader(read, delay: float = 1.0):  # noqa: ANN001, ANN201
    """(``read`` made late, its switch): once the switch (a ``threading.Event``) is set, the
    wrapped call reads at once and returns ``delay`` seconds later, as a refresh that read
    a record before a write committed and came back after the write's own result."""
    switch = threading.Event()

    def wrapped(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        found = read(*args, **kwargs)  # read now ...
        if switch.is_set():
            time.sleep(delay)  # ... delivered late
        return found

    return wrapped, switch


def describe(app) -> str:  # noqa: ANN001
    """What the app was doing when a wait ran out (for the failure message of a test
    that fails once in many loaded runs): its screens, focus, workers, notifications and
    the threads of the process."""
    def safe(fn) -> str:  # noqa: ANN001
        try:
            return str(fn())
        except Exception as exc:  # noqa: BLE001 - a description never fails the description
            return f"<{type(exc).__name__}: {exc}>"

    return "\n".join([
        "screens: " + safe(lambda: [type(s).__name__ for s in app.screen_stack]),
        "focused: " + safe(lambda: repr(app.focused)),
        "workers: " + safe(lambda: [(w.name, w.group, w.state.name) for w in app.workers]),
        "notifications: " + safe(lambda: [n.message for n in app._notifications]),
        "threads: " + safe(lambda: sorted(t.name for t in threading.enumerate())),
    ])


async def settled(app, pilot, timeout: float = 30.0) -> None:  # noqa: ANN001
    """Wait (bounded) until the app is quiet: every worker has finished and the messages
    its end posted (a callback that may start the next worker, a screen to push) have
    been handled, twice in a row. A state, not a time: on a loaded machine it simply
    takes longer."""
    deadline = time.monotonic() + timeout
    quiet = 0
    while quiet < 2:
        # an exclusive worker replaced by a newer one ends cancelled: not an error
        with suppress(WorkerCancelled):
            await app.workers.wait_for_complete()
        await pilot.pause()  # the app and its screen handle what is queued
        busy = any(not worker.is_finished for worker in app.workers)
        quiet = 0 if busy else quiet + 1
        if time.monotonic() > deadline:
            raise AssertionError(f"the app still had running workers after {timeout} s")


def screen_lines(app) -> list[str]:  # noqa: ANN001
    """The text of the current screen, one string per terminal row (as a clerk reads it)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]
