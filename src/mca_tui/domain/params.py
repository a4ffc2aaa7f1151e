"""Legal parameters. Each value is the documented default of a rule that
``domain.md`` marks UNCONFIRMED (or a local practice), so a bureau can change it in
the settings file without a code change. The field comment names the rule."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class Floor:
    """A statutory bound on a parameter (domain.md §10.8): a setting may make the rule
    stricter, never looser. ``minimum``: the value may only be raised (an amount, a ratio,
    a window granted to the party); ``maximum``: only lowered (a period the authority has
    to decide in)."""

    bound: int
    article: str
    maximum: bool = False

    def allows(self, value: object) -> bool:
        if not isinstance(value, int) or isinstance(value, bool):
            return False
        return 0 < value <= self.bound if self.maximum else value >= self.bound

    def allowed_text(self) -> str:
        """The allowed values, e.g. ">= 30000" or "1-60"."""
        return f"1-{self.bound}" if self.maximum else f">= {self.bound}"


_S1 = "《社会团体登记管理条例》"
_LICENSING_LAW = "《中华人民共和国行政许可法》"

# Values fixed by law (domain.md §10.8). Keys are LegalParams fields.
STATUTORY_FLOORS: dict[str, Floor] = {
    "social_group_min_funds_yuan": Floor(30_000, f"{_S1}第十条"),
    "spot_check_min_ratio_percent": Floor(3, "《社会组织抽查暂行办法》（民发〔2017〕45号）第五条"),
    "spot_check_inspectors_per_org": Floor(2, "《社会组织抽查暂行办法》（民发〔2017〕45号）第七条"),
    "hearing_request_working_days": Floor(
        5, "《中华人民共和国行政处罚法》第六十四条第一项、第八十五条"),
    "establishment_decision_days": Floor(
        60, f"{_S1}第十二条；《民办非企业单位登记管理暂行条例》第十一条", maximum=True),
    "change_decision_working_days": Floor(20, f"{_LICENSING_LAW}第四十二条", maximum=True),
}


@dataclass(frozen=True)
class LegalParams:
    # §10.4 / §4.1: include an organization in year N's report cycle if registered on
    # or before this month/day of year N (MCA Order 27 Art 3; local practice).
    report_cutoff_month: int = 6
    report_cutoff_day: int = 30
    # §5.2 (Order 60, UNCONFIRMED final wording): removal from the abnormal list within
    # N working days of verifying the facts, and automatic removal N months after listing.
    abnormal_removal_working_days: int = 5
    abnormal_auto_removal_months: int = 6
    # §5.2/§5.3: promotion from the abnormal to the serious list and earliest removal from
    # the serious list, in years (Order 60; CONFIRMED as 2 years).
    abnormal_to_serious_years: int = 2
    serious_removal_years: int = 2
    # §6.2 (Order 68 Art 7, UNCONFIRMED): working days to decide whether to file a case;
    # 0 = no limit enforced.
    case_filing_decision_working_days: int = 0
    # §6.2 (Order 68, UNCONFIRMED; practice 5 days): statement/defence window.
    statement_defence_working_days: int = 5
    # §10.7 (行政处罚法 Art 64(1), working days per Art 85): the party may request a hearing
    # within 5 working days of the advance notice. Statutory: its own parameter, never the
    # statement/defence period, and never shorter than 5 (STATUTORY_FLOORS).
    hearing_request_working_days: int = 5
    # §10.1 (行政许可法 Art 32, 42; [S1] Art 12, [S2] Art 11, [S3] Art 11): establishment is
    # decided within 60 days, change and deregistration within 20 working days of
    # acceptance (extendable by 10 with the head's approval). A bureau may promise less,
    # never more (STATUTORY_FLOORS).
    establishment_decision_days: int = 60
    change_decision_working_days: int = 20
    # §6.2 (民事诉讼法 Art 95; Fujian practice has used 60): announcement service takes
    # effect N days after publication.
    announcement_service_days: int = 30
    # §8 (UNCONFIRMED, market-regulation practice): publish spot-check results within N
    # working days.
    spot_check_publication_working_days: int = 20
    # §8 (民发〔2017〕45号 Art 5): minimum draw ratio for a county-level authority, percent;
    # statutory floor, may only be raised.
    spot_check_min_ratio_percent: int = 3
    # §1.4 (UNCONFIRMED; Shanghai evidence 5 years): certificate validity in years;
    # 0 = no expiry printed.
    certificate_validity_years: int = 5
    # §5.1 (Order 60 draft, UNCONFIRMED): "cannot be contacted" = two registered letters
    # at least / at most N days apart.
    unreachable_letters_min_gap_days: int = 20
    unreachable_letters_max_gap_days: int = 60
    # §1.1 (UNCONFIRMED local minimum): 民非 founding funds minimum in yuan; 0 = none.
    pne_min_founding_funds_yuan: int = 0
    # §1.1 ([S1] Art 10): activity funds for a local social group, yuan (CONFIRMED, but
    # kept here because it differs for national groups); statutory floor, may only be raised.
    social_group_min_funds_yuan: int = 30_000
    # §6.2 (Order 68's list UNCONFIRMED; practice offers it): whether a hearing (听证) is
    # offered before revocation (撤销登记) and before suspension (限期停止活动).
    hearing_for_revocation: bool = True
    hearing_for_suspension: bool = True
    # §6.2 (行政处罚法 Art 60; Order 68 extension rules UNCONFIRMED): days by which the
    # 90-day penalty decision period may be extended with approval; 0 = no extension.
    penalty_decision_extension_days: int = 0
    # §5.1 (Order 60 draft, UNCONFIRMED in the final text): inform the organization in
    # writing (or by internet announcement) before listing it.
    notice_before_listing: bool = True
    # §4.4 (UNCONFIRMED for Haicang): "inspection" (年检, graded) or "report" (年报).
    annual_report_mode: str = "report"

    # -- supervision (H7; domain.md §7, §8) --
    # §7 (Order 39 Art 6, 28; queue length a local choice): an evaluation grade appears in
    # the expiry queue, and the organization may apply again, N days before it expires.
    evaluation_expiry_queue_days: int = 180
    # §8 (民发〔2017〕45号 Art 7 and practice: at least 2): inspectors drawn per organization.
    spot_check_inspectors_per_org: int = 2

    def floor_violations(self) -> list[tuple[str, object, Floor]]:
        """The settings that would make a statutory rule looser than the law
        (domain.md §10.8): (key, value, floor) for each."""
        out = []
        for key, floor in STATUTORY_FLOORS.items():
            value = getattr(self, key)
            if not floor.allows(value):
                out.append((key, value, floor))
        return out

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> LegalParams:
        """Build from a settings table, ignoring unknown keys and coercing types."""
        kwargs = {}
        for f in fields(cls):
            if f.name in data:
                default = getattr(cls, f.name)
                value = data[f.name]
                if isinstance(default, bool) and isinstance(value, str):
                    value = value.strip().lower() in ("1", "true", "yes", "是")
                kwargs[f.name] = type(default)(value)
        return cls(**kwargs)
