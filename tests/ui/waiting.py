"""Bounded waits for Pilot tests: wait for what the screen shows, never a fixed time."""

from __future__ import annotations


async def wait_until(pilot, condition, timeout: float = 5.0, step: float = 0.02) -> None:  # noqa: ANN001
    """Wait (bounded) until ``condition()`` holds: for what the screen shows, not a fixed
    sleep. Fails the test with the timeout if it never does."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        try:
            if condition():
                return
        except Exception:  # noqa: BLE001 - the screen is still being built
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await pilot.pause(step or None)


def screen_lines(app) -> list[str]:  # noqa: ANN001
    """The text of the current screen, one string per terminal row (as a clerk reads it)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]
