"""``mca-tui dormant [--as-of DATE] [--json] [--rebuild]``: the dormant ("僵尸型")
organization candidates with every signal and its evidence, and the exclusions
(``services.dormancy.candidates``; read from the per-organization summary)."""

from __future__ import annotations

import json
from datetime import date

from mca_tui.i18n import label, t


def register(sub) -> None:  # noqa: ANN001
    p = sub.add_parser("dormant", help=t("dormant.cli.help"))
    p.add_argument("--as-of", metavar="DATE", help=t("dormant.cli.as_of_help"))
    p.add_argument("--json", action="store_true", help=t("dormant.cli.json_help"))
    p.add_argument("--rebuild", action="store_true", help=t("dormant.cli.rebuild_help"))
    p.set_defaults(handler=run)


def run(rt) -> int:  # noqa: ANN001
    from mca_tui.services import dormancy

    day = None
    if rt.args.as_of:
        try:
            day = date.fromisoformat(rt.args.as_of)
        except ValueError:
            print(t("dormant.cli.bad_date", value=rt.args.as_of))
            return 2
    ctx = rt.context()
    if rt.args.rebuild or dormancy.needs_rebuild(ctx):
        dormancy.rebuild_all(ctx)
    day = day or ctx.today()
    found = dormancy.candidates(ctx, day)
    if rt.args.json:
        print(json.dumps({"as_of": day.isoformat(),
                          "count": sum(1 for c in found if not c.assessment.exclusions),
                          "candidates": [c.to_json() for c in found]},
                         ensure_ascii=False, indent=2))
        return 0
    active = [c for c in found if not c.assessment.exclusions]
    print(t("dormant.cli.header", as_of=day.isoformat(), count=len(active)))
    for c in found:
        a = c.assessment
        mark = "" if not a.exclusions else "  [" + "、".join(
            label(e.kind) for e in a.exclusions) + "]"
        print(f"{a.uscc}  {a.name}{mark}")
        for s in a.signals:
            print(f"    - {label(s.kind)}（{s.since.isoformat()}）　{s.article}")
            print(f"      {json.dumps(_plain(s.evidence), ensure_ascii=False)}")
    return 0


def _plain(value: object) -> object:
    from mca_tui.domain.dormancy import _jsonable

    return _jsonable(value)
