"""The criteria editor: the demo sets validate, and add / edit / move / delete work as whole pages (no
JavaScript, 303 back to the editor) and as htmx fragments (the widget, with the validation summary out of
band); every change is audited; typed errors come back in Vietnamese next to the field (422)."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.assessments.models import Assessment, ScoreEntry
from portal.audit.models import AuditLog
from portal.criteria.models import Criterion
from portal.criteria.services import check_set, set_for, set_rows
from portal.extensions import db
from tests.auth_actions import DEMO_PASSWORD
from tests.web.criteria_helpers import dept, form_of, item_form, node, seed, snapshot


@pytest.fixture
def admin(ctx, client, auth):
    seed("setup")
    return auth.login("admin", DEMO_PASSWORD, client=client)


def _audit(action: str) -> AuditLog:
    return db.session.scalar(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id.desc()))


def _is_fragment(html: str, start: str) -> bool:
    return html.lstrip().startswith(start) and "<html" not in html


# --------------------------------------------------------------------------------------------- validity


def test_demo_sets_validate_with_no_errors(admin):
    year_id = dept().year_id
    for unit_type in ("department", "district"):
        cset = set_for(year_id, unit_type)
        assert check_set(cset, set_rows(cset)).errors == []
    html = admin.get("/admin/criteria/").get_data(as_text=True)
    assert html.count("Hợp lệ") == 2 and "Sở, ban, ngành" in html and "UBND cấp huyện" in html
    assert "56 tiêu chí chấm điểm" in html and "100 / 100 điểm" in html and "Đang mở để sửa" in html
    page = admin.get(f"/admin/criteria/{dept().id}").get_data(as_text=True)
    assert "Hợp lệ" in page and "Có 0 lỗi" not in page


def test_editor_shows_each_item_as_units_will_see_it(admin):
    page = admin.get(f"/admin/criteria/{dept().id}").get_data(as_text=True)
    item = node("1.1.1")
    start = page.index(f'id="node-{item.id}"')
    html = page[start:page.index("</li>", start)]
    assert "Ban hành kế hoạch CCHC năm đúng thời hạn" in html and "Tối đa 1 điểm" in html
    assert "Chọn mức" in html and "Thẩm định: Sở Nội vụ" in html
    assert "Đúng hạn: 1 điểm; Chậm hạn: 0,5 điểm; Không ban hành: 0 điểm" in html  # guidance, decimal comma
    assert "Cho phép “Không áp dụng”" in page  # e.g. 1.3.1


def test_changing_a_max_so_children_no_longer_add_up_names_the_code(admin):
    item = node("1.4.1")
    response = admin.post(f"/admin/criteria/item/{item.id}/edit", htmx=True, data=form_of(item, max_points="0,75"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="criteria-summary"' in html and 'hx-swap-oob="true"' in html
    assert "Tổng điểm tối đa các mục con của 1.4 là 1,75, phải bằng 1,5" in html
    db.session.expire_all()
    assert node("1.4.1").max_points == Decimal("0.75")
    index = admin.get("/admin/criteria/").get_data(as_text=True)
    assert index.count("Hợp lệ") == 1 and "mục con của 1.4" in index


# ------------------------------------------------------------------------------------------------- edit


def test_edit_form_as_fragment_and_as_page(admin):
    item = node("1.1.1")
    fragment = admin.get(f"/admin/criteria/item/{item.id}/edit", htmx=True).get_data(as_text=True)
    assert _is_fragment(fragment, f'<li id="node-{item.id}"') and 'class="card editing"' in fragment
    assert "Đúng hạn=1; Chậm hạn=0,5; Không ban hành=0" in fragment  # the settings in the Excel cell syntax
    page = admin.get(f"/admin/criteria/item/{item.id}/edit").get_data(as_text=True)
    assert "<html" in page and 'class="card editing"' in page and f'name="i{item.id}-code"' in page
    cancel = admin.get(f"/admin/criteria/item/{item.id}", htmx=True).get_data(as_text=True)
    assert _is_fragment(cancel, f'<li id="node-{item.id}"') and "editing" not in cancel


def test_edit_as_htmx_fragment(admin):
    item = node("1.1.1")
    data = form_of(item, title="Ban hành kế hoạch CCHC năm 2022 đúng hạn",
                   config_text="Đúng hạn=1; Chậm hạn=0.25; Không ban hành=0")
    response = admin.post(f"/admin/criteria/item/{item.id}/edit", htmx=True, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and _is_fragment(html, f'<li id="node-{item.id}"')
    assert "Ban hành kế hoạch CCHC năm 2022 đúng hạn" in html and "Chậm hạn: 0,25 điểm" in html
    assert "HX-Request" in response.headers["Vary"]
    db.session.expire_all()
    item = node("1.1.1")
    assert item.config == {"levels": [["Đúng hạn", "1"], ["Chậm hạn", "0.25"], ["Không ban hành", "0"]]}
    assert item.guidance == "Đúng hạn: 1 điểm; Chậm hạn: 0,25 điểm; Không ban hành: 0 điểm"  # regenerated
    audit = _audit("criteria_item_update")
    assert audit.old["title"] == "Ban hành kế hoạch CCHC năm đúng thời hạn"
    assert audit.new["title"] == "Ban hành kế hoạch CCHC năm 2022 đúng hạn" and "config" in audit.new


def test_edit_as_whole_page_without_javascript(admin):
    item = node("1.2")
    response = admin.post(f"/admin/criteria/item/{item.id}/edit",
                          data=form_of(item, evidence="Báo cáo quý I–IV\nCông văn gửi Sở Nội vụ", na_allowed=True))
    assert response.status_code == 303 and response.headers["Location"].endswith(f"#node-{item.id}")
    db.session.expire_all()
    item = node("1.2")
    assert item.evidence == "Báo cáo quý I–IV\nCông văn gửi Sở Nội vụ" and item.na_allowed is True
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã lưu mục 1.2" in page and "Báo cáo quý I–IV<br>Công văn gửi Sở Nội vụ" in page


@pytest.mark.parametrize("htmx", [True, False])
@pytest.mark.parametrize("changes, field, message", [
    ({"config_text": "Đúng hạn=1; Chậm hạn=abc"}, "config_text", "“abc” không phải là số"),
    ({"config_text": "Đúng hạn 1"}, "config_text", "phải có dạng “tên=điểm; tên=điểm”"),
    ({"config_text": "Đúng hạn=1"}, "config_text", "Cần ít nhất 2 mức"),
    ({"max_points": "1.000"}, "max_points", "là số nghìn hay số thập phân"),
    ({"max_points": "0,1255"}, "max_points", "tối đa 2 chữ số thập phân"),
    ({"max_points": "-1"}, "max_points", "không được âm"),
    ({"max_points": ""}, "max_points", "Hãy nhập điểm tối đa"),
    ({"method": ""}, "method", "Hãy chọn phương pháp chấm"),
    ({"method": "bonus"}, "method", "Hãy chọn phương pháp chấm"),
    ({"code": "1.2"}, "code", "Mã 1.2 đã có"),
    ({"code": "1 1"}, "code", "không được có khoảng trắng"),
    ({"title": ""}, "title", "Hãy nhập nội dung"),
])
def test_typed_errors_come_back_next_to_the_field(admin, htmx, changes, field, message):
    item = node("1.1.1")
    before = snapshot(dept())
    data = form_of(item, **changes)
    response = admin.post(f"/admin/criteria/item/{item.id}/edit", data=data, htmx=htmx)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="i{item.id}-{field}-err"' in html and message in html
    for key, value in changes.items():
        if value and key != "method":
            assert value in html  # typed values are kept
    assert ("<html" in html) is not htmx
    assert snapshot(dept()) == before


@pytest.mark.parametrize("typed", ["0,5", "0.5"])
def test_decimal_comma_or_point(admin, typed):
    item = node("1.1.1")
    response = admin.post(f"/admin/criteria/item/{item.id}/edit", htmx=True,
                          data=form_of(item, max_points="1", config_text=f"Đúng hạn=1; Chậm hạn={typed}; Không=0"))
    assert response.status_code == 200
    db.session.expire_all()
    assert node("1.1.1").config["levels"][1] == ["Chậm hạn", "0.5"]


def test_renaming_a_field_code_carries_to_its_descendants(admin):
    field = node("F2")
    response = admin.post(f"/admin/criteria/item/{field.id}/edit", data=form_of(field, code="LV2"))
    assert response.status_code == 303
    db.session.expire_all()
    assert {r.field_code for r in set_rows(dept()) if r.code.startswith("2.")} == {"LV2"}


def test_changing_a_field_appraiser_follows_to_inheriting_children(admin):
    field = node("F7")  # 7.3 has its own appraiser (SKHCN) and keeps it
    admin.post(f"/admin/criteria/item/{field.id}/edit", data=form_of(field, appraiser="SNV"))
    db.session.expire_all()
    assert node("7.1.1").appraiser == "SNV" and node("7.3").appraiser == "SKHCN"


# -------------------------------------------------------------------------------------------------- add


def test_add_child_as_page(admin):
    group = node("1.1")
    form = admin.get(f"/admin/criteria/{dept().id}/add", query_string={"parent_id": group.id}).get_data(as_text=True)
    assert "<html" in form and "Thêm tiêu chí" in form and 'name="new-code"' in form
    data = {"parent_id": group.id, **item_form("new", code="1.1.3", title="Tổ chức hội nghị sơ kết CCHC",
                                               max_points="0,5", method="yes_no")}
    response = admin.post(f"/admin/criteria/{dept().id}/add", data=data)
    assert response.status_code == 303
    db.session.expire_all()
    new = node("1.1.3")
    assert (new.kind, new.parent_id, new.position, new.field_code) == ("item", group.id, 2, "F1")
    assert new.appraiser == "SNV" and new.guidance == "Có: 0,5 điểm; Không: 0 điểm"
    assert _audit("criteria_item_create").new["code"] == "1.1.3"
    summary = admin.get(f"/admin/criteria/{dept().id}").get_data(as_text=True)
    assert "Tổng điểm tối đa các mục con của 1.1 là 2,5, phải bằng 2" in summary


def test_add_sibling_as_fragment(admin):
    first, group = node("1.1.1"), node("1.1")
    fragment = admin.get(f"/admin/criteria/{dept().id}/add", query_string={"after_id": first.id}, htmx=True)
    html = fragment.get_data(as_text=True)
    assert _is_fragment(html, f'<li id="node-{group.id}"') and 'id="new-node"' in html
    data = {"after_id": first.id, **item_form("new", code="1.1.1b", title="Kế hoạch bổ sung", max_points="1",
                                              method="percentage", config_text="≥100%=1; ≥80%=0,5; ≥0%=0",
                                              input_label="việc xong / việc giao")}
    response = admin.post(f"/admin/criteria/{dept().id}/add", data=data, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and _is_fragment(html, f'<li id="node-{group.id}"')
    assert 'hx-swap-oob="true"' in html and "Kế hoạch bổ sung" in html
    db.session.expire_all()
    assert [c.code for c in sorted(node("1.1").criteria_set.criteria, key=lambda c: c.position)
            if c.parent_id == group.id] == ["1.1.1", "1.1.1b", "1.1.2"]
    assert node("1.1.1b").config == {"bands": [["100", "1"], ["80", "0.5"], ["0", "0"]],
                                     "input_label": "việc xong / việc giao"}


def test_add_field_and_adjustment_at_top_level(admin):
    cset = dept()
    fragment = admin.get(f"/admin/criteria/{cset.id}/add", query_string={"kind": "field"}, htmx=True)
    assert _is_fragment(fragment.get_data(as_text=True), '<section id="criteria-tree"')
    response = admin.post(f"/admin/criteria/{cset.id}/add", htmx=True,
                          data=item_form("new", code="F10", title="Lĩnh vực thử", max_points="5", appraiser="SNV"))
    assert response.status_code == 200 and "Lĩnh vực thử" in response.get_data(as_text=True)
    response = admin.post(f"/admin/criteria/{cset.id}/add", data={
        "kind": "adjustment", **item_form("new", code="B2", title="Được khen thưởng", method="bonus",
                                          config_text="mỗi lần=0,5; tối đa=1")})
    assert response.status_code == 303
    db.session.expire_all()
    f10, b2 = node("F10"), node("B2")
    assert (f10.kind, f10.position, f10.field_code) == ("field", 9, "F10")
    assert (b2.kind, b2.position, b2.max_points, b2.config) == ("adjustment", 4, None, {"per": "0.5", "cap": "1"})


def test_adding_a_child_to_a_scored_item_makes_it_a_group(admin):
    item = node("1.2")
    admin.post(f"/admin/criteria/{dept().id}/add", data={"parent_id": item.id, **item_form(
        "new", code="1.2.1", title="Báo cáo quý", max_points="1", method="yes_no")})
    db.session.expire_all()
    group = node("1.2")
    assert (group.kind, group.method, group.config, group.guidance) == ("group", None, {}, "")
    assert check_set(dept(), set_rows(dept())).errors == []


# ------------------------------------------------------------------------------------------------- move


def test_move_down_and_up_as_page_and_fragment(admin):
    first, second, group = node("1.1.1"), node("1.1.2"), node("1.1")
    response = admin.post(f"/admin/criteria/item/{first.id}/move", data={"direction": "down"})
    assert response.status_code == 303
    db.session.expire_all()
    assert (node("1.1.1").position, node("1.1.2").position) == (1, 0)
    response = admin.post(f"/admin/criteria/item/{first.id}/move", data={"direction": "up"}, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and _is_fragment(html, f'<li id="node-{group.id}"')
    assert html.index(f'id="node-{first.id}"') < html.index(f'id="node-{second.id}"')
    db.session.expire_all()
    assert (node("1.1.1").position, node("1.1.2").position) == (0, 1)
    assert _audit("criteria_item_move").old == {"parent": "1.1", "position": 1}


def test_move_under_another_parent_keeps_field_codes(admin):
    group, target = node("1.3"), node("2.2")
    page = admin.get(f"/admin/criteria/item/{group.id}/move").get_data(as_text=True)
    assert "<html" in page and f'<option value="{target.id}">' in page
    assert f'<option value="{node("1.3.1").id}">' not in page  # not under itself or a scored item
    response = admin.post(f"/admin/criteria/item/{group.id}/move", data={"parent_id": str(target.id)}, htmx=True)
    assert _is_fragment(response.get_data(as_text=True), '<section id="criteria-tree"')
    db.session.expire_all()
    moved = node("1.3")
    assert (moved.parent_id, moved.position, moved.field_code) == (target.id, 2, "F2")
    assert node("1.3.1").field_code == node("1.3.2").field_code == "F2"
    assert [n.position for n in (node("1.4"), node("1.5"), node("1.6"))] == [2, 3, 4]
    assert _audit("criteria_item_move").new == {"parent": "2.2", "position": 2}


def test_move_refuses_a_target_in_its_own_subtree(admin):
    field, inside = node("F1"), node("1.1")
    response = admin.post(f"/admin/criteria/item/{field.id}/move", data={"parent_id": str(inside.id)})
    assert response.status_code == 422 and "Hãy chọn lĩnh vực hoặc nhóm" in response.get_data(as_text=True)
    db.session.expire_all()
    assert node("F1").parent_id is None


# ----------------------------------------------------------------------------------------------- delete


def test_delete_with_confirmation_as_page(admin):
    group = node("1.3")
    page = admin.get(f"/admin/criteria/item/{group.id}/delete").get_data(as_text=True)
    assert "Xóa mục 1.3 và 2 mục con của nó?" in page and "<html" in page
    response = admin.post(f"/admin/criteria/item/{group.id}/delete")
    assert response.status_code == 303
    db.session.expire_all()
    assert node("1.3") is None and node("1.3.1") is None and node("1.4").position == 2
    audit = _audit("criteria_item_delete")
    assert audit.old["code"] == "1.3" and audit.old["descendants"] == ["1.3.1", "1.3.2"]


def test_delete_as_fragment_returns_the_parent(admin):
    item_id, group_id = node("1.4.2").id, node("1.4").id
    confirm = admin.get(f"/admin/criteria/item/{item_id}/delete", htmx=True).get_data(as_text=True)
    assert _is_fragment(confirm, f'<li id="node-{item_id}"') and "Xóa mục 1.4.2?" in confirm
    response = admin.post(f"/admin/criteria/item/{item_id}/delete", htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and _is_fragment(html, f'<li id="node-{group_id}"')
    assert f'id="node-{item_id}"' not in html and "mục con của 1.4 là 0,5, phải bằng 1,5" in html


def test_delete_refuses_a_node_with_score_entries(admin):
    item = node("3.3.1")
    assessment = db.session.scalar(select(Assessment).where(Assessment.criteria_set_id == item.set_id))
    db.session.add(ScoreEntry(assessment_id=assessment.id, criterion_id=item.id, stage="self",
                              inputs={"numerator": "98", "denominator": "100"}, points=Decimal("3")))
    db.session.commit()
    before = snapshot(dept())
    for target, htmx in ((item, False), (node("3.3"), True), (node("F3"), False)):
        response = admin.post(f"/admin/criteria/item/{target.id}/delete", htmx=htmx)
        html = response.get_data(as_text=True)
        assert response.status_code == 409 and "đã có điểm chấm" in html
        if htmx:
            assert response.headers["HX-Retarget"] == f"#node-{target.id}"
    assert snapshot(dept()) == before
    page = admin.get(f"/admin/criteria/item/{item.id}/delete").get_data(as_text=True)
    assert "đã có điểm chấm" in page and 'class="danger"' not in page


# ------------------------------------------------------------------------------------------------- meta


def test_meta_edit_as_fragment_and_page(admin):
    cset = dept()
    fragment = admin.get(f"/admin/criteria/{cset.id}/meta", htmx=True).get_data(as_text=True)
    assert _is_fragment(fragment, '<section id="criteria-meta"') and 'name="meta-total"' in fragment
    data = {"meta-title": "Bộ tiêu chí cấp sở 2022", "meta-total": "100", "meta-appraisal": "70",
            "meta-survey": "30", "meta-bonus_cap": "2,5", "meta-deduction_cap": "5"}
    response = admin.post(f"/admin/criteria/{cset.id}/meta", data=data, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Bộ tiêu chí cấp sở 2022" in html and "2,5" in html
    assert 'hx-swap-oob="true"' in html and "Hợp lệ" in html
    assert _audit("criteria_set_update").old == {"title": "DEPT-2022-demo", "bonus_cap": "2.00"}
    response = admin.post(f"/admin/criteria/{cset.id}/meta", data={**data, "meta-deduction_cap": "4"})
    assert response.status_code == 303  # without JavaScript (a split that does not add up: test_criteria_safety)
    db.session.expire_all()
    assert dept().deduction_cap == Decimal("4")


def test_meta_typed_error(admin):
    cset = dept()
    response = admin.post(f"/admin/criteria/{cset.id}/meta", htmx=True, data={
        "meta-title": "X", "meta-total": "1OO", "meta-appraisal": "70", "meta-survey": "30",
        "meta-bonus_cap": "2", "meta-deduction_cap": "5"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "“1OO” không phải là số hợp lệ" in html and 'value="1OO"' in html
    db.session.expire_all()
    assert dept().total == Decimal("100")


def test_unknown_ids_are_404(admin):
    for url in ("/admin/criteria/99999", "/admin/criteria/item/99999/edit", "/admin/criteria/99999/meta"):
        assert admin.get(url).status_code == 404
    assert db.session.scalar(select(Criterion).limit(1)) is not None
