"""The heat map (fields × units) of issue 16: a value in every cell, a legend in the cells' own colours, and
the tools that keep a year of 102 communes usable — filters by unit type and band (xếp loại), a search
typed without diacritics, pages of 50 units; the filters work as a whole page and as an htmx fragment."""
import re

import pytest

from portal.results.filtering import filter_document, page_of
from tests.web.results_setup import compute, golden_world

BANDS = ["xuat_sac", "tot", "kha", "trung_binh", "yeu"]


@pytest.fixture
def world(ctx):
    world = golden_world()
    compute(world)
    return world


def _get(auth, url, **headers):
    client = auth.login("chutich")
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    return response


def _rows(html: str) -> dict:
    """{unit name: [cell texts]} of every heat map row of the page."""
    out = {}
    for row in re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", html, re.S):
        name = re.sub(r"<[^>]+>", "", row.split("</th>")[0]).strip()
        out[name] = [re.sub(r"<span class=\"visually-hidden\">.*?</span>|<[^>]+>", "", cell).strip()
                     for cell in re.findall(r"<td class=\"num heat[^\"]*\">(.*?)</td>", row, re.S)]
    return out


def test_every_cell_prints_its_value_and_the_legend_uses_the_cells_colours(world, auth):
    html = _get(auth, f"/results/{world.year_id}/heatmap").get_data(as_text=True)
    rows = _rows(html)
    assert set(rows) == {"Sở Alpha", "Sở Bê-ta", "Sở Gam-ma", "Sở Đen-ta", "Sở Ép-xi-lon", "UBND huyện Một",
                         "UBND huyện Hai"}
    for name, cells in rows.items():
        assert cells and all(re.fullmatch(r"\d{1,3},\d{2}|—", c) for c in cells), (name, cells)
    coloured = set(re.findall(r'<td class="num heat band-(\w+)"', html))
    legend = html[html.index('class="legend heat-legend"'):html.index("</ul>", html.index("heat-legend"))]
    assert coloured and coloured <= set(re.findall(r'swatch heat band-(\w+)', legend)) == set(BANDS)
    assert "Xuất sắc (≥ 90 %)" in legend and "không có số liệu" in legend
    # every coloured cell also names its band for a screen reader
    assert re.search(r'band-xuat_sac">[\d,]+<span class="visually-hidden"> Xuất sắc</span>', html)


def test_filters_by_unit_type_band_and_a_search_without_diacritics(world, auth):
    base = f"/results/{world.year_id}/heatmap"
    districts = _rows(_get(auth, base + "?loai=district").get_data(as_text=True))
    assert set(districts) == {"UBND huyện Một", "UBND huyện Hai"}
    assert set(_rows(_get(auth, base + "?q=ep+xi").get_data(as_text=True))) == {"Sở Ép-xi-lon"}
    assert set(_rows(_get(auth, base + "?q=den").get_data(as_text=True))) == {"Sở Đen-ta"}
    everyone = _get(auth, base).get_data(as_text=True)
    bands = dict(re.findall(r'<th scope="row">.*?>([^<]+)</a>.*?<td class="num heat band-(\w+)"><strong>',
                            everyone, re.S))
    band = bands["Sở Alpha"]
    chosen = _rows(_get(auth, base + f"?xep_loai={band}").get_data(as_text=True))
    assert set(chosen) == {name for name, b in bands.items() if b == band}
    assert set(_rows(_get(auth, base + "?xep_loai=nonsense").get_data(as_text=True))) == set(bands)  # ignored
    empty = _get(auth, base + "?q=zzz").get_data(as_text=True)
    assert "Không có đơn vị nào khớp bộ lọc." in empty and _rows(empty) == {}


def test_the_filtered_region_comes_alone_for_htmx(world, auth):
    url = f"/results/{world.year_id}/heatmap?loai=department&q=alpha"
    response = _get(auth, url, **{"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="heatmap-region">') and "<html" not in html
    assert set(_rows(html)) == {"Sở Alpha"} and "HX-Request" in response.headers.get("Vary", "")


def _communes(n: int) -> dict:
    names = ["Xã Mỹ Hòa Hưng", "Phường Bình Đức", "Xã Định Mỹ"] + [f"Xã Số {i}" for i in range(4, n + 1)]
    return {"bands": [{"key": k} for k in BANDS], "types": [
        {"unit_type": "department", "units": [{"name": "Sở Nội vụ", "code": "SNV", "band": "tot"}]},
        {"unit_type": "commune", "units": [{"name": name, "code": str(30000 + i), "band": BANDS[i % 5]}
                                           for i, name in enumerate(names)]}]}


def test_a_year_of_102_communes_pages_by_50_across_types():
    doc = _communes(102)
    first, pager = page_of(doc, 1, 50)
    assert pager == {"page": 1, "pages": 3, "count": 103, "first": 1, "last": 50}
    assert [len(t["units"]) for t in first["types"]] == [1, 49]
    third, pager = page_of(doc, 3, 50)
    assert [t["unit_type"] for t in third["types"]] == ["commune"] and len(third["types"][0]["units"]) == 3
    assert pager["first"] == 101 and pager["last"] == 103
    assert page_of(doc, 9, 50)[1]["page"] == 3 and page_of(doc, 0, 50)[1]["page"] == 1
    found = filter_document(doc, unit_type="commune", query="my hoa hung")
    assert [u["name"] for t in found["types"] for u in t["units"]] == ["Xã Mỹ Hòa Hưng"]
    weak = filter_document(doc, band="yeu")
    assert {u["band"] for t in weak["types"] for u in t["units"]} == {"yeu"}
    assert sum(len(t["units"]) for t in weak["types"]) == len([i for i in range(102) if i % 5 == 4])
    assert page_of(filter_document(doc, query="khong co"), 1, 50)[1] == {"page": 1, "pages": 1, "count": 0,
                                                                       "first": 0, "last": 0}
