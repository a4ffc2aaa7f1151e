"""Interviews (约谈, 民发〔2016〕39号) through the services: persons and roles, notice,
record, outcome, and the rectification it ordered."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from mca_tui.domain.enums import InterviewRole
from mca_tui.domain.supervision.rectification import Interviewee
from mca_tui.reports.stats import year_stats
from mca_tui.services.errors import PermissionDenied, ValidationFailed
from mca_tui.services.supervision import interviews, rectification
from mca_tui.storage.models import IssuedDocument
from tests.supervision.h10_helpers import TODAY, org, people, reasons

CHAIR = Interviewee("王会长", InterviewRole.CHAIR)
SG = Interviewee("李秘书长", InterviewRole.SECRETARY_GENERAL)


def test_notice_record_and_the_rectification_it_orders(ctx, make_ctx, settings):
    a = org(ctx, "海沧某协会")
    p = people(make_ctx)
    with pytest.raises(PermissionDenied):
        interviews.notify(p["clerk"], a, interview_on=TODAY, reason="未按规定换届",
                          persons=[CHAIR])
    with pytest.raises(ValidationFailed):
        interviews.notify(p["reviewer"], a, interview_on=TODAY, reason="未按规定换届",
                          persons=[])
    iid = interviews.notify(p["reviewer"], a, interview_on=TODAY, reason="未按规定换届",
                            persons=[CHAIR, SG], place="区民政局302会议室")
    [view] = interviews.interviews_of(p["clerk"], a)
    assert view.status == "notified" and [x.name for x in view.persons] == ["王会长", "李秘书长"]
    with ctx.db.read() as s:
        doc = s.get(IssuedDocument, view.document_id)
    assert doc.kind == "interview_notice"
    # an absent person without a written explanation is refused (Art 4)
    absent = Interviewee("李秘书长", InterviewRole.SECRETARY_GENERAL, attended=False)
    with pytest.raises(ValidationFailed) as err:
        interviews.record(p["reviewer"], iid, held_on=TODAY, record_text="指出问题",
                          outcome="no_further_action", attendance=[CHAIR, absent])
    assert "supervision.reason.interview_absence_unexplained" in reasons(err)
    # ordering a rectification needs its items and deadline
    with pytest.raises(ValidationFailed):
        interviews.record(p["reviewer"], iid, held_on=TODAY, record_text="指出问题",
                          outcome="rectification_ordered")
    rect = interviews.record(
        p["reviewer"], iid, held_on=TODAY, record_text="指出未按期换届，要求整改",
        outcome="rectification_ordered",
        attendance=[CHAIR, Interviewee("李秘书长", InterviewRole.SECRETARY_GENERAL,
                                       attended=False, absence_in_writing=True)],
        rectify_items=["三个月内完成换届"], rectify_by=TODAY + timedelta(days=90))
    [view] = interviews.interviews_of(p["clerk"], a)
    assert view.status == "held" and view.outcome == "rectification_ordered"
    assert view.rectification_id == rect
    assert rectification.load_order(p["clerk"], rect).source == "interview"
    assert year_stats(ctx.db, settings, 2024).interview == 1
    with pytest.raises(ValidationFailed):  # recorded once
        interviews.record(p["reviewer"], iid, held_on=TODAY, record_text="x",
                          outcome="no_further_action")
    with ctx.db.read() as s:
        kinds = [d.kind for d in s.exec(select(IssuedDocument)).all()]
    assert sorted(kinds) == ["interview_notice", "rectification_notice"]


def test_no_further_action_carries_no_order(ctx, make_ctx):
    a = org(ctx, "海沧某协会")
    p = people(make_ctx, today=date(2024, 3, 1))
    iid = interviews.notify(p["reviewer"], a, interview_on=date(2024, 3, 5), reason="投诉",
                            persons=[CHAIR])
    p = people(make_ctx)
    with pytest.raises(ValidationFailed) as err:
        interviews.record(p["reviewer"], iid, held_on=date(2024, 3, 5), record_text="说明情况",
                          outcome="no_further_action", rectify_items=["x"],
                          rectify_by=date(2024, 4, 1))
    assert "supervision.reason.interview_order_unexpected" in reasons(err)
    assert interviews.record(p["reviewer"], iid, held_on=date(2024, 3, 5),
                             record_text="说明情况", outcome="no_further_action") is None
