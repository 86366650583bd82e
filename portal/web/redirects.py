"""The one rule for "where to go next": login, the two-factor step, the language switch, the comment
forms and session expiry all send the browser back only to a path of this site.

Browsers are lenient with a ``Location``: they drop tabs and line breaks (``/<TAB>/evil.example`` becomes
``//evil.example``), read a backslash as a slash (``/\\evil``), and take ``//host`` or ``https:host`` as
another site. So a target is kept only when it starts with exactly one ``/``, holds no control character
or backslash, has no scheme or host, and stays so after percent-decoding (``/%2F%2Fevil`` …).
Anything else falls back to the home page.
"""
from urllib.parse import unquote, urlsplit

from flask import request, url_for

_MAX_LENGTH = 2000
_DECODE_ROUNDS = 3


def _plain_path(text: str) -> bool:
    if not text.startswith("/") or text.startswith(("//", "/\\")):
        return False
    if any(ch == "\\" or ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in text):
        return False
    parts = urlsplit(text)
    return not parts.scheme and not parts.netloc


def same_site_path(target: str | None) -> str | None:
    """``target`` when it is a path of this site (with its query), else None."""
    if not isinstance(target, str) or not target or len(target) > _MAX_LENGTH:
        return None
    text = target
    for _ in range(_DECODE_ROUNDS):            # the raw text and every percent-decoded form must be safe
        if not _plain_path(text):
            return None
        decoded = unquote(text)
        if decoded == text:
            return target
        text = decoded
    return None                                 # still encoded after several rounds: not a real link


def safe_next(target: str | None) -> str:
    """Where to send the browser: ``target`` when it is a path of this site, else the home page."""
    return same_site_path(target) or url_for("home.index")


def path_of_page_url(url: str | None) -> str | None:
    """The path (and query) of a full URL of this site (htmx's ``HX-Current-URL``), else None."""
    if not isinstance(url, str) or not url:
        return None
    parts = urlsplit(url)
    if parts.netloc and parts.netloc != request.host:
        return None
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    return same_site_path((parts.path or "/") + (f"?{parts.query}" if parts.query else ""))
