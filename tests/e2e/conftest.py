"""Browser tier: the app served on a free loopback port, driven by Playwright in Debian's Chromium.

Playwright's own browser download is never used (it cannot work here): the launch points at
/usr/bin/chromium. Screenshots of failing tests are kept by pytest-playwright (--screenshot=only-on-failure).
"""
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from portal.db import utcnow
from portal.extensions import db

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def _server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def live_server(_server):
    return _server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh",
            "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def demo(app, live_server):
    """The demo year, seeded fresh for the test."""
    from portal.seed import seed_demo
    with app.app_context():
        seed_demo(now=utcnow())
        db.session.commit()
        db.session.remove()
    return live_server
