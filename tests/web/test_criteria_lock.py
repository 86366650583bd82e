"""A criteria set is locked once self-assessment opens; the admin unlocks it with a reason (audited, shown on
the editor), edits, and locks it again. While locked, every change is refused and nothing is stored."""
import pytest
from sqlalchemy import select

from portal.audit.models import AuditLog
from portal.criteria.models import CriteriaSet
from portal.extensions import db
from tests.auth_actions import DEMO_PASSWORD
from tests.web.criteria_helpers import dept, form_of, node, seed, snapshot


@pytest.fixture
def admin_in_self_assessment(ctx, client, auth):
    seed("self_assessment")
    return auth.login("admin", DEMO_PASSWORD, client=client)


def _edit_title(client, title: str):
    item = node("1.2")
    return client.post(f"/admin/criteria/item/{item.id}/edit", data=form_of(item, title=title))


def test_set_is_locked_once_self_assessment_opens(admin_in_self_assessment):
    client = admin_in_self_assessment
    before = snapshot(dept())
    page = client.get(f"/admin/criteria/{dept().id}").get_data(as_text=True)
    assert "Mở khóa" in page
    response = _edit_title(client, "Tiêu đề sửa lén")
    assert response.status_code in (403, 409)
    assert snapshot(dept()) == before


def test_unlock_needs_a_reason_and_nothing_changes_without_one(admin_in_self_assessment):
    client = admin_in_self_assessment
    cset = dept()
    response = client.post(f"/admin/criteria/{cset.id}/unlock", data={"reason": "   "})
    assert response.status_code == 422 and "Hãy ghi lý do mở khóa" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(CriteriaSet, cset.id).unlocked_at is None
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "criteria_set_unlock")) is None


def test_unlock_edit_and_lock_again_are_audited_with_the_reason(admin_in_self_assessment):
    client = admin_in_self_assessment
    cset = dept()
    reason = "Sửa lỗi chính tả tiêu chí 1.2 theo Công văn số 15/SNV-CCHC"
    assert client.post(f"/admin/criteria/{cset.id}/unlock", data={"reason": reason}).status_code == 303
    unlock = db.session.scalar(select(AuditLog).where(AuditLog.action == "criteria_set_unlock"))
    assert unlock.reason == reason and unlock.actor_id is not None
    page = client.get(f"/admin/criteria/{cset.id}").get_data(as_text=True)
    assert reason in page                                   # the editor says why it is open
    assert _edit_title(client, "Báo cáo CCHC định kỳ đầy đủ, đúng hạn (đã sửa)").status_code == 303
    assert node("1.2").title == "Báo cáo CCHC định kỳ đầy đủ, đúng hạn (đã sửa)"
    assert client.post(f"/admin/criteria/{cset.id}/lock").status_code == 303
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "criteria_set_lock")) is not None
    db.session.expire_all()
    locked = db.session.get(CriteriaSet, cset.id)
    assert locked.locked and locked.unlocked_at is None
    before = snapshot(dept())
    assert _edit_title(client, "Lại sửa").status_code in (403, 409)
    assert snapshot(dept()) == before


@pytest.mark.parametrize("username", ["chutich", "tv.snv", "snv.canbo", "snv.lanhdao"])
def test_only_the_admin_locks_and_unlocks(ctx, username, auth):
    seed("self_assessment")
    client = auth.login(username, DEMO_PASSWORD)
    cset = dept()
    for action, data in (("unlock", {"reason": "Thử"}), ("lock", {})):
        assert client.post(f"/admin/criteria/{cset.id}/{action}", data=data).status_code == 403
    assert db.session.scalar(select(AuditLog).where(AuditLog.action.like("criteria_set_%lock"))) is None
