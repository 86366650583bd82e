"""The pure rules of the login throttle (issue 17): which counters an attempt touches, when a counter starts
again, and when the user and the admins are told."""
from datetime import datetime, timedelta, timezone

import pytest

from portal.auth.domain import current_failures, throttle_keys, worth_telling

NOW = datetime(2026, 12, 6, 3, 0, tzinfo=timezone.utc)
HOUR = timedelta(hours=1)


@pytest.mark.parametrize("typed, address, expected", [
    ("CanBo ", "10.0.0.1", ("account:canbo@10.0.0.1", "address:10.0.0.1")),
    ("khong-co", "10.0.0.1", ("account:khong-co@10.0.0.1", "address:10.0.0.1")),   # unknown: same shape
    ("canbo", None, ("account:canbo@unknown", "address:unknown")),
    ("x" * 300, "2001:db8::1", ("account:" + "x" * 64 + "@2001:db8::1", "address:2001:db8::1")),
])
def test_keys(typed, address, expected):
    assert throttle_keys(typed, address) == expected


def test_a_real_user_elsewhere_has_another_key():
    assert throttle_keys("admin", "203.0.113.9")[0] != throttle_keys("admin", "10.0.0.5")[0]


@pytest.mark.parametrize("failures, last, expected", [
    (7, NOW - timedelta(minutes=59), 7), (7, NOW - HOUR, 7), (7, NOW - HOUR - timedelta(seconds=1), 0),
    (3, None, 0), (0, NOW, 0),
])
def test_counters_start_again_after_a_quiet_window(failures, last, expected):
    assert current_failures(failures, last, now=NOW, window=HOUR) == expected


@pytest.mark.parametrize("failures, told", [(4, False), (5, True), (6, False), (9, False), (10, True), (15, False),
                                            (20, True), (30, False), (40, True), (80, True), (0, False)])
def test_told_at_the_limit_then_at_doublings(failures, told):
    assert worth_telling(failures, after=5) is told
