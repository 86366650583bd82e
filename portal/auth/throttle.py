"""The login throttle: counters per (typed account name, network address) and per address.

An account is slowed only for the address that keeps failing, so six (or six hundred) wrong passwords from
elsewhere never lock the real user out at their own address; an address that fails across many accounts
(password spraying) is slowed as a whole. Counters start again after a quiet window; a successful sign-in
clears its own (account, address) counter. Delays follow ``domain.throttle_delay`` (30 s doubling to 15 min).
"""
import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, or_
from sqlalchemy.exc import IntegrityError

from portal.auth.domain import current_failures, throttle_delay, throttle_keys
from portal.auth.models import LoginThrottle
from portal.extensions import db

log = logging.getLogger("portal.auth")


def keys_for(username: str, address: str | None) -> tuple[str, str]:
    return throttle_keys(username, address)


def _after(key: str) -> int:
    cfg = current_app.config
    return cfg["LOGIN_ADDRESS_THROTTLE_AFTER"] if key.startswith("address:") else cfg["LOGIN_THROTTLE_AFTER"]


def wait_until(keys, *, now: datetime) -> datetime | None:
    """Until when an attempt with these keys must wait, or None."""
    waits = [row.throttled_until for key in keys if (row := db.session.get(LoginThrottle, key)) is not None
             and row.throttled_until is not None and row.throttled_until > now]
    return max(waits) if waits else None


def register_failure(keys, *, now: datetime) -> tuple[datetime | None, dict[str, int]]:
    """Count a failure on each key; returns (until when the next attempt waits, failures per key)."""
    cfg = current_app.config
    window = timedelta(minutes=cfg["LOGIN_THROTTLE_WINDOW_MINUTES"])
    counts = {}
    for key in keys:
        row = _locked_row(key, now=now)
        row.failures = current_failures(row.failures or 0, row.last_failure_at, now=now, window=window) + 1
        row.last_failure_at = now
        delay = throttle_delay(row.failures, after=_after(key), base_seconds=cfg["LOGIN_THROTTLE_BASE_SECONDS"],
                               max_seconds=cfg["LOGIN_THROTTLE_MAX_SECONDS"])
        row.throttled_until = now + timedelta(seconds=delay) if delay else None
        if delay:
            log.warning("login throttled: %s after %d failures, waits %d s", key, row.failures, delay)
        counts[key] = row.failures
    _forget_stale(now=now, window=window)
    return wait_until(keys, now=now), counts


def _locked_row(key: str, *, now: datetime) -> LoginThrottle:
    """The counter row, locked for this transaction (PostgreSQL: parallel failures are all counted, none
    lost; SQLite writes one transaction at a time anyway), created when missing — by a concurrent request
    too, in which case its row is used."""
    row = db.session.get(LoginThrottle, key, with_for_update=True)
    if row is None:
        try:
            with db.session.begin_nested():
                db.session.add(LoginThrottle(key=key, failures=0, last_failure_at=now))
        except IntegrityError:
            pass
        row = db.session.get(LoginThrottle, key, with_for_update=True, populate_existing=True)
    return row


def clear(key: str) -> None:
    """A successful sign-in: this account's counter at this address starts again (the address's does not)."""
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))


def _forget_stale(*, now: datetime, window: timedelta) -> None:
    db.session.execute(delete(LoginThrottle).where(
        LoginThrottle.last_failure_at < now - window,
        or_(LoginThrottle.throttled_until.is_(None), LoginThrottle.throttled_until < now)))
