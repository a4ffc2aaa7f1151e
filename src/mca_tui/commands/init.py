"""``mca-tui init``: create a new, empty registry at ``--db`` (or the default place) and
bring it to the current schema. Creating a registry is explicit: other commands refuse a
missing file instead of creating an empty registry."""

from __future__ import annotations

from mca_tui.i18n import t


def register(sub) -> None:  # noqa: ANN001
    p = sub.add_parser("init", help=t("registry_file.init_help"))
    p.set_defaults(handler=run)


def run(rt) -> int:  # noqa: ANN001
    from pathlib import Path

    from mca_tui.storage import registry_file
    from mca_tui.storage.engine import to_url
    from mca_tui.storage.sqlite import database_path

    path = database_path(to_url(rt.db_target))
    existed = path is not None and registry_file.check(
        Path(path), create=True) is not registry_file.FileState.NEW
    from mca_tui.services.context import ensure_office

    ensure_office(rt.database(), rt.settings)  # the office row and its audit event
    key = "registry_file.init_exists" if existed else "registry_file.init_done"
    print(t(key, path=str(path) if path is not None else rt.db_target))
    return 0
