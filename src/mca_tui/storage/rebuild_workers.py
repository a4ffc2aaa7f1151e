"""Workers that compute search-index documents while the rebuilding connection writes them
(``sqlite_search_write.rebuild_index``, ``postgres_search.rebuild_index``).

Computing a document is Python (pinyin, tokens): at a million organizations about a
minute of CPU. When a second core is idle (:func:`second_core`) it runs beside the writes:
in worker PROCESSES for a large registry (a thread shares the interpreter lock with the
thread that writes), else in one worker thread; on a busy machine in place. A worker
process costs its start (about 0.3 s and 100 MB: the pinyin dictionaries).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

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


@contextmanager
def pool(use_processes: bool) -> Iterator[Any]:
    """An executor (:func:`make`, for this machine's load) for the time of a load; a worker
    process that cannot start or dies is raised as :class:`NoProcess` (the caller runs
    the load again without: :func:`with_fallback`)."""
    executor = make(second_core(), use_processes)
    try:
        with executor:
            yield executor
    except (BrokenProcessPool, OSError) as exc:
        if isinstance(executor, ProcessPoolExecutor):
            raise NoProcess(repr(exc)) from exc
        raise


def in_order(executor: Any, fn: Callable[[T], R], chunks: Iterable[T]) -> Iterator[R]:  # noqa: ANN401
    """``fn`` of each chunk, in the chunks' order, computed by ``executor``: as many chunks
    ahead as it has workers (one more waits), so that the workers compute while the
    caller writes the result before. The chunks are drawn only as they are submitted."""
    depth = PROCESSES if isinstance(executor, ProcessPoolExecutor) else 1
    pending: deque[Future[R]] = deque()
    source = iter(chunks)
    more = True
    while more or pending:
        while more and len(pending) <= depth:
            chunk = next(source, None)
            if chunk is None:
                more = False
            else:
                pending.append(executor.submit(fn, chunk))
        if pending:
            yield pending.popleft().result()


def with_fallback(load: Callable[[bool], T], use_processes: bool) -> T:
    """``load(use_processes)``; if its worker processes could not start or died, the whole
    load again without them (``load`` starts from nothing each time)."""
    try:
        return load(use_processes)
    except NoProcess as exc:
        log.warning("search index rebuild without a worker process: %s", exc)
        return load(False)
