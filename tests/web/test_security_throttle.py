"""Throttling that cannot be turned against a user (issue 17): counters per (typed account, address) and per
address, so an attacker elsewhere never locks the real user out, password spraying is slowed per address,
repeated failures reach the user's and the admins' inbox, and unknown, locked and deactivated accounts get
the same message after the same work (one password hash on every path).

Every attempt computes a real scrypt hash (about 0.1–0.3 s here), so the counts are kept small."""
import logging
import statistics
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

import portal.auth.services as auth_services
from portal.db import frozen_clock, utcnow
from portal.extensions import db
from portal.notifications.models import Notification
from tests.factories import TEST_PASSWORD, make_user
from tests.web.security_world import enable_portal_logs

WRONG = "sai-mat-khau-roi"
THROTTLED = "tạm bị khóa"


def _try(auth, username, password, address):
    return auth.post(username, password, environ_base={"REMOTE_ADDR": address})


def _error(response) -> str:
    html = response.get_data(as_text=True)
    start = html.index('id="login-error">') + len('id="login-error">')
    return html[start:html.index("</p>", start)]


@pytest.fixture
def accounts(ctx):
    make_user("admin", username="quantri")
    users = [make_user("unit_staff", username=f"canbo{i}") for i in range(6)]
    db.session.commit()
    return [u.username for u in users]


def test_lockout_by_a_third_party(accounts, auth):
    locked_out = 0
    start = utcnow().replace(microsecond=0)
    with frozen_clock(start):
        for n, username in enumerate(accounts):
            attacker = f"203.0.113.{n + 1}"
            for _ in range(6):                                   # past the limit of 5 for (account, address)
                assert _try(auth, username, WRONG, attacker).status_code == 401
            slowed = _try(auth, username, TEST_PASSWORD, attacker)  # the attacker's address now waits …
            assert slowed.status_code == 401 and THROTTLED in _error(slowed)
            real = _try(auth, username, TEST_PASSWORD, f"10.10.0.{n + 1}")   # … the real user does not
            locked_out += real.status_code != 303
    print(f"\n[security] throttle: lockout by a third party {locked_out} of {len(accounts)} accounts "
          "(6 wrong passwords each from an attacker's address; the attacker's own address then waits)")
    assert locked_out == 0


def test_password_spraying_is_slowed_per_address(app, accounts, caplog, auth):
    enable_portal_logs()                      # the migration tests' logging set-up may have switched them off
    caplog.set_level(logging.INFO, logger="portal.auth")
    sprayer, office = "198.51.100.7", "10.20.0.5"
    names = accounts + [f"khong-ton-tai-{i}" for i in range(24)]      # one guess on each of 30 names
    start = utcnow().replace(microsecond=0)

    def checked() -> int:                       # guesses whose password was looked at (not refused unchecked)
        return sum("login failed" in r.getMessage() and sprayer in r.getMessage() for r in caplog.records)
    with frozen_clock(start) as clock:
        for i, name in enumerate(names):
            clock.set(start + timedelta(seconds=i))
            _try(auth, name, WRONG, sprayer)
        first = checked()
        assert _try(auth, "canbo0", TEST_PASSWORD, office).status_code == 303    # another address is not slowed
        # Keep spraying as fast as the throttle allows, for the rest of the hour.
        hour_end, at, n = start + timedelta(hours=1), start + timedelta(seconds=len(names)), 0
        while True:
            at = auth_services.throttle.wait_until(auth_services.throttle.keys_for("x", sprayer), now=at) or at
            if at >= hour_end:
                break
            clock.set(at)
            n += 1
            _try(auth, f"lan-thu-{n}", WRONG, sprayer)
    per_hour = checked()
    told = db.session.scalar(select(func.count()).select_from(Notification).where(Notification.kind == "login_failures"))
    limit = app.config["LOGIN_ADDRESS_THROTTLE_AFTER"]
    print(f"\n[security] password spraying from one address: {first} of {len(names)} guesses checked in "
          f"{len(names)} s, then 30 s doubling to 15 min: {per_hour} guesses checked in the hour (one per second "
          f"unthrottled: 3,600); another address signed in meanwhile; admins told {told} time(s)")
    assert first == limit and per_hour < 2 * limit and told >= 1


def test_the_user_and_the_admins_are_told_of_repeated_failures(accounts, auth):
    def inbox(username):
        return db.session.scalars(select(Notification.message).join(
            auth_services.User, auth_services.User.id == Notification.user_id).where(
            auth_services.User.username == username, Notification.kind == "login_failures")).all()
    start = utcnow().replace(microsecond=0)
    with frozen_clock(start) as clock:
        for n in range(4):
            _try(auth, "canbo1", WRONG, f"192.0.2.{n}")
        assert inbox("canbo1") == [] and inbox("quantri") == []
        _try(auth, "canbo1", WRONG, "192.0.2.9")                  # the 5th in a row, from yet another address
        mine, admins = inbox("canbo1"), inbox("quantri")
        assert len(mine) == 1 and "5 lần đăng nhập sai liên tiếp" in mine[0] and "192.0.2.9" in mine[0]
        assert "hãy đổi mật khẩu ngay" in mine[0]
        assert len(admins) == 1 and "canbo1" in admins[0]
        clock.set(start + timedelta(minutes=1))
        assert _try(auth, "canbo1", TEST_PASSWORD, "10.0.0.1").status_code == 303    # the count starts again
        for n in range(5):
            _try(auth, "canbo1", WRONG, f"192.0.2.{20 + n}")
    assert len(inbox("canbo1")) == 2 and len(inbox("quantri")) == 2


def test_enumeration_same_message_same_work(accounts, monkeypatch, auth):
    """Unknown, locked (by someone elsewhere, or at this address), deactivated and wrong-password attempts:
    one message for each situation whatever the account, and exactly one password hash on every path."""
    make_user("unit_staff", username="da-nghi", active=False)
    make_user("unit_staff", username="bi-khoa")
    db.session.commit()
    hashes = []
    real_check = auth_services.check_password_hash
    monkeypatch.setattr(auth_services, "check_password_hash",
                        lambda stored, password: hashes.append(1) or real_check(stored, password))
    for n in range(6):                                           # 'bi-khoa' locked by an attacker elsewhere
        _try(auth, "bi-khoa", WRONG, "203.0.113.200")
    paths = {"unknown": "khong-co-ai", "locked elsewhere": "bi-khoa", "deactivated": "da-nghi",
             "wrong password": "canbo2"}
    timings = {path: [] for path in paths}
    messages = {path: set() for path in paths}
    for rnd in range(6):
        for k, (path, name) in enumerate(paths.items()):
            before = len(hashes)
            began = time.perf_counter()
            response = _try(auth, name, TEST_PASSWORD if path == "deactivated" else WRONG, f"10.30.{rnd}.{k}")
            timings[path].append(time.perf_counter() - began)
            assert response.status_code == 401 and len(hashes) - before == 1, path
            messages[path].add(_error(response))
    # At the probe's own address, a real name and an unknown one are throttled at the same attempt.
    sequences = {}
    for name in ("canbo3", "khong-co-ai-2"):
        sequences[name] = [THROTTLED in _error(_try(auth, name, WRONG, "10.40.0.1")) for _ in range(6)]
    medians = {path: statistics.median(t) * 1000 for path, t in timings.items()}
    spread = max(medians.values()) - min(medians.values())
    noise = max(statistics.pstdev(t) * 1000 for t in timings.values())
    print("\n[security] enumeration: " + ", ".join(f"{p} {m:.0f} ms" for p, m in medians.items())
          + f" (median of 6; spread {spread:.0f} ms, noise σ up to {noise:.0f} ms); "
          f"{len(set().union(*messages.values()))} message for all 4 paths; 1 password hash on every path; "
          f"throttled at the same attempt for a real and an unknown name: {sequences['canbo3'] == sequences['khong-co-ai-2']}")
    assert len(set().union(*messages.values())) == 1
    assert sequences["canbo3"] == sequences["khong-co-ai-2"] == [False] * 4 + [True] * 2


def test_the_counted_address_is_the_proxys_word_only_when_trusted(app, accounts, monkeypatch, tmp_path, auth):
    """Without TRUSTED_PROXIES a forged X-Forwarded-For changes nothing (a sprayer cannot hop addresses);
    behind one trusted proxy (the factory's ProxyFix) the address is the one the proxy appended."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    from portal import create_app
    from portal.auth.models import LoginThrottle
    from portal.config import TestConfig
    for n in range(3):
        auth.post("canbo0", WRONG, headers={"X-Forwarded-For": f"198.51.100.{n}"},
                  environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert db.session.get(LoginThrottle, "address:10.9.9.9").failures == 3
    behind = create_app(TestConfig(str(tmp_path), TRUSTED_PROXIES=1, SECRET_KEY="x",
                                   SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'p.sqlite3'}"))
    assert isinstance(behind.wsgi_app, ProxyFix) and behind.wsgi_app.x_for == 1
    monkeypatch.setattr(app, "wsgi_app", ProxyFix(app.wsgi_app, x_for=1, x_proto=1))
    auth.post("canbo0", WRONG, headers={"X-Forwarded-For": "198.51.100.9, 203.0.113.50"},
              environ_base={"REMOTE_ADDR": "10.9.9.9"})
    db.session.expire_all()
    assert db.session.get(LoginThrottle, "address:203.0.113.50").failures == 1      # the proxy's hop only
    assert db.session.get(LoginThrottle, "address:198.51.100.9") is None
