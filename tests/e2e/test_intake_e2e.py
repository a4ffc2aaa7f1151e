"""End to end: the INSTALLED ``mca-tui --demo`` in tmux at 100x30. A clerk signs in, opens
成立登记 (Ctrl+N), types the intake in Chinese through the terminal, leaves a wrong ID
number and reads the message under the field, corrects it, ticks the materials and
accepts with F9; the acceptance notice is previewed and the application page shows the
number and the 60-day clock. Keyboard only."""

from __future__ import annotations

import os
import subprocess
import time
import uuid

import pytest

from .test_shell_e2e import TMUX, Terminal, installed_command

pytestmark = pytest.mark.e2e

REP_ID = "350205197303030018"  # valid check digit (synthetic)
REP_ID_WRONG = "350205197303030019"


@pytest.fixture
def terminal(tmp_path):
    if TMUX is None:
        pytest.skip("tmux is not installed")
    command = installed_command()
    if command is None:
        pytest.skip("mca-tui is not installed")
    socket = f"mca-intake-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MCA_TUI")}
    env["MCA_TUI_HOME"] = str(tmp_path / "home")
    env["TERM"] = "xterm-256color"
    subprocess.run([TMUX, "-L", socket, "new-session", "-d", "-s", "intake", "-x", "100",
                    "-y", "30", f"{command} --demo"], check=True, env=env)
    term = Terminal(socket, "intake")
    try:
        yield term
    finally:
        subprocess.run([TMUX, "-L", socket, "kill-server"], check=False, capture_output=True)


def type_field(term: Terminal, text: str) -> None:
    """Type into the focused field, see it on screen, then Tab to the next one and wait
    for the focus to move before the next keys arrive (a loaded machine is slow)."""
    term.text(text)
    term.wait_for(text, timeout=10)
    before = term.cursor()
    term.keys("Tab")
    term.wait_cursor_moves(before)
    time.sleep(0.1)


def test_clerk_types_an_intake_in_chinese_and_accepts_it(terminal):
    terminal.wait_for("请输入用户名和密码", timeout=60)
    terminal.text("clerk")
    terminal.keys("Enter")
    time.sleep(0.3)
    terminal.text("demo-clerk-1")
    terminal.keys("Enter")
    terminal.wait_for("待办事项")
    terminal.keys("C-n")
    terminal.wait_for("成立登记受理：社会团体")
    time.sleep(0.3)
    terminal.keys("Tab")  # from the type (社会团体) to the name
    time.sleep(0.15)
    type_field(terminal, "厦门市海沧区气排球协会")
    type_field(terminal, "厦门市海沧区海沧大道899号")
    terminal.keys("Enter")  # subdistrict: open the list, take the first
    time.sleep(0.3)
    terminal.keys("Down", "Enter")
    time.sleep(0.3)
    terminal.keys("Tab")
    type_field(terminal, "团结气排球爱好者，开展健身活动")
    type_field(terminal, "组织气排球健身活动、比赛和培训")
    type_field(terminal, "海沧区行政区域内")
    type_field(terminal, "3万")
    terminal.keys("Tab")  # registration route: keep 有业务主管单位
    time.sleep(0.15)
    type_field(terminal, "厦门市海沧区文化和旅游局")
    terminal.keys("Tab")  # not a charity
    time.sleep(0.15)
    type_field(terminal, "陈明")
    type_field(terminal, REP_ID_WRONG)
    screen = terminal.wait_for("身份证号有误")
    assert "校验码错误" in screen
    terminal.keys("BTab")  # back to the ID number
    time.sleep(0.4)
    terminal.keys("End")
    terminal.keys("C-u")
    terminal.wait_for("18位公民身份号码")  # emptied: the placeholder shows
    type_field(terminal, REP_ID)
    terminal.wait_for(REP_ID)
    deadline = time.monotonic() + 5
    while "身份证号有误" in terminal.screen() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "身份证号有误" not in terminal.screen()
    type_field(terminal, "13800001111")
    terminal.keys("Tab")  # organization phone: optional
    time.sleep(0.15)
    type_field(terminal, "60")
    type_field(terminal, "0")
    terminal.keys("Tab")  # received today
    time.sleep(0.15)
    for _ in range(9):  # three empty person rows (name, ID, title)
        terminal.keys("Tab")
        time.sleep(0.05)
    time.sleep(0.4)  # let the focus (and the scroll) reach the first checkbox
    materials = ("登记申请书", "业务主管单位的批准文件", "验资报告", "住所（场所）使用权证明",
                 "发起人和拟任负责人的基本情况、身份证明", "章程草案")
    for material in materials:  # the six materials of a social group, ticked in order
        terminal.keys("Space")
        screen = terminal.wait_for(f"已收到  {material}", timeout=10)
        terminal.keys("Tab")
        time.sleep(0.2)
    assert "未收到" not in screen
    terminal.keys("F9")
    notice = terminal.wait_for("受理通知书", timeout=20)
    assert "厦门市海沧区气排球协会" in notice
    terminal.keys("Escape")
    page = terminal.wait_for("60日内作出登记决定")
    assert "已受理" in page and "350205-" in page
    terminal.keys("C-q")
