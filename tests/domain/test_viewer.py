"""What the pages ask about the signed-in user (portal.policy.viewer): a table written out per role, and the
answers checked against the rules they stand for, so a page never shows an action its rule refuses by role."""
from datetime import UTC, datetime

import pytest

from portal.policy.roles import ROLES, Actor
from portal.policy.viewer import Viewer
from portal.years import domain as d
from portal.years.phases import Window

# role: is_secretariat, is_unit, is_council, oversees, sees_assigned_fields_only, prepares_only, audience
TABLE = {
    "admin":          (True,  False, False, True,  False, False, "admin"),
    "unit_staff":     (False, True,  False, False, False, True,  "unit"),
    "unit_leader":    (False, True,  False, False, False, False, "unit"),
    "council_member": (False, False, True,  False, True,  False, "council"),
    "council_chair":  (False, False, True,  True,  False, False, "council"),
}


def test_the_table_covers_every_role():
    assert set(TABLE) == set(ROLES)


@pytest.mark.parametrize("role", sorted(TABLE))
def test_answers_per_role(role):
    v = Viewer(Actor(role))
    assert (v.is_secretariat, v.is_unit, v.is_council, v.oversees, v.sees_assigned_fields_only,
            v.prepares_only, v.deadline_audience) == TABLE[role]
    assert v.role == role


@pytest.mark.parametrize("role", sorted(TABLE))
def test_answers_agree_with_the_rules(role):
    actor, v = Actor(role, unit_id=1), Viewer(Actor(role, unit_id=1))
    # closing rounds and approving: refused by role exactly when the viewer does not oversee
    closes = d.can_close_round1(actor, phase="review_1", unit_status="submitted", all_fields_done=True)
    assert (closes.reason != "role") is v.oversees
    assert (d.can_approve_results(actor, phase="approval").reason != "role") is v.oversees
    # the unit's staff prepare; locking the self-assessment is refused to them by role
    window = Window(opens_at=None, closes_at=None)
    submit = d.can_submit_self(actor, unit_id=1, phase="self_assessment", status="draft", window=window,
                               deadline=None, now=datetime(2024, 1, 1, tzinfo=UTC))
    if v.is_unit:
        assert bool(submit) is not v.prepares_only
    assert bool(d.can_manage_year(actor)) is v.is_secretariat
