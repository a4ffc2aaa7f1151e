"""Hand-built organizations for search and shell tests."""

from __future__ import annotations

from datetime import date

from mca_tui.domain.enums import OrgStatus, OrgType
from mca_tui.domain.identifiers import build_uscc
from mca_tui.services.context import ensure_office
from mca_tui.services.organizations import PersonInput, insert_organization
from mca_tui.storage.audit import Subject


def code(n: int, category: str = "1") -> str:
    return build_uscc(category, "350205", f"MJ{n:06d}")


def add_orgs(ctx, rows: list[dict]) -> list[str]:  # noqa: ANN001
    """Insert organizations (name, rep, domicile, uscc, status ...) in one unit."""
    office = ensure_office(ctx.db, ctx.settings)
    ids = []
    for i, row in enumerate(rows, start=1):
        with ctx.unit("test.add_org", subject=Subject("test", None)) as unit:
            row = dict(row)
            name = row.pop("name")
            rep = row.pop("rep", "张三")
            row.setdefault("uscc", code(i))
            row.setdefault("established_on", date(2020, 1, 1))
            org_type = row.pop("org_type", OrgType.SOCIAL_GROUP)
            status = row.pop("status", OrgStatus.ACTIVE)
            org = insert_organization(unit, office_id=office.id, org_type=org_type, name=name,
                                      legal_rep=PersonInput(rep), status=status.value, **row)
            ids.append(org.id)
    return ids


# How a rebuild's documents are computed (``storage.rebuild_workers``), and the executor
# each way makes
WORKERS = {"process": ["ProcessPoolExecutor"], "thread": ["ThreadPoolExecutor"],
           "in place": ["InPlace"], "no process": ["ThreadPoolExecutor"]}


def rebuild_workers_as(monkeypatch, worker: str) -> list[str]:  # noqa: ANN001
    """Make the next rebuilds compute their documents as ``worker`` (a key of WORKERS)
    says: a second core idle except "in place", processes that cannot start for "no
    process" (the caller lowers the engine's PROCESS_MIN for the process ways). Returns
    the list the class name of each executor made is appended to."""
    import multiprocessing

    from mca_tui.storage import rebuild_workers

    monkeypatch.setattr(rebuild_workers, "second_core", lambda: worker != "in place")
    made: list[str] = []
    real = rebuild_workers.make

    def make(idle, use_processes):  # noqa: ANN001, ANN202
        made.append(type(executor := real(idle, use_processes)).__name__)
        return executor

    monkeypatch.setattr(rebuild_workers, "make", make)
    if worker == "no process":
        def no_spawn(method):  # noqa: ANN001, ANN202, ARG001
            raise OSError("no process here")

        monkeypatch.setattr(multiprocessing, "get_context", no_spawn)
    return made
