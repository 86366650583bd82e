"""Jinja filters for Vietnamese display: numbers with a decimal comma, dates dd/mm/yyyy in Asia/Ho_Chi_Minh."""
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from flask_babel import get_locale


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def _decimal_sep() -> str:
    locale = get_locale()
    return "." if locale is not None and locale.language == "en" else ","


def format_points(value, places: int | None = None) -> str:
    """0.50 → '0,5' (vi) or '0.5' (en); places fixes the number of decimals (e.g. 2 for an index)."""
    if value is None or value == "":
        return "—"
    value = Decimal(str(value))
    if places is None:
        text = format(value.normalize(), "f") if value != 0 else "0"
    else:
        text = format(value.quantize(Decimal(1).scaleb(-places)), "f")
    return text.replace(".", _decimal_sep())


def format_date(value) -> str:
    if value is None:
        return ""
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
    from portal.years.countdown import format_remaining
    return format_remaining(seconds, "en" if _decimal_sep() == "." else "vi")


def init_filters(app: Flask) -> None:
    app.jinja_env.globals["remaining"] = remaining
    app.jinja_env.filters["points"] = format_points
    app.jinja_env.filters["vdate"] = format_date
    app.jinja_env.filters["vdatetime"] = format_datetime
