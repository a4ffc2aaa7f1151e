"""``mca-tui template FILE.xlsx [--documents DIR]``: an empty ledger with notes."""

from __future__ import annotations

from pathlib import Path

from mca_tui.i18n import t


def register(sub) -> None:  # noqa: ANN001
    p = sub.add_parser("template", help=t("ledger.cli.template_help"))
    p.add_argument("file")
    p.add_argument("--documents", metavar="DIR", help=t("ledger.cli.template_documents_help"))
    p.set_defaults(handler=run)


def run(rt) -> int:  # noqa: ANN001
    from mca_tui.reports import documents, ledger

    path = Path(rt.args.file)
    ledger.write_template(path, rt.settings)
    print(t("ledger.cli.template_written", path=path))
    if rt.args.documents:
        written = documents.write_default_templates(Path(rt.args.documents))
        print(t("ledger.cli.documents_written", count=len(written), path=rt.args.documents))
    return 0
