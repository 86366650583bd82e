"""Fixtures of the web and browser tiers: a throwaway app and database, a test client that sends CSRF
tokens like a browser, factories, and log-in helpers. The domain tier needs none of this.

DATABASE_URL selects the database (PostgreSQL in CI's second run); by default a SQLite file in a temporary
folder. Every test starts from empty tables. `make test` runs the suite in parallel (pytest-xdist): each
worker has its own temporary folder and, on PostgreSQL, its own database.
"""
import copy
import hashlib
import os
import re
import shutil
import sys
import tempfile

import pytest
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import text

import portal.seed
from portal import create_app
from portal.config import TestConfig
from portal.extensions import db
from portal.results.snapshots import forget as forget_snapshots
from tests.auth_actions import AuthActions


def _parse_demo_specs_once(parse=portal.seed.load_demo_specs):
    """The two demo criteria sets are parsed from their YAML files once per test process (50–110 ms a time;
    hundreds of tests seed the demo year or build their world from it) and every caller gets its own deep
    copy, so a test that edits its spec changes no other test's. The parser itself is tested on these very
    files by tests/domain/test_criteria_yaml.py and test_criteria_xlsx.py."""
    cached = []

    def load_demo_specs():
        if not cached:
            cached.append(parse())
        return copy.deepcopy(cached[0])
    load_demo_specs.__doc__ = parse.__doc__
    return load_demo_specs


# Installed before any test module is imported, so `from portal.seed import load_demo_specs` there (and in
# portal.seed_2025, imported lazily by the CLI) binds the cached loader too.
portal.seed.load_demo_specs = _parse_demo_specs_once()
if "portal.seed_2025" in sys.modules:
    sys.modules["portal.seed_2025"].load_demo_specs = portal.seed.load_demo_specs


class PortalClient(FlaskClient):
    """Sends a valid CSRF token with every mutating request, as the pages do, unless csrf=False."""

    def csrf_token(self) -> str:
        with self.session_transaction() as sess:
            raw = sess.get("csrf_token")
            if raw is None:
                raw = sess["csrf_token"] = hashlib.sha1(os.urandom(64)).hexdigest()
        return URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token").dumps(raw)

    def open(self, *args, csrf: bool = True, htmx: bool = False, **kwargs):
        method = (kwargs.get("method") or "GET").upper()
        headers = dict(kwargs.pop("headers", None) or {})
        if htmx:
            headers.setdefault("HX-Request", "true")
        if csrf and method not in ("GET", "HEAD", "OPTIONS"):
            headers.setdefault("X-CSRFToken", self.csrf_token())
        kwargs["headers"] = headers
        # A test that holds an app context (the ctx fixture) commits what it set up, so the request sees it
        # and the test reloads fresh rows afterwards; the request itself runs in its own app context, so
        # nothing (g, the login, the db session) leaks between requests, exactly as in production.
        from flask import has_app_context
        if has_app_context():
            db.session.commit()
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def _workdir():
    path = tempfile.mkdtemp(prefix="cchc-test-")
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _worker_database(url: str):
    """Under pytest-xdist every worker gets its own PostgreSQL database next to the one DATABASE_URL names
    (created empty, dropped at the end), so parallel workers never truncate each other's tables. Returns the
    worker's URL and the function that drops it."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not url.startswith("postgresql"):
        return url, lambda: None
    from sqlalchemy import create_engine
    base, _, name = url.rpartition("/")
    name = f"{name.split('?')[0]}_{worker}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return f"{base}/{name}", drop


@pytest.fixture(scope="session")
def app(_workdir):
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{os.path.join(_workdir, 'test.sqlite3')}"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    url, drop_worker_database = _worker_database(url)
    os.environ["PORTAL_INSTANCE"] = os.path.join(_workdir, "instance")
    config = TestConfig(os.path.join(_workdir, "instance"), SQLALCHEMY_DATABASE_URI=url, DATABASE_URL=url,
                        UPLOAD_DIR=os.path.join(_workdir, "uploads"), SECRET_KEY="test-secret-key")
    application = create_app(config)
    application.test_client_class = PortalClient
    with application.app_context():
        db.drop_all()
        db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    drop_worker_database()


def _empty_tables():
    forget_snapshots()  # the approvals' ids are used again
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name != "postgresql":
        for table in tables:                       # children first; SQLite reuses the ids of emptied tables
            db.session.execute(table.delete())
        db.session.commit()
        return
    # PostgreSQL: only the tables a test left rows in are emptied, children first, by DELETE — TRUNCATE ...
    # CASCADE rewrites every table it touches and its commit syncs the new files (80–480 ms a test against
    # 5–10 ms); every id sequence restarts in one statement.
    probe = " UNION ALL ".join(f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM \"{t.name}\")" for t in tables)
    dirty = set(db.session.scalars(text(probe)))
    for table in tables:
        if table.name in dirty:
            db.session.execute(table.delete())
    pairs = ", ".join(f"('\"{t.name}\"', '{t.primary_key.columns[0].name}')" for t in tables
                      if len(t.primary_key.columns) == 1)
    db.session.execute(text(f"SELECT setval(seq, 1, false) FROM (SELECT pg_get_serial_sequence(t, c) AS seq "
                            f"FROM (VALUES {pairs}) AS v(t, c)) AS s WHERE seq IS NOT NULL"))
    db.session.commit()


#: The modules that take longest (seconds of one worker, measured on both databases), longest first. Under
#: `--dist loadscope` a module goes whole to one worker, in collection order; these start first and the many
#: short modules fill in behind them, so no long module is left to run alone on one core at the end while
#: the other waits. The order changes when a test runs, never what it checks; a module missing from the list
#: is only scheduled later (the browser modules before the rest, as a group).
SLOW_FIRST = (
    "tests/e2e/test_wcag_browser.py",
    "tests/web/test_visibility_year_wide.py",
    "tests/e2e/test_a11y_browser.py",
    "tests/web/test_commune_reports.py",
    "tests/e2e/test_appraisal_browser.py",
    "tests/web/test_security_headers.py",
    "tests/web/test_comment_visibility.py",
    "tests/web/test_visibility_matrix.py",
    "tests/e2e/test_nojs_browser.py",
    "tests/e2e/test_results_browser.py",
    "tests/e2e/test_communes_browser.py",
    "tests/e2e/test_appraisal_decisions_browser.py",
    "tests/web/test_security_routes.py",
    "tests/web/test_reports_access.py",
    "tests/web/test_reports_documents.py",
    "tests/e2e/test_slow_network_browser.py",
    "tests/e2e/test_reports_browser.py",
    "tests/web/test_security_deadlines.py",
    "tests/web/test_results_permissions.py",
    "tests/e2e/test_guide_browser.py",
)


def pytest_configure(config):
    config.addinivalue_line("markers", "keep_tables: the module seeds its world once (in a module-scoped "
                                       "fixture) and its tests start from it, not from empty tables")
    # xdist would otherwise hand out the modules with the most tests first (many quick table tests) and
    # keep the few-test, long browser and matrix modules for the end: keep the order set below instead.
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(items):
    rank = {path: position for position, path in enumerate(SLOW_FIRST)}

    def key(item):
        path = item.nodeid.split("::", 1)[0]
        return rank.get(path, len(rank) + (0 if path.startswith("tests/e2e/") else 1))
    items.sort(key=key)            # stable: the tests of a module keep their order


@pytest.fixture(autouse=True)
def _clean_db(request):
    if request.node.get_closest_marker("keep_tables") or (
            "app" not in request.fixturenames and "live_server" not in request.fixturenames):
        yield
        return
    application = request.getfixturevalue("app")
    with application.app_context():
        _empty_tables()
        db.session.remove()
    yield


@pytest.fixture
def ctx(app):
    """An application context for tests that use services and models directly."""
    from portal.db import write_transaction
    with app.app_context():
        token = write_transaction.set(False)  # reads in tests never hold SQLite's write lock
        yield
        db.session.remove()
        write_transaction.reset(token)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def auth(app):
    """Signed-in clients: auth.login(user) posts the form, auth.sign_in(user) is fast (tests/auth_actions.py)."""
    return AuthActions(app)


@pytest.fixture
def anon(app):
    return app.test_client()


def extract_csrf(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    return match.group(1) if match else ""
