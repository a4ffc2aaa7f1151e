"""``mca-tui restore BACKUP [--anchor RECEIPT]``: put a backup back as the registry named
by ``--db`` (or the default one), never by copying files by hand. The backup is verified
(integrity, audit chain, its receipt ``BACKUP.anchor.json`` or the one given), the current
registry is kept aside with its -wal/-shm, and the restored registry is verified again.
Document files from ``BACKUP.documents/`` are copied into the documents folder (files
already there are kept)."""

from __future__ import annotations

from mca_tui.i18n import t


def register(sub) -> None:  # noqa: ANN001
    p = sub.add_parser("restore", help=t("restore.help"))
    p.add_argument("backup", metavar="BACKUP")
    p.add_argument("--anchor", metavar="RECEIPT", help=t("restore.anchor_help"))
    p.set_defaults(handler=run)


def _copy_documents(folder, root) -> int:  # noqa: ANN001
    import shutil

    copied = 0
    if not folder.is_dir():
        return 0
    for src in folder.rglob("*"):
        if src.is_file():
            dest = root / src.relative_to(folder)
            if not dest.exists():
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dest)
                copied += 1
    return copied


def run(rt) -> int:  # noqa: ANN001
    from pathlib import Path

    from mca_tui.services import documents
    from mca_tui.storage import anchor, restore
    from mca_tui.storage.engine import to_url
    from mca_tui.storage.sqlite import database_path

    target = database_path(to_url(rt.db_target))
    if target is None:
        print(t("backup.server"))
        return 2
    backup = Path(rt.args.backup).expanduser()
    receipt = Path(rt.args.anchor).expanduser() if rt.args.anchor else None
    if receipt is None and anchor.backup_receipt_path(backup).exists():
        receipt = anchor.backup_receipt_path(backup)
    heads = None
    if receipt is not None:
        try:
            heads = anchor.read_receipt(receipt)
        except anchor.ReceiptError:
            print(t("audit.cli.bad_receipt", path=str(receipt)))
            return 2
    try:
        result = restore.restore(backup, Path(target), heads)
    except restore.RestoreError as exc:
        print(t(f"restore.{exc.kind}", path=str(exc.path), detail=exc.detail))
        return 2
    print(t("restore.done", path=str(target), backup=str(backup), events=result.events))
    if receipt is not None:
        print(t("restore.anchor_ok", path=str(receipt)))
    if result.aside is not None:
        print(t("restore.aside", path=str(result.aside)))
    copied = _copy_documents(documents.backup_folder(backup),
                             documents.documents_root(rt.settings))
    if copied:
        print(t("restore.documents", count=copied))
    return 0
