"""``mca-tui reports due --year N [--json]`` prints the same list as the screen's service."""

from __future__ import annotations

import json
from datetime import date

from mca_tui.domain.enums import Role
from mca_tui.services.supervision import annual_reports


def test_reports_due_json_and_text_match_the_service(ctx, add_org, make_ctx, capsys):
    from mca_tui.cli import main

    a = add_org("海沧区甲协会", date(2023, 6, 30))
    add_org("海沧区乙协会", date(2023, 7, 1))  # not due for 2023
    b = add_org("海沧区丙协会", date(2020, 1, 1))
    clerk = make_ctx("clerk1", Role.CLERK, today=date(2024, 5, 1))
    annual_reports.receive(clerk, b, 2023, received_on=date(2024, 4, 30))
    args = ["--db", str(ctx.db.path or ctx.db.url), "reports", "due", "--year", "2023"]
    assert main([*args, "--json", "--as-of", "2024-06-01"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["due"] == 2 and out["counts"] == {"overdue": 1, "on_time": 1}
    assert [o["organization_id"] for o in out["organizations"]] == [a, b]
    service = [r.as_json() for r in annual_reports.due_list(ctx, 2023, date(2024, 6, 1))]
    assert out["organizations"] == service
    # before the deadline the missing report is only due, not overdue
    assert main([*args, "--json", "--as-of", "2024-05-31"]) == 0
    assert json.loads(capsys.readouterr().out)["counts"] == {"due": 1, "on_time": 1}
    assert main([*args, "--as-of", "2024-06-01"]) == 0
    text = capsys.readouterr().out
    assert "海沧区甲协会" in text and "逾期未报" in text and "海沧区乙协会" not in text
    assert main([*args, "--as-of", "June"]) == 2


def test_stats_count_reports_and_listings_written_by_the_services(ctx, add_org, make_ctx,
                                                                  settings, capsys):
    from mca_tui.cli import main
    from mca_tui.reports import stats
    from mca_tui.services.supervision import credit_lists

    a = add_org("海沧区甲协会", date(2020, 1, 1))
    b = add_org("海沧区乙协会", date(2020, 1, 1))
    add_org("海沧区丙协会", date(2023, 7, 1))  # not due for 2023
    day = date(2024, 7, 15)
    clerk = make_ctx("clerk1", Role.CLERK, today=day)
    reviewer = make_ctx("reviewer1", Role.REVIEWER, today=day)
    approver = make_ctx("approver1", Role.APPROVER, today=day)
    rid = annual_reports.receive(clerk, a, 2023, received_on=date(2024, 5, 20))
    annual_reports.conclude(reviewer, rid, "accepted", concluded_on=day)
    annual_reports.list_missing_reports(approver, 2023, [b], listed_on=day)
    credit_lists.list_organization(approver, b, "abnormal", "unreachable", on=day,
                                   evidence="退信")  # a second ground: one organization
    year = stats.year_stats(ctx.db, settings, 2024)
    assert year.annual_report == {"report_year": 2023, "due": 2, "accepted": 1}
    assert year.credit_lists["abnormal_listed"] == 1
    assert year.credit_lists["serious_listed"] == 0
    # in --json as a key added after the fixed ones (issue 5: more keys, none renamed)
    assert year.to_dict()["credit_lists"] == year.credit_lists
    assert main(["--db", str(ctx.db.path or ctx.db.url), "stats", "--year", "2024"]) == 0
    out = capsys.readouterr().out
    assert "列入活动异常名录（家）" in out
