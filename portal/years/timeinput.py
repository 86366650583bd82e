"""Ngày giờ gõ tay — reading a deadline typed the way Vietnamese officials write it: ``dd/mm/yyyy HH:MM``
in 24-hour time (``31/03/2023 17:00``), pure.

Browsers render ``<input type="datetime-local">`` in the operating system's format (12-hour US on many
office PCs: "03/31/2023, 05:00 PM"), which swaps day and month in a reader's head; the portal therefore uses
a plain text input in one documented format, parsed here, and works the same without JavaScript.

Accepted: day first with ``/``, ``-`` or ``.`` between day, month and year; a time ``H:MM`` or ``H:MM:SS``
or ``HhMM`` (``17h00``); for scripts and older forms also ISO ``yyyy-mm-ddTHH:MM[:SS]``. A date without a
time is refused (a deadline needs its hour), as is anything else: :class:`TimeInputError` carries a code.
"""
from __future__ import annotations

import re
from datetime import datetime

_DAY_FIRST = re.compile(
    r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})"      # 31/03/2023
    r"(?:\s*,?\s+|\s*-\s*)"                                      # a space (or " - ") before the time
    r"(\d{1,2})\s*[:hH]\s*(\d{2})(?:\s*:\s*(\d{2}))?$")          # 17:00, 17h00, 17:00:30
_DATE_ONLY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$")

#: The format the pages show and the hint gives.
DISPLAY_FORMAT = "%d/%m/%Y %H:%M"
PLACEHOLDER = "dd/mm/yyyy hh:mm"


class TimeInputError(ValueError):
    """``code``: ``no_time`` (a date without its hour) or ``invalid`` (not a date and time at all)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def parse_local(text: str | None) -> datetime | None:
    """The wall-clock time typed (naive, in the portal's zone), or None for a blank input."""
    if text is None or not text.strip():
        return None
    value = " ".join(text.split())
    match = _DAY_FIRST.match(value)
    if match:
        day, month, year, hour, minute, second = match.groups()
    else:
        match = _ISO.match(value)
        if match is None:
            raise TimeInputError("no_time" if _DATE_ONLY.match(value) else "invalid")
        year, month, day, hour, minute, second = match.groups()
    if not all(part.isascii() for part in (day, month, year, hour, minute, second or "0")):
        raise TimeInputError("invalid")  # \d also matches other scripts' digits
    try:
        return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
    except ValueError:
        raise TimeInputError("invalid") from None  # 31/02, 24:00, 17:60


def format_local(value: datetime | None) -> str:
    """A naive local time as the input shows it: ``31/03/2023 17:00`` (with ``:SS`` when not zero)."""
    if value is None:
        return ""
    return value.strftime(DISPLAY_FORMAT + (":%S" if value.second else ""))
