"""An item's history on a page of one or a few items reads only the latest changes of those items
(portal.unitfile.history.latest_changes): the same changes and counts as reading every audit row."""
import pytest

from portal.unitfile import history
from portal.assessments.models import Assessment
from portal.extensions import db
from tests.web.assess_setup import build


@pytest.fixture
def s(ctx):
    return build()


def _save(client, s, code, times):
    crit = s.crit(code)
    for n in range(times):
        version = 0 if n == 0 else n
        response = client.post(f"/assessment/{s.a_id}/items/{crit.id}",
                               data={"yes": str(n % 2), "note": f"lần {n}", "version": version})
        assert response.status_code == 303


def _shape(result):
    return {cid: ([(c.when, c.who, c.old, c.new) for c in h.changes], h.change_count, h.more_url)
            for cid, h in result.items()}


@pytest.mark.parametrize("how_many", [1, 3, 20])
def test_the_latest_changes_are_those_of_every_row(app, auth, s, how_many):
    staff = auth.sign_in("a.staff")
    _save(staff, s, "1.2", 8)          # more than the five an item shows
    _save(staff, s, "1.4.1", 2)
    assessment = db.session.get(Assessment, s.a_id)
    items = [s.crit(code) for code in ("1.2", "1.4.1", "1.1.1")][:how_many]
    if how_many > 3:    # a whole page: more items than FEW_ITEMS
        items += [s.crit(code) for code in ("1.1.2", "1.3.1", "1.3.2", "1.4.2", "1.5", "1.6", "2.1.1", "2.1.2",
                                            "2.2.1", "2.2.2", "2.3", "3.1.1", "3.1.2", "3.2", "3.3")]
    with app.test_request_context():
        kept = history.histories(assessment, items, rel="own_unit", phase="self_assessment", min_steps=2)
        rows = history.audit_changes(assessment)            # every row, decoded
        names = history.user_names({r.actor_id for found in rows.values() for r in found})
        expected = {}
        for crit in items:
            changes, count = history.item_changes(rows.get(crit.code, []), names=names, rel="own_unit",
                                                  phase="self_assessment", status="draft",
                                                  keep=history.CHANGES_SHOWN)
            if changes:
                expected[crit.id] = ([(c.when, c.who, c.old, c.new) for c in changes], count)
    assert {cid: shape[:2] for cid, shape in _shape(kept).items()} == expected
    item = kept[s.crit("1.2").id]
    assert item.change_count == 8 and len(item.changes) == history.CHANGES_SHOWN and item.more_url
