"""``mca-tui export FILE.xlsx|FILE.csv [--unmasked] [--sheet NAME]``."""

from __future__ import annotations

import sys

from mca_tui.i18n import t


def register(sub) -> None:  # noqa: ANN001
    p = sub.add_parser("export", help=t("ledger.cli.export_help"))
    p.add_argument("file")
    p.add_argument("--unmasked", action="store_true", help=t("ledger.cli.unmasked_help"))
    p.add_argument("--sheet", help=t("ledger.cli.sheet_help"))
    p.add_argument("--force", action="store_true", help=t("registry_file.export_force_help"))
    p.set_defaults(handler=run)


def run(rt) -> int:  # noqa: ANN001
    from pathlib import Path

    from mca_tui.services.export import export_ledger

    target = Path(rt.args.file).expanduser()
    if target.is_dir() or (target.exists() and not rt.args.force):
        # an existing file is replaced only when asked (the new one is renamed over it
        # when complete, so a failed export never leaves half a file)
        print(t("registry_file.export_exists", path=str(target)), file=sys.stderr)
        return 1
    r = export_ledger(rt.context(), rt.args.file, unmasked=rt.args.unmasked,
                      sheet=rt.args.sheet)
    print(t("ledger.cli.exported", path=r.path, orgs=r.orgs, reports=r.reports,
            records=r.records))
    return 0
