"""End-to-end tests drive the real program in tmux, where a loaded machine (CI has two
cores) can delay a repaint past a wait. Each may run up to twice more before it counts
as failed: a real defect fails all three runs, a timing hiccup does not sink the build."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("e2e") and not item.get_closest_marker("flaky"):
            item.add_marker(pytest.mark.flaky(reruns=2, reruns_delay=2))
