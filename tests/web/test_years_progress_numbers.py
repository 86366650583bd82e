"""The progress board in numbers (issue 16): per unit the items self-scored out of the items it scores,
the scored items without evidence and a link to the unit's file; a filter by the file's status (with the
unit-type filter) and pages of 100 rows — each as a whole page and as the htmx fragment."""
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

import portal.years.progress_numbers as progress_numbers
from portal.assessments.domain import UNIT_METHODS
from portal.assessments.models import Assessment, ScoreEntry
from portal.criteria.models import Criterion
from portal.evidence.models import EvidenceDocument, ItemEvidence
from portal.extensions import db
from tests.web.assess_setup import build, set_status


@pytest.fixture
def s(ctx):
    setup = build()
    a = db.session.get(Assessment, setup.a_id)
    for code, points, na in (("1.2", Decimal("1"), False), ("1.1.1", Decimal("1"), False), ("1.3.1", None, True),
                             ("1.4.1", Decimal("0"), False)):
        db.session.add(ScoreEntry(assessment_id=a.id, criterion_id=setup.crit(code).id, stage="self", inputs={},
                                  points=points, not_applicable=na))
    document = EvidenceDocument(unit_id=setup.unit_a, year_id=setup.year_id, symbol="12/KH-STP", summary="Kế hoạch")
    db.session.add(document)
    db.session.flush()
    db.session.add(ItemEvidence(assessment_id=a.id, criterion_id=setup.crit("1.1.1").id, document_id=document.id))
    set_status(a, "submitted")
    db.session.commit()
    return setup


def _rows(html):
    return dict(re.findall(r'<tr id="progress-unit-(\d+)"[^>]*>(.*?)</tr>', html, re.S))


def _items(s):
    return db.session.scalar(select(func.count()).select_from(Criterion).where(
        Criterion.set_id == s.set_id, Criterion.kind == "item", Criterion.method.in_(UNIT_METHODS)))


@pytest.mark.parametrize("htmx", [False, True])
def test_each_unit_shows_scored_items_evidence_missing_and_its_file(s, htmx, auth):
    admin = auth.sign_in("admin1")
    html = admin.get("/admin/year/progress", htmx=htmx, headers={"HX-Target": "progress"} if htmx else {}
                     ).get_data(as_text=True)
    assert ("<html" in html) is not htmx
    rows = _rows(html)
    total = _items(s)
    a, b = rows[str(s.unit_a)], rows[str(s.unit_b)]
    # A: 1.2, 1.1.1, 1.4.1 (zero) and 1.3.1 (N/A) scored; 1.2 scored above zero with no evidence
    numbers = re.findall(r'<td class="num">([^<]*)</td>', a)
    assert numbers == [f"4/{total}", "1"] and total > 40
    assert re.findall(r'<td class="num">([^<]*)</td>', b) == [f"0/{total}", "0"]
    assert f'href="/assessment/{s.a_id}"' in a and f'href="/assessment/{s.b_id}"' in b
    assert "Đã chốt" in a                                   # submitted at: the self-assessment cell's time


@pytest.mark.parametrize("htmx", [False, True])
def test_the_status_filter(s, htmx, auth):
    admin = auth.sign_in("admin1")
    headers = {"HX-Target": "progress"} if htmx else {}
    submitted = _rows(admin.get("/admin/year/progress?status=submitted", htmx=htmx, headers=headers).get_data(as_text=True))
    assert set(submitted) == {str(s.unit_a)}
    draft = _rows(admin.get("/admin/year/progress?status=draft", htmx=htmx, headers=headers).get_data(as_text=True))
    assert str(s.unit_b) in draft and str(s.unit_a) not in draft
    every = _rows(admin.get("/admin/year/progress?status=nonsense", htmx=htmx, headers=headers).get_data(as_text=True))
    assert {str(s.unit_a), str(s.unit_b)} <= set(every)     # an unknown status: no filter
    page = admin.get("/admin/year/progress?status=submitted").get_data(as_text=True)
    assert '<option value="submitted" selected>Đã chốt điểm tự chấm</option>' in page


def test_pages_of_rows_with_the_filters_kept(s, monkeypatch, auth):
    monkeypatch.setattr(progress_numbers, "PAGE_SIZE", 1)
    admin = auth.sign_in("admin1")
    seen = []
    first = admin.get("/admin/year/progress?type=department").get_data(as_text=True)
    pages = int(re.search(r"Trang 1/(\d+)", first).group(1))
    assert pages >= 2 and 'href="/admin/year/' in first
    for n in range(1, pages + 1):
        html = admin.get(f"/admin/year/progress?type=department&page={n}").get_data(as_text=True)
        seen += list(_rows(html))
        assert len(_rows(html)) == 1
    assert len(seen) == len(set(seen)) == pages
    assert len(_rows(admin.get("/admin/year/progress?page=99").get_data(as_text=True))) == 1   # clamped
