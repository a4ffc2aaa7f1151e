"""Fixtures of the end-to-end tests: a demo registry built once per test run and copied
into each test's own MCA_TUI_HOME.

Building the demo takes 10-20 s on a loaded 2-core machine; only the first-start test
(test_intake_e2e: credentials typed while the demo is being created) needs to see it
built. The others start ``mca-tui --demo`` on a copy of a demo home built once by the
installed command (``mca-tui --demo stats``, which creates the demo when it is missing).
Under pytest-xdist the build is shared by all workers: the first worker builds it under
a file lock in the run's common temporary folder, the others wait for it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .test_shell_e2e import TMUX, installed_command


def _clean_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MCA_TUI")}
    env["MCA_TUI_HOME"] = str(home)
    return env


@pytest.fixture(scope="session")
def demo_home_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A MCA_TUI_HOME holding the demo registry, built once for the whole run."""
    if TMUX is None or sys.platform == "win32":
        pytest.skip("tmux is not installed")
    command = installed_command()
    if command is None:
        pytest.skip("mca-tui is not installed")
    import fcntl

    # the folder every xdist worker of this run shares (the basetemp's parent when
    # running under xdist, the basetemp itself otherwise)
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    home = shared / "e2e-demo-home"
    done = shared / "e2e-demo-home.done"
    with open(shared / "e2e-demo-home.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if not done.exists():
            shutil.rmtree(home, ignore_errors=True)
            proc = subprocess.run([command, "--demo", "stats", "--year", "2022", "--json"],
                                  env=_clean_env(home), capture_output=True, text=True,
                                  timeout=300, check=False)
            assert proc.returncode == 0, f"building the demo failed:\n{proc.stderr}"
            done.write_text("ok")
    return home


@pytest.fixture
def demo_home(tmp_path: Path, demo_home_template: Path) -> Path:
    """This test's own MCA_TUI_HOME: a copy of the demo home (registry, keys, settings)."""
    home = tmp_path / "home"
    shutil.copytree(demo_home_template, home)
    return home
