"""Đếm ngược hạn chót — the remaining time before a deadline, in words (pure).

Shows the two largest units (days, hours, minutes), dropping zero parts, and rounds *down* to the
minute so the page never promises more time than is left: "còn 2 ngày 5 giờ", "còn 5 giờ 12 phút",
"còn 3 phút", "còn dưới 1 phút", "đã hết hạn". English: "2 days 5 hours left", … "deadline passed".
Feed it ``editing_state(...)["seconds_remaining"]``.
"""

from __future__ import annotations

_UNITS = (("day", 86_400), ("hour", 3_600), ("minute", 60))

_VI = {
    "day": "ngày",
    "hour": "giờ",
    "minute": "phút",
    "left": "còn {parts}",
    "under_minute": "còn dưới 1 phút",
    "passed": "đã hết hạn",
    "none": "không giới hạn thời gian",
}
_EN = {
    "day": ("day", "days"),
    "hour": ("hour", "hours"),
    "minute": ("minute", "minutes"),
    "left": "{parts} left",
    "under_minute": "less than 1 minute left",
    "passed": "deadline passed",
    "none": "no deadline",
}


def _language(lang: str | None) -> str:
    # Accept Babel/HTTP spellings ("en", "en_US", "en-GB"); Vietnamese is the default for anything else.
    code = (lang or "vi").replace("-", "_").split("_")[0].lower()
    return "en" if code == "en" else "vi"


def format_remaining(seconds: int | None, lang: str = "vi") -> str:
    """Describe ``seconds`` left before a deadline; ``None`` means there is no deadline."""
    words = _EN if _language(lang) == "en" else _VI
    if seconds is None:
        return words["none"]
    if seconds <= 0:
        return words["passed"]
    if seconds < 60:
        return words["under_minute"]
    rest = int(seconds)
    amounts = []
    for name, size in _UNITS:
        amounts.append((name, rest // size))
        rest %= size
    first = next(i for i, (_, amount) in enumerate(amounts) if amount)
    parts = []
    for name, amount in amounts[first : first + 2]:
        if not amount:
            continue
        if words is _EN:
            singular, plural = _EN[name]
            parts.append(f"{amount} {singular if amount == 1 else plural}")
        else:
            parts.append(f"{amount} {_VI[name]}")
    return words["left"].format(parts=" ".join(parts))
