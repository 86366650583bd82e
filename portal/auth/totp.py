"""Xác thực hai bước — time-based one-time codes (TOTP, RFC 6238) with pyotp. Pure: no Flask, no database.

A code is accepted for the current 30-second step and one step either side (clock drift of a phone), and
only for a step later than the last one used, so a code seen over someone's shoulder cannot be replayed.
The secret is shown to the user as text (grouped base32) and as an ``otpauth://`` URI for the
authenticator app to import; no QR code service is ever called.
"""
import hmac
from datetime import datetime

import pyotp

INTERVAL = 30
DIGITS = 6
DRIFT_STEPS = 1


def new_secret() -> str:
    """A fresh random base32 secret (160 bits, as RFC 4226 recommends)."""
    return pyotp.random_base32(32)


def grouped(secret: str) -> str:
    """'ABCD EFGH …' — easier to type into a phone than one long run of letters."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(secret: str, *, username: str, issuer: str) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL).provisioning_uri(name=username, issuer_name=issuer)


def step_of(now: datetime) -> int:
    return int(now.timestamp()) // INTERVAL


def code_at(secret: str, step: int) -> str:
    """The code of one time step (what the phone shows during it)."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL).at(step * INTERVAL)


def clean_code(text: str | None) -> str | None:
    """The typed code with spaces and a middle dash removed; None unless exactly six ASCII digits."""
    code = (text or "").replace(" ", "").replace("-", "").strip()
    if len(code) != DIGITS or not all("0" <= ch <= "9" for ch in code):
        return None
    return code


def matching_step(secret: str, typed: str | None, *, now: datetime, last_step: int | None) -> int | None:
    """The time step the typed code belongs to, or None if it is wrong, malformed or already used."""
    code = clean_code(typed)
    if code is None or not secret:
        return None
    current = step_of(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(code_at(secret, step), code):
            return step
    return None
