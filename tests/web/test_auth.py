"""Accounts: log in and out, server-side sessions, first-login password change, the throttle."""
import logging
from datetime import timedelta

import pytest

from portal.auth.models import LoginSession, LoginThrottle, User
from portal.db import utcnow
from portal.extensions import db
from tests.factories import TEST_PASSWORD, make_user
from tests.web.security_world import enable_portal_logs


@pytest.fixture
def staff(ctx):
    user = make_user("unit_staff", username="canbo")
    db.session.commit()
    return user


def test_login_page_is_vietnamese(client):
    page = client.get("/login")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Đăng nhập" in html and "Tên đăng nhập" in html and 'lang="vi"' in html


def test_login_and_logout(client, staff, auth):
    response = auth.post("canbo", client=client)
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    assert auth.logout(client).status_code == 303
    assert client.get("/").status_code == 302


def test_login_is_case_insensitive_on_username(client, staff, auth):
    assert auth.post(" CanBo ", client=client).status_code == 303


def test_wrong_password_message_tells_what_to_check(client, staff, auth):
    response = auth.post("canbo", "sai-mat-khau", client=client)
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.get_data(as_text=True)


def test_session_cookie_changes_at_login_and_old_cookie_stays_anonymous(app, staff, auth):
    client = app.test_client()
    client.get("/login")
    before = client.get_cookie("session").value
    auth.post("canbo", client=client)
    after = client.get_cookie("session").value
    assert before != after
    stale = app.test_client()
    stale.set_cookie("session", before)
    assert stale.get("/").status_code == 302


def test_copied_cookie_is_refused_after_logout(app, staff, auth):
    client = app.test_client()
    auth.post("canbo", client=client)
    cookie = client.get_cookie("session").value
    auth.logout(client)
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    refused = sum(thief.get(url).status_code == 302 for url in ["/", "/account/password"] * 10)
    assert refused == 20


def test_deactivation_ends_sessions_at_once(app, ctx, staff, auth):
    client = app.test_client()
    auth.post("canbo", client=client)
    assert client.get("/").status_code == 200
    user = db.session.get(User, staff.id)
    user.active = False
    db.session.commit()
    assert client.get("/").status_code == 302


def test_idle_timeout_logs_out(app, staff, auth):
    client = app.test_client()
    auth.post("canbo", client=client)
    with client.session_transaction() as sess:
        sess["seen"] = int((utcnow() - timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)).timestamp())
    assert client.get("/").status_code == 302


def test_absolute_lifetime_logs_out(app, ctx, staff, auth):
    client = app.test_client()
    auth.post("canbo", client=client)
    row = db.session.query(LoginSession).one()
    row.created_at = utcnow() - app.config["PERMANENT_SESSION_LIFETIME"] - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/").status_code == 302


def test_htmx_request_without_login_gets_hx_redirect(client):
    response = client.get("/admin/units/", htmx=True)
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login")


def test_ten_wrong_passwords_throttle_and_log(client, ctx, staff, caplog, auth):
    caplog.set_level(logging.WARNING, logger="portal.auth")
    enable_portal_logs()              # Alembic's logging set-up (the migration tests) switched them off
    for _ in range(10):
        assert auth.post("canbo", "sai-mat-khau", client=client).status_code == 401
    user = db.session.get(User, staff.id)
    db.session.refresh(user)
    row = db.session.get(LoginThrottle, "account:canbo@127.0.0.1")
    assert row.throttled_until is not None and row.throttled_until > utcnow()
    assert len([r for r in caplog.records if "canbo" in r.getMessage()]) >= 10
    assert any("throttled" in r.getMessage() for r in caplog.records)
    # The right password now waits for the throttle.
    response = auth.post("canbo", TEST_PASSWORD, client=client)
    assert response.status_code == 401
    assert "tạm bị khóa" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    # Once the wait is over, the right password works and the count starts again.
    row.throttled_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert auth.post("canbo", TEST_PASSWORD, client=client).status_code == 303
    db.session.refresh(user)
    assert user.failed_logins == 0 and db.session.get(LoginThrottle, "account:canbo@127.0.0.1") is None


def test_unknown_user_is_logged_and_refused_like_a_wrong_password(client, caplog, auth):
    caplog.set_level(logging.WARNING, logger="portal.auth")
    enable_portal_logs()              # Alembic's logging set-up (the migration tests) switched them off
    response = auth.post("khongton-tai", "x", client=client)
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.get_data(as_text=True)
    assert any("unknown user" in r.getMessage() for r in caplog.records)


def test_first_login_must_change_password(client, ctx, auth):
    make_user("unit_staff", username="moi", must_change_password=True)
    db.session.commit()
    auth.post("moi", client=client)
    assert client.get("/").headers["Location"] == "/account/password"
    assert client.get("/admin/units/", htmx=True).headers["HX-Redirect"] == "/account/password"
    page = client.get("/account/password").get_data(as_text=True)
    assert "lần đăng nhập đầu tiên" in page


@pytest.mark.parametrize("new, message", [
    ("ngan", "ít nhất 8 ký tự"),
    ("12345678", "quá phổ biến"),
    ("moi", "ít nhất 8 ký tự"),
    (TEST_PASSWORD, "phải khác mật khẩu hiện tại"),
])
def test_password_policy_messages(client, ctx, new, message, auth):
    make_user("unit_staff", username="moi", must_change_password=True)
    db.session.commit()
    auth.post("moi", client=client)
    response = client.post("/account/password", data={"current_password": TEST_PASSWORD,
                                                       "new_password": new, "confirm": new})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_change_password_then_use_it(client, ctx, auth):
    user = make_user("unit_staff", username="moi", must_change_password=True)
    db.session.commit()
    auth.post("moi", client=client)
    new = "một câu dài dễ nhớ"
    response = client.post("/account/password", data={"current_password": TEST_PASSWORD, "new_password": new,
                                                       "confirm": new})
    assert response.status_code == 303
    assert client.get("/").status_code == 200
    auth.logout(client)
    assert auth.post("moi", TEST_PASSWORD, client=client).status_code == 401
    assert auth.post("moi", new, client=client).status_code == 303
    db.session.refresh(user)
    assert user.password_hash.startswith("scrypt:")


def test_wrong_current_password_is_refused(client, ctx, auth):
    make_user("unit_staff", username="moi")
    db.session.commit()
    auth.post("moi", client=client)
    response = client.post("/account/password", data={"current_password": "sai", "new_password": "abcdefghij",
                                                       "confirm": "abcdefghij"})
    assert response.status_code == 422
    assert "Mật khẩu hiện tại không đúng" in response.get_data(as_text=True)


def test_open_redirect_after_login_is_refused(client, staff):
    response = client.post("/login?next=//evil.example/x", data={"username": "canbo", "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/"
