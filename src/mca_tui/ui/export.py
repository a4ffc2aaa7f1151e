"""F7 on every list screen: write what the screen shows to a spreadsheet under
``<documents>/exports/``, in a thread worker (ui.calls), and say where it went. The one
export every list screen uses."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from mca_tui.i18n import t


def export_path(ctx: Any, name: str) -> Path:  # noqa: ANN401 - services.context.ServiceContext
    stamp = f"{ctx.today().isoformat()}-{datetime.now().strftime('%H%M%S')}"
    return ctx.settings.documents_path() / "exports" / f"{name}-{stamp}.xlsx"


def export_sheets(node: Any, ctx: Any, name: str,  # noqa: ANN401 - a ServiceCalls node
                  sheets: dict[str, tuple[Sequence[str], Iterable[Sequence[object]]]], *,
                  empty_message: str | None = None) -> None:
    """Write ``sheets`` (title -> (headers, rows)) to one workbook; a single sheet is a
    plain table. Says so (``empty_message``) instead when there is no row at all."""
    materialised = {title: (list(headers), [list(r) for r in rows])
                    for title, (headers, rows) in sheets.items()}
    if empty_message is not None and not any(rows for _h, rows in materialised.values()):
        node.app.notify(empty_message, markup=False)
        return
    path = export_path(ctx, name)

    def write() -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        if len(materialised) == 1:
            from mca_tui.reports.export import write_table

            (headers, rows), = materialised.values()
            return Path(write_table(path, headers, rows) or path)
        from mca_tui.reports.ledger import write_workbook

        write_workbook(path, materialised)
        return path

    def write_and_anchor() -> Path:
        written = write()
        from mca_tui.services.export import write_export_receipt

        write_export_receipt(ctx)  # every export leaves a receipt of the audit chain heads
        return written

    node.call_service(write_and_anchor, then=lambda p: node.app.notify(
        t("ui.exported", path=str(p)), markup=False), group="export")


def export_table(node: Any, ctx: Any, name: str, headers: Sequence[str],  # noqa: ANN401
                 rows: Iterable[Sequence[object]], *, empty_message: str | None = None) -> None:
    """F7 on a list: the rows shown, under their column headings."""
    export_sheets(node, ctx, name, {name: (headers, rows)}, empty_message=empty_message)
