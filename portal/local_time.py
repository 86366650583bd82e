"""Giờ Việt Nam — the portal's time zone (Asia/Ho_Chi_Minh unless configured otherwise) and how a time is
written for people: storage is UTC, display is local (conventions rule 9)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_ZONE = "Asia/Ho_Chi_Minh"


def zone() -> ZoneInfo:
    """The portal's time zone (Asia/Ho_Chi_Minh unless configured otherwise)."""
    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE") if has_app_context() else None
    return ZoneInfo(name or DEFAULT_ZONE)


def format_local(value: datetime | None, *, seconds: bool = True) -> str:
    """'31/03/2023 17:00:00' (or without seconds) in the portal's time zone; '' for None."""
    if value is None:
        return ""
    return value.astimezone(zone()).strftime("%d/%m/%Y %H:%M:%S" if seconds else "%d/%m/%Y %H:%M")
