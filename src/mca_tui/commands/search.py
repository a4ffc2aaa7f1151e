"""``mca-tui search QUERY [--json] [--limit N]``: the clerk's search from the command line
(same ranking as the screen); ``mca-tui search --reindex`` rebuilds the index."""

from __future__ import annotations

import json

from mca_tui.i18n import t


def register(sub) -> None:  # noqa: ANN001
    p = sub.add_parser("search", help=t("search.cli_help"))
    p.add_argument("query", nargs="*", metavar="QUERY")
    p.add_argument("--json", action="store_true", help=t("search.cli_json"))
    p.add_argument("--limit", type=int, default=20, metavar="N", help=t("search.cli_limit"))
    p.add_argument("--reindex", action="store_true", help=t("search.cli_reindex"))
    p.set_defaults(handler=run)


def run(rt) -> int:  # noqa: ANN001
    from mca_tui.domain.enums import OrgStatus, OrgType
    from mca_tui.i18n import label
    from mca_tui.services.search import search_organizations

    ctx = rt.context()
    if rt.args.reindex:
        from mca_tui.storage.search import reindex_all

        with ctx.db.write() as s:
            n = reindex_all(s)
        print(t("search.cli_reindexed", count=n))
        if not rt.args.query:
            return 0
    query = " ".join(rt.args.query)
    page = search_organizations(ctx, query, limit=max(1, rt.args.limit))
    if rt.args.json:
        out = {
            "query": query,
            "total": page.total,
            "total_capped": page.total_capped,
            "results": [
                {"id": h.id, "name": h.name, "uscc": h.uscc, "org_type": h.org_type,
                 "status": h.status, "closed": h.closed, "legal_rep_name": h.legal_rep_name,
                 "domicile": h.domicile,
                 "established_on": h.established_on.isoformat() if h.established_on else None,
                 "rank": h.rank}
                for h in page.items
            ],
        }
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    if not page.items:
        print(t("search.none", query=query))
        return 1
    total = f"{page.total}+" if page.total_capped else str(page.total)
    print(t("search.cli_count", total=total, shown=len(page.items)))
    for h in page.items:
        status = label(OrgStatus(h.status))
        mark = f" [{status}]" if h.closed else ""
        print(f"{h.uscc or '-':18}  {h.name}{mark}")
        print(f"{'':18}  {label(OrgType(h.org_type))} / {h.legal_rep_name or '-'} / "
              f"{h.domicile or '-'}")
    return 0
