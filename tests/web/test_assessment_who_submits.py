"""Staff know who submits (issue 16): the workspace of a unit's staff says that only the leader submits
and names the leader; the submit page shows staff the check list and explains, instead of a bare refusal;
the leader still submits and staff still cannot."""
import pytest
from sqlalchemy import select

from portal.assessments.models import Assessment
from portal.auth.models import User
from portal.extensions import db
from tests.web.assess_setup import build


@pytest.fixture
def s(ctx):
    setup = build()
    leader = db.session.scalar(select(User).where(User.username == "a.leader"))
    leader.full_name = "Phạm Thị Lãnh Đạo"
    db.session.commit()
    return setup


def test_the_workspace_names_the_leader_who_submits(s, auth):
    html = auth.sign_in("a.staff").get(f"/assessment/{s.a_id}").get_data(as_text=True)
    assert "Chỉ lãnh đạo đơn vị chốt điểm tự chấm: Phạm Thị Lãnh Đạo." in html
    assert "Kiểm tra trước khi lãnh đạo chốt" in html
    leader = auth.sign_in("a.leader").get(f"/assessment/{s.a_id}").get_data(as_text=True)
    assert "Chỉ lãnh đạo đơn vị chốt điểm tự chấm:" not in leader and "Kiểm tra và chốt điểm tự chấm" in leader


def test_the_submit_page_explains_to_staff_and_still_refuses_their_post(s, auth):
    staff = auth.sign_in("a.staff")
    page = staff.get(f"/assessment/{s.a_id}/submit")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Kiểm tra trước khi chốt" in html
    assert "ở đơn vị bạn là: Phạm Thị Lãnh Đạo" in html and 'name="confirm"' not in html
    assert staff.post(f"/assessment/{s.a_id}/submit", data={"confirm": "1"}).status_code == 409
    assert db.session.get(Assessment, s.a_id).status == "draft"


def test_a_unit_without_a_leader_account_is_told_whom_to_ask(s, auth):
    db.session.scalar(select(User).where(User.username == "a.leader")).active = False
    db.session.commit()
    html = auth.sign_in("a.staff").get(f"/assessment/{s.a_id}/submit").get_data(as_text=True)
    assert "chưa có tài khoản lãnh đạo: hãy đề nghị Sở Nội vụ tạo tài khoản" in html


def test_another_units_staff_still_cannot_open_the_submit_page(s, auth):
    assert auth.sign_in("b.staff").get(f"/assessment/{s.a_id}/submit").status_code == 404
