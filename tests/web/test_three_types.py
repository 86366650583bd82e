"""A year with three unit types runs the whole cycle, every output grouped by the three types in their order.

Departments, communes and a third type named here ("Đơn vị sự nghiệp", code su-nghiep, placed between
the other two), each with its own criteria set and reward rule (communes: top 2 and bottom 2). The work
of self-assessment and both appraisal rounds is filled by portal.demo_fill (the same scoring functions as
the pages); the survey is imported through the pages from the portal's own template; the results are
computed, approved and published through the pages; then every report and spreadsheet is read back.
"""
import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import delete, select

from portal.appraisal.models import CouncilAssignment
from portal.assessments.models import Assessment
from portal.criteria.services import create_set_from_spec
from portal.db import utcnow
from portal.demo_fill import fill_year
from portal.extensions import db
from portal.results.models import SurveyScore, UnitResult
from portal.seed import load_demo_specs
from portal.units.models import UnitName, UnitType
from portal.years.models import AssessmentYear, PhaseWindow
from tests.factories import make_unit, make_user

TYPES = (  # code, name, heading, reward top, bottom
    ("department", "Sở, ban, ngành", "Các sở, ban, ngành tỉnh", 1, 0),
    ("su-nghiep", "Đơn vị sự nghiệp", "Các đơn vị sự nghiệp công lập", 1, 1),
    ("commune", "UBND cấp xã", "UBND các xã, phường, đặc khu", 2, 2),
)
UNITS = {
    "department": (("SA", "Sở Alpha"), ("SB", "Sở Bê-ta"), ("SC", "Sở Gam-ma")),
    "su-nghiep": (("DV1", "Trung tâm Phục vụ hành chính công"), ("DV2", "Trường Cao đẳng An Giang")),
    "commune": (("X1", "UBND xã Mỹ Hòa Hưng"), ("X2", "UBND phường Long Xuyên"), ("X3", "UBND xã Óc Eo"),
                ("X4", "UBND đặc khu Phú Quốc")),
}


@pytest.fixture
def three(ctx):
    now = utcnow()
    year = AssessmentYear(year=2025, title="Chỉ số cải cách hành chính năm 2025", phase="self_assessment",
                          settings={})
    db.session.add(year)
    db.session.flush()
    for position, (code, name, heading, top, bottom) in enumerate(TYPES):
        db.session.add(UnitType(year_id=year.id, code=code, name=name, name_en=name, short_label=name,
                                heading=heading, plural=name, committee=code == "commune", reward_top=top,
                                reward_bottom=bottom, position=position))
    for phase, days in (("self_assessment", 80), ("review_1", 60), ("explanation", 40), ("review_2", 20)):
        db.session.add(PhaseWindow(year_id=year.id, phase=phase, opens_at=now - timedelta(days=days),
                                   closes_at=now - timedelta(days=days - 15)))
    spec = load_demo_specs()[0]
    for code, *_rest in TYPES:
        cset = create_set_from_spec(year, code, spec)
        for unit_code, name in UNITS[code]:
            unit = make_unit(name, code=unit_code, unit_type=code)
            db.session.add(UnitName(unit_id=unit.id, year_id=year.id, name=name))
            db.session.add(Assessment(year_id=year.id, unit_id=unit.id, criteria_set_id=cset.id))
            make_user("unit_staff", unit, username=f"{unit_code.lower()}.canbo")
            make_user("unit_leader", unit, username=f"{unit_code.lower()}.lanhdao")
    admin = make_user("admin", username="qt")
    make_user("council_chair", username="chutich")
    member = make_user("council_member", username="thanhvien")
    for field in ("F1", "F2", "F3", "F4", "F5", "F6", "F7", "ADJ"):
        db.session.add(CouncilAssignment(year_id=year.id, user_id=member.id, field_code=field, unit_type=None))
    db.session.flush()
    fill_year(year, phase="synthesis", now=now, admin=None)
    db.session.execute(delete(SurveyScore).where(SurveyScore.year_id == year.id))  # imported below instead
    db.session.commit()
    return year


def order_in(text: str, words) -> list[int]:
    return [text.index(word) for word in words]


def pdf_text(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)


def test_three_types_run_the_whole_cycle_grouped_in_their_order(app, three, auth):
    year_id = three.id
    admin = auth.login("qt")
    # survey: the template lists every unit with its type's items, types in the year's order
    template = admin.get(f"/results/{year_id}/survey/template.xlsx")
    sheet = load_workbook(io.BytesIO(template.data)).active
    rows = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
    codes = [r[0] for r in rows]
    first = {code: codes.index(code) for code in ("SA", "DV1", "X1")}
    assert first["SA"] < first["DV1"] < first["X1"]
    for row in rows:
        row[5] = row[4] / 2
    sheet.delete_rows(2, sheet.max_row)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    sheet.parent.save(out)
    preview = admin.post(f"/results/{year_id}/survey/preview", content_type="multipart/form-data",
                         data={"file": (io.BytesIO(out.getvalue()), "dieu-tra.xlsx")})
    assert preview.status_code == 200, preview.get_data(as_text=True)[:500]
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', preview.get_data(as_text=True)).group(1)
    assert admin.post(f"/results/{year_id}/survey/confirm", data={"token": token}).status_code == 303
    assert db.session.scalar(select(SurveyScore.id).where(SurveyScore.year_id == year_id).limit(1)) is not None
    # compute, approve, publish through the pages
    assert admin.post(f"/results/{year_id}/compute").status_code == 303
    assert len(list(db.session.scalars(select(UnitResult).where(UnitResult.year_id == year_id)))) == 9
    results = admin.get(f"/results/{year_id}").get_data(as_text=True)
    assert order_in(results, ('id="ranking-department"', 'id="ranking-su-nghiep"', 'id="ranking-commune"')) == \
        sorted(order_in(results, ('id="ranking-department"', 'id="ranking-su-nghiep"', 'id="ranking-commune"')))
    assert "kết quả thấp nhất" in results
    year = db.session.get(AssessmentYear, year_id)
    year.phase = "approval"
    db.session.commit()
    approved = admin.post(f"/results/{year_id}/approve", data={"decision_number": "15/QĐ-UBND",
                                                              "decision_date": utcnow().strftime("%d/%m/%Y")})
    assert approved.status_code == 303, approved.get_data(as_text=True)[:500]
    assert admin.post(f"/results/{year_id}/publish").status_code == 303
    # public page, reports and spreadsheets: the three groups in the year's order
    headings = [heading for _c, _n, heading, _t, _b in TYPES]
    names = [name for _c, name, _h, _t, _b in TYPES]
    public = app.test_client().get("/cong-bo/2025").get_data(as_text=True)
    positions = order_in(public, [f'id="type-{code}"' for code, *_r in TYPES])
    assert positions == sorted(positions)
    for kind in ("synthesis.pdf", "annex.pdf", "council.pdf"):
        text = pdf_text(admin.get(f"/reports/{year_id}/{kind}"))
        positions = order_in(text, headings)
        assert positions == sorted(positions), kind
    synthesis = pdf_text(admin.get(f"/reports/{year_id}/synthesis.pdf"))
    assert "đề xuất khen thưởng 2 đơn vị dẫn đầu" in synthesis
    assert "2 đơn vị có kết quả thấp nhất" in synthesis and "1 đơn vị có kết quả thấp nhất" in synthesis
    rankings = load_workbook(io.BytesIO(admin.get(f"/reports/{year_id}/rankings.xlsx").data))
    assert [ws.title for ws in rankings.worksheets][1:] == names
    scores = load_workbook(io.BytesIO(admin.get(f"/reports/{year_id}/scores.xlsx").data))
    titles = [ws.title for ws in scores.worksheets]
    assert [t for t in titles if t in names] == names
    # the unit's own pages name its type of the year
    staff = auth.login("x1.canbo")
    mine = staff.get("/results/mine", follow_redirects=True).get_data(as_text=True)
    assert "UBND cấp xã" in mine
