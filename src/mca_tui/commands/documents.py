"""``mca-tui documents render [--all | --number 文号]``: write document files from their
records (after a failed rendering, a lost file, or to check a changed template)."""

from __future__ import annotations

from mca_tui.i18n import t


def register(sub) -> None:  # noqa: ANN001
    p = sub.add_parser("documents", help=t("doc.command.help"))
    a = p.add_subparsers(dest="documents_command", required=True, metavar="ACTION")
    r = a.add_parser("render", help=t("doc.command.render_help"))
    r.add_argument("--all", action="store_true", help=t("doc.command.all_help"))
    r.add_argument("--number", help=t("doc.command.number_help"))
    r.set_defaults(handler=run_render)


def run_render(rt) -> int:  # noqa: ANN001
    from sqlmodel import select

    from mca_tui.services import documents
    from mca_tui.storage.models import IssuedDocument

    ctx = rt.context()
    folder = documents.documents_root(ctx.settings)
    if rt.args.all or rt.args.number:
        with ctx.db.read() as s:
            query = select(IssuedDocument)
            if rt.args.number:
                query = query.where(IssuedDocument.number == rt.args.number)
            ids = [d.id for d in s.exec(query)]
        if rt.args.number and not ids:
            print(t("doc.command.no_such_number", number=rt.args.number))
            return 1
        for doc_id in ids:
            documents.render(ctx, doc_id)
        count = len(ids)
    else:
        count = len(documents.render_missing(ctx))
    if count:
        print(t("doc.command.rendered", count=count, folder=str(folder)))
    else:
        print(t("doc.command.nothing", folder=str(folder)))
    return 0
