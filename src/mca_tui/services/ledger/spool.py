"""The ledger import's spool: the rows to write, held in temporary files between the check
of the whole file and the writing (``services.ledger_import``)."""

from __future__ import annotations

import pickle
import tempfile
import zlib
from collections.abc import Iterator
from typing import Any


class Spool:
    """The rows to write, kept in temporary files between the check of the whole file and
    the writing, so that memory stays flat whatever the size of the file. The files are
    unlinked when created (they hold ID numbers) and closed at the end.

    The check adds rows in file order (``add``); :meth:`parts` gives them back grouped by
    organization (its row, then its reports, then its records), cut into parts of
    ``size`` rows, so that an organization's dormancy summary is refreshed by one part
    rather than once per sheet, and an organization is always written before (or with)
    its reports. The organizations of the file keep their file order (``order``: code ->
    position of its row), so a part's new organizations are neighbours in the file, as
    before streaming (the search index numbers a run of new rows with few statements).
    Grouping without holding the file: rows are first distributed into buckets
    (consecutive organizations of the file; organizations on record that only get
    reports or records by a hash of the code), written to a second file in blocks, then
    each bucket (about ``size`` rows) is read back and put in that order (the file's
    organizations first, then the others by code)."""

    BLOCK = 256  # rows pickled together into a bucket
    HELD = 8_000  # rows held in bucket buffers before all are written out

    def __init__(self) -> None:
        self.files: list[Any] = []
        self.blocks = 0
        self.rows = 0

    def _file(self) -> Any:  # noqa: ANN401 - a binary temporary file
        f = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        self.files.append(f)
        return f

    def add(self, rows: list[tuple[str, Any]]) -> None:
        if not rows:
            return
        if not self.files:
            self._file()
        pickle.dump(rows, self.files[0], protocol=pickle.HIGHEST_PROTOCOL)
        self.blocks += 1
        self.rows += len(rows)

    def _in_order(self) -> Iterator[tuple[str, Any]]:
        if not self.files:
            return
        f = self.files[0]
        f.seek(0)
        for _ in range(self.blocks):
            yield from pickle.load(f)

    def count(self, size: int) -> int:
        """The number of parts :meth:`parts` gives."""
        return -(-self.rows // size)

    def parts(self, size: int, order: dict[str, int]) -> Iterator[list[tuple[str, Any]]]:
        if self.rows <= size:
            rows = list(self._in_order())
            if rows:
                yield rows
            return
        n = self.count(size)
        known = max(1, len(order))

        def bucket(uscc: str) -> int:
            at = order.get(uscc)
            return at * n // known if at is not None else zlib.crc32(uscc.encode()) % n

        def place(item: tuple[str, Any]) -> tuple[int, int, str]:
            at = order.get(item[1].uscc)
            return (0, at, "") if at is not None else (1, 0, item[1].uscc)
        out = self._file()
        index: list[list[int]] = [[] for _ in range(n)]
        buffers: list[list[tuple[str, Any]]] = [[] for _ in range(n)]
        held = 0

        def write(k: int) -> None:
            index[k].append(out.tell())
            pickle.dump(buffers[k], out, protocol=pickle.HIGHEST_PROTOCOL)
            buffers[k] = []

        for item in self._in_order():
            k = bucket(item[1].uscc)
            buffers[k].append(item)
            held += 1
            if len(buffers[k]) >= self.BLOCK:
                held -= len(buffers[k])
                write(k)
            elif held >= self.HELD:
                for j in range(n):
                    if buffers[j]:
                        write(j)
                held = 0
        for j in range(n):
            if buffers[j]:
                write(j)
        part: list[tuple[str, Any]] = []
        for k in range(n):
            held_rows: list[tuple[str, Any]] = []
            for offset in index[k]:
                out.seek(offset)
                held_rows += pickle.load(out)
            held_rows.sort(key=place)  # stable: an organization's sheets stay in order
            for item in held_rows:
                part.append(item)
                if len(part) == size:
                    yield part
                    part = []
        if part:
            yield part

    def close(self) -> None:
        for f in self.files:
            f.close()
