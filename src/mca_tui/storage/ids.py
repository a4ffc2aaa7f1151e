"""Globally unique, time-ordered record ids.

Records and audit events written by a district bureau and by its offline subdistrict
offices are later merged, so ids must never collide across databases. A UUIDv7-style
layout (48-bit millisecond time, then randomness) keeps them unique and makes new rows
land at the end of the primary-key index.
"""

from __future__ import annotations

import os
import threading
import time

_lock = threading.Lock()
_last_ms = 0
_counter = 0


def new_id() -> str:
    """A 32-hex-digit id: UUIDv7 layout with a per-millisecond counter for ordering."""
    global _last_ms, _counter
    with _lock:
        ms = time.time_ns() // 1_000_000
        if ms <= _last_ms:
            ms = _last_ms
            _counter += 1
        else:
            _counter = 0
        _last_ms = ms
        counter = _counter & 0xFFF
    rand = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = (ms << 80) | (0x7 << 76) | (counter << 64) | (0b10 << 62) | rand
    return f"{value:032x}"
