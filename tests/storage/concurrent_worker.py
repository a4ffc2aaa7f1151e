"""One clerk's process for test_concurrent_writers: signs in, waits for the start file,
then approves its applications and records organizations as fast as it can, printing
what it did as JSON. Run as ``python -m tests.storage.concurrent_worker ARGS_JSON``."""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from pathlib import Path


def main(args: dict) -> dict:
    from mca_tui.config import Settings
    from mca_tui.domain import permissions
    from mca_tui.domain.enums import OrgType, Role
    from mca_tui.services import documents, users
    from mca_tui.services import registration as reg
    from mca_tui.services.context import ServiceContext, cli_context
    from mca_tui.services.organizations import insert_organization
    from mca_tui.storage.audit import Subject
    from mca_tui.storage.engine import Database

    permissions.declare("test.add_org", Role)
    settings = Settings(documents_dir=args["documents_dir"])
    if args.get("first_start"):  # open a registry not created yet, at the same moment
        _wait(Path(args["start_file"]))
        db = Database.open(args["db"])
        office = cli_context(db, settings).actor.office_id
        db.dispose()
        return {"office": office}
    db = Database.open(args["db"])
    actor = users.authenticate(cli_context(db, settings), args["user"], args["password"])
    ctx = ServiceContext(db=db, settings=settings, actor=actor)
    today = date.fromisoformat(args["today"])
    ctx.today = lambda: today
    _wait(Path(args["start_file"]))
    approved, refused, orgs = [], [], []
    with documents.files_deferred():
        for app_id in args["applications"]:
            try:
                result = reg.approve(ctx, app_id)
            except reg.NotReady as exc:
                refused.append([app_id, [f.code for f in exc.findings]])
            else:
                approved.append([app_id, result.organization_id])
            for i in range(args["orgs_per_app"]):
                name = f"{args['user']}并发测试协会{app_id[-6:]}{i}"
                with ctx.unit("test.add_org", subject=Subject("test", None)) as unit:
                    org = insert_organization(unit, office_id=actor.office_id,
                                              org_type=OrgType.SOCIAL_GROUP, name=name)
                    orgs.append(org.id)
    db.dispose()
    return {"approved": approved, "refused": refused, "orgs": orgs}


def _wait(start: Path) -> None:
    deadline = time.monotonic() + 60
    while not start.exists() and time.monotonic() < deadline:
        time.sleep(0.005)


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]))))
