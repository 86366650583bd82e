"""A hundred communes at ease (issue 14): the lists that grow with the units — the council's assignments per
unit, the council board and the progress board — on the demo's 2025 (15 departments, 102 communes, in
appraisal round 1) filter by unit type and status, find a unit typed without diacritics, and come in pages;
each filter works as a plain GET and as an htmx fragment. Seeded once for the module."""
import re

import pytest
from sqlalchemy import select

from portal.appraisal.models import AppraisalOverride
from portal.auth.models import User
from portal.db import utcnow
from portal.extensions import db
from portal.units.models import Unit
from portal.years.models import AssessmentYear

PASSWORD = "demo-cchc-2022"

# No per-test emptying (keep_tables): the module seeds once (tests that change data undo it).
pytestmark = pytest.mark.keep_tables


@pytest.fixture(scope="module")
def world(app):
    from portal.seed_2025 import seed_demo_years
    from tests.conftest import _empty_tables
    with app.app_context():
        _empty_tables()
        year = seed_demo_years(now=utcnow(), phase="review_1")["year"]
        db.session.commit()
        units = {u.code: u.id for u in db.session.scalars(select(Unit))}
        info = {"year": year.id, "units": units}
        db.session.remove()
    yield info
    with app.app_context():
        _empty_tables()
        db.session.remove()


@pytest.fixture(scope="module")
def admin(world, auth):
    return auth.login("admin", PASSWORD)


def _rows(html: str, table_class: str) -> list[str]:
    """The body rows of the first table with `table_class` (their text, tags removed)."""
    table = re.search(rf'<table class="[^"]*\b{table_class}\b[^"]*".*?</table>', html, re.S).group(0)
    body = re.search(r"<tbody>(.*?)</tbody>", table, re.S).group(1)
    return [re.sub(r"<[^>]+>", " ", r) for r in re.findall(r"<tr\b.*?</tr>", body, re.S)]


# ----------------------------------------------------------------------------------- assignments page


def test_assignments_per_unit_pages_the_117_units(admin, world):
    html = admin.get("/appraisal/assignments").get_data(as_text=True)
    rows = _rows(html, "unit-assignment")
    assert len(rows) == 40                               # a page of 40 of the 117 units
    assert "Trang 1/3: đơn vị 1–40 của 117" in html
    assert 'class="table-scroll sticky-head"' in html
    last = admin.get("/appraisal/assignments?page=3").get_data(as_text=True)
    assert len(_rows(last, "unit-assignment")) == 37


def test_assignments_filter_by_type_and_search_without_diacritics(admin, world):
    html = admin.get("/appraisal/assignments?type=commune").get_data(as_text=True)
    assert "102 đơn vị" in html and "Trang 1/3: đơn vị 1–40 của 102" in html
    assert all("Xã" in r or "Phường" in r or "Đặc khu" in r for r in _rows(html, "unit-assignment"))
    found = admin.get("/appraisal/assignments?q=binh+duc").get_data(as_text=True)
    names = [r.split("\n")[0] for r in _rows(found, "unit-assignment")]
    assert any("Phường Bình Đức" in r for r in _rows(found, "unit-assignment"))
    assert len(names) < 10
    departments = admin.get("/appraisal/assignments?type=department").get_data(as_text=True)
    assert len(_rows(departments, "unit-assignment")) == 15 and "pager" not in departments.split("unit-assignments")[-1]


def test_assignments_table_as_an_htmx_fragment(admin, world):
    response = admin.get("/appraisal/assignments?type=commune&q=binh+duc",
                         headers={"HX-Request": "true", "HX-Target": "unit-assignments"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers.get("Vary", "")
    assert html.lstrip().startswith('<div id="unit-assignments"') and "<html" not in html
    assert "Phường Bình Đức" in html and "assignment-grid" not in html


def test_reassign_from_a_row_keeps_the_filters_and_shows_in_the_status_filter(app, admin, world):
    with app.app_context():
        member = db.session.scalar(select(User).where(User.username == "tv.stp"))
        member_id = member.id
    unit_id = world["units"]["30292"]
    html = admin.get("/appraisal/assignments?type=commune&q=binh+duc").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    response = admin.post("/appraisal/reassign", data={
        "csrf_token": token, "unit_id": unit_id, "field_code": "F1", "user_id": member_id, "from": "units",
        "type": "commune", "q": "binh duc"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/appraisal/assignments?type=commune&q=binh+duc#unit-assignments")
    try:
        only = admin.get("/appraisal/assignments?status=reassigned").get_data(as_text=True)
        rows = _rows(only, "unit-assignment")
        assert len(rows) == 1 and "Phường Bình Đức" in rows[0] and "STP" in rows[0] and "giao lại" in rows[0]
    finally:
        with app.app_context():
            db.session.execute(AppraisalOverride.__table__.delete().where(AppraisalOverride.unit_id == unit_id))
            db.session.commit()


def test_assignments_conflict_filter_lists_the_members_own_agencies(admin, world):
    html = admin.get("/appraisal/assignments?status=conflict").get_data(as_text=True)
    rows = _rows(html, "unit-assignment")
    assert rows and all("cần giao lại" in r for r in rows)
    assert not any("Xã" in r for r in rows)              # communes have no member of their own


# ------------------------------------------------------------------------------------ council board


def test_council_board_filters_by_type_status_and_search(admin, world):
    whole = admin.get("/appraisal/").get_data(as_text=True)
    assert "Trang 1/2" in whole and len(_rows(whole, "board")) == 100
    communes = admin.get("/appraisal/?type=commune").get_data(as_text=True)
    assert "<strong>102</strong>" in communes
    found = admin.get("/appraisal/?q=binh+duc").get_data(as_text=True)
    rows = _rows(found, "board")
    assert re.search(r"\b\d/117 đơn vị khớp bộ lọc", found)
    assert 0 < len(rows) < 10 and any("Phường Bình Đức" in r for r in rows)
    submitted = admin.get("/appraisal/?status=submitted").get_data(as_text=True)
    drafts = admin.get("/appraisal/?status=draft").get_data(as_text=True)
    n_sub, n_draft = len(_rows(submitted, "board")), len(_rows(drafts, "board"))
    assert n_sub + n_draft >= 100 and 0 < n_sub and 0 < n_draft   # the demo keeps a few files unsubmitted


def test_council_board_fragment_keeps_the_search(admin, world):
    response = admin.get("/appraisal/?type=commune&q=binh+duc",
                         headers={"HX-Request": "true", "HX-Target": "board-table"})
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="board-table"') and "Phường Bình Đức" in html
    assert len(_rows(html, "board")) < 10


# ----------------------------------------------------------------------------------- progress board


def test_progress_board_search_without_diacritics(admin, world):
    year_id = world["year"]
    whole = admin.get(f"/admin/year/{year_id}/progress").get_data(as_text=True)
    assert len(_rows(whole, "progress-board")) == 100
    found = admin.get(f"/admin/year/{year_id}/progress?type=commune&q=binh+duc").get_data(as_text=True)
    rows = _rows(found, "progress-board")
    assert 0 < len(rows) < 10 and any("Phường Bình Đức" in r for r in rows)
    fragment = admin.get(f"/admin/year/{year_id}/progress?q=BINH+DUC",
                         headers={"HX-Request": "true", "HX-Target": "progress"}).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="progress"') and "Phường Bình Đức" in fragment
    assert 'class="table-scroll sticky-head"' in whole


def test_the_year_is_2025(app, world):
    with app.app_context():
        assert db.session.get(AssessmentYear, world["year"]).year == 2025


@pytest.mark.parametrize("url", ["/appraisal/assignments", "/appraisal/", "/appraisal/?q=binh+duc"])
def test_long_lists_answer_in_a_few_queries(app, admin, world, url):
    """117 units, not one query per unit (a unit's name of the year is loaded with the units)."""
    from tests.web.test_perf_queries import queries
    with app.app_context():
        count = queries(admin, "GET", url)
    assert count < 40, count
    print(f"\n[communes] {url}: {count} queries for 117 units")
