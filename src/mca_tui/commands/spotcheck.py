"""``mca-tui spotcheck verify [PLAN]``: re-run every recorded spot-check draw (or one
plan's, by id or id prefix) from its seed and frozen population and prove that it gives
the same organizations and inspectors (《社会组织抽查暂行办法》, domain.md §8). Exit code 1
when a draw does not reproduce; ``--json`` prints one object per plan."""

from __future__ import annotations

import json

from mca_tui.i18n import t


def register(sub) -> None:  # noqa: ANN001
    p = sub.add_parser("spotcheck", help=t("sv.cli.help"))
    a = p.add_subparsers(dest="spotcheck_command", required=True, metavar="ACTION")
    v = a.add_parser("verify", help=t("sv.cli.verify_help"))
    v.add_argument("plan", nargs="?", metavar="PLAN", help=t("sv.cli.plan_help"))
    v.add_argument("--json", action="store_true", help=t("sv.cli.json_help"))
    v.set_defaults(handler=run_verify)


def run_verify(rt) -> int:  # noqa: ANN001
    from mca_tui.services.errors import NotFound
    from mca_tui.services.supervision import spot_checks

    try:
        # the statutory floor only: a floor raised in the settings later does not make an
        # earlier draw unverifiable
        results = spot_checks.verify(rt.database(), rt.args.plan)
    except NotFound:
        print(t("sv.cli.no_plan", plan=rt.args.plan))
        return 1
    bad = [r for r in results if r.reason is not None]
    if rt.args.json:
        print(json.dumps([{
            "plan": r.plan_id, "title": r.title, "population": r.population, "drawn": r.drawn,
            "seed": r.seed, "ok": r.reason is None,
            "problem": None if r.reason is None else {
                "code": r.reason.code, "article": r.reason.article,
                "message": r.reason.message()}} for r in results], ensure_ascii=False,
            indent=2))
        return 1 if bad else 0
    if not results:
        print(t("sv.cli.none"))
        return 0
    for r in results:
        if r.reason is None:
            print(t("sv.cli.ok_line", plan=r.plan_id[:12], title=r.title, population=r.population,
                    drawn=r.drawn, seed=r.seed))
        else:
            print(t("sv.cli.bad_line", plan=r.plan_id[:12], title=r.title,
                    problem=r.reason.message(), article=r.reason.article))
    print(t("sv.cli.summary", total=len(results), bad=len(bad)))
    return 1 if bad else 0
