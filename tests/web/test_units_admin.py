"""Admin screens for units: search without diacritics, create, inline edit (htmx) and form posts (no JS),
deactivate, and who may use them."""
import pytest
from sqlalchemy import select

from portal.audit.models import AuditLog
from portal.extensions import db
from portal.units.models import Unit
from tests.factories import make_unit, make_user


@pytest.fixture
def admin(ctx, client, auth):
    make_user("admin", username="quantri")
    for name, unit_type in (("Sở Nội vụ", "department"), ("UBND thành phố Châu Đốc", "district"),
                            ("UBND huyện Thoại Sơn", "district"), ("Sở Tài chính", "department")):
        make_unit(name, unit_type=unit_type)
    db.session.commit()
    auth.login("quantri", client=client)
    return client


@pytest.mark.parametrize("query, expected", [
    ("chau doc", "UBND thành phố Châu Đốc"),
    ("CHÂU ĐỐC", "UBND thành phố Châu Đốc"),
    ("thoai son", "UBND huyện Thoại Sơn"),
    ("Sở nội vụ", "Sở Nội vụ"),
    ("noi vu", "Sở Nội vụ"),
    ("Sơ\u0309 Ta\u0300i", "Sở Tài chính"),  # typed with combining marks (NFD)
])
def test_search_ignores_diacritics_and_case(admin, query, expected):
    html = admin.get("/admin/units/", query_string={"q": query}).get_data(as_text=True)
    assert expected in html
    assert html.count('<tr id="unit-') == 1


def test_search_filters_by_type(admin):
    html = admin.get("/admin/units/", query_string={"type": "district"}).get_data(as_text=True)
    assert html.count('<tr id="unit-') == 2 and "<td>Sở Nội vụ</td>" not in html


def test_search_as_htmx_returns_only_the_table(admin):
    response = admin.get("/admin/units/", query_string={"q": "chau"}, htmx=True, headers={"HX-Target": "unit-table"})
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="unit-table">') and "<html" not in html
    assert "HX-Request" in response.headers["Vary"]


def test_create_unit_without_js(admin):
    response = admin.post("/admin/units/new", data={"code": "sxd", "name": "Sở  Xây dựng ", "unit_type": "department"})
    assert response.status_code == 303
    unit = db.session.scalar(select(Unit).where(Unit.code == "SXD"))
    assert unit.name == "Sở Xây dựng" and unit.name_key == "so xay dung"
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "unit_create")).new["code"] == "SXD"
    assert "Đã thêm đơn vị Sở Xây dựng" in admin.get("/admin/units/").get_data(as_text=True)


@pytest.mark.parametrize("name, message", [
    ("SỞ NỘI VỤ", "trùng tên"),
    ("So Noi Vu", "trùng tên"),
    ("Sở \u00d0iện lực", "trông giống chữ Đ"),
])
def test_create_refuses_duplicates_and_lookalikes(admin, name, message):
    response = admin.post("/admin/units/new", data={"code": "X1", "name": name, "unit_type": "department"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert f'value="{name}"' in html  # the typed value stays in the form
    assert db.session.scalar(select(Unit).where(Unit.code == "X1")) is None


def test_create_refuses_duplicate_code(admin):
    code = db.session.scalars(select(Unit.code)).first()
    response = admin.post("/admin/units/new", data={"code": code, "name": "Đơn vị mới", "unit_type": "department"})
    assert response.status_code == 422 and "Mã này đã được dùng" in response.get_data(as_text=True)


def test_inline_edit_as_fragment_and_as_page(admin):
    unit = db.session.scalar(select(Unit).where(Unit.name == "Sở Tài chính"))
    fragment = admin.get(f"/admin/units/{unit.id}/edit", htmx=True).get_data(as_text=True)
    assert fragment.lstrip().startswith(f'<tr id="unit-{unit.id}" class="editing"') and "<html" not in fragment
    page = admin.get(f"/admin/units/{unit.id}/edit").get_data(as_text=True)
    assert "<html" in page and 'class="editing"' in page and 'value="Sở Tài chính"' in page

    saved = admin.post(f"/admin/units/{unit.id}/edit", htmx=True,
                       data={"code": unit.code, "name": "Sở Tài chính tỉnh", "unit_type": "department"})
    assert saved.status_code == 200
    assert saved.get_data(as_text=True).lstrip().startswith(f'<tr id="unit-{unit.id}"')
    db.session.refresh(unit)
    assert unit.name == "Sở Tài chính tỉnh"

    posted = admin.post(f"/admin/units/{unit.id}/edit",
                        data={"code": unit.code, "name": "Sở Tài chính", "unit_type": "department"})
    assert posted.status_code == 303
    db.session.refresh(unit)
    assert unit.name == "Sở Tài chính"


def test_inline_edit_error_keeps_the_typed_value(admin):
    unit = db.session.scalar(select(Unit).where(Unit.name == "Sở Tài chính"))
    response = admin.post(f"/admin/units/{unit.id}/edit", htmx=True,
                          data={"code": unit.code, "name": "so noi vu", "unit_type": "department"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'value="so noi vu"' in html and "trùng tên" in html and "<html" not in html


def test_cancel_returns_the_display_row(admin):
    unit = db.session.scalar(select(Unit).where(Unit.name == "Sở Tài chính"))
    html = admin.get(f"/admin/units/{unit.id}/row", htmx=True).get_data(as_text=True)
    assert "editing" not in html and "Sở Tài chính" in html
    assert admin.get(f"/admin/units/{unit.id}/row").status_code == 200


def test_deactivate_and_reactivate(admin):
    unit = db.session.scalar(select(Unit).where(Unit.name == "Sở Tài chính"))
    fragment = admin.post(f"/admin/units/{unit.id}/active", data={"active": "0"}, htmx=True)
    assert "Kích hoạt lại" in fragment.get_data(as_text=True)
    db.session.refresh(unit)
    assert unit.active is False
    assert admin.post(f"/admin/units/{unit.id}/active", data={"active": "1"}).status_code == 303
    db.session.refresh(unit)
    assert unit.active is True


def test_unknown_unit_is_404(admin):
    assert admin.get("/admin/units/99999/edit").status_code == 404


@pytest.mark.parametrize("role", ["unit_staff", "unit_leader", "council_member", "council_chair"])
def test_only_admin_may_manage_units(ctx, role, auth):
    make_user(role, username="khach", unit=make_unit())
    unit = make_unit("Sở Y tế")
    db.session.commit()
    client = auth.login("khach")
    assert client.get("/admin/units/").status_code == 403
    assert client.post(f"/admin/units/{unit.id}/edit",
                       data={"code": "H", "name": "Hack", "unit_type": "district"}).status_code == 403
    assert client.post("/admin/units/new", data={"code": "H", "name": "Hack", "unit_type": "district"}).status_code == 403
    db.session.refresh(unit)
    assert unit.name == "Sở Y tế"


def test_anonymous_is_sent_to_login(anon):
    response = anon.get("/admin/units/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
