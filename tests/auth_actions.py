"""Signed-in test clients, one class for every test (the shape of flaskr's `AuthActions`), two ways in:

- ``auth.login(user)`` posts the real login form (password check, throttle, two-factor, the login audit
  entry), as a person does. The test client sends the CSRF token. It asserts the form redirected and returns
  the client. ``auth.post(user)`` is the same post returning the response, for tests that examine it.
- ``auth.sign_in(user)`` leaves the client exactly as a successful login does (a server-side LoginSession row,
  its id in the cookie Flask-Login reads) without a request: no password hash, throttle rows or audit entry.
  For the matrices and worlds that log in hundreds of times; the form itself is tested in
  tests/web/test_auth.py, tests/web/test_security_*.py and by every browser test.

Both take a username or a User, and return a new client of the app unless ``client=`` is given (None as the
user gives an anonymous client). ``auth.logout(client)`` posts the sign-out form, and
``auth.language(client, "en")`` the interface language switch (what the session remembers besides the login);
``in_language(app, lang)`` is a pushed request context whose session chose `lang`, for tests of the
translation functions without a request.

The ``auth`` fixture (tests/conftest.py) is session-scoped, since it holds only the session-scoped app, so
module-scoped worlds use it as function-scoped tests do.
"""
import secrets

from flask import has_app_context
from sqlalchemy import select

from portal.db import utcnow
from portal.extensions import db
from portal.seed_data.demo import DEMO_PASSWORD  # noqa: F401  (every account the demo seed makes)
from tests.factories import TEST_PASSWORD        # every account the factories make


class AuthActions:
    def __init__(self, app, password: str = TEST_PASSWORD):
        self.app = app
        self.password = password

    def client(self, client=None):
        return client if client is not None else self.app.test_client()

    def post(self, user, password: str | None = None, *, client=None, **kwargs):
        """The login form posted as `user`: the response."""
        password = self.password if password is None else password
        return self.client(client).post("/login", data={"username": _username(user), "password": password},
                                        **kwargs)

    def login(self, user=None, password: str | None = None, *, client=None, **kwargs):
        """A client signed in as `user` through the login form (anonymous when None)."""
        client = self.client(client)
        if user is not None:
            response = self.post(user, password, client=client, **kwargs)
            assert response.status_code in (302, 303), (_username(user), response.status_code)
        return client

    def sign_in(self, user=None, *, client=None):
        """A client signed in as `user` by writing the session a login leaves (anonymous when None)."""
        client = self.client(client)
        if user is None:
            return client
        from portal.auth.models import LoginSession, User
        if has_app_context():
            db.session.commit()  # what the test set up is visible, and no transaction of it stays open
        now = utcnow()
        with client.application.app_context():
            row_user = db.session.scalar(select(User).where(User.username == _username(user)))
            row = LoginSession(id=secrets.token_urlsafe(32), user_id=row_user.id, created_at=now,
                               last_seen_at=now, ip="127.0.0.1", user_agent="test")
            db.session.add(row)
            db.session.commit()
            session_id = row.id
        with client.session_transaction() as session:
            session["_user_id"] = session_id
            session["_fresh"] = True
            session["seen"] = int(now.timestamp())
        return client

    def logout(self, client, **kwargs):
        return client.post("/logout", **kwargs)

    def language(self, client, lang: str = "en", next: str = "/"):
        """The interface language switched to `lang` for this client's session; returns the client."""
        client.post(f"/language/{lang}", data={"next": next})
        return client


def in_language(app, lang: str):
    """A request context, pushed, whose session chose `lang` (the caller pops it)."""
    from flask import session
    from flask_babel import refresh

    from portal.web.filters import forget_request_i18n
    context = app.test_request_context("/")
    context.push()
    session["lang"] = lang
    refresh()
    forget_request_i18n()
    return context


def _username(user) -> str:
    return user if isinstance(user, str) else user.username
