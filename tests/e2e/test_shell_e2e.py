"""End to end: the INSTALLED ``mca-tui --demo`` in a real terminal (tmux, 100x30). Sign in,
type a Chinese query through the terminal, open the record, read the screen as text."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

TMUX = shutil.which("tmux")


def installed_command() -> str | None:
    beside = Path(sys.executable).parent / "mca-tui"
    if beside.exists():
        return str(beside)
    return shutil.which("mca-tui")


class Terminal:
    def __init__(self, socket: str, session: str) -> None:
        self.base = [TMUX, "-L", socket]
        self.session = session

    def run(self, *args: str) -> str:
        return subprocess.run([*self.base, *args], check=True, capture_output=True,
                              text=True).stdout

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", self.session, *keys)

    def text(self, chars: str) -> None:
        self.run("send-keys", "-t", self.session, "-l", chars)

    def screen(self) -> str:
        return self.run("capture-pane", "-t", self.session, "-p")

    def cursor(self) -> str:
        return self.run("display", "-p", "-t", self.session, "#{cursor_x},#{cursor_y}").strip()

    def wait_cursor_moves(self, before: str, timeout: float = 3.0) -> bool:
        """Wait until the terminal cursor leaves ``before`` (the focus moved to another
        text field); False on timeout (a field without a text cursor got the focus)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.cursor() != before:
                return True
            time.sleep(0.05)
        return False

    def wait_until(self, condition, what: str, timeout: float = 30.0) -> str:  # noqa: ANN001
        """Wait (bounded) until ``condition(screen text)`` holds."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.screen()
            if condition(text):
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}: not on screen after {timeout}s:\n{text}")
            time.sleep(0.05)

    def wait_for(self, needle: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            text = self.screen()
            if needle in text:
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"{needle!r} not on screen after {timeout}s:\n{text}")
            time.sleep(0.1)


@pytest.fixture
def terminal(demo_home):
    """``mca-tui --demo`` in tmux (its own server socket), on a copy of the demo home
    (tests/e2e/conftest.py: the demo is built once per run)."""
    if TMUX is None:
        pytest.skip("tmux is not installed")
    command = installed_command()
    if command is None:
        pytest.skip("mca-tui is not installed")
    socket = f"mca-e2e-{uuid.uuid4().hex[:8]}"
    session = "shell"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MCA_TUI")}
    env["MCA_TUI_HOME"] = str(demo_home)
    env["TERM"] = "xterm-256color"
    subprocess.run([TMUX, "-L", socket, "new-session", "-d", "-s", session, "-x", "100",
                    "-y", "30", f"{command} --demo"], check=True, env=env)
    term = Terminal(socket, session)
    try:
        yield term
    finally:
        subprocess.run([TMUX, "-L", socket, "kill-server"], check=False,
                       capture_output=True)


def test_sign_in_search_in_chinese_and_open_the_record(terminal):
    first = terminal.wait_for("用户名", timeout=15)
    assert "社会组织登记管理终端" in first and "演示账号" in first
    terminal.wait_for("请输入用户名和密码", timeout=60)  # demo registry opened
    terminal.text("clerk\tdemo-clerk-1\r")  # one piece: Tab moves before the password
    home = terminal.wait_for("待办事项")
    assert "陈晓燕" in home and "办理" in home
    terminal.keys("F3")
    terminal.wait_for("输入即查询")  # the search screen's own hint (the menu says 查询 too)
    terminal.text("海沧区")
    results = terminal.wait_for("个结果，已显示")
    lines = [line for line in results.splitlines() if "5" in line and "海沧区" in line
             and not line.strip(" ▊▎").startswith(("申请", "草稿"))]  # organizations
    assert lines, results
    name = lines[0].strip(" ▊▎").split()[0]
    assert name.startswith("海沧区")
    terminal.keys("Enter")  # Enter in the query box opens the first result
    record = terminal.wait_for("成立登记日期")  # shown once the record is read
    assert name in record and "登记事项" in record and "法定代表人" in record
    terminal.keys("C-Right")
    terminal.keys("C-Right")
    terminal.wait_for("年度报告（按年度）")
    terminal.keys("Escape")
    back = terminal.wait_for("个结果，已显示")
    assert "海沧区" in back
    terminal.keys("C-q")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if subprocess.run([*terminal.base, "has-session", "-t", terminal.session],
                          capture_output=True).returncode != 0:
            break
        time.sleep(0.1)
    else:
        raise AssertionError("mca-tui did not quit on Ctrl+Q")
