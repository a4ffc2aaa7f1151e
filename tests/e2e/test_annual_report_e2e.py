"""End to end: the INSTALLED ``mca-tui --demo`` in tmux at 80x24. A clerk opens 年度报告
from the palette (pinyin initials), opens the first overdue organization, records its
report with F9 and quits; a reviewer signs in, finds that report first in the list and
concludes it (通过, report mode) with F9. Keyboard only."""

from __future__ import annotations

import os
import subprocess
import time
import uuid

import pytest

from .test_shell_e2e import TMUX, Terminal, installed_command

pytestmark = pytest.mark.e2e


class Session:
    def __init__(self, home: str, command: str) -> None:
        self.home, self.command = home, command
        self.socket = f"mca-report-{uuid.uuid4().hex[:8]}"

    def start(self) -> Terminal:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MCA_TUI")}
        env["MCA_TUI_HOME"] = self.home
        env["TERM"] = "xterm-256color"
        subprocess.run([TMUX, "-L", self.socket, "new-session", "-d", "-s", "report", "-x",
                        "80", "-y", "24", f"{self.command} --demo"], check=True, env=env)
        return Terminal(self.socket, "report")

    def stop(self) -> None:
        subprocess.run([TMUX, "-L", self.socket, "kill-server"], check=False,
                       capture_output=True)


@pytest.fixture
def sessions(demo_home):
    """Starts ``mca-tui --demo`` in tmux on this test's copy of the demo home, once per
    call (each on its own tmux server socket); all are stopped at the end."""
    if TMUX is None:
        pytest.skip("tmux is not installed")
    command = installed_command()
    if command is None:
        pytest.skip("mca-tui is not installed")
    made: list[Session] = []

    def make() -> Terminal:
        s = Session(str(demo_home), command)
        made.append(s)
        return s.start()

    yield make
    for s in made:
        s.stop()


def _quit(term: Terminal) -> None:
    term.keys("C-q")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if subprocess.run([*term.base, "has-session", "-t", term.session],
                          capture_output=True).returncode != 0:
            return
        time.sleep(0.1)
    raise AssertionError("mca-tui did not quit on Ctrl+Q")


def _open_reports(term: Terminal) -> str:
    term.keys("C-p")
    term.wait_for("办理事项", timeout=15)  # the palette lists the procedures
    term.text("ndbg")  # the pinyin initials of 年度报告
    term.wait_for("查询「ndbg」")  # the hits are in: 年度报告 first
    term.keys("Enter")
    return term.wait_for("年度 年度报告")


def test_clerk_records_a_report_and_a_reviewer_concludes_it(sessions):
    term = sessions()
    term.wait_for("请输入用户名和密码", timeout=60)  # demo registry opened
    term.text("clerk\tdemo-clerk-1\r")
    term.wait_for("待办事项")
    _open_reports(term)
    term.wait_for("逾期未报")  # the list is read: overdue first
    term.keys("Enter")  # the first row: an overdue organization
    page = term.wait_for("报送期限")
    title = page.splitlines()[0].strip(" ▊▎")
    name = title.split(" — ")[0].strip()
    assert name and "接收日期" in page
    term.keys("F9")
    term.wait_for("已接收")
    _quit(term)

    term = sessions()
    term.wait_for("请输入用户名和密码", timeout=30)
    term.text("reviewer\tdemo-reviewer\r")
    term.wait_for("待办事项")
    _open_reports(term)
    # received, waiting for the conclusion: among the first rows (with the demo's own)
    listing = term.wait_for(name)
    rows = [line for line in listing.splitlines()[2:] if "20" in line]
    index = next(i for i, line in enumerate(rows) if name in line)
    assert all("逾期未报" not in line for line in rows[:index + 1]), listing
    if index:
        term.keys(*["Down"] * index)
    term.keys("Enter")
    page = term.wait_for("办理状态：已接收")
    assert name in page and "作出结论" in page
    term.keys("Enter")  # open the conclusion list
    term.wait_for("退回")
    term.keys("Down", "Enter")  # 通过
    term.wait_until(lambda text: any(line.startswith(" 结论 ") and "通过" in line
                                     for line in text.splitlines()), "通过 chosen")
    term.keys("F9")
    done = term.wait_for("已作结论")
    assert "通过" in done
    _quit(term)
