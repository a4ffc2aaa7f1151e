"""``mca-tui backup FILE``: an online backup (SQLite backup API), then verified."""

from __future__ import annotations

from mca_tui.i18n import t


def register(sub) -> None:  # noqa: ANN001
    p = sub.add_parser("backup", help=t("backup.help"))
    p.add_argument("target", metavar="FILE")
    p.set_defaults(handler=run)


def run(rt) -> int:  # noqa: ANN001
    import sqlite3
    from pathlib import Path

    target = Path(rt.args.target).expanduser()
    if target.exists():
        print(t("backup.exists", path=str(target)))
        return 1
    db = rt.database()
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
    return 0
