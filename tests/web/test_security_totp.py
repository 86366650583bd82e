"""Two-factor sign-in (security.md §1.4): TOTP with pyotp, required for admin and council accounts when
REQUIRE_TOTP is on (these tests turn it on; the suite's default config keeps it off)."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditLog
from portal.auth import totp
from portal.auth.models import LoginSession, User
from portal.auth.services import enrolled_secret
from portal.db import frozen_clock, utcnow
from portal.extensions import db
from tests.factories import make_unit, make_user
from tests.web.security_world import build_url, rules, succeeded


@pytest.fixture
def required(app, ctx, monkeypatch):
    monkeypatch.setitem(app.config, "REQUIRE_TOTP", True)
    unit = make_unit("Sở Tư pháp", code="STP")
    make_user("admin", username="quantri")
    make_user("admin", username="quantri2")
    make_user("council_member", make_unit("Sở Nội vụ", code="SNV"), username="tv.snv")
    make_user("unit_staff", unit, username="stp.canbo")
    db.session.commit()
    return app


def _secret_from(page: str) -> str:
    return re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")


def _code(secret: str, at=None) -> str:
    return totp.code_at(secret, totp.step_of(at or utcnow()))


def _enrol(auth, client, username: str) -> str:
    """Password, then the enrolment page; returns the secret (the session has started)."""
    assert auth.post(username, client=client).headers["Location"] == "/login/two-factor"
    page = client.get("/login/two-factor").get_data(as_text=True)
    secret = _secret_from(page)
    assert client.post("/login/two-factor", data={"code": _code(secret)}).status_code == 303
    return secret


def test_admin_with_a_password_only_reaches_no_admin_or_council_route(required, auth):
    app = required
    probes = reached = 0
    for username in ("quantri", "tv.snv"):
        client = app.test_client()
        response = auth.post(username, client=client)
        assert response.status_code == 303 and response.headers["Location"] == "/login/two-factor"
        for rule, method in rules(app):
            guard = getattr(app.view_functions[rule.endpoint], "permission", None)
            if not (isinstance(guard, tuple) and guard[1] & {"admin", "council_member", "council_chair"}):
                continue
            values = {arg: 1 for arg in rule.arguments} | {"field_code": "F1", "fmt": "yaml"}
            response = client.open(build_url(rule, values), method=method)
            probes += 1
            reached += succeeded(response)
    print(f"\n[security] two-factor: {reached} of {probes} admin/council routes reachable with a password only")
    assert reached == 0 and probes > 80
    assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 0


def test_enrolment_shows_the_secret_as_text_and_the_otpauth_uri(required, auth):
    client = required.test_client()
    auth.post("quantri", client=client)
    page = client.get("/login/two-factor").get_data(as_text=True)
    secret = _secret_from(page)
    assert len(secret) == 32 and "otpauth://totp/" in page and f"secret={secret}" in page
    assert "Google Authenticator" in page and "<img" not in page        # text only, no QR service
    assert client.get("/").status_code == 302                              # not logged in yet
    wrong = client.post("/login/two-factor", data={"code": "000000" if _code(secret) != "000000" else "111111"})
    assert wrong.status_code == 401 and "Mã xác thực không đúng" in wrong.get_data(as_text=True)
    assert secret == _secret_from(wrong.get_data(as_text=True))            # the same secret stays on the page
    assert client.post("/login/two-factor", data={"code": _code(secret)}).status_code == 303
    assert client.get("/admin/units/").status_code == 200
    user = db.session.scalar(select(User).where(User.username == "quantri"))
    db.session.refresh(user)
    assert enrolled_secret(user) == secret
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "totp_enrol")) == 1


def test_next_login_asks_the_code_refuses_replay_and_throttles(required, auth):
    client = required.test_client()
    start = utcnow().replace(microsecond=0)
    with frozen_clock(start) as clock:
        secret = _enrol(auth, client, "quantri")
        auth.logout(client)
        auth.post("quantri", client=client)
        page = client.get("/login/two-factor").get_data(as_text=True)
        assert "totp-secret" not in page and "nhập mã 6 chữ số" in page
        replay = client.post("/login/two-factor", data={"code": _code(secret)})     # the code just used
        assert replay.status_code == 401
        clock.set(start + timedelta(seconds=totp.INTERVAL))
        assert client.post("/login/two-factor", data={"code": _code(secret, clock_now(start, 30))}).status_code == 303
        auth.logout(client)
        clock.set(start + timedelta(seconds=2 * totp.INTERVAL))
        auth.post("quantri", client=client)
        wrong = [c for c in (f"{n:06d}" for n in range(20)) if c != _code(secret, clock_now(start, 60))][:6]
        statuses = [client.post("/login/two-factor", data={"code": code}).status_code for code in wrong]
        assert set(statuses) == {401}
        clock.set(start + timedelta(seconds=75))           # inside the 30 s lock: even the right code waits
        locked = client.post("/login/two-factor", data={"code": _code(secret, clock_now(start, 75))})
        assert locked.status_code == 401 and "tạm bị khóa" in locked.get_data(as_text=True)


def clock_now(start, seconds):
    return start + timedelta(seconds=seconds)


def test_the_password_step_expires_after_five_minutes(required, auth):
    client = required.test_client()
    start = utcnow().replace(microsecond=0)
    with frozen_clock(start) as clock:
        secret = _enrol(auth, client, "quantri")
        auth.logout(client)
        auth.post("quantri", client=client)
        clock.set(start + timedelta(seconds=required.config["TOTP_PENDING_SECONDS"] + 1))
        response = client.post("/login/two-factor", data={"code": _code(secret, start + timedelta(seconds=301))})
        assert response.status_code == 303 and response.headers["Location"] == "/login"
        assert client.get("/").status_code == 302


def test_unit_accounts_are_not_asked_unless_they_choose_to(required, auth):
    client = required.test_client()
    assert auth.post("stp.canbo", client=client).headers["Location"] == "/"
    assert "totp-secret" not in client.get("/account/two-factor").get_data(as_text=True)   # a GET writes nothing
    assert client.post("/account/two-factor/setup").status_code == 303
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = _secret_from(page)
    assert client.post("/account/two-factor", data={"code": _code(secret)}).status_code == 303
    auth.logout(client)
    assert auth.post("stp.canbo", client=client).headers["Location"] == "/login/two-factor"
    with frozen_clock(utcnow() + timedelta(seconds=totp.INTERVAL)):
        assert client.post("/login/two-factor", data={"code": _code(secret)}).status_code == 303
        # A unit account may switch it off again (with a current code); an admin may not.
        with frozen_clock(utcnow() + timedelta(seconds=totp.INTERVAL)):
            assert client.post("/account/two-factor/disable", data={"code": _code(secret)}).status_code == 303
    user = db.session.scalar(select(User).where(User.username == "stp.canbo"))
    db.session.refresh(user)
    assert user.totp_secret is None


def test_an_admin_cannot_switch_it_off_where_it_is_required(required, auth):
    client = required.test_client()
    secret = _enrol(auth, client, "quantri")
    with frozen_clock(utcnow() + timedelta(seconds=totp.INTERVAL)):
        response = client.post("/account/two-factor/disable", data={"code": _code(secret)})
    assert response.status_code == 303
    assert "bắt buộc" in client.get("/account/two-factor").get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.username == "quantri"))
    db.session.refresh(user)
    assert enrolled_secret(user) == secret


def test_recovery_by_an_admin_reset_ends_sessions_and_asks_for_a_new_setup(required, auth):
    lost = required.test_client()
    _enrol(auth, lost, "tv.snv")
    assert lost.get("/").status_code == 200
    admin = required.test_client()
    _enrol(auth, admin, "quantri")
    member = db.session.scalar(select(User).where(User.username == "tv.snv"))
    response = admin.post(f"/admin/users/{member.id}/two-factor/reset")
    assert response.status_code == 303
    assert lost.get("/").status_code == 302                              # its sessions ended
    again = required.test_client()
    auth.post("tv.snv", client=again)
    assert "totp-secret" in again.get("/login/two-factor").get_data(as_text=True)   # set up anew
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "totp_reset")) == 1
    staff = required.test_client()
    auth.post("stp.canbo", client=staff)
    assert staff.post(f"/admin/users/{member.id}/two-factor/reset").status_code == 403


def test_a_session_from_before_the_setting_stops_working(app, ctx, monkeypatch, auth):
    make_user("admin", username="quantri")
    db.session.commit()
    client = app.test_client()
    auth.post("quantri", client=client)
    assert client.get("/admin/units/").status_code == 200
    monkeypatch.setitem(app.config, "REQUIRE_TOTP", True)
    assert client.get("/admin/units/").status_code == 302


@pytest.mark.parametrize("typed, ok", [("123456", True), ("123 456", True), ("123-456", True), ("12345", False),
                                       ("1234567", False), ("１２３４５６", False), ("abcdef", False), ("", False)])
def test_code_shapes(typed, ok):
    assert (totp.clean_code(typed) is not None) == ok
