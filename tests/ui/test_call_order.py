"""Results of service calls that come back out of order (ui.calls): of an exclusive group
only the latest call is shown, and a record's older version is never shown over a newer
one (issue 14: a page's refresh that read before a write committed came back after it)."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from textual.app import App

from mca_tui.ui.calls import ServiceCalls, stale

from .waiting import settled, wait_until


class Caller(ServiceCalls, App):
    def __init__(self) -> None:
        super().__init__()
        self.shown: list[str] = []
        self.errors: list[str] = []


async def test_an_older_call_of_an_exclusive_group_is_not_shown_after_a_newer_one():
    app = Caller()
    release, running = threading.Event(), threading.Semaphore(0)

    def slow() -> str:
        running.release()
        release.wait(10)
        return "older"

    def slow_failing() -> str:
        running.release()
        release.wait(10)
        raise RuntimeError("older failure")

    async with app.run_test() as pilot:
        for fn in (slow, slow_failing):  # each running (a worker not yet started is
            # simply cancelled by the next call of its group) before the next is made
            app.call_service(fn, then=app.shown.append, failed=app.errors.append,
                             group="list", exclusive=True)
            await wait_until(pilot, lambda: running.acquire(blocking=False))
        app.call_service(lambda: "newer", then=app.shown.append, failed=app.errors.append,
                         group="list", exclusive=True)
        await wait_until(pilot, lambda: app.shown == ["newer"])
        release.set()  # the older calls end now: their result and error come back last
        await settled(app, pilot)
        assert app.shown == ["newer"] and app.errors == []
        # calls of a group that is not exclusive are all shown, in the order they end
        app.call_service(lambda: "a", then=app.shown.append, group="each")
        await wait_until(pilot, lambda: app.shown[-1:] == ["a"])
        app.call_service(lambda: "b", then=app.shown.append, group="each")
        await settled(app, pilot)
        assert app.shown == ["newer", "a", "b"]


@dataclass
class Record:
    id: str
    version: int


def test_stale_is_an_older_version_of_the_same_record():
    shown = Record("a", 3)
    assert stale(shown, Record("a", 2))
    assert not stale(shown, Record("a", 3)) and not stale(shown, Record("a", 4))
    assert not stale(shown, Record("b", 1))  # another record
    assert not stale(None, Record("a", 1)) and not stale(shown, None)
