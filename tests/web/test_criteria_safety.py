"""Criteria changes never break entered scores (issue 15): an edit of an item that units have scored is
refused with the units and scores it would break, or applied only with the migration the admin picks
(audited); a deletion or an import over scores names the units and items; an item is never saved with a
problem of its own; `flask check` reports 0 violations after every one of these actions."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.assessments.models import Assessment, ScoreEntry
from portal.audit.models import AuditLog
from portal.criteria.breakage import CAP, CLEAR, RECOMPUTE
from portal.criteria.models import Criterion
from portal.extensions import db
from portal.units.models import Unit
from tests.auth_actions import DEMO_PASSWORD
from tests.web.criteria_helpers import dept, form_of, node, seed, snapshot


@pytest.fixture
def admin(ctx, client, auth):
    seed("setup")
    return auth.login("admin", DEMO_PASSWORD, client=client)


def _unit_file(index: int = 0) -> Assessment:
    return db.session.scalars(select(Assessment).where(Assessment.criteria_set_id == dept().id)
                              .order_by(Assessment.id)).all()[index]


def _score(code: str, points, inputs=None, *, stage="self", na=False, index=0) -> tuple[int, str]:
    """A saved score of unit file `index` on item `code`; (entry id, the unit's name)."""
    assessment = _unit_file(index)
    entry = ScoreEntry(assessment_id=assessment.id, criterion_id=node(code).id, stage=stage, inputs=inputs or {},
                       points=None if points is None else Decimal(points), not_applicable=na,
                       na_reason="Không có đơn vị trực thuộc" if na else None)
    db.session.add(entry)
    db.session.commit()
    return entry.id, db.session.get(Unit, assessment.unit_id).name


def _make_number(code: str, max_points="1") -> None:
    item = node(code)
    item.method, item.config, item.max_points, item.guidance = "number", {"step": "0.25"}, Decimal(max_points), ""
    db.session.commit()


def _entry(entry_id: int) -> ScoreEntry | None:
    db.session.expire_all()
    return db.session.get(ScoreEntry, entry_id)


def _migrations() -> list[AuditLog]:
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == "criteria_score_migrate")))


def _check_is_clean(app) -> None:
    result = app.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 0 and "All invariants hold." in result.output, result.output


def _edit(client, item, **changes):
    return client.post(f"/admin/criteria/item/{item.id}/edit", data=form_of(item, **changes))


# ------------------------------------------------------------------------------- a lower maximum


def test_lowering_a_max_below_a_saved_score_is_refused_with_the_unit(app, admin):
    _make_number("1.2")
    entry_id, unit_name = _score("1.2", "1", {"value": "1"})
    before = snapshot(dept())
    for htmx in (False, True):
        response = admin.post(f"/admin/criteria/item/{node('1.2').id}/edit", htmx=htmx,
                              data=form_of(node("1.2"), max_points="0,5", config_text="bước=0,25"))
        html = response.get_data(as_text=True)
        assert response.status_code == 409
        assert "Chưa lưu: thay đổi này làm hỏng 1 điểm đã chấm của mục 1.2" in html and unit_name in html
        assert "Đặt lại về điểm tối đa mới" in html and 'value="cap"' in html and 'value="recompute"' not in html
        assert 'value="0,5"' in html  # the typed value stays
    assert snapshot(dept()) == before and _entry(entry_id).points == Decimal("1") and _migrations() == []
    _check_is_clean(app)


def test_lowering_a_max_with_the_confirmed_reset_to_the_new_maximum(app, admin):
    _make_number("1.2")
    entry_id, _name = _score("1.2", "1", {"value": "1"})
    other_id, _other = _score("1.2", "0.25", {"value": "0.25"}, index=1)  # below the new max: untouched
    response = _edit(admin, node("1.2"), max_points="0,5", config_text="bước=0,25", migration=CAP)
    assert response.status_code == 303
    entry = _entry(entry_id)
    assert node("1.2").max_points == Decimal("0.5")
    assert (entry.points, entry.inputs) == (Decimal("0.5"), {"value": "0.5"})
    assert _entry(other_id).points == Decimal("0.25")
    over = db.session.scalars(select(ScoreEntry).join(Criterion, Criterion.id == ScoreEntry.criterion_id)
                              .where(ScoreEntry.points > Criterion.max_points)).all()
    assert over == []  # the journey cannot leave a score above its maximum
    [audit] = _migrations()
    assert audit.old["points"] == "1.00" and audit.new == {"criterion": "1.2", "migration": "cap",
                                                           "values": {"points": "0.5", "inputs": {"value": "0.5"}}}
    _check_is_clean(app)


def test_a_migration_that_cannot_repair_the_scores_is_refused(app, admin):
    _make_number("1.2")
    entry_id, _name = _score("1.2", "1", {"value": "1"})
    response = _edit(admin, node("1.2"), max_points="0,5", config_text="bước=0,25", migration=RECOMPUTE)
    assert response.status_code == 409 and _entry(entry_id).points == Decimal("1")
    assert node("1.2").max_points == Decimal("1")
    _check_is_clean(app)


# ----------------------------------------------------------------- levels, bands, method, N/A


def test_a_removed_level_in_use_is_refused_then_cleared_with_confirmation(app, admin):
    entry_id, unit_name = _score("1.1.1", "0", {"level": 2})  # "Không ban hành"
    item = node("1.1.1")
    response = _edit(admin, item, config_text="Đúng hạn=1; Chậm hạn=0,5")
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and unit_name in html and "không còn hợp lệ với thang điểm mới" in html
    assert 'value="clear"' in html and 'value="cap"' not in html
    assert len(node("1.1.1").config["levels"]) == 3
    response = _edit(admin, node("1.1.1"), config_text="Đúng hạn=1; Chậm hạn=0,5", migration=CLEAR)
    assert response.status_code == 303
    assert _entry(entry_id) is None and len(node("1.1.1").config["levels"]) == 2
    assert _migrations()[0].new["migration"] == "clear"
    _check_is_clean(app)


def test_a_removed_band_in_use_offers_to_recompute(app, admin):
    entry_id, unit_name = _score("1.1.2", "0.5", {"numerator": "85", "denominator": "100"})
    response = _edit(admin, node("1.1.2"), config_text="≥100%=1; ≥0%=0")
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "điểm sẽ đổi thành 0" in html and 'value="recompute"' in html
    response = _edit(admin, node("1.1.2"), config_text="≥100%=1; ≥0%=0", migration=RECOMPUTE)
    assert response.status_code == 303
    entry = _entry(entry_id)
    assert entry.points == Decimal("0") and entry.inputs == {"numerator": "85", "denominator": "100"}
    _check_is_clean(app)


def test_another_method_is_refused(app, admin):
    entry_id, unit_name = _score("1.2", "1", {"yes": True})
    response = _edit(admin, node("1.2"), method="levels", config_text="Đủ=1; Thiếu=0")
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "đã chấm theo phương pháp cũ" in html and unit_name in html
    assert node("1.2").method == "yes_no" and _entry(entry_id).points == Decimal("1")
    _check_is_clean(app)


def test_na_no_longer_allowed_where_a_unit_used_it(app, admin):
    entry_id, unit_name = _score("1.3.1", None, na=True)
    response = _edit(admin, node("1.3.1"), na_allowed=False)
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "đã chọn “Không áp dụng”" in html and unit_name in html
    assert node("1.3.1").na_allowed is True
    assert _edit(admin, node("1.3.1"), na_allowed=False, migration=CLEAR).status_code == 303
    assert _entry(entry_id) is None and node("1.3.1").na_allowed is False
    _check_is_clean(app)


def test_a_change_that_breaks_nothing_saves_as_before(app, admin):
    entry_id, _name = _score("1.1.1", "1", {"level": 0})
    assert _edit(admin, node("1.1.1"), title="Ban hành kế hoạch CCHC", na_allowed=True).status_code == 303
    assert node("1.1.1").title == "Ban hành kế hoạch CCHC" and _entry(entry_id).points == Decimal("1")
    assert _migrations() == []
    _check_is_clean(app)


def test_scores_in_a_finalised_file_are_never_migrated(app, admin):
    _make_number("1.2")
    entry_id, unit_name = _score("1.2", "1", {"value": "1"})
    file = _unit_file()
    file.status = "finalized"
    db.session.commit()
    response = _edit(admin, node("1.2"), max_points="0,5", config_text="bước=0,25", migration=CAP)
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "hồ sơ đã hoàn tất thẩm định" in html and 'value="cap"' not in html
    assert _entry(entry_id).points == Decimal("1") and node("1.2").max_points == Decimal("1")
    _check_is_clean(app)


# --------------------------------------------------------------------------- delete and import


def test_deleting_a_scored_item_names_the_units_and_items(app, admin):
    _id, first = _score("3.3.1", "3", {"numerator": "98", "denominator": "100"})
    _id, second = _score("3.3.2", "1", {"yes": True}, index=1)
    before = snapshot(dept())
    html = admin.post(f"/admin/criteria/item/{node('3.3').id}/delete").get_data(as_text=True)
    assert f"{first} (3.3.1)" in html and f"{second} (3.3.2)" in html
    assert snapshot(dept()) == before
    _check_is_clean(app)


def test_importing_over_a_scored_set_names_the_units(app, admin):
    from portal.criteria.tree import rows_to_spec
    from portal.criteria.services import set_rows
    from portal.criteria.yaml_write import dump_set_yaml
    _id, unit_name = _score("1.1.1", "1", {"level": 0})
    data = dump_set_yaml(rows_to_spec(dept(), set_rows(dept()))).encode("utf-8")
    before = snapshot(dept())
    from io import BytesIO
    response = admin.post("/admin/criteria/import", content_type="multipart/form-data",
                          data={"unit_type": "department", "file": (BytesIO(data), "bo.yaml")})
    html = response.get_data(as_text=True)
    assert f"{unit_name} (1.1.1)" in html and "đã có điểm chấm" in html
    assert snapshot(dept()) == before
    _check_is_clean(app)


# ---------------------------------------------------------------------- never saved with errors


def test_an_item_is_never_saved_with_a_problem_of_its_own(app, admin):
    before = snapshot(dept())
    response = _edit(admin, node("1.1.1"), config_text="Đúng hạn=0,5; Chậm hạn=0,25; Không ban hành=0")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "không mức nào đạt điểm tối đa 1" in html
    assert snapshot(dept()) == before
    page = admin.get(f"/admin/criteria/{dept().id}").get_data(as_text=True)
    assert "Hợp lệ" in page and "Có 1 lỗi" not in page
    _check_is_clean(app)


def test_meta_whose_parts_do_not_add_up_is_not_saved(app, admin):
    cset = dept()
    response = admin.post(f"/admin/criteria/{cset.id}/meta", data={
        "meta-title": "X", "meta-total": "100", "meta-appraisal": "75", "meta-survey": "30",
        "meta-bonus_cap": "2", "meta-deduction_cap": "5"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Điểm thẩm định (75) cộng điểm điều tra (30) phải bằng tổng điểm (100)" in html
    db.session.expire_all()
    assert dept().appraisal_points == Decimal("70") and dept().title != "X"
    _check_is_clean(app)
