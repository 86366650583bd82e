"""The deadline helpers other modules call inside their write transactions (portal.years.windows, portal.policy): the
window and the unit's own extension loaded from the database, refusals to the second with the closing time
in Vietnamese, the actor of a user, and the deadline banner macro."""
from datetime import UTC, datetime, timedelta

import pytest
from flask import render_template_string

from portal.appraisal.models import CouncilAssignment
from portal.auth.models import User
from portal.extensions import db
from portal.policy.roles import Role
from portal.years import domain
from portal.local_time import format_local
from portal.policy.actors import actor_for
from portal.policy.refusals import DeadlineRefused, Refused, check
from portal.years.windows import banner_state, unit_window
from portal.years.models import UnitDeadline
from tests.web.years_setup import build_world

T = datetime(2023, 3, 31, 10, 0, 0, tzinfo=UTC)  # 31/03/2023 17:00:00 in Asia/Ho_Chi_Minh
SECOND = timedelta(seconds=1)


@pytest.fixture
def world(app, ctx):
    # The services run inside requests (the language comes from the session): test them in one.
    with app.test_request_context():
        yield _world()


def _world():
    world = build_world()
    window = world.year().window("self_assessment")
    window.opens_at, window.closes_at, window.grace_seconds = T - timedelta(days=30), T, 0
    db.session.commit()
    return world


def _user(world, username) -> User:
    return db.session.get(User, world.users[username])


def _save(world, code: str, now: datetime):
    """What the self-assessment module does before writing a score."""
    year = world.year()
    actor = actor_for(_user(world, f"{code.lower()}.canbo"), year)
    window, exception = unit_window(year, world.units[code], "self_assessment")
    decision = domain.can_edit_self_score(actor, unit_id=world.units[code], phase=year.phase, status="draft",
                                          window=window, deadline=exception, now=now)
    return check(decision, phase=year.phase)


def test_accepted_at_the_closing_second_refused_one_second_later(world):
    assert _save(world, "SYT", T).allowed
    assert _save(world, "SYT", T - SECOND).allowed
    with pytest.raises(DeadlineRefused) as refused:
        _save(world, "SYT", T + SECOND)
    assert refused.value.code == "closed" and refused.value.until == T
    assert refused.value.message == ("Đã hết hạn tự đánh giá lúc 31/03/2023 17:00:00. "
                                     "Liên hệ Sở Nội vụ nếu cần gia hạn.")


def test_extension_for_one_unit_only(world):
    db.session.add(UnitDeadline(year_id=world.year_id, unit_id=world.units["SYT"], phase="self_assessment",
                                extended_until=T + timedelta(days=2), reason="Mất điện"))
    db.session.commit()
    assert _save(world, "SYT", T + timedelta(hours=1)).allowed
    with pytest.raises(DeadlineRefused):
        _save(world, "STC", T + timedelta(hours=1))
    with pytest.raises(DeadlineRefused) as refused:
        _save(world, "SYT", T + timedelta(days=2) + SECOND)
    assert "02/04/2023 17:00:00" in refused.value.message


def test_grace_accepts_saves_in_flight(world):
    world.year().window("self_assessment").grace_seconds = 60
    db.session.commit()
    assert _save(world, "SYT", T + 60 * SECOND).allowed
    with pytest.raises(DeadlineRefused):
        _save(world, "SYT", T + 61 * SECOND)


def test_not_open_yet_gives_the_opening_time(world):
    with pytest.raises(DeadlineRefused) as refused:
        _save(world, "SYT", T - timedelta(days=31))
    assert refused.value.code == "not_open_yet" and "01/03/2023 17:00:00" in refused.value.message


def test_other_refusals_are_not_deadline_refusals(world):
    year = world.year()
    actor = actor_for(_user(world, "stc.canbo"), year)  # another unit's staff
    window, exception = unit_window(year, world.units["SYT"], "self_assessment")
    decision = domain.can_edit_self_score(actor, unit_id=world.units["SYT"], phase=year.phase, status="draft",
                                          window=window, deadline=exception, now=T)
    with pytest.raises(Refused) as refused:
        check(decision)
    assert not isinstance(refused.value, DeadlineRefused)
    assert refused.value.code == "not_own_unit" and "đơn vị mình" in refused.value.message


def test_unit_window_without_phase_window_has_no_deadline(world):
    window, exception = unit_window(world.year(), world.units["SYT"], "review_2")
    assert isinstance(window, domain.Window) and exception is None
    db.session.delete(world.year().window("review_2"))
    db.session.commit()
    db.session.expire_all()
    window, _ = unit_window(world.year(), world.units["SYT"], "review_2")
    assert window == domain.Window(None, None)


def test_actor_for_each_kind_of_account(world):
    year = world.year()
    staff = actor_for(_user(world, "syt.canbo"), year)
    assert staff.role == Role.UNIT_STAFF and staff.unit_id == world.units["SYT"]
    db.session.add(CouncilAssignment(year_id=year.id, user_id=world.users["tv.stc"], field_code="F6"))
    db.session.add(CouncilAssignment(year_id=year.id, user_id=world.users["tv.stc"], field_code="F9",
                                     unit_type="district"))
    db.session.commit()
    member = actor_for(_user(world, "tv.stc"), year)
    assert member.agency_unit_id == world.units["STC"] and member.assigned_fields == {"F6", "F9"}
    assert actor_for(_user(world, "tv.stc"), year, unit_type="department").assigned_fields == {"F6"}
    assert actor_for(_user(world, "quantri")).role == Role.ADMIN
    assert actor_for(None).role == Role.ANONYMOUS


def test_format_local_is_vietnamese_time(ctx):
    assert format_local(T) == "31/03/2023 17:00:00"
    assert format_local(T, seconds=False) == "31/03/2023 17:00"
    assert format_local(None) == ""


BANNER = '{% from "macros/deadline.html" import deadline_banner %}{{ deadline_banner(state) }}'


def _banner(app, state) -> str:
    with app.test_request_context():
        return " ".join(render_template_string(BANNER, state=state).split())


def test_banner_open_with_countdown(app, world):
    with app.test_request_context():
        state = banner_state(world.year(), world.units["SYT"], "self_assessment",
                             T - timedelta(days=2, hours=5))
    html = _banner(app, state)
    assert "Hạn chót: 31/03/2023 17:00</strong> (còn 2 ngày 5 giờ)" in html
    assert "deadline-open" in html and "gia hạn" not in html


def test_banner_closed_says_read_only(app, world):
    with app.test_request_context():
        state = banner_state(world.year(), world.units["SYT"], "self_assessment", T + SECOND)
    html = _banner(app, state)
    assert "Đã hết hạn lúc 31/03/2023 17:00 — trang chỉ xem." in html
    assert "Liên hệ Sở Nội vụ nếu cần gia hạn." in html and "deadline-closed" in html


def test_banner_shows_extension_and_reopening(app, world):
    db.session.add(UnitDeadline(year_id=world.year_id, unit_id=world.units["SYT"], phase="self_assessment",
                                extended_until=T + timedelta(days=2), reopened=True, reason="Bổ sung"))
    db.session.commit()
    with app.test_request_context():
        state = banner_state(world.year(), world.units["SYT"], "self_assessment", T + SECOND)
    html = _banner(app, state)
    assert "Hạn chót: 02/04/2023 17:00" in html and "Đơn vị được gia hạn đến 02/04/2023 17:00." in html
    assert "(Hạn chung: 31/03/2023 17:00.)" in html and "đã được Sở Nội vụ mở lại" in html


def test_banner_takes_a_bare_editing_state(app, world):
    window, exception = unit_window(world.year(), world.units["SYT"], "self_assessment")
    state = dict(domain.editing_state(window, exception, T - timedelta(hours=5, minutes=12)),
                 phase_label="Tự đánh giá")
    html = _banner(app, state)
    assert "(còn 5 giờ 12 phút) · Tự đánh giá" in html
    not_open = dict(domain.editing_state(window, None, T - timedelta(days=40)), phase_label="Tự đánh giá")
    assert "Chưa đến thời gian tự đánh giá: bắt đầu lúc 01/03/2023 17:00." in _banner(app, not_open)
