"""Pure security rules (security.md §1.1, §1.3, §1.4, §2.3, §8.4): the password policy on 50 candidates, the
throttle, the timeouts, when a second factor is needed, TOTP codes and replay, safe log lines."""
from datetime import UTC, datetime, timedelta

import pytest

from portal.auth import totp
from portal.auth.domain import (may_drop_second_factor, needs_second_factor, password_problems, session_expired,
                                throttle_delay)

OK = []
# (candidate, expected problems) — A5 6.2: ≥ 8 characters, 64 allowed, no composition rule, common ones refused.
PASSWORDS = [
    ("", ["too_short"]), ("a", ["too_short"]), ("1234567", ["too_short"]), ("matkhau", ["too_short", "common"]),
    ("abcdefg", ["too_short"]), ("Aa1!Aa1", ["too_short"]), ("đồng ý", ["too_short"]),
    ("12345678", ["common"]), ("123456789", ["common"]), ("password", ["common"]), ("Password1", ["common"]),
    ("PASSWORD123", ["common"]), ("qwerty123", ["common"]), ("11111111", ["common"]), ("iloveyou", ["common"]),
    ("matkhau123", ["common"]), ("MatKhau@123", ["common"]), ("anhyeuem", ["common"]), ("vietnam123", ["common"]),
    ("admin@123", ["common"]), ("p@ssw0rd", ["common"]), ("88888888", ["common"]), ("1q2w3e4r", ["common"]),
    ("canbo.stp", ["like_username"]), ("CANBO.STP", ["like_username"]), ("canbo.stp123", ["like_username"]),
    ("x" * 65, ["too_long"]), ("một câu rất dài " * 5, ["too_long"]),
    ("abcdefgh", OK), ("aaaaaaaa", OK), ("hoa sen trắng", OK), ("Mùa thu Hà Nội 2022", OK),
    ("sông Hậu mùa nước nổi", OK), ("correct horse battery", OK), ("x" * 64, OK), ("ngắn-gọn8", OK),
    ("tôi là cán bộ", OK), ("12345679", OK), ("Chỉ số CCHC", OK), ("mật khẩu mới", OK),
    ("canbo.stp.2022x", OK), ("đèn đỏ dừng lại", OK), ("Ủy ban nhân dân", OK), ("bánh xèo An Giang", OK),
    ("8 ký tự!", OK), ("tám chữ", ["too_short"]), ("   spaces   ", OK), ("日本語のパスワード", OK),
    ("🙂🙂🙂🙂🙂🙂🙂🙂", OK), ("ĐƯỜNG LÊ LỢI", OK),
]


@pytest.mark.parametrize("candidate, expected", PASSWORDS)
def test_password_policy_verdicts(candidate, expected):
    assert password_problems(candidate, username="canbo.stp") == expected


def test_fifty_candidates():
    assert len(PASSWORDS) == 50


@pytest.mark.parametrize("failures, wait", [(0, 0), (4, 0), (5, 30), (6, 60), (7, 120), (9, 480), (10, 900), (40, 900)])
def test_throttle_doubles_from_the_fifth_failure_up_to_15_minutes(failures, wait):
    assert throttle_delay(failures, after=5, base_seconds=30, max_seconds=900) == wait


T = datetime(2023, 3, 31, 10, 0, tzinfo=UTC)
IDLE, ABSOLUTE = timedelta(minutes=60), timedelta(hours=12)


@pytest.mark.parametrize("created, seen, now, verdict", [
    (T, T, T + IDLE, None), (T, T, T + IDLE + timedelta(seconds=1), "idle"),
    (T, T + ABSOLUTE - timedelta(minutes=1), T + ABSOLUTE, None),
    (T, T + ABSOLUTE, T + ABSOLUTE + timedelta(seconds=1), "absolute"),
    (T, T, T + ABSOLUTE + timedelta(seconds=1), "absolute")])
def test_idle_and_absolute_timeouts(created, seen, now, verdict):
    assert session_expired(created_at=created, last_seen_at=seen, now=now, idle=IDLE, absolute=ABSOLUTE) == verdict


ROLES = ("admin", "council_member", "council_chair")


@pytest.mark.parametrize("role, enrolled, required, step", [
    ("admin", False, True, "enrol"), ("admin", True, True, "code"), ("admin", False, False, None),
    ("council_member", False, True, "enrol"), ("council_chair", False, True, "enrol"),
    ("unit_staff", False, True, None), ("unit_leader", True, True, "code"), ("unit_staff", True, False, "code")])
def test_when_a_second_factor_is_needed(role, enrolled, required, step):
    assert needs_second_factor(role=role, enrolled=enrolled, required=required, required_roles=ROLES) == step
    assert may_drop_second_factor(role=role, required=required, required_roles=ROLES) == (
        not (required and role in ROLES))


SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def test_totp_accepts_one_step_of_drift_and_never_the_same_step_twice():
    now = T
    step = totp.step_of(now)
    assert totp.matching_step(SECRET, totp.code_at(SECRET, step), now=now, last_step=None) == step
    assert totp.matching_step(SECRET, totp.code_at(SECRET, step - 1), now=now, last_step=None) == step - 1
    assert totp.matching_step(SECRET, totp.code_at(SECRET, step + 1), now=now, last_step=None) == step + 1
    assert totp.matching_step(SECRET, totp.code_at(SECRET, step - 2), now=now, last_step=None) is None
    assert totp.matching_step(SECRET, totp.code_at(SECRET, step), now=now, last_step=step) is None
    assert totp.matching_step(SECRET, "12 34 56", now=now, last_step=None) in (None, step - 1, step, step + 1)


def test_the_secret_is_shown_grouped_and_as_an_otpauth_uri():
    assert totp.grouped(SECRET) == "JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP"
    uri = totp.provisioning_uri(SECRET, username="quantri", issuer="Cổng Chỉ số CCHC")
    assert uri.startswith("otpauth://totp/") and f"secret={SECRET}" in uri and "issuer=" in uri
    assert len(totp.new_secret()) == 32 and totp.new_secret() != totp.new_secret()


@pytest.mark.parametrize("text, shown", [
    ("a\r\nb", "a\\r\\nb"), ("x\x1b[31mred", "x\\x1b[31mred"), ("tab\tok", "tab\tok"),
    ("bidi\u202eevil", "bidi\\u202eevil"), ("Việt Nam", "Việt Nam"), ("nul\x00", "nul\\x00")])
def test_log_lines_are_neutralised(text, shown):
    from portal.web.security import neutralise
    assert neutralise(text) == shown
