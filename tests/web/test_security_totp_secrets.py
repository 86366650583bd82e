"""Second-factor secrets (issue 17): never in the browser's session cookie during enrolment (kept on the
server), encrypted at rest with TOTP_ENCRYPTION_KEY, re-encrypted by `flask rotate-totp-key`, and plaintext
secrets of earlier versions encrypted by the migration or at their next use."""
import json
import re
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from flask_migrate import upgrade
from sqlalchemy import select, text

from portal import create_app
from portal.auth import totp
from portal.auth.models import User
from portal.auth.secret_box import PREFIX, decrypt, fernet_key, portal_key
from portal.config import TestConfig
from portal.db import frozen_clock, utcnow
from portal.extensions import db
from tests.factories import make_user
from tests.web.security_world import enable_portal_logs

KEY_1, KEY_2 = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def _secret_from(page: str) -> str:
    return re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")


def _code(secret: str, at=None) -> str:
    return totp.code_at(secret, totp.step_of(at or utcnow()))


class CookieWatch:
    """Decodes every session cookie the browser holds after each response (the signed Flask cookie is only
    base64: anyone holding it can read it)."""

    def __init__(self, app, client):
        self.serializer = app.session_interface.get_signing_serializer(app)
        self.client, self.seen = client, []

    def __call__(self, response):
        for header in response.headers.getlist("Set-Cookie"):
            self.seen.append(header)
        cookie = self.client.get_cookie(self.client.application.config["SESSION_COOKIE_NAME"])
        if cookie is not None:
            self.seen.append(cookie.value + " " + json.dumps(self.serializer.loads(cookie.value)))
        return response

    def holding(self, secret: str) -> int:
        return sum(secret in text or secret.lower() in text.lower() for text in self.seen)


@pytest.fixture
def required(app, ctx, monkeypatch):
    monkeypatch.setitem(app.config, "REQUIRE_TOTP", True)
    monkeypatch.setitem(app.config, "TOTP_ENCRYPTION_KEY", KEY_1)
    make_user("admin", username="quantri")
    make_user("unit_staff", username="canbo")
    db.session.commit()
    return app


def _stored(username: str) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.username == username))


def test_no_secret_in_any_cookie_through_the_whole_enrolment(required, auth):
    app = required
    client = app.test_client()
    watch = CookieWatch(app, client)
    watch(auth.post("quantri", client=client))
    page = watch(client.get("/login/two-factor")).get_data(as_text=True)
    secret = _secret_from(page)
    watch(client.post("/login/two-factor", data={"code": "000000" if _code(secret) != "000000" else "111111"}))
    assert _secret_from(watch(client.get("/login/two-factor")).get_data(as_text=True)) == secret   # kept server-side
    assert watch(client.post("/login/two-factor", data={"code": _code(secret)})).status_code == 303
    watch(client.get("/"))
    # The account page of a unit user: start, show, a wrong code, confirm.
    unit = app.test_client()
    unit_watch = CookieWatch(app, unit)
    unit_watch(auth.post("canbo", client=unit))
    unit_watch(unit.post("/account/two-factor/setup"))
    unit_secret = _secret_from(unit_watch(unit.get("/account/two-factor")).get_data(as_text=True))
    unit_watch(unit.post("/account/two-factor", data={"code": "000000" if _code(unit_secret) != "000000" else "1"}))
    assert unit_watch(unit.post("/account/two-factor", data={"code": _code(unit_secret)})).status_code == 303
    found = watch.holding(secret) + unit_watch.holding(unit_secret)
    cookies = len(watch.seen) + len(unit_watch.seen)
    print(f"\n[security] two-factor secrets: found in {found} of {cookies} session cookies and Set-Cookie "
          "headers through two whole enrolments (login and account page)")
    assert found == 0 and cookies >= 10


def test_secrets_are_encrypted_at_rest(required, auth):
    client = required.test_client()
    auth.post("quantri", client=client)
    secret = _secret_from(client.get("/login/two-factor").get_data(as_text=True))
    pending = _stored("quantri").totp_pending_secret
    assert pending.startswith(PREFIX) and secret not in pending
    client.post("/login/two-factor", data={"code": _code(secret)})
    user = _stored("quantri")
    assert user.totp_pending_secret is None and user.totp_secret.startswith(PREFIX) and secret not in user.totp_secret
    assert decrypt(user.totp_secret, fernet_key(KEY_1)) == secret
    with pytest.raises(Exception):
        decrypt(user.totp_secret, fernet_key(KEY_2))


def _enrolled_admin(auth) -> str:
    client = auth.login("quantri")
    secret = _secret_from(client.get("/login/two-factor").get_data(as_text=True))
    assert client.post("/login/two-factor", data={"code": _code(secret)}).status_code == 303
    return secret


def test_rotate_the_key_with_a_command(required, monkeypatch, auth):
    app = required
    secret = _enrolled_admin(auth)
    runner = app.test_cli_runner()
    before = _stored("quantri").totp_secret
    refused = runner.invoke(args=["rotate-totp-key", "--old", KEY_2, "--new", KEY_1])
    assert refused.exit_code != 0 and "cannot be decrypted with the old key" in refused.output
    assert _stored("quantri").totp_secret == before                             # nothing changed
    done = runner.invoke(args=["rotate-totp-key", "--old", KEY_1, "--new", KEY_2])
    assert done.exit_code == 0 and "1 two-factor secret(s) re-encrypted" in done.output
    assert decrypt(_stored("quantri").totp_secret, fernet_key(KEY_2)) == secret
    monkeypatch.setitem(app.config, "TOTP_ENCRYPTION_KEY", KEY_2)               # the restart with the new key
    client = app.test_client()
    with frozen_clock(utcnow() + timedelta(seconds=totp.INTERVAL)):
        auth.post("quantri", client=client)
        assert client.post("/login/two-factor", data={"code": _code(secret)}).status_code == 303
    generated = runner.invoke(args=["rotate-totp-key", "--generate"]).output.strip()
    assert fernet_key(generated)


def test_a_plaintext_secret_of_an_earlier_version_still_works_and_gets_encrypted(required, auth):
    secret = totp.new_secret()
    user = _stored("quantri")
    user.totp_secret = secret
    db.session.commit()
    client = required.test_client()
    assert auth.post("quantri", client=client).headers["Location"] == "/login/two-factor"
    assert client.post("/login/two-factor", data={"code": _code(secret)}).status_code == 303
    stored = _stored("quantri").totp_secret
    assert stored.startswith(PREFIX) and decrypt(stored, fernet_key(KEY_1)) == secret


def test_the_migration_encrypts_plaintext_secrets(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    app = create_app(TestConfig(str(tmp_path / "instance"), SQLALCHEMY_DATABASE_URI=url, SECRET_KEY="x",
                                TOTP_ENCRYPTION_KEY=KEY_1))
    secret = totp.new_secret()
    with app.app_context():
        upgrade(revision="9461eccfa123")
        db.session.execute(text(
            "INSERT INTO \"user\" (username, full_name, name_key, password_hash, role, active, must_change_password, "
            "failed_logins, email_digest, created_at, totp_secret) VALUES ('cu', 'Cũ', 'cu', 'x', 'admin', 1, 0, 0, 0, "
            f"'2026-01-01 00:00:00', '{secret}')"))
        db.session.commit()
        upgrade()
        stored = db.session.scalar(text("SELECT totp_secret FROM \"user\" WHERE username = 'cu'"))
        assert stored.startswith(PREFIX) and decrypt(stored, portal_key()) == secret
        db.session.remove()
        db.engine.dispose()
    enable_portal_logs()              # Alembic's logging set-up switched the portal's loggers off
