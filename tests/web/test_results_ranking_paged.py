"""The ranking page in pages (a national year draws 2,000 units): every unit appears once across the pages,
in the order and with the rank of the whole results document; the reward lines and counts are the whole
type's on every page; the pager's links keep the filters, work without JavaScript and, with htmx, swap the
results panel alone. A year that fits one page shows no pager (a province's year)."""
import re

import pytest
from sqlalchemy import select

from bench.world import build_year
from portal.db import utcnow
from portal.extensions import db
from portal.results.views import results as views
from portal.results.document import results_document
from portal.years.models import AssessmentYear
from tests.conftest import _empty_tables
from tests.factories import _HASH

ROW = re.compile(r'<tr id="rank-(\w+)-(\w+)"[^>]*>\s*<td class="num rank">(\d+|—)')


@pytest.fixture
def year_of_nine(app, ctx, auth):
    _empty_tables()
    world = build_year(now=utcnow(), units=9, items=12, password_hash=_HASH)
    db.session.commit()
    return world, auth.login("admin")


def _rows(html: str) -> list[tuple[str, str, str]]:
    return ROW.findall(html)


def _expected(year_id: int) -> list[tuple[str, str, str]]:
    doc = results_document(db.session.get(AssessmentYear, year_id))
    return [(t["unit_type"], u["code"], str(u["rank"]) if u["rank"] else "—") for t in doc["types"] for u in t["units"]]


def test_pages_together_are_the_whole_ranking(year_of_nine, monkeypatch):
    world, client = year_of_nine
    monkeypatch.setattr(views, "RANK_ROWS", 4)
    url = f"/results/{world.year_id}"
    seen = []
    for page in (1, 2, 3):
        html = client.get(f"{url}?trang={page}").get_data(as_text=True)
        assert 'aria-label="Trang của bảng xếp hạng"' in html
        assert f"Trang {page}/3" in html
        seen += _rows(html)
    expected = _expected(world.year_id)
    assert len(expected) == 9 and seen == expected
    # a page past the end shows the last one; a page before the first shows the first
    assert _rows(client.get(f"{url}?trang=99").get_data(as_text=True)) == expected[8:]
    assert _rows(client.get(f"{url}?trang=0").get_data(as_text=True)) == expected[:4]


def test_reward_lines_are_the_whole_types_on_every_page(year_of_nine, monkeypatch):
    world, client = year_of_nine
    monkeypatch.setattr(views, "RANK_ROWS", 4)
    doc = results_document(db.session.get(AssessmentYear, world.year_id))
    last = doc["types"][-1]
    top = [u["name"] for u in last["units"] if u["reward"]]
    assert top
    html = client.get(f"/results/{world.year_id}?trang=3").get_data(as_text=True)
    reward_line = html[html.index('<p class="rewards">'):]
    reward_line = reward_line[:reward_line.index("</p>")]
    assert all(name in reward_line for name in top)


def test_pager_links_keep_filters_and_swap_the_panel(year_of_nine, monkeypatch):
    world, client = year_of_nine
    monkeypatch.setattr(views, "RANK_ROWS", 2)
    url = f"/results/{world.year_id}"
    html = client.get(f"{url}?loai=department&q=thu").get_data(as_text=True)
    links = re.findall(r'<a href="([^"]+)" hx-get="([^"]+)" hx-target="#results-panel"', html)
    assert links and all(href == hx for href, hx in links)
    assert all("loai=department" in href and "q=thu" in href and "trang=" in href for href, _ in links)
    departments = [r for r in _expected(world.year_id) if r[0] == "department"]
    assert f"({len(departments)} đơn vị khớp tìm kiếm)" in html
    seen = []
    for page in range(1, -(-len(departments) // 2) + 1):
        fragment = client.get(f"{url}?loai=department&q=thu&trang={page}", headers={
            "HX-Request": "true", "HX-Target": "results-panel"}).get_data(as_text=True)
        assert fragment.lstrip().startswith('<section id="results-panel"') and "<html" not in fragment
        seen += _rows(fragment)
    assert seen == departments


def test_a_year_that_fits_one_page_has_no_pager(year_of_nine):
    world, client = year_of_nine
    html = client.get(f"/results/{world.year_id}").get_data(as_text=True)
    assert _rows(html) == _expected(world.year_id)
    assert "Trang của bảng xếp hạng" not in html
    assert views.RANK_ROWS >= 50


def test_the_ranking_reads_what_the_full_document_reads(year_of_nine):
    """The ranking's light read (plain columns, no JSON documents) gives every figure of the full read."""
    world, _client = year_of_nine
    year = db.session.get(AssessmentYear, world.year_id)
    full, light = results_document(year), results_document(year, ranking_only=True)
    assert full["computed_at"] == light["computed_at"]
    for whole, ranked in zip(full["types"], light["types"], strict=True):
        assert {k: v for k, v in whole.items() if k != "units"} == {k: v for k, v in ranked.items() if k != "units"}
        for a, b in zip(whole["units"], ranked["units"], strict=True):
            assert {k: v for k, v in a.items() if k not in ("fields", "gaps")} == \
                   {k: v for k, v in b.items() if k not in ("fields", "gaps")}
    assert db.session.scalar(select(AssessmentYear.id)) == world.year_id


def test_a_chart_of_a_type_spanning_pages_says_which_units_it_draws(year_of_nine, monkeypatch):
    world, client = year_of_nine
    monkeypatch.setattr(views, "RANK_ROWS", 4)
    expected = _expected(world.year_id)
    first_type = [r for r in expected if r[0] == expected[0][0]]
    assert len(first_type) > 4
    html = client.get(f"/results/{world.year_id}").get_data(as_text=True)
    assert f"Biểu đồ vẽ các đơn vị ở trang này của bảng: thứ 1–4 trong {len(first_type)} đơn vị." in html
    html = client.get(f"/results/{world.year_id}?trang=2").get_data(as_text=True)
    assert f"thứ 5–{len(first_type)} trong {len(first_type)} đơn vị." in html
    # a type drawn whole says nothing more
    whole = client.get(f"/results/{world.year_id}?loai={expected[-1][0]}").get_data(as_text=True)
    assert "Biểu đồ vẽ các đơn vị ở trang này" not in whole
