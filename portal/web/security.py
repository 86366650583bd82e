"""Security headers on every response, a request id for logs and audit rows, and safe log lines
(security.md §7.5, §8.4).

Headers: a strict CSP (no inline script or style), nosniff, frame-ancestors none (and X-Frame-Options),
Referrer-Policy, HSTS when cookies are Secure, ``Cache-Control: no-store`` on every page of a logged-in user
and every HTML page, and ``Vary: Cookie`` wherever the answer depends on who asks.

Logs: every log record's message is neutralised once, whoever wrote it: CR, LF, ANSI escapes and other
control characters become visible escapes (``\\r``, ``\\x1b``), so text a user typed can never forge a log
line or recolour a terminal. The request id comes from a trusted proxy's ``X-Request-Id`` only when it is a
plain token; anything else is replaced by our own.
"""
import logging
import re
import secrets
from urllib.parse import urlsplit

from flask import Flask, abort, g, request
from flask_login import current_user

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
log = logging.getLogger("portal.security")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,40}$")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def neutralise(text: str) -> str:
    """One log line: control, line-break and bidi characters shown as escapes (tabs stay)."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class SafeLogRecord(logging.LogRecord):
    """A log record whose message can hold no line break or terminal escape (security.md §8.4)."""

    def getMessage(self) -> str:  # noqa: N802 (logging's name)
        return neutralise(super().getMessage())


def install_safe_logging() -> None:
    if logging.getLogRecordFactory() is not SafeLogRecord:
        logging.setLogRecordFactory(SafeLogRecord)


def request_id() -> str:
    incoming = request.headers.get("X-Request-Id", "")
    return incoming if _REQUEST_ID.match(incoming) else secrets.token_hex(8)


def init_security(app: Flask) -> None:
    install_safe_logging()

    @app.before_request
    def _request_id():
        g.request_id = request_id()

    @app.before_request
    def _same_origin():
        # Beside the CSRF token: a browser's Origin on a state change must be this site (security.md §9).
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        origin = request.headers.get("Origin")
        if origin is not None and urlsplit(origin).netloc != request.host:
            log.warning("cross-origin %s %s refused (Origin %r)", request.method, request.path, origin[:100])
            abort(403)
        return None

    @app.after_request
    def _headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "same-origin"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if not request.path.startswith("/static/"):
            # is_anonymous rather than is_authenticated: the latter reads the account's `active` column,
            # which a request's commit has expired (one more query for every answer drawn before it)
            if not current_user.is_anonymous or response.mimetype == "text/html":
                headers["Cache-Control"] = "no-store"
            response.vary.add("Cookie")
        headers["X-Request-Id"] = g.get("request_id", "")
        return response
