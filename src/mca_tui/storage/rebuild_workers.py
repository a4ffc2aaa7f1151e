"""Workers that compute search-index documents while the rebuilding connection writes them
(``sqlite_search_write.rebuild_index``, ``postgres_search.rebuild_index``).

Computing a document is Python (pinyin, tokens): at a million organizations about a
minute of CPU. When a second core is idle (:func:`second_core`) it runs beside the writes:
in worker PROCESSES for a large registry (a thread shares the interpreter lock with the
thread that writes), else in one worker thread; on a busy machine in place. A worker
process costs its start (about 0.3 s and 100 MB: the pinyin dictionaries).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

# Worker processes: one computed 1M SQLite documents in 55 s while the writer wrote them
# in 28 s (60.2 s in all); two share the second core with the writer.
PROCESSES = 2


class NoProcess(Exception):
    """The worker process could not be started or died: the rebuild runs again without."""


class InPlace:
    """An executor that runs each task when it is submitted (no worker thread)."""

    def __enter__(self) -> InPlace:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        done: Future[Any] = Future()
        done.set_result(fn(*args))
        return done


def second_core() -> bool:
    """A second core is idle (load average below the number of cores less one): then a
    worker computes the documents while the database writes. On a busy machine the two
    only take turns, and measured 5-10 % slower than one: the chunks are then computed
    in place."""
    cores = os.cpu_count() or 1
    loadavg = getattr(os, "getloadavg", None)  # (not on Windows)
    if cores < 2 or loadavg is None:
        return False
    try:
        return bool(loadavg()[0] < cores - 1)
    except OSError:
        return False


def make(idle: bool, use_processes: bool) -> Any:  # noqa: ANN401 - an executor
    """An executor: in place unless ``idle`` (a second core is idle); worker processes
    when ``use_processes`` (a large registry), else one worker thread."""
    if not idle:
        return InPlace()
    if use_processes:
        try:
            # spawn, not fork: a forked child would inherit the open database connection
            # and whatever threads the app runs. (A spawned child imports the program's
            # main module again: mca-tui's entry points and the bench scripts guard theirs
            # with ``if __name__ == "__main__"``; where a child cannot start or dies, the
            # rebuild starts again with a thread: ``NoProcess``.)
            context = multiprocessing.get_context("spawn")
            return ProcessPoolExecutor(max_workers=PROCESSES, mp_context=context)
        except (OSError, ValueError) as exc:
            raise NoProcess(repr(exc)) from exc
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="reindex")
