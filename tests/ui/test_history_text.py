"""A history a person can read (issue 14): labels not column names, subdistricts and
enumerations in words, no 「（空）→（空）」 rows, ids and hashes left out; certificate kinds
in words; a closed organization's legal representative is not shown as 「~ 至今」."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

from mca_tui.services.records import Change, TimelineEntry
from mca_tui.ui.screens.record import RecordScreen


def _timeline_text(ctx, changes) -> str:  # noqa: ANN001
    entry = TimelineEntry(datetime(2025, 3, 5, 2, 0, tzinfo=UTC), "郑建国", "海沧区民政局",
                          "application.approve", tuple(changes))
    rec = SimpleNamespace(timeline=[entry])
    return RecordScreen(ctx, "x")._timeline(rec).plain


def test_history_rows_read_as_words(ctx):
    text = _timeline_text(ctx, [
        Change("decided_on", "", "2025-03-05"),
        Change("organization_id", "", "0190d8c2-aaaa"),
        Change("content_sha256", "", "9f86d081884c7d659a2feaa0c55ad015"),
        Change("kind", "", "establishment"),
        Change("subdistrict_code", "350205001", "350205002"),
        Change("supervisory_unit", "", ""),
        Change("status", "accepted", "approved"),
    ])
    assert "决定日期: （空） -> 2025-03-05" in text
    assert "decided_on" not in text and "organization_id" not in text
    assert "content_sha256" not in text and "9f86d081" not in text and "0190d8c2" not in text
    assert "establishment" not in text and "成立登记" in text
    assert "海沧街道 -> 新阳街道" in text and "350205001" not in text
    assert "业务主管单位" not in text  # empty on both sides: no row
    assert "已受理 -> 已核准" in text


def test_closed_org_rep_and_certificate_kind(ctx):
    person = SimpleNamespace(role="legal_rep", title="", name="林志伟", id_number_masked="",
                             from_date=date(2015, 1, 1), to_date=None)
    cert = SimpleNamespace(kind="social_group", serial_original="A1", serial_duplicate="B1",
                           issued_on=date(2015, 1, 1), valid_from=date(2015, 1, 1),
                           valid_to=date(2020, 1, 1), status="void")
    rec = SimpleNamespace(certificates=[cert], persons=[person], is_closed=True,
                          deregistered_on=None, revoked_on=date(2024, 6, 30))
    text = RecordScreen(ctx, "x")._certs(rec).plain
    assert "social_group" not in text and "社会团体" in text
    assert "至今" not in text and "2015-01-01 ~ 2024-06-30" in text
