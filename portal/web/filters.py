"""Jinja filters for Vietnamese display: numbers with a decimal comma, dates dd/mm/yyyy in Asia/Ho_Chi_Minh.

Templates call `_()` and `|points` about a thousand times on a unit's workspace. Flask-Babel looks the
locale and the catalogue up again on every call (four context lookups each), which cost a quarter of the
page's server time; the catalogue and the decimal separator are therefore looked up once per request and
kept in a context variable that every request starts and ends empty.
"""
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from flask_babel import get_locale, get_translations

from portal.scoring.numeric import decimal_text
from portal.web.urls import url_pattern
from portal.years.countdown import format_remaining

# (translations, decimal separator) of the request being rendered; None until first needed.
_request_i18n: ContextVar[tuple | None] = ContextVar("portal_request_i18n", default=None)


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def _i18n() -> tuple:
    state = _request_i18n.get()
    if state is None:
        locale = get_locale()
        state = (get_translations(), "." if locale is not None and locale.language == "en" else ",")
        _request_i18n.set(state)
    return state


def _decimal_sep() -> str:
    return _i18n()[1]


def forget_request_i18n(*_args) -> None:
    """Start (and end) a request with no cached catalogue: the next lookup reads the request's locale."""
    _request_i18n.set(None)


def format_points(value, places: int | None = None) -> str:
    """0.50 → '0,5' (vi) or '0.5' (en); places fixes the number of decimals (e.g. 2 for an index)."""
    if value is None or value == "":
        return "—"
    return decimal_text(value, places, _decimal_sep())


def heading_level(depth: int) -> int:
    """The heading level of an item of the criteria tree: field h2, criterion h3, sub-criterion h4 (depth counts
    the field: 1.2 is at depth 1, 1.1.1 at depth 2; a bonus or deduction item at depth 0 sits under its own
    h2, so it is an h3 too); never below h6."""
    return min(2 + max(depth, 1), 6)


def plural_n(value) -> int:
    """The count ngettext needs for a number of points: 1 for exactly one, else 2 ("1 point", "1.5 points")."""
    try:
        return 1 if value is not None and value != "" and Decimal(str(value)) == 1 else 2
    except ArithmeticError:
        return 2


def format_date(value) -> str:
    """'28/03/2023' from a date, an aware datetime (in the portal's zone) or an ISO date string (as the
    results snapshots keep dates)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if isinstance(value, datetime):
        value = value.astimezone(_zone()).date()
    return value.strftime("%d/%m/%Y")


def format_datetime(value) -> str:
    """'26/11/2026 14:05' in the portal's time zone."""
    if value is None:
        return ""
    if isinstance(value, date) and not isinstance(value, datetime):
        return format_date(value)
    return value.astimezone(_zone()).strftime("%d/%m/%Y %H:%M")


def remaining(seconds) -> str:
    """'còn 2 ngày 5 giờ' (vi) or '2 days 5 hours left' (en) before a deadline."""
    return format_remaining(seconds, "en" if _decimal_sep() == "." else "vi")


def init_filters(app: Flask) -> None:
    app.before_request(forget_request_i18n)
    app.teardown_request(forget_request_i18n)
    # Flask-Babel's own callables, with the catalogue cached for the request (see the module docstring).
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _i18n()[0].ugettext(s),
        ngettext=lambda s, p, n: _i18n()[0].ungettext(s, p, n),
        pgettext=lambda c, s: _i18n()[0].upgettext(c, s),
        npgettext=lambda c, s, p, n: _i18n()[0].unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.globals["remaining"] = remaining
    app.jinja_env.globals["url_pattern"] = url_pattern
    app.jinja_env.filters["points"] = format_points
    app.jinja_env.filters["plural_n"] = plural_n
    app.jinja_env.filters["heading_level"] = heading_level
    app.jinja_env.filters["vdate"] = format_date
    app.jinja_env.filters["vdatetime"] = format_datetime
