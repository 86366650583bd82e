"""CSRF on every state change (security.md §7.1); GET that never changes anything (§7.2) is proven by the
crawl of tests/web/test_security_headers.py.

For every POST/PUT/PATCH/DELETE rule of the URL map, as the admin and as a unit account (so that both the
set-up screens and the unit's own file are reached past their guards): no token, another session's token,
htmx without a token → 400; a valid token from a foreign Origin → 403. The database is unchanged.
"""
import pytest

from portal.extensions import db
from tests.web.security_world import arg_values, build, build_url, db_checksum, rules

ACCOUNTS = ("admin", "stp.canbo")


def _mutating(app):
    return [(rule, method) for rule, method in rules(app) if method != "GET"]


@pytest.fixture(scope="module")
def csrf_probes(app):
    world = build(app)
    world.set_phase("explanation")
    other_token = app.test_client().csrf_token()     # valid, but of another (anonymous) session
    clients = {name: world.client(name) for name in ACCOUNTS}
    with app.app_context():
        before = db_checksum(ignore={"login_session": None})
        db.session.remove()
    seen = []
    for rule, method in _mutating(app):
        url = build_url(rule, arg_values(world))
        for name, client in clients.items():
            variants = {
                "no token": dict(csrf=False),
                "other session's token": dict(csrf=False, headers={"X-CSRFToken": other_token}),
                "htmx without token": dict(csrf=False, htmx=True),
                "foreign Origin": dict(headers={"Origin": "https://evil.example"}),
            }
            for label, kwargs in variants.items():
                response = client.open(url, method=method, data={"name": "Hack", "active": "0", "body": "x"},
                                       **kwargs)
                seen.append((rule.endpoint, method, name, label, response.status_code))
    with app.app_context():
        after = db_checksum(ignore={"login_session": None})
        db.session.remove()
    still_in = [c.get("/").status_code for c in clients.values()]
    return {"seen": seen, "before": before, "after": after, "still_in": still_in}


def test_every_state_change_without_a_valid_token_is_refused(csrf_probes):
    seen = csrf_probes["seen"]
    tokenless = [s for s in seen if s[3] != "foreign Origin"]
    wrong = [s for s in tokenless if s[4] != 400]
    print(f"\n[security] CSRF: {len(tokenless) - len(wrong)} of {len(tokenless)} token-less or foreign-token "
          f"requests refused with 400 ({len({s[:2] for s in seen})} rules × methods)")
    assert wrong == [] and len(tokenless) > 200


def test_a_foreign_origin_is_refused_even_with_a_token(csrf_probes):
    foreign = [s for s in csrf_probes["seen"] if s[3] == "foreign Origin"]
    wrong = [s for s in foreign if s[4] != 403]
    print(f"\n[security] cross-origin: {len(foreign) - len(wrong)} of {len(foreign)} refused with 403")
    assert wrong == []


def test_refused_state_changes_change_nothing(csrf_probes):
    assert csrf_probes["before"] == csrf_probes["after"]
    assert csrf_probes["still_in"] == [200, 200]      # nothing logged the probing accounts out
