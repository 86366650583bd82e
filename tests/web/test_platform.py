"""Cross-cutting guarantees: CSRF on every post, security headers, a permission rule on every route,
SQLite pragmas and write transactions, configuration from the environment."""
import os

import pytest
from sqlalchemy import func, select, text

from portal.audit.models import AuditLog
from portal.config import Config
from portal.extensions import db
from portal.units.models import Unit
from tests.factories import make_unit, make_user


@pytest.fixture
def admin(ctx, client, auth):
    make_user("admin", username="quantri")
    make_unit("Sở Y tế", code="SYT")
    db.session.commit()
    auth.login("quantri", client=client)
    return client


def _sample(rule, arg, number):
    """A value for a URL argument: a real id for integer parts, a plausible code otherwise."""
    from werkzeug.routing import IntegerConverter
    if isinstance(rule._converters.get(arg), IntegerConverter):
        return number
    return "en" if arg == "lang" else "F1"


def _mutating_rules(app):
    for rule in app.url_map.iter_rules():
        methods = rule.methods - {"GET", "HEAD", "OPTIONS"}
        if methods and rule.endpoint != "static":
            yield rule, methods


def test_every_post_without_csrf_is_refused_and_changes_nothing(app, admin):
    unit = db.session.scalar(select(Unit).where(Unit.code == "SYT"))
    before = db.session.scalar(select(func.count()).select_from(AuditLog))
    refused = total = 0
    for rule, methods in _mutating_rules(app):
        url = rule.build({arg: _sample(rule, arg, unit.id) for arg in rule.arguments})[1]
        for method in methods:
            for headers in ({}, {"HX-Request": "true"}, {"X-CSRFToken": "forged"}):
                total += 1
                response = admin.open(url, method=method, csrf=False, headers=headers,
                                      data={"name": "Hack", "code": "H", "unit_type": "district", "active": "0"})
                refused += response.status_code == 400
    assert total > 0 and refused == total
    db.session.expire_all()
    assert db.session.get(Unit, unit.id).name == "Sở Y tế"
    assert db.session.scalar(select(func.count()).select_from(AuditLog)) == before


def test_csrf_from_another_session_is_refused(app, admin):
    other = app.test_client()
    token = other.csrf_token()
    response = admin.post("/admin/units/new", csrf=False, headers={"X-CSRFToken": token},
                          data={"code": "X", "name": "X", "unit_type": "district"})
    assert response.status_code == 400
    assert "Hãy tải lại trang" in response.get_data(as_text=True)


def test_every_route_declares_a_permission_rule(app):
    missing = [rule.endpoint for rule in app.url_map.iter_rules()
               if rule.endpoint != "static" and not hasattr(app.view_functions[rule.endpoint], "permission")]
    assert missing == []


@pytest.mark.parametrize("path", ["/login", "/", "/admin/units/", "/admin/users/", "/nope"])
def test_security_headers_on_every_response(admin, path):
    response = admin.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_no_inline_script_or_style_in_pages(admin):
    for path in ("/login", "/", "/admin/units/", "/admin/users/"):
        html = admin.get(path).get_data(as_text=True)
        assert "<style" not in html and " style=" not in html
        assert all('src="' in tag for tag in html.split("<script")[1:])


def test_static_files_are_versioned_and_cached_for_a_year(client):
    html = client.get("/login").get_data(as_text=True)
    assert "/static/vendor/htmx-2.0.11.min.js?v=" in html
    url = html.split('src="')[1].split('"')[0]
    response = client.get(url)
    assert response.status_code == 200
    assert "max-age=31536000" in response.headers["Cache-Control"]


def test_htmx_config_is_hardened(client):
    html = client.get("/login").get_data(as_text=True)
    assert '"allowEval": false' in html and '"historyCacheSize": 0' in html
    assert '"includeIndicatorStyles": false' in html and '"selfRequestsOnly": true' in html
    assert 'hx-headers=\'{"X-CSRFToken": "' in html


def test_errors_show_no_stack_trace(app, admin, monkeypatch):
    def _boom():
        raise RuntimeError("secret internals")
    monkeypatch.setitem(app.view_functions, "home.index", _boom)
    response = admin.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 500 and "secret internals" not in html and "Traceback" not in html
    assert "Mã yêu cầu" in html


def test_sqlite_pragmas_on_every_connection(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite only")
        with db.engine.connect() as conn:
            values = [conn.exec_driver_sql(f"PRAGMA {name}").scalar() for name in
                      ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")]
    assert values == ["wal", 1, 10000, 2]


def test_write_requests_begin_immediate(app, monkeypatch):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite only")
    seen = []
    from sqlalchemy import event
    with app.app_context():
        engine = db.engine

        def spy(conn, cursor, statement, *args):
            if statement.startswith("BEGIN"):
                seen.append(statement)
        event.listen(engine, "before_cursor_execute", spy)
        try:
            client = app.test_client()
            client.get("/login")
            client.post("/login", data={"username": "x", "password": "y"})
        finally:
            event.remove(engine, "before_cursor_execute", spy)
    assert "BEGIN" in seen and "BEGIN IMMEDIATE" in seen


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("PORTAL_ENV", raising=False)
    first = Config(str(tmp_path)).SECRET_KEY
    assert first == Config(str(tmp_path)).SECRET_KEY and len(first) == 64
    assert oct(os.stat(tmp_path / "secret_key").st_mode)[-3:] == "600"


def test_production_requires_a_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("PORTAL_ENV", "production")
    with pytest.raises(RuntimeError):
        Config(str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("TOTP_ENCRYPTION_KEY", "dGhpcnR5LXR3by1ieXRlcy1vZi10ZXN0LWtleS0hISE=")
    config = Config(str(tmp_path))
    assert config.SESSION_COOKIE_SECURE and config.SESSION_COOKIE_NAME == "__Host-session"


def test_configuration_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h:5432/d")
    monkeypatch.setenv("UPLOAD_DIR", "/srv/uploads")
    config = Config(str(tmp_path))
    assert config.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://u@h:5432/d"
    assert config.UPLOAD_DIR == "/srv/uploads"
    assert config.BABEL_DEFAULT_TIMEZONE == "Asia/Ho_Chi_Minh" and config.BABEL_DEFAULT_LOCALE == "vi"
    monkeypatch.delenv("DATABASE_URL")
    monkeypatch.delenv("UPLOAD_DIR")
    default = Config(str(tmp_path))
    assert default.SQLALCHEMY_DATABASE_URI == f"sqlite:///{tmp_path / 'portal.sqlite3'}"
    assert default.UPLOAD_DIR == str(tmp_path / "uploads")


def test_cookie_flags(app, ctx, auth):
    make_user("admin", username="a1")
    db.session.commit()
    client = app.test_client()
    response = auth.post("a1", client=client)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_database_is_reachable(app):
    with app.app_context():
        assert db.session.execute(text("SELECT 1")).scalar() == 1
