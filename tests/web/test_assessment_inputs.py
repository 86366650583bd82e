"""Inputs officials really have (issue 15): a number item without a declared step takes any value to 2
decimals; a percentage or ratio item may allow results above 100 % (declared in the editor, YAML or XLSX),
which then reach the top band / the maximum, and any other item refuses them saying so."""
from decimal import Decimal

from sqlalchemy import select

from portal.assessments.models import ScoreEntry
from portal.criteria.importing import preview_import
from portal.criteria.services import set_rows
from portal.criteria.spec import generate_guidance
from portal.criteria.tree import rows_to_spec
from portal.criteria.xlsx_write import dump_set_xlsx
from portal.criteria.yaml_write import dump_set_yaml
from portal.extensions import db
from tests.web.assess_setup import s, staff  # noqa: F401  (fixtures)


def _save(client, s, code, form):
    return client.post(f"/assessment/{s.a_id}/items/{s.crit(code).id}", data=form | {"version": "0"}, htmx=True)


def _points(s, code):
    db.session.expire_all()
    entry = db.session.scalar(select(ScoreEntry).where(ScoreEntry.assessment_id == s.a_id,
                                                       ScoreEntry.criterion_id == s.crit(code).id))
    return None if entry is None else entry.points


def test_a_number_item_without_a_step_accepts_any_value_to_2_decimals(staff, s):
    crit = s.crit("1.5")
    crit.method, crit.config, crit.max_points = "number", {}, Decimal("20")
    db.session.commit()
    page = staff.get(f"/assessment/{s.a_id}").get_data(as_text=True)
    assert "Điểm tự chấm (tối đa 2 chữ số thập phân)" in page and "bước 0,25" not in page
    response = _save(staff, s, "1.5", {"value": "10.02"})
    assert response.status_code == 200, response.get_data(as_text=True)[:400]
    assert _points(s, "1.5") == Decimal("10.02")


def test_a_declared_step_still_holds(staff, s):
    crit = s.crit("1.5")
    crit.method, crit.config = "number", {"step": "0.25"}
    db.session.commit()
    assert _save(staff, s, "1.5", {"value": "1,02"}).status_code == 422 and _points(s, "1.5") is None


def test_120_of_100_on_an_item_that_allows_it_scores_the_maximum(staff, s):
    for code in ("1.1.2", "3.1.2"):  # percentage bands (max 1), ratio (max 1.5)
        crit = s.crit(code)
        crit.config = {**crit.config, "over_100": True}
    db.session.commit()
    assert _save(staff, s, "1.1.2", {"numerator": "120", "denominator": "100"}).status_code == 200
    assert _save(staff, s, "3.1.2", {"numerator": "120", "denominator": "100"}).status_code == 200
    assert (_points(s, "1.1.2"), _points(s, "3.1.2")) == (Decimal("1"), Decimal("1.5"))


def test_120_of_100_elsewhere_is_refused_saying_the_item_does_not_allow_it(staff, s):
    response = _save(staff, s, "1.1.2", {"numerator": "120", "denominator": "100"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Mục này không cho phép kết quả trên 100%" in html
    assert _points(s, "1.1.2") is None


def test_the_setting_round_trips_through_yaml_and_xlsx(s):
    crit = s.crit("1.1.2")
    crit.config = {**crit.config, "over_100": True}
    db.session.commit()
    spec = rows_to_spec(crit.criteria_set, set_rows(crit.criteria_set))
    yaml_text = dump_set_yaml(spec)
    assert "over_100: true" in yaml_text
    for data in (yaml_text.encode("utf-8"), dump_set_xlsx(spec)):
        preview = preview_import(data, "department")
        assert preview.ok, preview.errors
        [item] = [i for i in preview.spec.items if i.code == "1.1.2"]
        assert item.config["over_100"] is True
        assert "tỷ lệ trên 100% được tính là 100%" in generate_guidance(item.method, item.max_points, item.config)
        assert [i for i in preview.spec.items if i.code == "1.1.1"][0].config.get("over_100") is None


def test_the_editor_declares_it_in_the_settings_field(app, s):
    from portal.criteria.tree import config_text, parse_config_text
    config, problems = parse_config_text("percentage", "≥100%=1; ≥80%=0,5; ≥0%=0; Cho phép trên 100%", "", Decimal("1"))
    assert problems == [] and config == {"bands": [["100", "1"], ["80", "0.5"], ["0", "0"]], "over_100": True}
    assert config_text("percentage", config) == "≥100%=1; ≥80%=0,5; ≥0%=0; cho phép trên 100%"
    config, problems = parse_config_text("ratio", "cho phép trên 100%", "", Decimal("1"))
    assert problems == [] and config == {"over_100": True}
    config, problems = parse_config_text("levels", "Có=1; Không=0; cho phép trên 100%", "", Decimal("1"))
    assert problems and "cho phép trên 100%" in problems[0]
