"""Credit lists (信用名录, MCA Order 60; domain.md §5, §10.6): the 活动异常名录 and the
严重违法失信名单.

A listing is stored as one ``CreditListEntry`` per ground (``domain.supervision.credit_list``):
the open rows of one kind are the organization's current listing; a new ground while
listed adds a row and restarts the period; a removal closes every open row (移出日期 and
reason). The earliest open row is the listing's *anchor*: the removal steps (application,
verification, rejection) are audited about it, and the listing's workflow state
(``ABNORMAL_LISTING`` / ``SERIOUS_LISTING``) and four-eyes history are replayed from the
events indexed under it (the table has no status column; nothing else is needed).

Writes, each one unit with one audit event whose action is the transition's:

- :func:`list_organization` — list on one of the 7 / 8 grounds with its evidence and date
  (``credit.<kind>.list``), or add a ground to a current listing (``…add_ground``);
  the listing notice (.docx, kind ``credit_listing_notice``) is issued in the same unit;
- :func:`apply_removal` (clerk), :func:`verify_removal` / :func:`reject_removal`
  (reviewer), :func:`remove` (approver; the abnormal list within 5 working days of the
  verification, the serious list from the day after two years without a new ground);
- :func:`remove_after_period` — abnormal list, the configured period passed and nothing
  left to rectify; :func:`remove_on_deregistration` — serious ground (七);
- :func:`promote` — the day after two full years on the abnormal list: to the serious list
  on ground (一).

Every removal issues its notice (``credit_removal_notice``). Reads: :func:`current_listings`,
:func:`listing_info`, :func:`promotion_proposals`, :func:`publication_list` (公示, the rows
the clerk exports with F7).

The code is in modules of their own, all importable from here: what they share
(``_credit_common``: the current listing, labels, notices), listing and promotion
(``credit_listing``), removal (``credit_removal``) and the reads with the publication list
(``credit_publication``).
"""

from __future__ import annotations

from mca_tui.services.supervision._credit_common import (
    LISTING_DOC,
    RECORD_LANG,
    REMOVAL_DOC,
    ListingResult,
    grounds,
    outstanding_reasons,
)
from mca_tui.services.supervision.credit_listing import (
    list_in_unit,
    list_organization,
    promote,
    promotion_proposals,
)
from mca_tui.services.supervision.credit_publication import (
    PUBLICATION_HEADERS,
    ListedRow,
    ListingInfo,
    PublicationRow,
    current_listings,
    listing_info,
    publication_headers,
    publication_list,
)
from mca_tui.services.supervision.credit_removal import (
    apply_removal,
    reject_removal,
    remove,
    remove_after_period,
    remove_on_deregistration,
    remove_on_deregistration_in_unit,
    verify_removal,
)

__all__ = [
    "LISTING_DOC",
    "PUBLICATION_HEADERS",
    "RECORD_LANG",
    "REMOVAL_DOC",
    "ListedRow",
    "ListingInfo",
    "ListingResult",
    "PublicationRow",
    "apply_removal",
    "current_listings",
    "grounds",
    "list_in_unit",
    "list_organization",
    "listing_info",
    "outstanding_reasons",
    "promote",
    "promotion_proposals",
    "publication_headers",
    "publication_list",
    "reject_removal",
    "remove",
    "remove_after_period",
    "remove_on_deregistration",
    "remove_on_deregistration_in_unit",
    "verify_removal",
]
