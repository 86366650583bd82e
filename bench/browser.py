"""What the browser benches share (keystrokes, council actions, the throttled browser, the guide's screenshots):
Chromium's flags, the portal served on loopback from a thread of the bench's own process, and a log-in through
the login form as a person does it."""
import logging
import shutil
import threading
from contextlib import contextmanager

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@contextmanager
def served(app):
    """The app on 127.0.0.1 (a free port) in a daemon thread for as long as the block runs; yields its base
    URL. No access-log lines among the figures."""
    from werkzeug.serving import make_server
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


@contextmanager
def chromium(*extra_args: str):
    """Debian's Chromium, headless, through Playwright; closed when the block ends."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                    args=CHROMIUM_ARGS + list(extra_args))
        try:
            yield browser
        finally:
            browser.close()


def log_in(page, base: str, username: str, password: str) -> None:
    """Through the login form, up to the home page."""
    page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit].primary")
    page.wait_for_url(base + "/")


@contextmanager
def signed_in(browser, base: str, username: str, password: str, *, width: int = 1280, height: int = 900,
              start: str | None = "/assessment/"):
    """A new Vietnamese browser context of that size, logged in as `username` and (with `start`) on that
    page — for a unit's staff, /assessment/ opens their own workspace; yields the page, closes the context."""
    context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        log_in(page, base, username, password)
        if start:
            page.goto(base + start)
        yield page
    finally:
        context.close()
