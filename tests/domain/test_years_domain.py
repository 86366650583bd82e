"""Permission and deadline rules of an assessment year (portal.years.domain), without an app.

The big matrix compares every persona × phase × action with `expected_policy`, written here from the
brief in terms of personas (not actor attributes), so it does not mirror the implementation. Deadline
edges are checked to the second: T − 1 s, T, T + 1 s, T + grace, T + grace + 1 s, per-unit extensions
and reopenings.
"""

import ast
import itertools
import pathlib
import string
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.years import domain as d
from portal.policy.decisions import REASON_CODES, REASON_MESSAGES, Decision, refuse
from portal.policy.roles import Actor
from portal.years.domain import Phase, UnitDeadline, Window

PHASES = [p.value for p in Phase]
ORDER = {p: i for i, p in enumerate(PHASES)}
T = datetime(2023, 4, 15, 10, 0, 0, tzinfo=UTC)  # 17:00 in Asia/Ho_Chi_Minh
OPENS = T - timedelta(days=10)
NOW_OPEN = T - timedelta(days=1)
UNIT, OTHER_UNIT, AGENCY = "unit-A", "unit-B", "unit-X"
FIELD = "F3"

PERSONAS = {
    "anonymous": Actor("anonymous"),
    "admin": Actor("admin", user_id=1),
    "staff_own": Actor("unit_staff", unit_id=UNIT),
    "leader_own": Actor("unit_leader", unit_id=UNIT),
    "staff_other": Actor("unit_staff", unit_id=OTHER_UNIT),
    "leader_other": Actor("unit_leader", unit_id=OTHER_UNIT),
    "member_assigned": Actor("council_member", agency_unit_id=AGENCY, assigned_fields=frozenset({FIELD})),
    "member_unassigned": Actor("council_member", agency_unit_id=AGENCY, assigned_fields=frozenset({"F1"})),
    "member_all_fields": Actor("council_member", agency_unit_id=AGENCY, assigned_fields=frozenset({"*"})),
    "member_own_agency": Actor("council_member", agency_unit_id=UNIT, assigned_fields=frozenset({FIELD})),
    "chair": Actor("council_chair", agency_unit_id=AGENCY),
    "chair_own_agency": Actor("council_chair", agency_unit_id=UNIT),
}
OWN_UNIT = {"staff_own", "leader_own"}
OTHER_UNIT_PERSONAS = {"staff_other", "leader_other"}
LEADERS = {"leader_own", "leader_other"}
MEMBERS = {"member_assigned", "member_unassigned", "member_all_fields", "member_own_agency"}
CHAIRS = {"chair", "chair_own_agency"}
OWN_AGENCY = {"member_own_agency", "chair_own_agency"}


def open_window(grace=0):
    return Window(opens_at=OPENS, closes_at=T, grace_seconds=grace)


# Each action, called with the context in which it is meant to succeed (status that fits, open window).
def _windowed(fn, status, **extra):
    return lambda actor, phase: fn(
        actor, unit_id=UNIT, phase=phase, status=status, window=open_window(), deadline=None,
        now=NOW_OPEN, **extra,
    )


def _appraise(round_, status):
    return lambda actor, phase: d.can_appraise(
        actor, unit_id=UNIT, field_code=FIELD, round=round_, phase=phase, unit_status=status,
        window=open_window(), deadline=None, now=NOW_OPEN,
    )


ACTIONS = {
    "view_assessment": lambda a, p: d.can_view_assessment(a, unit_id=UNIT, phase=p),
    "edit_self": _windowed(d.can_edit_self_score, "draft"),
    "submit_self": _windowed(d.can_submit_self, "draft"),
    "appraise_1": _appraise(1, "submitted"),
    "appraise_2": _appraise(2, "explanation_submitted"),
    "explain": _windowed(d.can_explain, "review_1_done"),
    "submit_explanation": _windowed(d.can_submit_explanation, "review_1_done"),
    "finalize": lambda a, p: d.can_finalize_unit(
        a, phase=p, all_fields_done=True, unit_id=UNIT, unit_status="explanation_submitted"
    ),
    "close_round1": lambda a, p: d.can_close_round1(
        a, phase=p, unit_status="submitted", all_fields_done=True, unit_id=UNIT
    ),
    "manage_year": lambda a, p: d.can_manage_year(a),
    "extend_deadline": lambda a, p: d.can_extend_deadline(a, phase=p),
    "reopen_unit": lambda a, p: d.can_reopen_unit(a, phase=p),
    "import_survey": lambda a, p: d.can_import_survey(a, phase=p),
    "compute_results": lambda a, p: d.can_compute_results(a, phase=p, approved=False),
    "approve_results": lambda a, p: d.can_approve_results(a, phase=p),
    "publish": lambda a, p: d.can_publish(a, phase=p, approved=True),
    "view_results_published": lambda a, p: d.can_view_results(a, phase=p, published=True),
    "view_results_unpublished": lambda a, p: d.can_view_results(a, phase=p, published=False),
    "edit_criteria": lambda a, p: d.can_edit_criteria(a, phase=p, set_locked=False),
}

WORKING = {"self_assessment", "review_1", "explanation", "review_2"}


def expected_policy(action, persona, phase):
    """The brief's policy: None when allowed, else the refusal code (role → unit → phase → rest)."""
    at_least = lambda p: ORDER[phase] >= ORDER[p]  # noqa: E731
    if action == "view_assessment":
        if persona == "admin" or persona in CHAIRS:
            return None
        if persona in MEMBERS:
            return None if at_least("review_1") else "wrong_phase"
        if persona in OWN_UNIT:
            return None
        return "not_own_unit" if persona in OTHER_UNIT_PERSONAS else "role"
    if action in ("edit_self", "submit_self", "explain", "submit_explanation"):
        leader_only = action.startswith("submit")
        allowed_roles = LEADERS if leader_only else OWN_UNIT | OTHER_UNIT_PERSONAS
        if persona not in allowed_roles:
            return "role"
        if persona not in OWN_UNIT:
            return "not_own_unit"
        wanted = "self_assessment" if action.endswith("self") else "explanation"
        return None if phase == wanted else "wrong_phase"
    if action in ("appraise_1", "appraise_2"):
        if persona not in MEMBERS | CHAIRS:
            return "role"
        if phase != ("review_1" if action == "appraise_1" else "review_2"):
            return "wrong_phase"
        if persona in OWN_AGENCY:
            return "own_agency"
        return "not_assigned" if persona == "member_unassigned" else None
    if action in ("finalize", "close_round1"):
        if persona not in CHAIRS | {"admin"}:
            return "role"
        if phase != ("review_2" if action == "finalize" else "review_1"):
            return "wrong_phase"
        return "own_agency" if persona == "chair_own_agency" else None
    admin_phases = {
        "manage_year": set(PHASES),
        "extend_deadline": WORKING,
        "reopen_unit": WORKING,
        "import_survey": {"synthesis"},
        "compute_results": {"synthesis", "approval"},
        "publish": {"approval"},
    }
    if action in admin_phases:
        if persona != "admin":
            return "role"
        return None if phase in admin_phases[action] else "wrong_phase"
    if action == "approve_results":
        if persona != "admin" and persona not in CHAIRS:
            return "role"
        return None if phase == "approval" else "wrong_phase"
    if action.startswith("view_results"):
        if persona == "admin" or persona in CHAIRS:
            return None if at_least("synthesis") else "wrong_phase"
        published = action == "view_results_published"
        if published and phase in ("published", "archived"):
            return None   # members too: before, every unit's result — its own agency's — is the chair's
        return "council_until_published" if persona in MEMBERS else "not_published"
    if action == "edit_criteria":
        if persona != "admin":
            return "role"
        if phase in ("published", "archived"):
            return "wrong_phase"
        return None if phase == "setup" else "locked"
    raise AssertionError(action)


@pytest.mark.parametrize(
    "action,persona,phase", list(itertools.product(ACTIONS, PERSONAS, PHASES))
)
def test_policy_matrix(action, persona, phase):
    decision = ACTIONS[action](PERSONAS[persona], phase)
    assert isinstance(decision, Decision)
    want = expected_policy(action, persona, phase)
    assert (decision.allowed, decision.reason) == (want is None, want)
    assert bool(decision) is decision.allowed
    if not decision.allowed:
        assert decision.reason in REASON_MESSAGES


# ----------------------------------------------------------------------------------- deadline edges

WINDOWED = {
    "edit_self": ("staff_own", "self_assessment", "draft"),
    "submit_self": ("leader_own", "self_assessment", "draft"),
    "appraise_1": ("member_assigned", "review_1", "submitted"),
    "appraise_2": ("member_assigned", "review_2", "explanation_submitted"),
    "explain": ("staff_own", "explanation", "review_1_done"),
    "submit_explanation": ("leader_own", "explanation", "review_1_done"),
}


def run_windowed(action, *, now, window, deadline=None, unit_id=UNIT, status=None):
    persona, phase, good_status = WINDOWED[action]
    actor = PERSONAS[persona]
    if unit_id == OTHER_UNIT and persona in OWN_UNIT:
        actor = Actor(actor.role, unit_id=OTHER_UNIT)
    status = status or good_status
    if action.startswith("appraise"):
        return d.can_appraise(
            actor, unit_id=unit_id, field_code=FIELD, round=int(action[-1]), phase=phase,
            unit_status=status, window=window, deadline=deadline, now=now,
        )
    fn = {
        "edit_self": d.can_edit_self_score, "submit_self": d.can_submit_self,
        "explain": d.can_explain, "submit_explanation": d.can_submit_explanation,
    }[action]
    return fn(actor, unit_id=unit_id, phase=phase, status=status, window=window, deadline=deadline, now=now)


@pytest.mark.parametrize("action", WINDOWED)
@pytest.mark.parametrize(
    "grace,offset,accepted",
    [
        (0, -1, True), (0, 0, True), (0, 1, False),
        (60, -1, True), (60, 0, True), (60, 1, True), (60, 60, True), (60, 61, False),
    ],
)
def test_deadline_to_the_second(action, grace, offset, accepted):
    decision = run_windowed(action, now=T + timedelta(seconds=offset), window=open_window(grace))
    assert decision.allowed is accepted
    assert decision.reason == (None if accepted else "closed")
    assert decision.until == T  # the shown deadline never includes the grace


@pytest.mark.parametrize("action", WINDOWED)
@pytest.mark.parametrize("offset,accepted", [(-1, False), (0, True), (1, True)])
def test_opening_to_the_second(action, offset, accepted):
    decision = run_windowed(action, now=OPENS + timedelta(seconds=offset), window=open_window())
    assert decision.allowed is accepted
    if not accepted:
        assert (decision.reason, decision.opens_at, decision.until) == ("not_open_yet", OPENS, T)


EXTENDED = T + timedelta(hours=6)


@pytest.mark.parametrize("action", WINDOWED)
@pytest.mark.parametrize(
    "grace,offset_from_t,extended_unit,other_unit",
    [
        (0, -1, True, True),
        (0, 0, True, True),
        (0, 1, True, False),  # the extended unit saves after T, another unit cannot
        (0, 6 * 3600, True, False),
        (0, 6 * 3600 + 1, False, False),
        (60, 60, True, True),
        (60, 61, True, False),
        (60, 6 * 3600 + 60, True, False),
        (60, 6 * 3600 + 61, False, False),
    ],
)
def test_per_unit_extension(action, grace, offset_from_t, extended_unit, other_unit):
    now = T + timedelta(seconds=offset_from_t)
    window = open_window(grace)
    extended = run_windowed(action, now=now, window=window, deadline=UnitDeadline(extended_until=EXTENDED))
    assert extended.allowed is extended_unit
    assert extended.until == EXTENDED
    # Another unit (its own staff, or the council on that unit) keeps the phase deadline.
    other = run_windowed(action, now=now, window=window, deadline=None, unit_id=OTHER_UNIT)
    assert other.allowed is other_unit
    assert other.until == T
    no_extension = run_windowed(action, now=now, window=window, deadline=UnitDeadline())
    assert no_extension.allowed is other_unit


@pytest.mark.parametrize("action", WINDOWED)
def test_no_deadline_and_no_opening_time(action):
    far = T + timedelta(days=3650)
    assert run_windowed(action, now=far, window=Window(opens_at=OPENS, closes_at=None))
    assert run_windowed(action, now=OPENS - timedelta(days=365), window=Window(opens_at=None, closes_at=T))
    assert run_windowed(action, now=far, window=Window(opens_at=None, closes_at=None)).until is None


# ------------------------------------------------------------------------- unit status and reopening

STATUSES = ["draft", "submitted", "review_1_done", "explanation_submitted", "finalized"]


def expected_status_rule(action, status, reopened):
    if status == "finalized":
        return "finalized"
    if action in ("edit_self", "submit_self"):
        return None if status == "draft" or (status == "submitted" and reopened) else "submitted"
    if action in ("explain", "submit_explanation"):
        if status == "review_1_done" or (status == "explanation_submitted" and reopened):
            return None
        return "submitted" if status == "explanation_submitted" else "not_ready"
    if action == "appraise_1" and status in ("review_1_done", "explanation_submitted"):
        return "round1_closed"  # the unit already reads its round-1 scores
    return None  # otherwise appraisal refuses only a finalized unit


@pytest.mark.parametrize(
    "action,status,reopened", list(itertools.product(WINDOWED, STATUSES, [False, True]))
)
def test_status_and_reopening_in_an_open_window(action, status, reopened):
    decision = run_windowed(
        action, now=NOW_OPEN, window=open_window(), deadline=UnitDeadline(reopened=reopened), status=status
    )
    want = expected_status_rule(action, status, reopened)
    assert (decision.allowed, decision.reason) == (want is None, want)


@pytest.mark.parametrize("action,status", [
    ("edit_self", "submitted"), ("submit_self", "submitted"),
    ("explain", "explanation_submitted"), ("submit_explanation", "explanation_submitted"),
])
def test_reopening_follows_the_window(action, status):
    after = T + timedelta(seconds=1)
    reopened = UnitDeadline(reopened=True)
    # Reopened while the phase is open: editable until the phase deadline (+ grace) ...
    assert run_windowed(action, now=T, window=open_window(), deadline=reopened, status=status)
    assert run_windowed(action, now=T + timedelta(seconds=30), window=open_window(30), deadline=reopened,
                        status=status)
    # ... a reopening without an extension after the phase closed does not help ...
    late = run_windowed(action, now=after, window=open_window(), deadline=reopened, status=status)
    assert (late.allowed, late.reason) == (False, "closed")
    # ... with a new deadline it does, to the second.
    with_deadline = UnitDeadline(extended_until=EXTENDED, reopened=True)
    assert run_windowed(action, now=EXTENDED, window=open_window(), deadline=with_deadline, status=status)
    assert not run_windowed(action, now=EXTENDED + timedelta(seconds=1), window=open_window(),
                            deadline=with_deadline, status=status)
    # An extension alone does not unlock a submitted file.
    extended = UnitDeadline(extended_until=EXTENDED)
    assert run_windowed(action, now=after, window=open_window(), deadline=extended, status=status).reason == (
        "submitted"
    )


def test_staff_cannot_submit_a_reopened_file_but_can_edit_it():
    reopened = UnitDeadline(reopened=True)
    kwargs = dict(unit_id=UNIT, phase="self_assessment", status="submitted", window=open_window(),
                  deadline=reopened, now=NOW_OPEN)
    assert d.can_edit_self_score(PERSONAS["staff_own"], **kwargs)
    assert d.can_submit_self(PERSONAS["staff_own"], **kwargs).reason == "role"
    assert d.can_submit_self(PERSONAS["leader_own"], **kwargs)


def test_appraisal_window_uses_the_unit_extension_and_a_chair_appraises_every_field():
    chair = PERSONAS["chair"]
    kwargs = dict(unit_id=UNIT, round=1, phase="review_1", unit_status="submitted", window=open_window(),
                  now=T + timedelta(seconds=1))
    assert not d.can_appraise(chair, field_code="F9", deadline=None, **kwargs)
    assert d.can_appraise(chair, field_code="F9", deadline=UnitDeadline(extended_until=EXTENDED), **kwargs)
    member = PERSONAS["member_all_fields"]
    assert d.can_appraise(member, field_code="F9", deadline=UnitDeadline(extended_until=EXTENDED), **kwargs)


# --------------------------------------------------------------------------- other predicate details


def test_finalize_needs_all_fields_and_a_unit_not_yet_finalized():
    chair = PERSONAS["chair"]
    assert d.can_finalize_unit(chair, phase="review_2", all_fields_done=False).reason == "fields_pending"
    assert d.can_finalize_unit(chair, phase="review_2", all_fields_done=True)
    twice = d.can_finalize_unit(chair, phase="review_2", all_fields_done=True, unit_status="finalized")
    assert twice.reason == "finalized"


@pytest.mark.parametrize("round_, status, reason", [
    (1, "submitted", None), (1, "draft", None),
    (1, "review_1_done", "round1_closed"), (1, "explanation_submitted", "round1_closed"),
    (1, "finalized", "finalized"),
    (2, "review_1_done", None), (2, "explanation_submitted", None), (2, "finalized", "finalized"),
])
def test_round_one_scores_stop_moving_once_round_one_is_closed(round_, status, reason):
    decision = d.can_appraise(PERSONAS["member_assigned"], unit_id=UNIT, field_code=FIELD, round=round_,
                              phase="review_1" if round_ == 1 else "review_2", unit_status=status,
                              window=open_window(), deadline=None, now=NOW_OPEN)
    assert decision.reason == reason


@pytest.mark.parametrize("status, done, reason", [
    ("draft", True, "not_ready"),           # locked when the year moves to review 1; never closed as a draft
    ("submitted", True, None),
    ("submitted", False, "fields_pending"),
    ("review_1_done", True, "round1_closed"),
    ("explanation_submitted", True, "round1_closed"),
    ("finalized", True, "round1_closed"),
])
def test_close_round1_needs_every_field_done_and_only_once(status, done, reason):
    for persona in ("chair", "admin"):
        decision = d.can_close_round1(PERSONAS[persona], phase="review_1", unit_status=status,
                                      all_fields_done=done, unit_id=UNIT)
        assert decision.reason == reason and bool(decision) is (reason is None)


def test_compute_approve_and_publish_follow_the_approval():
    admin, chair = PERSONAS["admin"], PERSONAS["chair"]
    assert d.can_compute_results(admin, phase="approval", approved=True).reason == "approved"
    assert d.can_compute_results(admin, phase="synthesis", approved=True).reason == "approved"
    assert d.can_approve_results(chair, phase="approval", approved=True).reason == "approved"
    assert d.can_publish(admin, phase="approval", approved=False).reason == "not_approved"
    assert d.can_publish(chair, phase="approval", approved=True).reason == "role"


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("set_locked", [False, True])
@pytest.mark.parametrize("explicitly_unlocked", [False, True])
def test_criteria_lock(phase, set_locked, explicitly_unlocked):
    decision = d.can_edit_criteria(
        PERSONAS["admin"], phase=phase, set_locked=set_locked, explicitly_unlocked=explicitly_unlocked
    )
    if phase in ("published", "archived"):
        want = "wrong_phase"
    elif set_locked or (phase != "setup" and not explicitly_unlocked):
        want = "locked"
    else:
        want = None
    assert decision.reason == want


# -------------------------------------------------------------------------------------- transitions

ROLES = ["admin", "unit_staff", "unit_leader", "council_member", "council_chair", "anonymous"]


def expected_transition(current, target, role, reason, approved):
    if role != "admin":
        return "role"
    if current == target:
        return "same_phase"
    if ORDER[target] > ORDER[current]:
        if ORDER[target] != ORDER[current] + 1:
            return "skip_phase"
        return "not_approved" if target == "published" and not approved else None
    if current in ("published", "archived") and target not in ("published", "archived"):
        return "final"
    return None if reason and reason.strip() else "reason_required"


def move(current, target, role="admin", **facts):
    """May an actor of ``role`` move the year from ``current`` to ``target``?"""
    return d.can_change_phase(Actor(role), current=current, target=target, **facts)


@pytest.mark.parametrize(
    "current,target,role", list(itertools.product(PHASES, PHASES, ROLES))
)
def test_transition_matrix_with_a_reason(current, target, role):
    decision = d.can_change_phase(Actor(role), current=current, target=target, reason="Sửa sai sót nhập liệu",
                                  approved=True)
    want = expected_transition(current, target, role, "x", True)
    assert (decision.allowed, decision.reason) == (want is None, want)
    if role == "admin":  # the phase rule alone answers the same for the one role that moves the year
        assert d.check_transition(current, target, reason="x", approved=True) == decision


@pytest.mark.parametrize(
    "current,target,reason",
    list(itertools.product(PHASES, PHASES, [None, "", "   ", "\t\n"])),
)
def test_transition_matrix_without_a_reason(current, target, reason):
    decision = move(current, target, reason=reason, approved=True)
    want = expected_transition(current, target, "admin", reason, True)
    assert decision.reason == want


def test_forward_single_steps_walk_the_whole_year():
    phase = Phase.SETUP
    walked = [phase]
    while (nxt := d.next_phase(phase)) is not None:
        assert move(phase, nxt, reason=None, approved=True)
        phase = nxt
        walked.append(phase)
    assert walked == list(Phase)
    assert d.previous_phase(Phase.SETUP) is None
    assert [d.previous_phase(p) for p in list(Phase)[1:]] == list(Phase)[:-1]


def test_publishing_needs_the_approval_and_a_non_admin_never_moves_the_year():
    assert move("approval", "published", reason=None).reason == "not_approved"
    assert move("setup", "self_assessment", role="council_chair", reason="x").reason == "role"
    assert move("setup", "review_1", reason="x").reason == "skip_phase"
    assert move("archived", "published", reason=" ").reason == "reason_required"
    assert move("archived", "published", reason="Mở lại trang công bố")


@pytest.mark.parametrize("current", ["published", "archived"])
@pytest.mark.parametrize("target", ["setup", "self_assessment", "review_2", "synthesis", "approval"])
def test_a_published_year_is_final_and_never_moves_back_below_publication(current, target):
    decision = move(current, target, reason="Sửa điểm điều tra XHH", approved=True)
    assert (decision.allowed, decision.reason) == (False, "final")


def test_publishing_refuses_results_that_no_longer_match_the_scores():
    assert move("approval", "published", reason=None, approved=True, stale=True).reason == "stale"
    assert move("approval", "published", reason=None, approved=True, stale=False)
    admin = Actor("admin")
    assert d.can_publish(admin, phase="approval", approved=True, stale=True).reason == "stale"
    assert d.can_publish(admin, phase="approval", approved=False, stale=True).reason == "not_approved"
    assert d.can_publish(admin, phase="approval", approved=True)
    # staleness only matters for publication: moving back stays possible to fix it
    assert move("approval", "synthesis", reason="Tính lại", stale=True)


# ----------------------------------------------------------------------------------- window_state


@given(
    opens=st.integers(-10_000, 10_000), closes=st.integers(-10_000, 10_000),
    grace=st.integers(0, 600), now=st.integers(-20_000, 20_000),
    extension=st.none() | st.integers(-10_000, 20_000),
)
def test_window_state_is_the_definition(opens, closes, grace, now, extension):
    at = lambda s: T + timedelta(seconds=s)  # noqa: E731
    deadline = None if extension is None else UnitDeadline(extended_until=at(extension))
    state, close = d.window_state(Window(at(opens), at(closes), grace), deadline, at(now))
    effective = closes if extension is None else extension
    assert close == at(effective)
    if now < opens:
        assert state == "not_open"
    else:
        assert state == ("open" if now <= effective + grace else "closed")


def test_window_state_compares_instants_not_wall_clocks():
    hcm = timezone(timedelta(hours=7))
    window = Window(opens_at=OPENS, closes_at=datetime(2023, 4, 15, 17, 0, 0, tzinfo=hcm))  # == T
    assert d.window_state(window, None, T) == ("open", window.closes_at)
    assert d.window_state(window, None, T + timedelta(microseconds=1))[0] == "closed"


def test_naive_datetimes_and_unknown_values_are_refused_loudly():
    with pytest.raises(ValueError):
        d.window_state(open_window(), None, datetime(2023, 4, 15, 10, 0))
    with pytest.raises(ValueError):
        Window(opens_at=datetime(2023, 4, 1), closes_at=T)
    with pytest.raises(ValueError):
        UnitDeadline(extended_until=datetime(2023, 4, 20))
    with pytest.raises(ValueError):
        Window(opens_at=None, closes_at=T, grace_seconds=-1)
    with pytest.raises(ValueError):
        Actor("superuser")
    with pytest.raises(ValueError):
        d.can_view_assessment(PERSONAS["admin"], unit_id=UNIT, phase="review_3")
    with pytest.raises(ValueError):
        run_windowed("edit_self", now=NOW_OPEN, window=open_window(), status="approved")
    with pytest.raises(ValueError):
        d.can_appraise(PERSONAS["chair"], unit_id=UNIT, field_code=FIELD, round=3, phase="review_2",
                       unit_status="submitted", window=open_window(), deadline=None, now=NOW_OPEN)
    with pytest.raises(ValueError):
        refuse("nope")


def test_editing_state_for_the_page():
    window = open_window(grace=60)
    before = d.editing_state(window, None, T - timedelta(seconds=90))
    assert before == {
        "state": "open", "opens_at": OPENS, "closes_at": T, "phase_closes_at": T, "extended": False,
        "reopened": False, "grace_seconds": 60, "in_grace": False, "seconds_remaining": 90,
        "seconds_until_open": 0,
    }
    assert d.editing_state(window, None, T - timedelta(milliseconds=400))["seconds_remaining"] == 1
    in_grace = d.editing_state(window, None, T + timedelta(seconds=30))
    assert (in_grace["state"], in_grace["in_grace"], in_grace["seconds_remaining"]) == ("open", True, 0)
    closed = d.editing_state(window, None, T + timedelta(seconds=61))
    assert (closed["state"], closed["in_grace"], closed["seconds_remaining"]) == ("closed", False, 0)
    early = d.editing_state(window, None, OPENS - timedelta(hours=1))
    assert (early["state"], early["seconds_until_open"]) == ("not_open", 3600)
    extended = d.editing_state(window, UnitDeadline(EXTENDED, reopened=True), T + timedelta(seconds=1))
    assert extended["closes_at"] == EXTENDED and extended["extended"] and extended["reopened"]
    assert extended["seconds_remaining"] == 6 * 3600 - 1
    assert d.editing_state(Window(None, None), None, T)["seconds_remaining"] is None


# ---------------------------------------------------------------------------- vocabulary and purity


def test_phases_labels_and_working_phases():
    assert PHASES == ["setup", "self_assessment", "review_1", "explanation", "review_2", "synthesis",
                      "approval", "published", "archived"]
    assert [d.PHASE_LABELS[p] for p in Phase] == [
        "Thiết lập", "Tự đánh giá", "Thẩm định vòng 1", "Giải trình", "Thẩm định vòng 2",
        "Tổng hợp kết quả", "Phê duyệt", "Đã công bố", "Lưu trữ",
    ]
    assert d.WORKING_PHASES == {"self_assessment", "review_1", "explanation", "review_2"}
    assert d.next_phase("archived") is None


def test_every_message_formats_with_the_three_placeholders():
    allowed_names = {"phase", "until", "opens_at"}
    for code, template in REASON_MESSAGES.items():
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
        assert names <= allowed_names, code
        assert template.format(phase="Tự đánh giá", until="17:00 15/04/2023", opens_at="x")
    assert "Liên hệ Sở Nội vụ nếu cần gia hạn" in REASON_MESSAGES["closed"]


def test_every_reason_the_matrix_can_give_has_a_message():
    reasons = {
        expected_policy(action, persona, phase)
        for action, persona, phase in itertools.product(ACTIONS, PERSONAS, PHASES)
    }
    reasons |= {"closed", "not_open_yet", "submitted", "not_ready", "finalized", "fields_pending", "round1_closed",
                "same_phase", "skip_phase", "reason_required", "approved", "not_approved", "stale", "final",
                "shorter_than_common", "correction_open", "no_correction", "not_in_correction",
                "roster_reason", "roster_has_work", "roster_no_set", "roster_present", "year_exists",
                "evidence_by_item"}   # the evidence rules' (tests/domain/test_evidence_domain.py)
    assert reasons - {None} == REASON_CODES


ADMIN = Actor(role="admin")


@pytest.mark.parametrize("actor, phase, has_set, present, reason, expected", [
    (ADMIN, "setup", True, False, None, None),
    (ADMIN, "setup", True, False, "", None),
    (Actor(role="unit_leader", unit_id=1), "setup", True, False, "x", "role"),
    (Actor(role="council_chair"), "setup", True, False, "x", "role"),
    (ADMIN, "published", True, False, "x", "wrong_phase"),
    (ADMIN, "archived", True, False, "x", "wrong_phase"),
    (ADMIN, "setup", True, True, None, "roster_present"),
    (ADMIN, "setup", False, False, None, "roster_no_set"),
    (ADMIN, "self_assessment", True, False, None, "roster_reason"),
    (ADMIN, "self_assessment", True, False, "   ", "roster_reason"),
    (ADMIN, "review_2", True, False, "Thành lập theo Nghị quyết 1234", None),
    (ADMIN, "approval", True, False, "x", None),
])
def test_adding_a_unit_to_the_roster(actor, phase, has_set, present, reason, expected):
    decision = d.can_add_to_roster(actor, phase=phase, has_set=has_set, present=present, reason=reason)
    assert bool(decision) is (expected is None) and decision.reason == expected


@pytest.mark.parametrize("actor, phase, has_work, reason, expected", [
    (ADMIN, "setup", False, None, None),
    (ADMIN, "setup", True, "x", "roster_has_work"),
    (ADMIN, "self_assessment", False, None, "roster_reason"),
    (ADMIN, "self_assessment", False, "Sáp nhập", None),
    (ADMIN, "review_1", True, "Sáp nhập", "roster_has_work"),
    (ADMIN, "published", False, "x", "wrong_phase"),
    (Actor(role="unit_staff", unit_id=1), "setup", False, None, "role"),
])
def test_removing_a_unit_from_the_roster(actor, phase, has_work, reason, expected):
    decision = d.can_remove_from_roster(actor, phase=phase, has_work=has_work, reason=reason)
    assert bool(decision) is (expected is None) and decision.reason == expected


MODULES = [pathlib.Path(d.__file__).with_name(name) for name in ("domain.py", "phases.py", "countdown.py",
                                                                  "entry.py")]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_modules_are_pure(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots = {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            roots = {(node.module or "").split(".")[0]}
        else:
            roots = set()
        assert not roots & {"flask", "sqlalchemy", "werkzeug", "flask_babel", "time"}, path
        if isinstance(node, ast.Attribute):
            assert node.attr not in {"now", "utcnow", "today"}, f"{path.name}:{node.lineno} reads the clock"
