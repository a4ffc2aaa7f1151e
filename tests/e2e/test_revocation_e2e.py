"""End to end: the INSTALLED ``mca-tui --demo`` in tmux at 80x24. The approver signs in,
opens the revocation-case queue from the home screen, opens the demo's dormant
organization whose case is decided, served, published and whose certificate and seals
were declared void, and with F9 lists it on the serious list and then revokes it
(status 已撤销). Keyboard only."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from .test_annual_report_e2e import _quit, sessions  # noqa: F401 - the fixture

pytestmark = pytest.mark.e2e


def test_approver_revokes_a_dormant_organization_of_the_demo(sessions, demo_home):  # noqa: F811
    term = sessions()
    term.wait_for("请输入用户名和密码", timeout=60)  # demo registry opened
    term.text("approver\tdemo-approver\r")
    home = term.wait_for("撤销登记案件期限")
    # the approver's queues: 待审批, 注销登记待审查、待决定, 撤销登记案件期限 (one case)
    line = next(x for x in home.splitlines() if "撤销登记案件期限" in x)
    assert " 1" in line, home
    term.keys("Down", "Down", "Enter")
    listing = term.wait_for("共 1 项")
    assert "撤销登记案件" in listing
    term.keys("Enter")  # the case
    # the step offered first; wait for it too - the sign-in toast may still cover the
    # right side of the page for a few seconds when the machine is loaded
    term.wait_until(lambda text: "撤销登记案件【已决定】" in text
                    and "列入严重违法失信名单" in text.split("可办理")[-1],
                    "the case page offers the serious list first")
    term.keys("F9")
    term.wait_for("已办理：列入严重违法失信名单")
    term.wait_until(lambda text: "登记状态改为已撤销" in text
                           and "列入严重违法失信名单" not in text.split("可办理")[-1],
                           "revoke offered next")
    term.keys("F9")
    done = term.wait_for("撤销登记案件【已撤销】")
    assert "【已撤销】" in done
    _quit(term)
    db = next(Path(demo_home).rglob("demo.db"))
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("select status, revocation_kind, revoked_on from organization "
                            "where id in (select organization_id from penalty_case "
                            "where filed_on = '2026-03-02')").fetchall()
    finally:
        conn.close()
    assert rows and rows[0][0] == "revoked" and rows[0][1] == "dormant"
