"""``mca-tui audit verify [--anchor RECEIPT] [--deep]``: recompute the hash chains and
name the first broken link; with ``--anchor`` also prove the chains extend a receipt,
with ``--deep`` also replay the recorded changes against the records.
``mca-tui audit anchor [RECEIPT]``: write the chain heads to a receipt."""

from __future__ import annotations

from mca_tui.i18n import t


def register(sub) -> None:  # noqa: ANN001
    p = sub.add_parser("audit", help=t("cli.audit_help"))
    a = p.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    v = a.add_parser("verify", help=t("cli.audit_verify_help"))
    v.add_argument("--anchor", metavar="RECEIPT", help=t("audit.cli.verify_anchor_help"))
    v.add_argument("--deep", action="store_true", help=t("audit.cli.verify_deep_help"))
    v.set_defaults(handler=run_verify)
    n = a.add_parser("anchor", help=t("audit.cli.anchor_help"))
    n.add_argument("receipt", metavar="RECEIPT", nargs="?", help=t("audit.cli.anchor_file_help"))
    n.set_defaults(handler=run_anchor)


def run_verify(rt) -> int:  # noqa: ANN001
    from pathlib import Path

    from mca_tui.storage import anchor
    from mca_tui.storage.audit import verify_chains

    heads = None
    if rt.args.anchor:
        try:
            heads = anchor.read_receipt(Path(rt.args.anchor).expanduser())
        except anchor.ReceiptError:
            print(t("audit.cli.bad_receipt", path=rt.args.anchor))
            return 2
    db = rt.database()
    with db.read() as s:
        result = verify_chains(s)
        problem = anchor.check_receipt(s, heads) if heads is not None else None
    status = 0
    if result.ok:
        print(t("cli.audit_ok", events=result.events, chains=result.chains))
    else:
        b = result.broken
        assert b is not None  # not ok: the first broken link
        print(t("cli.audit_broken", chain=b.chain, seq=b.seq if b.seq is not None else "-",
                id=b.event_id or "-",
                reason=t("audit.reason.keyed_mismatch" if b.keyed else f"audit.reason.{b.reason}")))
        status = 1
    if heads is not None:
        if problem is None:
            print(t("audit.cli.anchor_ok", path=rt.args.anchor))
        else:
            print(t("audit.cli.anchor_broken", chain=problem.chain, count=problem.count,
                    reason=t(f"audit.reason.{problem.reason}")))
            status = 1
    if rt.args.deep:
        from mca_tui.storage.replay import replay

        with db.read() as s:
            records, problems = replay(s)
        if not problems:
            print(t("audit.cli.deep_ok", records=records))
        else:
            print(t("audit.cli.deep_broken", count=len(problems)))
            for p in problems:
                columns = f" ({', '.join(p.columns)})" if p.columns else ""
                print(t("audit.cli.deep_row", entity=p.entity, id=p.entity_id,
                        reason=t(f"audit.reason.{p.reason}"), columns=columns))
            status = 1
    return status


def run_anchor(rt) -> int:  # noqa: ANN001
    from pathlib import Path

    from mca_tui.storage import anchor

    target = Path(rt.args.receipt).expanduser() if rt.args.receipt else None
    if target is not None and target.exists():
        print(t("audit.cli.anchor_exists", path=str(target)))
        return 1
    db = rt.database()
    with db.read() as s:
        path = anchor.write_receipt(s, target, registry=anchor.registry_name(db), reason="anchor")
        heads = anchor.current_heads(s)
    print(t("audit.cli.anchor_written", path=str(path), chains=len(heads),
            events=sum(h.count for h in heads)))
    return 0
