"""``mca-tui backup FILE``: an online backup (SQLite backup API), then verified; the
document files go to the folder ``FILE.documents/`` beside it (relative paths as in the
registry; a file missing on disk is written there from its record), so that the
database and that folder together restore a registry with its documents."""

from __future__ import annotations

from mca_tui.i18n import t


def register(sub) -> None:  # noqa: ANN001
    p = sub.add_parser("backup", help=t("backup.help"))
    p.add_argument("target", metavar="FILE")
    p.set_defaults(handler=run)


def run(rt) -> int:  # noqa: ANN001
    import os
    import sqlite3
    from pathlib import Path

    from mca_tui.services import documents

    target = Path(rt.args.target).expanduser()
    for path in (target, documents.backup_folder(target)):
        if path.exists():
            print(t("backup.exists", path=str(path)))
            return 1
    db = rt.database()
    if not db.is_sqlite:
        print(t("backup.server"))
        return 2
    db.backup(target)
    conn = sqlite3.connect(target)
    try:
        ok = conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        events = conn.execute("select count(*) from audit_event").fetchone()[0]
    finally:
        conn.close()
    if not ok:
        print(t("backup.corrupt", path=str(target)))
        return 1
    print(t("backup.done", path=str(target), events=events))
    from mca_tui.storage import anchor  # the backup's chain heads, kept beside it

    os.chmod(target, 0o600)
    print(t("audit.cli.receipt_written", path=str(anchor.write_file_receipt(target))))
    copied, rendered = documents.copy_to_backup(rt.settings, db, target)
    print(t("doc.backup.done", folder=str(documents.backup_folder(target)), copied=copied,
            rendered=rendered))
    return 0
