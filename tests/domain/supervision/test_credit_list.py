"""Credit lists of Order 60 at their edges (domain.md §5, §10.6)."""

from __future__ import annotations

import pytest

from mca_tui.domain import clocks
from mca_tui.domain.enums import AbnormalListGround, CreditListKind, SeriousListGround
from mca_tui.domain.params import LegalParams
from mca_tui.domain.supervision import credit_list as cl
from mca_tui.domain.supervision.common import SupervisionRuleError
from mca_tui.domain.supervision.credit_list import Listing, ListingEvent
from mca_tui.i18n import catalog
from tests.domain.supervision.conftest import D, org

A = CreditListKind.ABNORMAL
S = CreditListKind.SERIOUS


def abnormal(*events: tuple[str, str]) -> Listing:
    return Listing(A, tuple(ListingEvent(g, D(on)) for g, on in events))


def serious(ground: str, on: str) -> Listing:
    return Listing(S, (ListingEvent(ground, D(on)),))


def test_seven_and_eight_grounds_with_items_articles_and_labels():
    assert len(cl.ABNORMAL_GROUNDS) == 7 and len(cl.SERIOUS_GROUNDS) == 8
    assert [i.item for i in cl.ABNORMAL_GROUNDS.values()] == list(range(1, 8))
    first = cl.ABNORMAL_GROUNDS[AbnormalListGround.REPORT_NOT_SUBMITTED]
    assert first.article.endswith("（列入活动异常名录情形第一项）") and "第60号" in first.article
    eighth = cl.SERIOUS_GROUNDS[SeriousListGround.OTHER_BY_LAW]
    assert eighth.article.endswith("（列入严重违法失信名单情形第八项）")
    for info in (*cl.ABNORMAL_GROUNDS.values(), *cl.SERIOUS_GROUNDS.values()):
        for lang in ("zh", "en"):
            assert info.label_key in catalog(lang), (info.label_key, lang)


def test_ground_belongs_to_its_list():
    assert cl.ground_info("serious", "abnormal_two_years").item == 1
    with pytest.raises(SupervisionRuleError) as err:
        cl.ground_info(A, "abnormal_two_years")
    assert err.value.reason.code == "ground_not_of_list"


def test_promotion_two_years_to_the_day_and_the_day_after(cal):
    listing = abnormal(("report_not_submitted", "2023-03-15"))
    assert cl.promotion_date(listing, cal).due == D("2025-03-16")
    assert cl.promotion_proposals({"o": listing}, D("2025-03-15"), cal) == []
    [prop] = cl.promotion_proposals({"o": listing}, D("2025-03-16"), cal)
    assert prop.organization_id == "o" and prop.on == D("2025-03-16")
    assert prop.ground is SeriousListGround.ABNORMAL_TWO_YEARS
    assert "民法典" in prop.article


def test_new_ground_restarts_the_period(cal):
    listing = abnormal(("report_not_submitted", "2023-03-15"))
    again = listing.with_ground("unreachable", D("2024-01-10"))
    assert again.listed_on == D("2023-03-15") and again.period_start == D("2024-01-10")
    assert again.grounds == ("report_not_submitted", "unreachable")
    assert cl.promotion_proposals({"o": again}, D("2025-03-16"), cal) == []
    assert cl.promotion_date(again, cal).due == D("2026-01-11")
    with pytest.raises(SupervisionRuleError):
        again.with_ground("unreachable", D("2023-12-31"))  # before the current period
    with pytest.raises(SupervisionRuleError):
        listing.with_ground("large_fine", D("2024-01-10"))  # a serious-list ground


def test_promotion_period_is_a_parameter(cal):
    listing = abnormal(("unreachable", "2023-03-15"))
    params = LegalParams(abnormal_to_serious_years=3)
    assert cl.promotion_proposals({"o": listing}, D("2025-03-16"), cal, params) == []


def test_abnormal_removal_on_application_after_verification(cal):
    listing = abnormal(("report_not_submitted", "2025-03-01"))
    blocked = cl.abnormal_removal(listing, D("2025-09-30"), cal, outstanding=True,
                                  verified_on=D("2025-09-30"))
    assert not blocked.allowed and blocked.blocking[0].code == "removal_outstanding"
    ok = cl.abnormal_removal(listing, D("2025-09-30"), cal, outstanding=False,
                             verified_on=D("2025-09-30"))
    assert ok.allowed and ok.way == "verified"
    assert ok.remove_by is not None and ok.remove_by.due == D("2025-10-14")  # 5 working days
    bad = cl.abnormal_removal(listing, D("2025-09-30"), cal, outstanding=False,
                              verified_on=D("2025-02-01"))
    assert not bad.allowed and bad.blocking[0].code == "verification_date_invalid"


def test_abnormal_removal_after_the_configured_period(cal):
    listing = abnormal(("warning_or_small_fine", "2025-01-15"))
    auto = clocks.abnormal_auto_removal_date(D("2025-01-15"), cal).due
    assert auto == D("2025-07-15")
    early = cl.abnormal_removal(listing, D("2025-07-14"), cal, outstanding=False)
    assert not early.allowed and early.earliest == auto
    assert early.blocking[0].code == "removal_period_running"
    on_time = cl.abnormal_removal(listing, auto, cal, outstanding=False)
    assert on_time.allowed and on_time.way == "period"
    # something left to rectify: the period alone does not remove
    assert not cl.abnormal_removal(listing, D("2026-01-01"), cal, outstanding=True).allowed
    longer = LegalParams(abnormal_auto_removal_months=12)
    assert not cl.abnormal_removal(listing, D("2025-12-31"), cal, longer, outstanding=False).allowed


def test_serious_removal_two_years_to_the_day_and_the_day_after(cal):
    listing = serious("large_fine", "2023-05-10")
    assert not cl.serious_removal(listing, D("2025-05-10"), cal).allowed
    ok = cl.serious_removal(listing, D("2025-05-11"), cal)
    assert ok.allowed and ok.way == "two_years" and ok.earliest == D("2025-05-11")


def test_serious_removal_restarts_on_a_new_ground(cal):
    listing = serious("large_fine", "2023-05-10")
    res = cl.serious_removal(listing, D("2025-05-11"), cal, new_grounds_on=[D("2024-02-01")])
    assert not res.allowed and res.earliest == D("2026-02-02")


def test_serious_removal_of_ground_one_needs_rectification(cal):
    listing = serious("abnormal_two_years", "2022-01-04")
    res = cl.serious_removal(listing, D("2025-01-01"), cal, obligations_fulfilled=False)
    assert not res.allowed and [r.code for r in res.blocking] == ["removal_outstanding"]
    assert cl.serious_removal(listing, D("2025-01-01"), cal, obligations_fulfilled=True).allowed


def test_serious_removal_of_ground_seven_on_deregistration(cal):
    listing = serious("registration_revoked", "2020-01-06")
    res = cl.serious_removal(listing, D("2025-01-01"), cal)
    assert not res.allowed and res.blocking[0].code == "removal_needs_deregistration"
    done = cl.serious_removal(listing, D("2025-01-01"), cal, deregistered_on=D("2024-12-30"))
    assert done.allowed and done.way == "deregistered"
    # a deregistration recorded for a future day does not count yet
    assert not cl.serious_removal(listing, D("2025-01-01"), cal,
                                  deregistered_on=D("2025-02-01")).allowed


def test_grounds_for_penalty():
    on = D("2025-04-10")
    assert cl.grounds_for_penalty(on, warning=True) == [(A, "warning_or_small_fine")]
    assert cl.grounds_for_penalty(on, fine_fen=4_999_999) == [(A, "warning_or_small_fine")]
    assert cl.grounds_for_penalty(on, fine_fen=5_000_000) == [(S, "large_fine")]
    assert cl.grounds_for_penalty(on, suspension=True) == [(S, "suspension")]
    assert cl.grounds_for_penalty(on, registration_revoked=True) == [(S, "registration_revoked")]
    # the second minor penalty within 3 years also gives serious ground (五)
    within = cl.grounds_for_penalty(on, warning=True, earlier_minor_penalties=[D("2022-04-10")])
    assert (S, "repeated_penalties") in within
    outside = cl.grounds_for_penalty(on, warning=True, earlier_minor_penalties=[D("2022-04-09")])
    assert (S, "repeated_penalties") not in outside


def test_check_listing():
    today = D("2025-05-01")
    assert cl.check_listing(org("o"), A, "unreachable", today, today) == []
    codes = [r.code for r in cl.check_listing(org("o"), A, "unreachable", D("2025-05-02"), today)]
    assert codes == ["date_in_future"]
    codes = [r.code for r in cl.check_listing(org("o"), A, "fundraising_conditions", today, today)]
    assert codes == ["fundraising_not_charity"]
    assert cl.check_listing(org("o", is_charity=True), A, "fundraising_conditions", today, today) == []
    assert [r.code for r in cl.check_listing(org("o"), A, "large_fine", today, today)] == [
        "ground_not_of_list"]
    closed = org("o", deregistered_on=D("2025-01-01"))
    assert [r.code for r in cl.check_listing(closed, A, "unreachable", today, today)] == [
        "closed_before"]
    revoked = org("o", revoked_on=D("2025-01-01"))
    assert cl.check_listing(revoked, S, "registration_revoked", today, today) == []
    current = abnormal(("unreachable", "2025-03-01"))
    codes = [r.code for r in cl.check_listing(org("o"), A, "party_organization", D("2025-02-01"),
                                              today, current=current)]
    assert codes == ["ground_before_period"]


def test_unreachable_evidence_gap():
    first = D("2025-01-01")
    assert cl.unreachable_evidence(first, D("2025-01-21"), True) == []  # 20 days
    assert cl.unreachable_evidence(first, D("2025-03-02"), True) == []  # 60 days
    assert [r.code for r in cl.unreachable_evidence(first, D("2025-01-20"), True)] == ["letters_gap"]
    assert [r.code for r in cl.unreachable_evidence(first, D("2025-03-03"), True)] == ["letters_gap"]
    assert [r.code for r in cl.unreachable_evidence(first, D("2025-02-01"), False)] == [
        "letters_signed_for"]
