"""Admin screens for accounts: create with a one-time password, edit inline, reset, deactivate, end sessions."""
import re

import pytest
from sqlalchemy import select

from portal.auth.models import LoginSession, User
from portal.extensions import db
from tests.factories import TEST_PASSWORD, make_unit, make_user


@pytest.fixture
def admin(ctx, client, auth):
    make_user("admin", username="quantri", full_name="Đặng Thị Thu Hà")
    make_unit("Sở Tư pháp", code="STP")
    db.session.commit()
    auth.login("quantri", client=client)
    return client


def _unit_id(code):
    from portal.units.models import Unit
    return db.session.scalar(select(Unit.id).where(Unit.code == code))


def test_create_account_shows_one_time_password_and_forces_change(app, admin, auth):
    response = admin.post("/admin/users/new", data={
        "username": "STP.Lanhdao", "full_name": "Lê Quốc  Dũng", "email": "", "position": "Phó Giám đốc",
        "role": "unit_leader", "unit_id": str(_unit_id("STP"))})
    assert response.status_code == 201
    html = response.get_data(as_text=True)
    password = re.search(r'<code class="secret-value">([^<]+)</code>', html).group(1)
    assert "chỉ hiện một lần" in html
    user = db.session.scalar(select(User).where(User.username == "stp.lanhdao"))
    assert user.full_name == "Lê Quốc Dũng" and user.must_change_password and password not in user.password_hash
    newcomer = app.test_client()
    assert auth.post("stp.lanhdao", password, client=newcomer).status_code == 303
    assert newcomer.get("/").headers["Location"] == "/account/password"


def test_unit_roles_need_a_unit(admin):
    response = admin.post("/admin/users/new", data={"username": "abc", "full_name": "A B", "role": "unit_staff",
                                                    "unit_id": "0"})
    assert response.status_code == 422
    assert "phải thuộc một đơn vị" in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.username == "abc")) is None


def test_duplicate_username_refused(admin):
    response = admin.post("/admin/users/new", data={"username": "QuanTri", "full_name": "X", "role": "admin",
                                                    "unit_id": "0"})
    assert response.status_code == 422 and "đã có người dùng" in response.get_data(as_text=True)


def test_search_accounts_without_diacritics(admin):
    html = admin.get("/admin/users/", query_string={"q": "dang thi thu ha"}).get_data(as_text=True)
    assert "quantri" in html


def test_inline_edit_fragment_and_page(admin):
    user = db.session.scalar(select(User).where(User.username == "quantri"))
    fragment = admin.get(f"/admin/users/{user.id}/edit", htmx=True).get_data(as_text=True)
    assert fragment.lstrip().startswith(f'<tr id="user-{user.id}" class="editing"')
    assert "<html" in admin.get(f"/admin/users/{user.id}/edit").get_data(as_text=True)
    response = admin.post(f"/admin/users/{user.id}/edit", htmx=True, data={
        "username": "quantri", "full_name": "Đặng Thị Thu Hà", "position": "Trưởng phòng CCHC", "email": "",
        "role": "admin", "unit_id": "0"})
    assert response.status_code == 200 and "Trưởng phòng CCHC" in response.get_data(as_text=True)


def test_reset_password_ends_sessions_and_forces_change(app, admin, auth):
    target = make_user("unit_staff", username="nv", unit=make_unit())
    db.session.commit()
    victim = auth.login("nv")
    assert victim.get("/").status_code == 200
    response = admin.post(f"/admin/users/{target.id}/reset-password", htmx=True)
    password = re.search(r'<code class="secret-value">([^<]+)</code>', response.get_data(as_text=True)).group(1)
    assert victim.get("/").status_code == 302
    assert auth.post("nv", TEST_PASSWORD, client=app.test_client()).status_code == 401
    fresh = app.test_client()
    assert auth.post("nv", password, client=fresh).status_code == 303
    assert fresh.get("/").headers["Location"] == "/account/password"


def test_deactivate_ends_sessions_and_blocks_login(app, admin, auth):
    target = make_user("unit_staff", username="nv", unit=make_unit())
    db.session.commit()
    other = auth.login("nv")
    assert admin.post(f"/admin/users/{target.id}/active", data={"active": "0"}).status_code == 303
    assert other.get("/").status_code == 302
    response = auth.post("nv", client=app.test_client())
    # the same message as an unknown name or a wrong password (no account enumeration, issue 17)
    assert response.status_code == 401 and "Tên đăng nhập hoặc mật khẩu không đúng" in response.get_data(as_text=True)


def test_admin_cannot_deactivate_itself(admin):
    me = db.session.scalar(select(User).where(User.username == "quantri"))
    admin.post(f"/admin/users/{me.id}/active", data={"active": "0"})
    db.session.refresh(me)
    assert me.active is True


def test_end_all_sessions_of_a_user(app, admin, auth):
    target = make_user("unit_staff", username="nv", unit=make_unit())
    db.session.commit()
    clients = [app.test_client() for _ in range(3)]
    for c in clients:
        auth.login("nv", client=c)
    admin.post(f"/admin/users/{target.id}/end-sessions")
    assert [c.get("/").status_code for c in clients] == [302, 302, 302]
    assert db.session.scalar(select(LoginSession).where(LoginSession.user_id == target.id,
                                                        LoginSession.ended_at.is_(None))) is None


def test_mass_assignment_fields_are_ignored(admin):
    response = admin.post("/admin/users/new", data={
        "username": "moi", "full_name": "Người Mới", "role": "unit_staff", "unit_id": str(_unit_id("STP")),
        "must_change_password": "0", "active": "0", "password_hash": "x", "failed_logins": "99"})
    assert response.status_code == 201
    user = db.session.scalar(select(User).where(User.username == "moi"))
    assert user.must_change_password is True and user.active is True and user.failed_logins == 0


@pytest.mark.parametrize("role", ["unit_staff", "unit_leader", "council_member", "council_chair"])
def test_only_admin_manages_accounts(ctx, role, auth):
    make_user(role, username="khach", unit=make_unit())
    target = make_user("admin", username="sep")
    db.session.commit()
    client = auth.login("khach")
    codes = [client.get("/admin/users/").status_code,
             client.post(f"/admin/users/{target.id}/reset-password").status_code,
             client.post(f"/admin/users/{target.id}/active", data={"active": "0"}).status_code,
             client.post("/admin/users/new", data={"username": "x", "full_name": "x", "role": "admin"}).status_code]
    assert codes == [403, 403, 403, 403]
