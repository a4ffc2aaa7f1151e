"""Two clerks' processes writing to one registry at once (the shared PostgreSQL registry;
on SQLite the same test checks the single-writer path): nothing is lost, no number or
name is handed out twice, and the audit chain stays whole. Runs on the engine the ``db``
fixture selects (MCA_TUI_TEST_PG for PostgreSQL)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from sqlmodel import select

from mca_tui.domain.enums import OrgType, Role
from mca_tui.services import registration as reg
from mca_tui.storage.audit import verify_chains
from mca_tui.storage.engine import Database
from mca_tui.storage.models import (
    AuditEvent,
    Certificate,
    CodeCounter,
    IssuedDocument,
    Organization,
)
from tests.conftest import PASSWORD
from tests.registration.helpers import TODAY, make_id, sg_form

ROOT = Path(__file__).resolve().parents[2]
PER_WORKER = 4  # applications with names of their own, per worker
ORGS_PER_APP = 2  # further organizations each worker records after each approval


def _accept_and_review(clerk, reviewer, n: int, name: str):
    form = sg_form(name=name, legal_rep_name=f"陈{'一二三四五六七八九十'[n % 10]}{n}",
                   legal_rep_id_number=make_id(f"3502051980{n // 28 + 1:02d}"
                                               f"{n % 28 + 1:02d}{n:03d}"),
                   domicile=f"厦门市海沧区海沧大道{100 + n}号")
    draft = reg.save_draft(clerk, form, org_type=OrgType.SOCIAL_GROUP)
    app = reg.submit(clerk, draft.id)
    reg.review(reviewer, app.id)
    return app.id


def test_two_processes_write_at_once_lose_nothing_and_share_no_number(db, make_ctx, settings,
                                                                       tmp_path):
    clerk = make_ctx("clerk", Role.CLERK, today=TODAY)
    reviewer = make_ctx("reviewer", Role.REVIEWER, today=TODAY)
    for user in ("approver1", "approver2"):
        make_ctx(user, Role.APPROVER, today=TODAY)
    digits = "一二三四五六七八九"
    own = [[_accept_and_review(clerk, reviewer, 10 * w + i,
                               f"厦门市海沧区{digits[w]}{digits[i]}号体育协会")
            for i in range(PER_WORKER)] for w in range(2)]
    # the same name applied for twice: both approvers will try to approve it at once
    same = [_accept_and_review(clerk, reviewer, 90 + w, "厦门市海沧区同名体育协会")
            for w in range(2)]
    with db.read() as s:
        events_before = len(s.exec(select(AuditEvent.id).where(
            AuditEvent.action != "user.sign_in")).all())
        sign_ins_before = len(s.exec(select(AuditEvent.id).where(
            AuditEvent.action == "user.sign_in")).all())

    start = tmp_path / "start"
    procs = []
    for w, user in enumerate(("approver1", "approver2")):
        args = {"db": db.url, "documents_dir": settings.documents_dir, "user": user,
                "password": PASSWORD, "today": TODAY.isoformat(), "start_file": str(start),
                "applications": [same[w], *own[w]], "orgs_per_app": ORGS_PER_APP}
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "tests.storage.concurrent_worker", json.dumps(args)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    start.touch()
    results = []
    for p in procs:
        out, err = p.communicate(timeout=240)
        assert p.returncode == 0, err[-3000:]
        results.append(json.loads(out.strip().splitlines()[-1]))

    approved = [a for r in results for a in r["approved"]]
    refused = [a for r in results for a in r["refused"]]
    recorded = [o for r in results for o in r["orgs"]]
    # every application with a name of its own approved; the shared name exactly once,
    # the other refused for the name (Order 69 Art 16 (1))
    assert {a for a, _ in approved} == {*own[0], *own[1]} | ({same[0], same[1]}
                                                            & {a for a, _ in approved})
    assert sum(a in same for a, _ in approved) == 1
    assert len(refused) == 1 and refused[0][0] in same and "name_taken" in refused[0][1]
    assert len(recorded) == 2 * (PER_WORKER + 1) * ORGS_PER_APP

    with db.read() as s:
        orgs = s.exec(select(Organization)).all()
        by_id = {o.id: o for o in orgs}
        assert all(o in by_id for o in recorded)  # nothing lost
        assert all(org_id in by_id for _, org_id in approved)
        names = Counter(o.name for o in orgs)
        assert names["厦门市海沧区同名体育协会"] == 1
        usccs = [o.uscc for o in orgs if o.uscc]
        assert len(usccs) == len(set(usccs)) == 2 * PER_WORKER + 1
        rowids = [o.search_rowid for o in orgs]
        assert None not in rowids and len(set(rowids)) == len(rowids)
        serials = [c.serial_original for c in s.exec(select(Certificate)).all()]
        assert len(serials) == len(set(serials)) == 2 * PER_WORKER + 1
        docs = s.exec(select(IssuedDocument)).all()
        for kind, seqs in _by_kind(docs).items():  # gapless, none shared
            assert sorted(seqs) == list(range(1, len(seqs) + 1)), kind
        assert len({d.number for d in docs}) == len(docs)
        counter = s.exec(select(CodeCounter).where(
            CodeCounter.name.startswith("uscc:"))).one()
        assert counter.last_value >= 2 * PER_WORKER + 1
        events = len(s.exec(select(AuditEvent.id).where(
            AuditEvent.action != "user.sign_in")).all())
        sign_ins = len(s.exec(select(AuditEvent.id).where(
            AuditEvent.action == "user.sign_in")).all())
        chain = verify_chains(s)
    # one event per write that happened (a refused approval writes nothing); a sign-in's
    # event is written in the background once the registry is free (it never waits for
    # the write lock), so a worker that exits at once may leave it unwritten
    assert events - events_before == len(approved) + len(recorded)
    assert sign_ins - sign_ins_before <= 2
    assert chain.ok, chain.broken


def test_two_offices_start_a_new_registry_at_once(empty_db_url, settings, tmp_path):
    """Both create and upgrade the schema and the office row at the same moment: one does
    it, the other waits or finds it done; both start, with one office and one event."""
    start = tmp_path / "start"
    args = {"db": empty_db_url, "documents_dir": settings.documents_dir, "first_start": True,
            "start_file": str(start)}
    procs = [subprocess.Popen(
        [sys.executable, "-m", "tests.storage.concurrent_worker", json.dumps(args)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    start.touch()
    offices = []
    for p in procs:
        out, err = p.communicate(timeout=240)
        assert p.returncode == 0, err[-3000:]
        offices.append(json.loads(out.strip().splitlines()[-1])["office"])
    assert offices[0] == offices[1]
    db = Database.open(empty_db_url)
    try:
        with db.read() as s:
            assert len(s.exec(select(AuditEvent.id)).all()) == 1  # office.create, once
            assert verify_chains(s).ok
    finally:
        db.dispose()


def _by_kind(docs) -> dict[str, list[int]]:  # noqa: ANN001
    out: dict[str, list[int]] = {}
    for d in docs:
        out.setdefault(f"{d.office_id}:{d.kind}:{d.year}", []).append(d.seq)
    return out
