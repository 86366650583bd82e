"""Access control proven over the whole URL map (security.md §3.1–3.6).

Walks ``app.url_map``: every route must declare a guard and be in the access matrix
(tests/web/security_matrix.py). Then probes every rule with every method, generically, so routes added
later are covered without a change here:

* anonymous, page and htmx: 0 of N reach anything but the login page (htmx: 401 + HX-Redirect);
* as unit B (staff and leader), with unit A's ids, in three phases, page and htmx: 0 of N succeed, the
  database is unchanged, and each refusal looks exactly like the answer for an id that exists nowhere;
* as council members: fields not assigned to them, and their own agency's file: 0 of N succeed;
* every role outside a route's guard gets 403.

All probing happens once, in module-scoped fixtures; the tests assert on what was collected.
"""
from collections import Counter

import pytest

from portal.extensions import db
from tests.web.security_matrix import MATRIX, UNIT_OWNED_ARGS, guard_of
from tests.web.security_world import (READ_MARKS, arg_values, build, build_url, call, db_checksum, page_shape,
                                      rules, succeeded)

B_USERS = ("stc.canbo", "stc.lanhdao")
B_PHASES = ("self_assessment", "explanation", "synthesis")
ROLE_USERS = {"unit_staff": "stp.canbo", "unit_leader": "stp.lanhdao", "council_member": "tv.snv",
              "council_chair": "chutich", "admin": "admin"}


def _unit_rules(app):
    for rule, method in rules(app):
        scope = MATRIX.get(rule.endpoint, (None, None))[1]
        if scope == "public":
            continue
        if scope == "unit" or set(rule.arguments) & UNIT_OWNED_ARGS:
            yield rule, method


@pytest.fixture(scope="module")
def probed(app):
    """Seed once and run every probe at once (each test empties the tables before it starts)."""
    world = build(app)
    return {"anonymous": _anonymous(app, world), "cross_unit": _cross_unit(app, world),
            "council": _council(app, world), "role_guards": _role_guards(app, world)}


@pytest.fixture
def anonymous(probed):
    return probed["anonymous"]


@pytest.fixture
def cross_unit(probed):
    return probed["cross_unit"]


@pytest.fixture
def council(probed):
    return probed["council"]


@pytest.fixture
def role_guards(probed):
    return probed["role_guards"]


def _anonymous(app, world):
    seen = []
    for rule, method in rules(app):
        if MATRIX.get(rule.endpoint, (None, None))[1] == "public":
            continue
        url = build_url(rule, arg_values(world))
        for htmx in (False, True):
            response = call(world.client(None), method, url, htmx=htmx)
            seen.append((rule.endpoint, method, htmx, response.status_code,
                         response.headers.get("Location", ""), response.headers.get("HX-Redirect", "")))
    return seen


def _cross_unit(app, world):
    """Unit B on unit A's objects. Returns the probes, the checksums around them and the owner's control.
    Refusals are compared with the answer for ids that exist nowhere in the explanation phase."""
    for username in (*B_USERS, "stp.canbo"):
        world.client(username)            # log in first: logging in writes (last login), probing must not
    probes, shapes_missing, checksums = [], {}, []
    for phase in B_PHASES:
        world.set_phase(phase)
        with app.app_context():
            before = db_checksum(ignore={"login_session": None})
            db.session.remove()
        for rule, method in _unit_rules(app):
            url = build_url(rule, arg_values(world))
            missing = build_url(rule, arg_values(world, missing=True))
            for username in B_USERS:
                for htmx in (False, True):
                    client = world.client(username)
                    response = call(client, method, url, htmx=htmx)
                    key = (phase, rule.endpoint, method, username, htmx)
                    probes.append((key, response.status_code, succeeded(response), page_shape(response, url)))
                    if phase == "explanation":
                        shapes_missing[key] = page_shape(call(client, method, missing, htmx=htmx), missing)
        with app.app_context():
            checksums.append((phase, before, db_checksum(ignore={"login_session": None})))
            db.session.remove()
    # The owner's control run (reads only): the same URLs do open for unit A, so the probes are not vacuous.
    world.set_phase("explanation")
    control = Counter()
    for rule, method in _unit_rules(app):
        if method == "GET":
            response = call(world.client("stp.canbo"), method, build_url(rule, arg_values(world)), htmx=True)
            control[succeeded(response)] += 1
    still_in = [world.client(u).get("/").status_code for u in B_USERS]
    return {"probes": probes, "missing": shapes_missing, "checksums": checksums, "control": control,
            "still_logged_in": still_in}


def _council(app, world):
    """Council members where they have no say: fields not assigned, and their own agency's file."""
    probes, checksums = [], []
    cases = [("tv.snv", dict(criterion="criterion", field_key="field", comment="comment")),
             ("tv.stp", dict(criterion="stp_criterion", field_key="stp_field", comment="stp_comment"))]
    for username, _keys in cases:
        world.client(username)            # log in before the checksum
    for phase in ("review_1", "review_2"):
        world.set_phase(phase)
        with app.app_context():
            before = db_checksum(ignore={"login_session": None, **READ_MARKS})
            db.session.remove()
        for username, keys in cases:
            for rule, method in _unit_rules(app):
                if "assessment_id" not in rule.arguments:
                    continue
                # A member may open the parts of a unit's file in its assigned fields (history export):
                # where no field or item is named, only the own-agency case is a probe.
                if username == "tv.snv" and not {"field_code", "criterion_id"} & set(rule.arguments):
                    continue
                url = build_url(rule, arg_values(world, **keys))
                response = call(world.client(username), method, url, htmx=True)
                probes.append(((phase, username, rule.endpoint, method), response.status_code, succeeded(response)))
        with app.app_context():
            checksums.append((phase, before, db_checksum(ignore={"login_session": None, **READ_MARKS})))
            db.session.remove()
    world.set_phase("review_1")
    control = 0
    if world.ids["own_criterion"]:
        keys = dict(criterion="own_criterion", field_key="own_field", comment="own_comment")
        for endpoint in ("appraisal.field_page", "appraisal.item", "comments.thread"):
            rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
            control += succeeded(world.client("tv.snv").get(build_url(rule, arg_values(world, **keys)), htmx=True))
    return {"probes": probes, "checksums": checksums, "control": control}


def _role_guards(app, world):
    world.set_phase("explanation")
    seen = []
    for rule, method in rules(app):
        guard = guard_of(app.view_functions[rule.endpoint])
        if not isinstance(guard, frozenset):
            continue
        url = build_url(rule, arg_values(world))
        for role, username in ROLE_USERS.items():
            if role in guard:
                continue
            response = call(world.client(username), method, url, htmx=True)
            seen.append(((rule.endpoint, method, role), response.status_code))
    return seen


# ------------------------------------------------------------------------------------------ the matrix


def test_every_route_declares_a_guard(app):
    missing = [r.endpoint for r in app.url_map.iter_rules()
               if r.endpoint != "static" and guard_of(app.view_functions[r.endpoint]) is None]
    assert missing == []


def test_every_route_is_in_the_matrix_with_the_guard_it_declares(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules()}
    assert sorted(endpoints - set(MATRIX)) == [], "routes missing from tests/web/security_matrix.py"
    assert sorted(set(MATRIX) - endpoints) == [], "matrix rows for routes that no longer exist"
    wrong = {e: (guard_of(app.view_functions[e]), MATRIX[e][0]) for e in endpoints
             if guard_of(app.view_functions[e]) != MATRIX[e][0]}
    assert wrong == {}


def test_the_guards_fail_closed(app, monkeypatch):
    """A policy lookup that raises denies (500, nothing shown), it never falls through to the page."""
    import portal.unitfile.domain as policy

    class Broken(dict):
        def __getitem__(self, key):
            raise RuntimeError("policy table unavailable")

        def get(self, key, default=None):
            raise RuntimeError("policy table unavailable")

    world = build(app)
    world.set_phase("explanation")
    monkeypatch.setattr(policy, "POLICY", Broken())
    response = world.client("stp.canbo").get(f"/assessment/{world.ids['assessment']}")
    assert response.status_code == 500
    assert "Hồ sơ tự đánh giá" not in response.get_data(as_text=True)


# --------------------------------------------------------------------------------------------- probes


def test_anonymous_gets_the_login_page_everywhere(anonymous):
    wrong = [p for p in anonymous
             if not ((not p[2] and p[3] == 302 and p[4].startswith("/login"))
                     or (p[2] and p[3] == 401 and p[5].startswith("/login")))]
    print(f"\n[security] anonymous: {len(anonymous) - len(wrong)} of {len(anonymous)} probes sent to the login page")
    assert wrong == [] and len(anonymous) > 150


def test_unit_b_reaches_none_of_unit_a_objects(cross_unit):
    probes = cross_unit["probes"]
    through = [p[0] for p in probes if p[2]]
    print(f"\n[security] cross-unit: {len(through)} of {len(probes)} probes succeeded "
          f"({len({p[0][1] for p in probes})} routes × methods × 2 accounts × page/htmx × {len(B_PHASES)} phases)")
    assert through == []
    assert len(probes) >= 400
    assert cross_unit["still_logged_in"] == [200, 200]      # the probes ran logged in


def test_unit_b_probes_change_nothing(cross_unit):
    changed = [phase for phase, before, after in cross_unit["checksums"] if before != after]
    assert changed == [] and len(cross_unit["checksums"]) == len(B_PHASES)


def test_refusals_look_the_same_as_for_ids_that_do_not_exist(cross_unit):
    compared = [p for p in cross_unit["probes"] if p[0] in cross_unit["missing"]]
    differs = sorted({p[0][1:] for p in compared if p[3] != cross_unit["missing"][p[0]]})
    print(f"\n[security] cross-unit refusals distinguishable from a missing id: {len(differs)} of {len(compared)}")
    assert differs == [] and len(compared) > 100


def test_the_same_urls_open_for_the_owner(cross_unit):
    assert cross_unit["control"][True] >= 8


def test_council_members_reach_no_unassigned_field_and_not_their_own_agency(council):
    probes = council["probes"]
    through = [p[0] for p in probes if p[2]]
    print(f"\n[security] council: {len(through)} of {len(probes)} probes on unassigned fields / own agency succeeded")
    assert through == []
    assert [phase for phase, before, after in council["checksums"] if before != after] == []
    assert council["control"] >= 2


def test_every_role_outside_a_guard_gets_403(role_guards):
    wrong = [(key, status) for key, status in role_guards if status != 403]
    print(f"\n[security] role guards: {len(role_guards) - len(wrong)} of {len(role_guards)} refusals are 403")
    assert wrong == []
