"""Shared vocabulary of the supervision rules: the facts about an organization they read,
the reason a rule refuses something, and the proposals they make.

Every message is a catalog key under ``supervision.`` (locale ``supervision.toml``) and
every reason names its article.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from mca_tui.domain.enums import OrgStatus, OrgType
from mca_tui.i18n import t

# Instruments cited by the supervision rules (as in domain.clocks; repeated here so that
# these modules do not depend on names another module may rename).
S1 = "《社会团体登记管理条例》"
S2 = "《民办非企业单位登记管理暂行条例》"
S3 = "《基金会管理条例》"
ORDER_27 = "《民办非企业单位年度检查办法》（民政部令第27号）"
ORDER_39 = "《社会组织评估管理办法》（民政部令第39号）"
ORDER_60 = "《社会组织信用信息管理办法》（民政部令第60号）"
SPOT_CHECK = "《社会组织抽查暂行办法》（民发〔2017〕45号）"
INTERVIEW_RULES = "《社会组织登记管理机关行政执法约谈工作规定（试行）》（民发〔2016〕39号）"
CIVIL_CODE = "《中华人民共和国民法典》"


@dataclass(frozen=True)
class OrgFacts:
    """What the supervision rules need to know about one organization; services build it
    from ``storage.models.Organization`` (``established_on`` is ``registered_on``)."""

    id: str
    org_type: OrgType
    registered_on: date | None  # 成立登记日期; None while the application is undecided
    status: OrgStatus = OrgStatus.ACTIVE
    deregistered_on: date | None = None
    revoked_on: date | None = None
    subdistrict_code: str | None = None
    is_charity: bool = False

    @property
    def closed_on(self) -> date | None:
        """The earlier of deregistration and revocation, if any."""
        dates = [d for d in (self.deregistered_on, self.revoked_on) if d is not None]
        return min(dates) if dates else None


@dataclass(frozen=True)
class Reason:
    """Why a rule says no (or what it found): a stable ``code``, the ``article`` it rests
    on and the ``params`` of its message (catalog ``supervision.reason.<code>``)."""

    code: str
    article: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"supervision.reason.{self.code}"

    def message(self, lang: str | None = None) -> str:
        return t(self.key, lang, **self.params)


class SupervisionRuleError(ValueError):
    """A supervision rule refuses the request (a ratio below the floor, too few
    inspectors, a conclusion the mode does not know ...). ``reason`` says why."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(f"{reason.code}: {reason.article} {reason.params}")
        self.reason = reason

    def message(self, lang: str | None = None) -> str:
        return self.reason.message(lang)


def refuse(code: str, article: str, **params: object) -> SupervisionRuleError:
    """Build the error for ``raise refuse(...)``."""
    return SupervisionRuleError(Reason(code, article, dict(params)))
