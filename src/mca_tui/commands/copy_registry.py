"""``mca-tui copy-registry TARGET``: copy the whole registry (the one ``--db`` opens) into
a new, empty database, e.g. the district's shared PostgreSQL server (README); the
target's search index is built and its audit chain verified."""

from __future__ import annotations

from mca_tui.i18n import t


def register(sub) -> None:  # noqa: ANN001
    p = sub.add_parser("copy-registry", help=t("transfer.help"))
    p.add_argument("target", metavar="URL", help=t("transfer.target_help"))
    p.set_defaults(handler=run)


def run(rt) -> int:  # noqa: ANN001
    from mca_tui.domain.enums import Role
    from mca_tui.storage import transfer
    from mca_tui.storage.engine import Database, to_url

    source = rt.database()
    target_url = to_url(rt.args.target)
    if target_url == source.url:
        print(t("transfer.same"))
        return 2
    ctx = rt.context()  # the file owner, or a user signed in with --user
    ctx.require(Role.ADMIN)  # the whole registry leaves: an administrator's act
    actor = ctx.actor
    target = Database.open(target_url)
    try:
        result = transfer.copy_registry(
            source, target, actor, note=source.url.split("@")[-1],
            progress=lambda table, n: print(t("transfer.table", table=table, rows=n)))
    except transfer.TargetNotEmpty as exc:
        print(t("transfer.not_empty", table=exc.table))
        return 1
    finally:
        target.dispose()
    print(t("transfer.done", rows=sum(result.rows.values()), orgs=result.indexed))
    if not result.chain.ok:
        print(t("transfer.chain_broken"))
        return 1
    print(t("cli.audit_ok", events=result.chain.events, chains=result.chain.chains))
    return 0
