"""dormancy summary: stored signals without their standard articles

Revision ID: 0025_dormancy_articles
Revises: 0024_compact_indexes
Create Date: 2026-11-29 06:10:00

Issue 12 (database size per organization): each summary row stores its assessment's
signals as JSON (``signals_json``); the article every signal cites is the same long text
for every organization of a type (``domain.dormancy.standard_article``: about 200 bytes),
and most rows of a fresh registry hold a signal. The rows now leave a standard article
out (``domain.dormancy.signals_text``) and the list puts it back when it reads them
(``signals_json_from_text``: the ``dormant --json`` output is unchanged). This revision
strips the standard articles from the rows already written, in SQL (``replace``, on both
engines); a row whose article is not the standard one keeps it.
"""

import json

import sqlalchemy as sa
from alembic import op

revision = '0025_dormancy_articles'
down_revision = '0024_compact_indexes'
branch_labels = None
depends_on = None


def _articles():  # noqa: ANN202 - (org_type, JSON text of ',"article":…') pairs
    from mca_tui.domain import dormancy as dm
    from mca_tui.domain.enums import DormancySignal, OrgType

    for org_type in OrgType:
        for kind in DormancySignal:
            text = json.dumps(dm.standard_article(kind, org_type), ensure_ascii=False)
            yield org_type.value, f',"article":{text}'


def upgrade() -> None:
    update = sa.text("UPDATE dormancy_summary SET signals_json = replace(signals_json, :a, '')"
                     " WHERE org_type = :t AND signals_json LIKE :like")
    bind = op.get_bind()
    for org_type, article in _articles():
        bind.execute(update, {"a": article, "t": org_type, "like": f"%{article}%"})


def downgrade() -> None:
    from mca_tui.domain import dormancy as dm

    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT organization_id, org_type, signals_json FROM dormancy_summary"
        " WHERE signals_json <> ''")).all()
    update = sa.text("UPDATE dormancy_summary SET signals_json = :j WHERE organization_id = :o")
    batch = [{"o": oid, "j": json.dumps(dm.signals_json_from_text(text, org_type),
                                        ensure_ascii=False, separators=(",", ":"))}
             for oid, org_type, text in rows]
    for start in range(0, len(batch), 5000):
        bind.execute(update, batch[start:start + 5000])
