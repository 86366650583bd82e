"""A published year is final and no stale approval is ever published: moving a published (or archived)
year back is refused on the year page; publishing results that no longer match the scores is refused from
the results page and by the year's phase move alike, until the year is moved back (which supersedes the
pending decision), recomputed and approved again."""
import re

import pytest
from sqlalchemy import select

from portal.audit.services import record
from portal.extensions import db
from portal.results.models import Approval
from tests.web.results_setup import approve_and_publish, compute, golden_world


@pytest.fixture
def world(ctx):
    world = golden_world()
    compute(world)
    return world


@pytest.fixture
def admin(world, auth):
    return auth.login("qt")


def move(client, world, target, reason=""):
    return client.post(f"/admin/year/{world.year_id}/phase", data={"target": target, "reason": reason})


@pytest.mark.parametrize("final_phase", ["published", "archived"])
def test_moving_a_published_year_back_is_refused(app, admin, world, final_phase):
    approval = approve_and_publish(world)
    if final_phase == "archived":
        assert move(admin, world, "archived").status_code == 303
    for target in ("approval", "synthesis", "setup"):
        refused = move(admin, world, target, reason="Sửa điểm điều tra XHH của Sở Alpha")
        html = refused.get_data(as_text=True)
        assert refused.status_code == 422 and "kết quả cuối cùng" in html and "đính chính" in html
    db.session.expire_all()
    assert world.year().phase == final_phase
    assert db.session.get(Approval, approval.id).superseded_at is None
    page = admin.get(f"/admin/year/{world.year_id}").get_data(as_text=True)
    back = page[page.index("Các giai đoạn và thời hạn"):]
    offered = re.findall(r'<option value="(\w+)"', back)
    assert offered == ([] if final_phase == "published" else ["published"])  # never below publication
    assert ('id="final-note"' in page) is (final_phase == "published")
    assert app.test_client().get("/cong-bo/2022").status_code == 200  # still public, unchanged


def _scores_change_after_approval(world):
    """Any write to a score records its audit row; the results computed before it are then out of date."""
    record("score_edit", "score_entry", 1, actor=world.user("qt"), year_id=world.year_id,
           old={"points": "1"}, new={"points": "2"})
    db.session.commit()


def test_publishing_stale_results_is_refused_from_the_results_page(app, admin, world):
    approval = approve_and_publish(world, publish=False)
    _scores_change_after_approval(world)
    page = admin.get(f"/results/{world.year_id}").get_data(as_text=True)
    assert 'id="publish-refused"' in page and "Công bố kết quả</button>" not in page
    refused = admin.post(f"/results/{world.year_id}/publish")
    assert refused.status_code == 403 and "không còn khớp với điểm" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert world.year().phase == "approval" and db.session.get(Approval, approval.id).published_at is None
    assert app.test_client().get("/cong-bo/2022").status_code == 404


def test_publishing_stale_results_is_refused_by_the_phase_move_too(app, admin, world):
    approval = approve_and_publish(world, publish=False)
    _scores_change_after_approval(world)
    refused = move(admin, world, "published")
    assert refused.status_code == 422 and "không còn khớp với điểm" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert world.year().phase == "approval" and db.session.get(Approval, approval.id).published_at is None
    # the way out: back to synthesis (the pending decision is superseded, kept), recompute, approve, publish
    assert move(admin, world, "synthesis", reason="Điểm thay đổi sau phê duyệt").status_code == 303
    db.session.expire_all()
    assert db.session.get(Approval, approval.id).superseded_at is not None
    compute(world)
    second = approve_and_publish(world, number="789/QĐ-UBND")
    assert world.year().phase == "published" and second.published_at is not None
    assert [a.decision_number for a in db.session.scalars(select(Approval).order_by(Approval.id))] == [
        "456/QĐ-UBND", "789/QĐ-UBND"]
