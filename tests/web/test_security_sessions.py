"""Sessions (security.md §2, §1.2, §1.3, §1.5): revocation on the server, a new id at login, idle and
absolute timeouts with a frozen clock (the htmx answer keeps the page and says where to come back), cookie
flags in production, the login throttle, hashed passwords, no usable seeded password."""
import logging
import re
from datetime import timedelta
from http.cookies import SimpleCookie

import pytest
from sqlalchemy import select

from portal.auth.models import LoginSession, User
from portal.db import frozen_clock, utcnow
from portal.extensions import db
from tests.factories import TEST_PASSWORD
from tests.web.assess_setup import build
from tests.web.security_world import succeeded


@pytest.fixture(autouse=True)
def _portal_logs():
    from tests.web.security_world import enable_portal_logs
    enable_portal_logs()


def _urls(s) -> list[str]:
    """Twenty pages unit A's staff may open in self-assessment."""
    items = [s.crit(code).id for code in ("1.1.1", "1.1.2", "1.2", "2.1", "3.1.2", "4.1", "5.1", "6.1")]
    return (["/", "/assessment/", f"/assessment/{s.a_id}", "/evidence/", f"/evidence/units/{s.unit_a}",
             "/notifications/", "/account/password", "/account/two-factor", "/results/mine",
             f"/assessment/{s.a_id}/template.xlsx", f"/comments/{s.a_id}/{items[0]}/", f"/comments/{s.a_id}/{items[1]}/"]
            + [f"/assessment/{s.a_id}/items/{c}" for c in items])


@pytest.fixture
def world(ctx):
    return build()


def _accepted(app, cookie: str, urls) -> int:
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return sum(succeeded(thief.get(url)) for url in urls)


@pytest.mark.parametrize("revoke", ["logout", "deactivation", "end sessions", "password reset"])
def test_a_copied_cookie_stops_working_on_20_routes(app, world, revoke, auth):
    urls = _urls(world)
    victim = app.test_client()
    auth.post("a.staff", client=victim)
    cookie = victim.get_cookie("session").value
    assert len(urls) == 20 and _accepted(app, cookie, urls) == 20      # the copy works while the session lives
    admin = app.test_client()
    auth.post("admin1", client=admin)
    user = db.session.scalar(select(User).where(User.username == "a.staff"))
    if revoke == "logout":
        auth.logout(victim)
    elif revoke == "deactivation":
        assert admin.post(f"/admin/users/{user.id}/active", data={"active": "0"}).status_code == 303
    elif revoke == "end sessions":
        assert admin.post(f"/admin/users/{user.id}/end-sessions").status_code == 303
    else:
        assert admin.post(f"/admin/users/{user.id}/reset-password").status_code == 200
    accepted = _accepted(app, cookie, urls)
    print(f"\n[security] after {revoke}: {accepted} of 20 replays of the copied cookie accepted")
    assert accepted == 0


def test_login_issues_a_new_session_and_the_old_cookie_stays_anonymous(app, world, auth):
    client = app.test_client()
    client.get("/login")
    before = client.get_cookie("session").value
    auth.post("a.staff", client=client)
    first_id = db.session.scalar(select(LoginSession.id).where(LoginSession.ended_at.is_(None)))
    after = client.get_cookie("session").value
    assert before != after and first_id not in before
    stale = app.test_client()
    stale.set_cookie("session", before)
    assert stale.get("/").status_code == 302
    auth.logout(client)
    auth.post("a.staff", client=client)
    ids = set(db.session.scalars(select(LoginSession.id)))
    assert len(ids) == 2                           # a second login is a second, different session


def test_idle_and_absolute_timeouts_with_a_frozen_clock(app, world, auth):
    idle = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
    absolute = app.config["PERMANENT_SESSION_LIFETIME"]
    start = utcnow().replace(microsecond=0)
    page = f"/assessment/{world.a_id}"
    item = world.crit("1.2").id
    with frozen_clock(start) as clock:
        client = app.test_client()
        auth.post("a.staff", client=client)
        clock.set(start + idle - timedelta(seconds=1))
        assert client.get(page).status_code == 200                       # active just in time
        clock.set(start + idle - timedelta(seconds=1) + idle + timedelta(seconds=1))   # idle + 1 s later
        response = client.post(f"/assessment/{world.a_id}/items/{item}", htmx=True,
                               headers={"HX-Current-URL": f"http://localhost{page}"}, data={"yes": "1", "version": "0"})
        assert response.status_code == 401 and response.get_data() == b""      # nothing swapped into the item
        assert response.headers["HX-Redirect"] == f"/login?next=/assessment/{world.a_id}&expired=1"
        # Absolute lifetime: a second login, kept busy every 50 minutes, still ends after 12 hours.
        busy = app.test_client()
        clock.set(start)
        auth.post("a.staff", client=busy)
        at = start
        while at + timedelta(minutes=50) <= start + absolute:
            at += timedelta(minutes=50)
            clock.set(at)
            assert busy.get(page).status_code == 200
        clock.set(start + absolute + timedelta(seconds=1))
        response = busy.get(page)
        assert response.status_code == 302 and "expired=1" in response.headers["Location"]
        assert response.headers["Location"] == f"/login?next=/assessment/{world.a_id}&expired=1"
        assert client.get(page).status_code == 302                       # ended on the server for good
    assert "Phiên làm việc đã hết hạn" in app.test_client().get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(select(LoginSession).where(LoginSession.ended_at.is_(None))) is None


def _cookies(response) -> list[SimpleCookie]:
    out = []
    for header in response.headers.getlist("Set-Cookie"):
        jar = SimpleCookie()
        jar.load(header)
        out.append((header, jar))
    return out


PRODUCTION_TOTP_KEY = "dGhpcnR5LXR3by1ieXRlcy1vZi10ZXN0LWtleS0hISE="   # base64 of 32 bytes


@pytest.fixture
def production(tmp_path, monkeypatch):
    """The app as deployed: PORTAL_ENV=production (Secure cookies, __Host- prefix, HSTS, TOTP required)."""
    from portal import create_app
    from portal.config import Config
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k" * 64)
    monkeypatch.setenv("TOTP_ENCRYPTION_KEY", PRODUCTION_TOTP_KEY)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite3'}")
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    monkeypatch.setenv("REQUIRE_TOTP", "0")     # the cookie flags are the subject here (TOTP: its own tests)
    config = Config(str(tmp_path))
    app = create_app(config)
    from tests.conftest import PortalClient
    app.test_client_class = PortalClient
    with app.app_context():
        db.create_all()
        from tests.factories import make_user
        make_user("unit_staff", username="canbo")
        db.session.commit()
        db.session.remove()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_production_cookies_are_secure_host_only_httponly_lax(production):
    assert Config_flags(production) == (True, "__Host-session")
    client = production.test_client()
    responses = [client.get("/login", base_url="https://localhost")]
    responses.append(client.post("/login", base_url="https://localhost",
                                 data={"username": "canbo", "password": TEST_PASSWORD}))
    responses.append(client.get("/", base_url="https://localhost"))
    cookies = [c for r in responses for c in _cookies(r)]
    assert cookies, "no cookie was set"
    missing = []
    for header, jar in cookies:
        for name, morsel in jar.items():
            flags = header.lower()
            if not (name.startswith("__Host-") and "secure" in flags and "httponly" in flags
                    and "samesite=lax" in flags and morsel["path"] == "/" and not morsel["domain"]):
                missing.append(header)
    print(f"\n[security] cookies: {len(cookies) - len(missing)} of {len(cookies)} Set-Cookie headers carry "
          "__Host-, Secure, HttpOnly, SameSite=Lax, Path=/")
    assert missing == []
    assert responses[0].headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def Config_flags(app):  # noqa: N802 (reads like the setting names)
    return app.config["SESSION_COOKIE_SECURE"], app.config["SESSION_COOKIE_NAME"]


def test_production_defaults_require_two_factor_and_refuse_the_demo(tmp_path, monkeypatch):
    from portal.config import Config
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k" * 64)
    monkeypatch.setenv("TOTP_ENCRYPTION_KEY", PRODUCTION_TOTP_KEY)
    monkeypatch.delenv("REQUIRE_TOTP", raising=False)
    assert Config(str(tmp_path)).REQUIRE_TOTP is True
    monkeypatch.setenv("PORTAL_ENV", "development")
    assert Config(str(tmp_path)).REQUIRE_TOTP is False


def test_every_stored_password_is_a_salted_kdf_hash(app, world):
    from portal.seed import seed_demo
    hashes = list(db.session.scalars(select(User.password_hash)))
    bad = [h for h in hashes if not re.match(r"^scrypt:\d+:\d+:\d+\$[A-Za-z0-9]{8,}\$[0-9a-f]{128}$", h)]
    print(f"\n[security] password hashes: {len(bad)} of {len(hashes)} rows without scrypt and a salt")
    assert bad == [] and len(hashes) >= 7
    assert seed_demo  # the demo seed hashes the same way (portal.auth.services.hash_password)


def test_100_wrong_passwords_in_60_seconds_then_the_right_one(app, world, caplog, auth):
    caplog.set_level(logging.INFO, logger="portal.auth")
    start = utcnow().replace(microsecond=0)
    client = app.test_client()
    outcomes = []
    with frozen_clock(start) as clock:
        for n in range(100):
            clock.set(start + timedelta(seconds=n * 0.6))
            response = auth.post("a.staff", "sai-mat-khau", client=client)
            outcomes.append("throttled" if "tạm bị khóa" in response.get_data(as_text=True) else "wrong")
            assert response.status_code == 401
        clock.set(start + timedelta(seconds=60))
        right = auth.post("a.staff", TEST_PASSWORD, client=client)
    messages = [r.getMessage() for r in caplog.records if "a.staff" in r.getMessage()]
    unchecked = sum("refused (throttled)" in m for m in messages)
    checked = sum("wrong password" in m for m in messages)
    print(f"\n[security] throttle: 100 wrong passwords in 60 s → {checked} checked, {unchecked} refused unchecked "
          f"(attempts 6–100: {95 - (checked - 5)} of 95 locked); {len(messages)} log lines; "
          f"right password at 60 s: {right.status_code}")
    assert outcomes[:4] == ["wrong"] * 4 and set(outcomes[4:]) == {"throttled"}   # the 5th failure locks
    assert checked <= 7 and checked + unchecked == 101 and len(messages) >= 101     # + the right password
    assert right.status_code == 401 and "tạm bị khóa" in right.get_data(as_text=True)


def test_a_fresh_install_has_no_account_usable_with_a_seeded_password(app, ctx, auth):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-admin", "quantri"])
    password = re.search(r"One-time password: (\S+)", result.output).group(1)
    client = app.test_client()
    assert auth.post("quantri", password, client=client).status_code == 303
    reachable = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.arguments or rule.endpoint in ("static",):
            continue
        response = client.get(rule.rule)
        if response.status_code == 200 and rule.endpoint not in ("auth.change_password", "auth.login",
                                                                  "auth.two_factor") \
                and not rule.endpoint.startswith("public."):
            reachable.append(rule.endpoint)
    print(f"\n[security] fresh install: {len(reachable)} pages usable with the one-time password "
          "before it is changed")
    assert reachable == []
    from portal.config import Config  # noqa: F401
    app.config["ENV_NAME"] = "production"
    try:
        refused = runner.invoke(args=["seed-demo"])
    finally:
        app.config["ENV_NAME"] = "testing"
    assert refused.exit_code != 0 and "refused when PORTAL_ENV=production" in refused.output
