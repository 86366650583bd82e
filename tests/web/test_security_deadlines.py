"""Deadlines and concurrency (security.md §4.1–4.4), load-free: outcomes at T−1 s, T, T+1 s and T+grace with
a frozen clock; 50 recorded valid requests replayed after the phase moves, after submission and after the
deadline — all refused, the database unchanged; two clients saving one cell from the same version — exactly
one 2xx and one 409, every time; no bulk UPDATE on the versioned tables."""
import ast
import pathlib
import random
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.assessments.models import Assessment, ScoreEntry
from portal.criteria.models import Criterion
from portal.db import frozen_clock, utcnow
from portal.extensions import db
from portal.years.models import AssessmentYear, PhaseWindow
from tests.web.assess_setup import build, set_status
from tests.web.security_world import db_checksum

UNIT_METHODS = ("levels", "percentage", "ratio", "yes_no", "number")


def _form(crit) -> dict:
    """Valid inputs for an item of any unit-scored method (what a person could type)."""
    from portal.demo_fill import Filler
    filler = Filler.__new__(Filler)
    filler.rng = random.Random(crit.id)
    return {k: v for k, v in filler._form(crit, 0.9).items()}


def _items(s) -> list:
    parents = set(db.session.scalars(select(Criterion.parent_id).where(Criterion.set_id == s.set_id)))
    return [c for c in db.session.scalars(select(Criterion).where(Criterion.set_id == s.set_id)
                                          .order_by(Criterion.position, Criterion.id))
            if c.id not in parents and c.kind == "item" and c.method in UNIT_METHODS]


def _window(s):
    return db.session.scalar(select(PhaseWindow).where(PhaseWindow.year_id == s.year_id,
                                                       PhaseWindow.phase == "self_assessment"))


def _recorded(s) -> list[tuple[str, dict]]:
    """Fifty valid saves: 45 items of every method, then five evidence documents."""
    requests = [(f"/assessment/{s.a_id}/items/{c.id}", {**_form(c), "note": f"Ghi chú {c.code}", "version": "0"})
                for c in _items(s)[:45]]
    requests += [(f"/evidence/units/{s.unit_a}/documents",
                  {"symbol": f"{n}/KH-STP", "issued_on": "02/02/2022", "issuer": "Sở Tư pháp",
                   "summary": f"Kế hoạch số {n}"}) for n in range(1, 6)]
    return requests


def _fresh(app):
    from tests import factories
    from tests.conftest import _empty_tables
    _empty_tables()
    factories._counter["n"] = 0
    return build()


@pytest.mark.parametrize("when, grace, accepted", [
    (-1, 0, True), (0, 0, True), (1, 0, False), (5, 5, True), (6, 5, False)])
def test_outcome_at_the_deadline_second(ctx, when, grace, accepted, auth):
    s = build()
    window = _window(s)
    deadline = utcnow().replace(microsecond=0) + timedelta(days=1)
    window.closes_at, window.grace_seconds = deadline, grace
    db.session.commit()
    c = next(c for c in _items(s) if c.method == "yes_no")
    with frozen_clock(deadline + timedelta(seconds=when)):
        client = auth.login("a.staff")
        response = client.post(f"/assessment/{s.a_id}/items/{c.id}", htmx=True, data={"yes": "1", "version": "0"})
    assert (response.status_code == 200) == accepted
    if not accepted:
        assert response.status_code == 409 and "Đã hết hạn" in response.get_data(as_text=True)
    saved = db.session.scalar(select(ScoreEntry).where(ScoreEntry.criterion_id == c.id))
    assert (saved is not None) == accepted


def _move_phase(s):
    db.session.get(AssessmentYear, s.year_id).phase = "review_1"
    db.session.commit()


def _submit(s):
    set_status(db.session.get(Assessment, s.a_id), "submitted")
    db.session.commit()


def _deadline(s):
    _window(s).closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()


@pytest.mark.parametrize("change", [_move_phase, _submit, _deadline], ids=["phase moved", "submitted", "deadline passed"])
def test_fifty_recorded_requests_replayed_after_the_change_are_all_refused(app, ctx, change, auth):
    s = _fresh(app)
    recorded = _recorded(s)
    client = auth.login("a.staff")
    first = [client.post(url, data=data, htmx=True).status_code for url, data in recorded]
    assert len(recorded) == 50 and all(code in (200, 201) for code in first), first
    s = _fresh(app)                               # the same world again, where none of them was applied …
    change(s)                                     # … and then the phase moves / the file is locked / time is up
    client = auth.login("a.staff")
    before = db_checksum(ignore={"login_session": None})
    replayed = [client.post(url, data=data, htmx=True).status_code for url, data in recorded]
    accepted = sum(code < 400 for code in replayed)
    print(f"\n[security] replay after '{change.__name__[1:]}': {accepted} of {len(replayed)} accepted "
          f"(answers {sorted(set(replayed))})")
    assert accepted == 0 and db_checksum(ignore={"login_session": None}) == before


def test_two_clients_saving_one_cell_from_the_same_version(app, ctx, auth):
    s = build()
    items = [c for c in _items(s) if c.method in ("yes_no", "levels")][:10]
    one, two = auth.login("a.staff"), app.test_client()
    auth.post("a.leader", client=two)
    outcomes = []
    for round_no in range(2):                    # first from version 0 (no row yet), then from version 1
        for c in items:
            version = str(round_no)
            forms = [{**_form(c), "note": "Cán bộ", "version": version},
                     {**_form(c), "note": "Lãnh đạo", "version": version}]
            barrier, results = threading.Barrier(2), [None, None]

            def save(n, client):
                barrier.wait()
                results[n] = client.post(f"/assessment/{s.a_id}/items/{c.id}", data=forms[n], htmx=True).status_code
            threads = [threading.Thread(target=save, args=(n, client)) for n, client in enumerate((one, two))]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            outcomes.append(tuple(sorted(results)))
    print(f"\n[security] same cell, same version, two clients at once: {outcomes.count((200, 409))} of "
          f"{len(outcomes)} pairs gave exactly one 2xx and one 409")
    assert outcomes == [(200, 409)] * len(outcomes)
    db.session.rollback()                         # end this test's read snapshot: see what the threads wrote
    versions = set(db.session.scalars(select(ScoreEntry.version).where(ScoreEntry.assessment_id == s.a_id)))
    assert versions == {2}


def test_no_bulk_update_on_versioned_tables():
    """`version_id_col` only guards ORM flushes: a bulk UPDATE would bypass the optimistic lock."""
    offenders = []
    for path in pathlib.Path("portal").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "update":
                names = {getattr(a, "id", getattr(a, "attr", None)) for a in node.args}
                if names & {"ScoreEntry", "Explanation"}:
                    offenders.append(f"{path}:{node.lineno}")
            if (isinstance(node, ast.Attribute) and node.attr == "update" and isinstance(node.value, ast.Call)
                    and "query" in ast.dump(node.value) and ("ScoreEntry" in ast.dump(node.value)
                                                             or "Explanation" in ast.dump(node.value))):
                offenders.append(f"{path}:{node.lineno}")
    assert offenders == []
