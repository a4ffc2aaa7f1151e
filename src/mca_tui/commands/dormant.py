"""``mca-tui dormant [--as-of DATE] [--json] [--rebuild]``: the dormant ("僵尸型")
organization candidates with every signal and its evidence, and the exclusions
(``services.dormancy.current``: the per-organization summary's stored assessments, those
that ran out rewritten first for today's list)."""

from __future__ import annotations

from mca_tui.commands._print import json_text, print_json, read_date
from mca_tui.i18n import label, t


def register(sub) -> None:  # noqa: ANN001
    p = sub.add_parser("dormant", help=t("dormant.cli.help"))
    p.add_argument("--as-of", metavar="DATE", help=t("dormant.cli.as_of_help"))
    p.add_argument("--json", action="store_true", help=t("dormant.cli.json_help"))
    p.add_argument("--rebuild", action="store_true", help=t("dormant.cli.rebuild_help"))
    p.set_defaults(handler=run)


def run(rt) -> int:  # noqa: ANN001
    from mca_tui.services import dormancy

    day, ok = read_date(rt.args.as_of, "dormant.cli.bad_date")
    if not ok:
        return 2
    ctx = rt.context()
    if rt.args.rebuild or dormancy.needs_rebuild(ctx):
        dormancy.rebuild_all(ctx)
    day = day or ctx.today()
    found = dormancy.current(ctx, day)
    if rt.args.json:
        print_json({"as_of": day.isoformat(),
                    "count": sum(1 for c in found if not c.exclusions),
                    "candidates": [c.to_json() for c in found]}, indent=2)
        return 0
    active = [c for c in found if not c.exclusions]
    print(t("dormant.cli.header", as_of=day.isoformat(), count=len(active)))
    for c in found:
        a = c.assessment
        mark = "" if not a.exclusions else "  [" + "、".join(
            label(e.kind) for e in a.exclusions) + "]"
        print(f"{a.uscc}  {a.name}{mark}")
        for s in a.signals:
            print(f"    - {label(s.kind)}（{s.since.isoformat()}）　{s.article}")
            print(f"      {json_text(s.evidence)}")
    return 0
