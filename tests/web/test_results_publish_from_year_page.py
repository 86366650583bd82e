"""Publishing by the year page's phase move publishes the decision in force exactly like the results page's
button: the public page shows the snapshot with its publication date."""
import pytest

from portal.extensions import db
from portal.results.models import Approval
from tests.web.results_setup import approve_and_publish, compute, golden_world


@pytest.fixture
def world(ctx):
    world = golden_world()
    compute(world)
    return world


def test_phase_move_to_published_stamps_the_decision_and_the_public_page_dates_it(app, world, auth):
    approval = approve_and_publish(world, publish=False)
    admin = auth.login("qt")
    assert app.test_client().get("/cong-bo/2022").status_code == 404
    response = admin.post(f"/admin/year/{world.year_id}/phase", data={"target": "published", "reason": ""})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    db.session.expire_all()
    stamped = db.session.get(Approval, approval.id)
    assert stamped.published_at is not None
    public = app.test_client().get("/cong-bo/2022").get_data(as_text=True)
    assert "Quyết định số 456/QĐ-UBND" in public and "Công bố ngày" in public
