"""The demo's in-flight applications: real work in every queue, through the services."""

from __future__ import annotations

from datetime import date

from mca_tui.demo import DEMO_USERS
from mca_tui.demo.applications import seed_demo_applications
from mca_tui.domain.enums import ApplicationKind, ApplicationStatus
from mca_tui.services import registration as reg
from mca_tui.services import users


def test_seed_creates_applications_in_each_state(db, settings, ctx):
    for username, display, password, roles in DEMO_USERS:
        users.add_user(ctx, username, display, password, list(roles), bootstrap=True)
    today = date(2026, 6, 30)
    seed_demo_applications(db, settings, today=today)
    apps = reg.list_applications(ctx)
    by_status = {}
    for a in apps:
        by_status.setdefault(a.status, []).append(a)
    assert len(by_status[ApplicationStatus.ACCEPTED]) == 1  # no organization for a change
    assert len(by_status[ApplicationStatus.CORRECTION]) == 1
    assert len(by_status[ApplicationStatus.REVIEWED]) == 2
    assert len(by_status[ApplicationStatus.DRAFT]) == 1
    ending = min(a.decision_deadline.due for a in by_status[ApplicationStatus.REVIEWED])
    assert 0 <= (ending - today).days <= 5  # one decision clock near its end
    assert all(a.kind is ApplicationKind.ESTABLISHMENT for a in apps)
