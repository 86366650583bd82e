"""The commune year's documents (issue 14): `flask seed-demo --year 2025 --phase synthesis`, then compute,
approve and publish through the results services, gives every year-wide report for the 117 units (15
departments, 102 communes) and the per-unit reports; the synthesis report's commune tables repeat their
header row on every page they span (text read page by page with pypdf); the annex names the communes; the
survey page and the reports page filter their unit lists by type and by a search without diacritics.
Seeded once for the module (about 10 s); the ZIP of all 117 appraisal notices is timed by
bench/bench_communes.py, not here."""
import io
import re
from datetime import date

import pypdf
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from portal.assessments.models import Assessment
from portal.auth.models import User
from portal.db import utcnow
from portal.extensions import db
from portal.units.models import Unit
from portal.years.models import AssessmentYear

PASSWORD = "demo-cchc-2022"
RANKING_HEADER = ("Xếp hạng", "Điểm thẩm định", "Chỉ số (%)", "Xếp loại")

# No per-test emptying of the tables (keep_tables): the module seeds once and only reads.
pytestmark = pytest.mark.keep_tables


@pytest.fixture(scope="module")
def published(app, auth):
    from portal.results.approval import approve, publish
    from portal.results.services import compute_results
    from tests.conftest import _empty_tables
    with app.app_context():
        _empty_tables()
        db.session.remove()
    result = app.test_cli_runner().invoke(args=["seed-demo", "--year", "2025", "--phase", "synthesis"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        year = db.session.scalar(select(AssessmentYear).where(AssessmentYear.year == 2025))
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        compute_results(year, user=admin, now=utcnow())
        year.phase = "approval"
        db.session.flush()
        approve(year, decision_number="88/QĐ-UBND", decision_date=date(2026, 2, 10), user=admin, now=utcnow())
        publish(year, user=admin, now=utcnow())
        db.session.commit()
        rows = db.session.execute(select(Unit.code, Unit.id, Assessment.unit_type).join(
            Assessment, Assessment.unit_id == Unit.id).where(Assessment.year_id == year.id)).all()
        info = {"year": year.id, "phase": year.phase, "units": {c: (i, t) for c, i, t in rows}}
        db.session.remove()
    client = auth.login("admin", PASSWORD)
    info["client"] = client
    yield info
    with app.app_context():
        _empty_tables()
        db.session.remove()


def _pdf(response) -> pypdf.PdfReader:
    assert response.status_code == 200, response.status_code
    assert response.data[:5] == b"%PDF-"
    return pypdf.PdfReader(io.BytesIO(response.data))


def _pages(reader) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def _synthesis(published) -> list[str]:
    """The synthesis report's pages as text (rendered once for the module)."""
    if "synthesis" not in published:
        response = published["client"].get(f"/reports/{published['year']}/synthesis.pdf")
        published["synthesis"] = _pages(_pdf(response))
    return published["synthesis"]


def test_the_published_year_has_117_units(published):
    assert published["phase"] == "published"
    kinds = [t for _i, t in published["units"].values()]
    assert len(kinds) == 117 and kinds.count("commune") == 102


def test_every_year_wide_report_of_the_commune_year(published):
    client, year_id = published["client"], published["year"]
    assert "của 117 đơn vị" in _synthesis(published)[0]
    annex = _pages(_pdf(client.get(f"/reports/{year_id}/annex.pdf")))
    assert "CỦA CÁC SỞ, BAN, NGÀNH TỈNH VÀ UBND CÁC XÃ, PHƯỜNG, ĐẶC KHU" in annex[0]
    assert "Phường Bình Đức" in " ".join(annex) and "88/QĐ-UBND" in annex[0]
    council = _pages(_pdf(client.get(f"/reports/{year_id}/council.pdf")))
    assert "Đặc khu Phú Quốc" in " ".join(council)
    rankings = client.get(f"/reports/{year_id}/rankings.xlsx")
    book = load_workbook(io.BytesIO(rankings.data))
    codes = {str(row[2]) for sheet in book.worksheets[1:] for row in sheet.iter_rows(min_row=2, values_only=True)
             if row and row[2]}
    assert set(published["units"]) <= codes
    scores = client.get(f"/reports/{year_id}/scores.xlsx")
    assert scores.status_code == 200 and scores.data[:2] == b"PK"


@pytest.mark.parametrize("code", ["SNV", "30292", "31108", "30346"])
def test_per_unit_reports_of_a_department_a_ward_and_the_special_zones(published, code):
    client, year_id = published["client"], published["year"]
    unit_id, _kind = published["units"][code]
    for kind in ("self", "appraisal"):
        text = " ".join(_pages(_pdf(client.get(f"/reports/{year_id}/units/{unit_id}/{kind}.pdf"))))
        assert "2025" in text


def _span(pages: list[str], start: str, end: str, names: list[str]) -> list[int]:
    """The pages between the heading `start` and the heading `end` that show one of `names`."""
    first = next(i for i, p in enumerate(pages) if start in p)
    last = next(i for i, p in enumerate(pages) if end in p and i >= first)
    return [i for i in range(first, last + 1) if any(n in pages[i] for n in names)]


def test_synthesis_commune_tables_repeat_their_header_on_every_page(app, published):
    year_id = published["year"]
    pages = _synthesis(published)
    with app.app_context():
        names = [u.name_in(year_id) for u in db.session.scalars(select(Unit).join(
            Assessment, Assessment.unit_id == Unit.id).where(Assessment.year_id == year_id,
                                                             Assessment.unit_type == "commune"))]
    ranking = _span(pages, "2. UBND các xã, phường, đặc khu", "II. CHỈ SỐ THÀNH PHẦN", names)
    assert len(ranking) >= 2, ranking                     # the 102 communes run over several pages
    for i in ranking:
        assert all(h in pages[i] for h in RANKING_HEADER), (i + 1, pages[i][:300])
    start = next(i for i, p in enumerate(pages) if "II. CHỈ SỐ THÀNH PHẦN" in p)
    fields = _span(pages[start:], "2. UBND các xã, phường, đặc khu", "III. PHÂN LOẠI", names)
    assert len(fields) >= 2, fields
    for i in fields:
        assert re.search(r"Hạng Đơn vị LV1 LV2", pages[start + i]), (start + i + 1, pages[start + i][:300])


def test_survey_page_filters_its_unit_lists(published):
    client, year_id = published["client"], published["year"]
    html = client.get(f"/results/{year_id}/survey?type=commune").get_data(as_text=True)
    assert "102/117 đơn vị khớp bộ lọc" in html
    assert html.count('id="survey-unit-') == 102
    found = client.get(f"/results/{year_id}/survey?q=binh+duc",
                       headers={"HX-Request": "true", "HX-Target": "survey-lists"})
    text = found.get_data(as_text=True)
    assert text.lstrip().startswith('<div id="survey-lists"') and "Phường Bình Đức" in text
    assert 0 < text.count('id="survey-unit-') < 10
    template = load_workbook(io.BytesIO(client.get(f"/results/{year_id}/survey/template.xlsx").data)).active
    kinds = {row[6] for row in template.iter_rows(min_row=2, values_only=True)}
    assert kinds == {"Sở, ban, ngành", "UBND cấp xã"} and template["G1"].value == "Loại đơn vị"


def test_reports_page_pages_and_filters_the_unit_list(published):
    client, year_id = published["client"], published["year"]
    html = client.get(f"/reports/{year_id}").get_data(as_text=True)
    assert "Trang 1/3: đơn vị 1–50 của 117" in html
    communes = client.get(f"/reports/{year_id}?type=commune&page=3").get_data(as_text=True)
    assert "Trang 3/3: đơn vị 101–102 của 102" in communes
    found = client.get(f"/reports/{year_id}?q=my+thoi", headers={"HX-Request": "true",
                                                                "HX-Target": "unit-report-list"})
    text = found.get_data(as_text=True)
    assert text.lstrip().startswith('<div id="unit-report-list"') and "Phường Mỹ Thới" in text
    assert "export-panel" not in text
