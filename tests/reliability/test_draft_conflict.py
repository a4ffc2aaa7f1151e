"""Two clerks saving the same draft (issue 13): the second save is refused with a view of
what the first one changed; nothing is overwritten and no event is written for it."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from mca_tui.domain.enums import OrgType, Role
from mca_tui.services import registration as reg
from mca_tui.services.errors import Conflict
from mca_tui.storage.models import AuditEvent

from ..registration.helpers import TODAY, sg_form


def _events(db) -> int:
    with db.read() as s:
        return s.exec(select(func.count()).select_from(AuditEvent)).one()


@pytest.mark.parametrize("autosave", [False, True])
def test_the_second_save_of_a_draft_is_refused_with_what_changed(make_ctx, db, autosave):
    a = make_ctx("clerk_a", Role.CLERK, today=TODAY)
    b = make_ctx("clerk_b", Role.CLERK, today=TODAY)
    draft = reg.save_draft(a, sg_form(), org_type=OrgType.SOCIAL_GROUP)
    # both clerks open the draft
    seen_a = reg.get_application(a, draft.id)
    seen_b = reg.get_application(b, draft.id)
    form_a = {**seen_a.form, "domicile": "海沧大道1号（甲改）"}
    saved = reg.save_draft(a, form_a, application_id=draft.id, autosave=autosave,
                           expected_version=seen_a.version)
    assert saved.version > seen_a.version
    form_b = {**seen_b.form, "phone": "0592-6000000"}
    before = _events(db)
    with pytest.raises(reg.DraftConflict) as refused:
        reg.save_draft(b, form_b, application_id=draft.id, autosave=autosave,
                       expected_version=seen_b.version)
    assert isinstance(refused.value, Conflict)
    assert set(refused.value.fields) == {"domicile", "phone"}
    assert refused.value.theirs["domicile"] == "海沧大道1号（甲改）"
    message = refused.value.message("en")
    assert "another user saved this draft" in message and "海沧大道1号（甲改）" in message
    assert _events(db) == before
    assert reg.get_application(a, draft.id).form == form_a  # the first clerk's change stays
    # clerk B reopens, enters the change again on top of A's, and saves
    fresh = reg.get_application(b, draft.id)
    merged = {**fresh.form, "phone": "0592-6000000"}
    reg.save_draft(b, merged, application_id=draft.id, autosave=autosave,
                   expected_version=fresh.version)
    assert reg.get_application(a, draft.id).form == merged


def test_a_clerk_saving_again_after_their_own_save_is_not_refused(make_ctx):
    a = make_ctx("clerk_a", Role.CLERK, today=TODAY)
    draft = reg.save_draft(a, sg_form(), org_type=OrgType.SOCIAL_GROUP)
    version = draft.version
    for i, autosave in enumerate([True, True, False, True]):
        info = reg.save_draft(a, {**sg_form(), "phone": f"0592-600000{i}"},
                              application_id=draft.id, autosave=autosave,
                              expected_version=version)
        version = info.version
    assert reg.get_application(a, draft.id).form["phone"] == "0592-6000003"
