"""Screens open one another by name (ui.router), wired in one place (ui.routes): every
name a screen asks for is registered once the ``mca_tui.ui`` package is imported, and the
form that continues an application is the one its kind and status call for."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from mca_tui.domain.enums import ApplicationKind, ApplicationStatus
from mca_tui.ui import procedures, router


def test_every_name_the_screens_ask_for_is_registered():
    assert {"record", "application", "application_form", "intake", "deregistration"} <= set(
        router.names())


def test_an_unknown_name_says_where_routes_are_registered():
    with pytest.raises(LookupError, match="mca_tui.ui.routes"):
        router.screen("no-such-screen")


def test_the_procedure_registry_is_filled_in_menu_order():
    ids = [p.id for p in procedures.PROCEDURES]
    assert ids[:3] == ["search", "intake", "applications"]
    assert len(ids) == len(set(ids))
    assert {"deregistration_decision", "revocation_cases"} <= set(procedures.QUEUE_OPENERS)


@pytest.mark.parametrize(("kind", "status", "screen"), [
    (ApplicationKind.ESTABLISHMENT, ApplicationStatus.DRAFT, "IntakeScreen"),
    (ApplicationKind.ESTABLISHMENT, ApplicationStatus.CORRECTION, "CorrectionScreen"),
    (ApplicationKind.CHANGE, ApplicationStatus.DRAFT, "ChangeScreen"),
])
def test_the_form_that_continues_an_application(ctx, kind, status, screen):
    info = SimpleNamespace(id="app-1", kind=kind, status=status, organization_id="org-1")
    built = router.screen("application_form", ctx, info)
    assert type(built).__name__ == screen
    assert built.application_id == "app-1"
