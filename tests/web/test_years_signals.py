"""Phase changes as signals: assessments, appraisal, results and the inbox subscribe to the year's signals
(years imports none of them), in a fixed order, and moving the year runs them."""
import pytest
from sqlalchemy import select

from portal.audit.models import AuditLog
from portal.auth.models import User
from portal.extensions import db
from portal.notifications.models import Notification
from portal.years import signals
from portal.years.services import closing_effect, change_phase
from tests.web.years_setup import build_world

SUBSCRIBERS = {
    "phase_changed": ["portal.appraisal.listeners.close_round1_at_deadline",
                      "portal.assessments.listeners.lock_drafts_at_deadline",
                      "portal.results.listeners.supersede_or_publish",
                      "portal.notifications.listeners._announce_phase"],
    "closing_effect_asked": ["portal.appraisal.listeners.rounds_to_close",
                             "portal.assessments.listeners.drafts_to_lock"],
    "phase_facts_asked": ["portal.results.listeners.approval_facts"],
    "unit_reopened": ["portal.assessments.listeners.reopen_file", "portal.notifications.listeners._tell_reopened"],
    "deadline_extended": ["portal.notifications.listeners._tell_extension"],
}


@pytest.fixture
def world(ctx):
    return build_world()


@pytest.mark.parametrize("name", sorted(SUBSCRIBERS))
def test_the_areas_subscribe_in_a_fixed_order(app, name):
    signal = getattr(signals, name)
    assert [f"{f.__module__}.{f.__qualname__}" for f in signals.receivers(signal, object())] == SUBSCRIBERS[name]


def test_moving_to_review_1_locks_the_drafts_then_tells_everyone(world):
    year, admin = world.year(), db.session.get(User, world.users["quantri"])
    assert closing_effect(year) == 3  # SYT, STC and 883 are drafts
    heard = []

    def listen(sender, **kwargs):
        heard.append((sender, kwargs["old"], str(kwargs["new"]), kwargs["back"]))

    signals.phase_changed.connect(listen)
    try:
        closed = change_phase(year, "review_1", user=admin, reason=None, now=world.now)
    finally:
        signals.phase_changed.disconnect(listen)
    assert closed == 3 and heard == [(year, "self_assessment", "review_1", False)]
    assert {world.assessment(code).status for code in ("SYT", "STC", "883")} == {"submitted"}
    locked = db.session.scalars(select(Notification.id).where(Notification.kind == "self_locked")).all()
    announced = db.session.scalars(select(Notification.id).where(Notification.kind == "phase_opening")).all()
    assert len(locked) == 6 and announced and max(locked) < min(announced)  # records first, then the telling
    assert len(db.session.scalars(select(AuditLog).where(AuditLog.action == "self_submit")).all()) == 3
    assert closing_effect(year) == 4  # round 1 is open for every file now, STP's included


def test_without_the_results_answer_the_year_counts_as_not_approved(world):
    year = world.year()
    assert signals.send(signals.phase_facts_asked, year, target="review_1") == [
        {"approved": False, "stale": False}]
