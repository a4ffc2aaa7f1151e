"""``mca-tui audit verify``: recompute the hash chains and name the first broken link."""

from __future__ import annotations

from mca_tui.i18n import t


def register(sub) -> None:  # noqa: ANN001
    p = sub.add_parser("audit", help=t("cli.audit_help"))
    a = p.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    v = a.add_parser("verify", help=t("cli.audit_verify_help"))
    v.set_defaults(handler=run_verify)


def run_verify(rt) -> int:  # noqa: ANN001
    from mca_tui.storage.audit import verify_chains

    db = rt.database()
    with db.read() as s:
        result = verify_chains(s)
    if result.ok:
        print(t("cli.audit_ok", events=result.events, chains=result.chains))
        return 0
    b = result.broken
    assert b is not None  # not ok: the first broken link
    print(t("cli.audit_broken", chain=b.chain, seq=b.seq if b.seq is not None else "-",
            id=b.event_id or "-", reason=t(f"audit.reason.{b.reason}")))
    return 1
