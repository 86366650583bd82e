"""Deadline countdown wording (portal.years.countdown), both languages, without an app."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.years.countdown import format_remaining

MINUTE, HOUR, DAY = 60, 3600, 86400

CASES = [
    # seconds, Vietnamese, English
    (None, "không giới hạn thời gian", "no deadline"),
    (-3600, "đã hết hạn", "deadline passed"),
    (-1, "đã hết hạn", "deadline passed"),
    (0, "đã hết hạn", "deadline passed"),
    (1, "còn dưới 1 phút", "less than 1 minute left"),
    (59, "còn dưới 1 phút", "less than 1 minute left"),
    (60, "còn 1 phút", "1 minute left"),
    (61, "còn 1 phút", "1 minute left"),
    (3 * MINUTE, "còn 3 phút", "3 minutes left"),
    (3 * MINUTE + 59, "còn 3 phút", "3 minutes left"),  # rounded down: never promise more time
    (HOUR - 1, "còn 59 phút", "59 minutes left"),
    (HOUR, "còn 1 giờ", "1 hour left"),
    (HOUR + MINUTE, "còn 1 giờ 1 phút", "1 hour 1 minute left"),
    (5 * HOUR + 12 * MINUTE, "còn 5 giờ 12 phút", "5 hours 12 minutes left"),
    (5 * HOUR + 12 * MINUTE + 30, "còn 5 giờ 12 phút", "5 hours 12 minutes left"),
    (DAY - 1, "còn 23 giờ 59 phút", "23 hours 59 minutes left"),
    (DAY, "còn 1 ngày", "1 day left"),
    (DAY + HOUR, "còn 1 ngày 1 giờ", "1 day 1 hour left"),
    (2 * DAY + 5 * HOUR, "còn 2 ngày 5 giờ", "2 days 5 hours left"),
    (2 * DAY + 5 * HOUR + 59 * MINUTE, "còn 2 ngày 5 giờ", "2 days 5 hours left"),
    (2 * DAY + 5 * MINUTE, "còn 2 ngày", "2 days left"),  # largest two units; the zero hours dropped
    (2 * DAY, "còn 2 ngày", "2 days left"),
    (45 * DAY + 23 * HOUR, "còn 45 ngày 23 giờ", "45 days 23 hours left"),
]


@pytest.mark.parametrize("seconds,vi,en", CASES)
def test_vietnamese(seconds, vi, en):
    assert format_remaining(seconds) == vi
    assert format_remaining(seconds, lang="vi") == vi


@pytest.mark.parametrize("seconds,vi,en", CASES)
def test_english(seconds, vi, en):
    assert format_remaining(seconds, lang="en") == en


@pytest.mark.parametrize(
    "lang,expected",
    [("en", "3 minutes left"), ("en_US", "3 minutes left"), ("en-GB", "3 minutes left"),
     ("EN", "3 minutes left"), ("vi", "còn 3 phút"), ("vi_VN", "còn 3 phút"), (None, "còn 3 phút"),
     ("fr", "còn 3 phút")],
)
def test_language_codes(lang, expected):
    assert format_remaining(180, lang=lang) == expected


@given(st.integers(min_value=60, max_value=400 * DAY))
def test_at_most_two_non_zero_parts_never_more_than_left(seconds):
    vi = format_remaining(seconds)
    parts = re.findall(r"(\d+) (ngày|giờ|phút)", vi)
    assert 1 <= len(parts) <= 2
    assert all(int(amount) > 0 for amount, _ in parts)
    size = {"ngày": DAY, "giờ": HOUR, "phút": MINUTE}
    shown = sum(int(amount) * size[unit] for amount, unit in parts)
    assert shown <= seconds < shown + size[parts[0][1]]  # within the largest shown unit, rounded down
