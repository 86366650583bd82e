"""The worked example of domain.md §6 through the whole stack, as the people do it: the demo department set,
a department whose council-appraised scores total 60,2 with 1.3.1, 1.3.2 and 6.1 not applicable, survey
scores 25,4 imported from a CSV file (preview, then confirm), +1 bonus and −0,5 deduction; the admin computes,
moves the year to approval, the chair records the decision, the admin publishes; an anonymous visitor reads
90,16 % and Xuất sắc on the public page.

    applicable max = 100 − 1 (1.3.1) − 1 (1.3.2) − 2,5 (6.1) = 95,5
    index = (60,2 + 25,4 + 1 − 0,5) / 95,5 × 100 = 86,1 / 95,5 × 100 = 90,157… → 90,16 % → Xuất sắc
"""
import io
from datetime import timedelta
from decimal import Decimal as D

from sqlalchemy import select

from portal.assessments.models import Assessment, ScoreEntry
from portal.criteria.models import Criterion
from portal.criteria.services import create_set_from_spec
from portal.db import utcnow
from portal.extensions import db
from portal.results.models import Approval, SurveyScore, UnitResult
from portal.seed import default_year_settings, load_demo_specs
from portal.years.models import AssessmentYear
from tests.factories import add_types, make_unit, make_user

NOT_APPLICABLE = {"1.3.1", "1.3.2", "6.1"}
# The appraisal part is 70; without the N/A items (1 + 1 + 2,5 = 4,5) 65,5 applies. Points below the maximum
# (everything else appraised at its maximum): 65,5 − 0,8 − 2 − 1,5 − 1 = 60,2
LOWER = {"2.2.2": D("0.7"),   # max 1,5: loses 0,8
         "1.6": D("0"),       # max 2:   loses 2
         "5.4": D("0.5"),     # max 2:   loses 1,5
         "7.1.2": D("0")}     # max 1:   loses 1
# Survey points: 8.1–8.3 (max 5 each) 5 + 4,5 + 4,2 = 13,7; 9.1–9.5 (max 3 each) 2,5 + 2,4 + 2,2 + 2,6 + 2 = 11,7
SURVEY = {"8.1": "5", "8.2": "4,5", "8.3": "4,2", "9.1": "2,5", "9.2": "2,4", "9.3": "2,2", "9.4": "2,6", "9.5": "2"}


def build():
    year = AssessmentYear(year=2022, title="Chỉ số cải cách hành chính năm 2022", phase="synthesis",
                          settings=default_year_settings())
    db.session.add(year)
    db.session.flush()
    add_types(year)
    cset = create_set_from_spec(year, "department", load_demo_specs()[0])
    unit = make_unit("Sở Khoa học và Công nghệ", code="SKHCN")
    now = utcnow()
    assessment = Assessment(year_id=year.id, unit_id=unit.id, criteria_set_id=cset.id, status="finalized",
                            self_submitted_at=now - timedelta(days=40), finalized_at=now - timedelta(hours=1))
    db.session.add(assessment)
    db.session.flush()
    criteria = list(db.session.scalars(select(Criterion).where(Criterion.set_id == cset.id)))
    parents = {c.parent_id for c in criteria}
    leaves = [c for c in criteria if c.kind == "item" and c.id not in parents and c.method != "survey"]
    applicable = sum(c.max_points for c in leaves if c.code not in NOT_APPLICABLE)
    assert applicable == D("65.5")  # the appraisal part (70) without the three N/A items (4,5)
    for crit in leaves:
        na = crit.code in NOT_APPLICABLE
        points = None if na else LOWER.get(crit.code, crit.max_points)
        for stage in ("self", "round1"):
            db.session.add(ScoreEntry(assessment_id=assessment.id, criterion_id=crit.id, stage=stage, inputs={},
                                      points=points, not_applicable=na, updated_at=now - timedelta(days=2)))
    for code, count in (("B1", 1), ("D1", 1)):
        crit = next(c for c in criteria if c.code == code)
        db.session.add(ScoreEntry(assessment_id=assessment.id, criterion_id=crit.id, stage="self",
                                  inputs={"count": count}, updated_at=now - timedelta(days=2)))
    make_user("admin", username="qt")
    make_user("council_chair", username="chutich")
    db.session.commit()
    return year.id, unit.id


def test_worked_example_90_16_through_the_whole_stack(app, ctx, auth):
    year_id, unit_id = build()
    admin, chair, visitor = app.test_client(), app.test_client(), app.test_client()
    auth.login("qt", client=admin)
    auth.login("chutich", client=chair)

    csv = "Mã đơn vị;Mã mục;Điểm\n" + "".join(f"SKHCN;{code};{points}\n" for code, points in SURVEY.items())
    preview = admin.post(f"/results/{year_id}/survey/preview",
                         data={"file": (io.BytesIO(csv.encode("utf-8")), "dieu-tra-2022.csv")},
                         content_type="multipart/form-data")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Xác nhận lưu" in html and "8 điểm của 1 đơn vị" in html
    assert db.session.scalar(select(db.func.count(SurveyScore.id))) == 0  # nothing saved by a preview
    token = html.split('name="token" type="hidden" value="')[1].split('"')[0]
    confirmed = admin.post(f"/results/{year_id}/survey/confirm", data={"token": token})
    assert confirmed.status_code == 303
    assert sum(db.session.scalars(select(SurveyScore.points))) == D("25.4")

    assert admin.post(f"/results/{year_id}/compute").status_code == 303
    row = db.session.scalar(select(UnitResult).where(UnitResult.unit_id == unit_id))
    assert (row.appraisal_points, row.survey_points, row.bonus, row.deductions, row.applicable_max) == (
        D("60.2"), D("25.4"), D("1"), D("0.5"), D("95.5"))
    assert (row.index, row.band, row.rank) == (D("90.16"), "xuat_sac", 1)

    assert admin.post(f"/admin/year/{year_id}/phase", data={"target": "approval"}).status_code == 303
    decided = chair.post(f"/results/{year_id}/approve", data={
        "decision_number": "456/QĐ-UBND", "decision_date": "28/03/2023"})
    assert decided.status_code == 303
    assert db.session.scalar(select(Approval)).snapshot["types"][0]["units"][0]["index"] == "90.16"
    assert visitor.get("/cong-bo/2022").status_code == 404  # approved, not yet published

    assert admin.post(f"/results/{year_id}/publish").status_code == 303
    page = visitor.get("/cong-bo/2022")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "456/QĐ-UBND" in html
    row_html = html[html.index('id="rank-department-SKHCN"'):]
    row_html = row_html[:row_html.index("</tr>")]
    assert "90,16" in row_html and "Xuất sắc" in row_html and "60,2" in row_html and "25,4" in row_html
    assert "+1 / −0,5" in row_html
    unit_page = visitor.get("/cong-bo/2022/SKHCN").get_data(as_text=True)
    assert "90,16%" in unit_page and "95,5" in unit_page
