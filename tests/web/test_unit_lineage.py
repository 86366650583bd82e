"""Unit lineage across a reorganisation, on two years: 2022 published (the golden scores), then 2025 with
a unit merged from two 2022 departments, a unit renamed from one, and a unit merged from a 2022
department and one outside this portal (a department of the former Kiên Giang).

A renamed unit compares with its predecessor; a merged one shows "không so sánh được" and its
predecessors' published results side by side, never a change or an average (GA 97,22 and GB 70,00 would
average 83,61: that figure must appear nowhere). The public pages of 2022 do not move."""
import io
import re
from datetime import date

import openpyxl
import pypdf
import pytest
from sqlalchemy import select

from portal.audit.models import AuditLog
from portal.extensions import db
from portal.reports import documents
from portal.results.document import results_document
from portal.units.lineage import add_predecessor
from portal.units.models import Unit, UnitLineage
from tests.factories import make_user
from tests.web.results_setup import approve_and_publish, build_world, compute, golden_world

FULL = {"1.1": 2, "1.2": 2, "1.3": 2, "2.1.1": 2, "2.1.2": 2, "2.2": 1}
HALF = {"1.1": 1, "1.2": 1, "1.3": 1, "2.1.1": 1, "2.1.2": 1, "2.2": 1}   # (6 + 5) / 20 = 55,00
AVERAGE = "83,61"   # (97,22 + 70,00) / 2: the figure the portal must never make up
BASIS = ("45/2025/NĐ-CP", date(2025, 2, 28))
OUTSIDE = "Sở Kế hoạch và Đầu tư tỉnh Kiên Giang"


def row_of(html: str, marker: str) -> str:
    start = html.index(marker)
    return html[start:html.index("</tr>", start)]


def _public_2022(app) -> dict[str, str]:
    client = app.test_client()
    pages = {url: client.get(url).get_data(as_text=True) for url in ("/cong-bo/2022", "/cong-bo/2022/GA")}
    # the page's content (the footer names the active year, which 2025 becomes)
    return {url: html[html.index('<main id="main"'):html.index("</main>")] for url, html in pages.items()}


@pytest.fixture
def years(app, ctx):
    earlier = golden_world(year=2022)
    compute(earlier)
    approve_and_publish(earlier, number="123/QĐ-UBND")
    before = _public_2022(app)
    later = build_world(year=2025, units=(("NM", "Sở Hợp Nhất"), ("NR", "Sở Đổi Tên"), ("NK", "Sở Liên Tỉnh"),
                                          ("H1", "UBND huyện Một"), ("H2", "UBND huyện Hai")),
                        existing_units={"H1": earlier.units["H1"], "H2": earlier.units["H2"]}, with_accounts=False)
    later.users = earlier.users
    for code in ("NM", "NR", "NK"):
        make_user("unit_staff", db.session.get(Unit, later.units[code]), username=f"{code.lower()}.canbo")
    for code, scores, survey in (("NM", FULL, (6, 4)), ("NR", HALF, (3, 2)), ("NK", FULL, (3, 2)),
                                 ("H1", FULL, (6, 4)), ("H2", HALF, (3, 2))):
        later.scores(code, scores)
        later.survey(code, {"3.1": survey[0], "3.2": survey[1]})
    year, admin = later.year(), later.user("qt")
    unit = lambda world, code: db.session.get(Unit, world.units[code])
    for code in ("GA", "GB"):
        add_predecessor(year, unit(later, "NM"), kind="merged", predecessor=unit(earlier, code),
                        decision_number=BASIS[0], decision_date=BASIS[1], actor=admin)
    add_predecessor(year, unit(later, "NK"), kind="merged", predecessor=unit(earlier, "GD"), actor=admin)
    db.session.commit()
    return earlier, later, before


def _post_lineage(client, later, unit_code, **data):
    url = f"/admin/year/{later.year_id}/lineage/{later.units[unit_code]}"
    form = {"kind": "", "predecessor_id": "0", "outside_code": "", "outside_name": "", "decision_number": "",
            "decision_date": ""}
    return client.post(url, data=dict(form, **data))


def _record_by_the_page(auth, earlier, later):
    admin = auth.login("qt")
    rename = _post_lineage(admin, later, "NR", kind="renamed", predecessor_id=str(earlier.units["GC"]),
                           decision_number="12/NQ-HĐND", decision_date="01/07/2025")
    assert rename.status_code == 303
    outside = _post_lineage(admin, later, "NK", kind="outside", outside_code="KG-SKHDT", outside_name=OUTSIDE)
    assert outside.status_code == 303
    return admin


def test_the_admin_page_records_predecessors_audited_and_refuses_what_the_rules_refuse(years, auth):
    earlier, later, _before = years
    admin = _record_by_the_page(auth, earlier, later)
    page = admin.get(f"/admin/year/{later.year_id}/lineage/{later.units['NK']}").get_data(as_text=True)
    assert "Sở Đen-ta" in page and OUTSIDE in page and "KG-SKHDT" in page
    actions = db.session.scalars(select(AuditLog.action).where(AuditLog.year_id == later.year_id)).all()
    assert actions.count("lineage_add") == 5
    # a renamed unit has one predecessor only: the page says what to do and writes nothing
    refused = _post_lineage(admin, later, "NR", kind="renamed", predecessor_id=str(earlier.units["GE"]))
    assert refused.status_code == 409 and "Hợp nhất" in refused.get_data(as_text=True)
    neither = _post_lineage(admin, later, "NR", kind="merged")
    assert neither.status_code == 409 and "ngoài cổng" in neither.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(UnitLineage.id))
                             .where(UnitLineage.unit_id == later.units["NR"])) == 1
    row_id = db.session.scalar(select(UnitLineage.id).where(UnitLineage.unit_id == later.units["NR"]))
    removed = admin.post(f"/admin/year/{later.year_id}/lineage/{later.units['NR']}/{row_id}/remove", data={})
    db.session.expire_all()
    assert removed.status_code == 303 and db.session.get(UnitLineage, row_id) is None
    assert "lineage_remove" in db.session.scalars(select(AuditLog.action)).all()
    assert auth.login("nm.canbo").get(f"/admin/year/{later.year_id}/lineage/{later.units['NM']}").status_code == 403
    assert admin.post(f"/admin/year/{later.year_id}/lineage/{later.units['NR']}", data={"kind": "renamed"},
                      ).status_code in (400, 422)


def test_lineage_on_the_results_page_the_public_page_and_the_unit_s_own_page(app, years, auth):
    earlier, later, before = years
    _record_by_the_page(auth, earlier, later)
    compute(later)
    html = auth.login("qt").get(f"/results/{later.year_id}").get_data(as_text=True)
    merged = row_of(html, 'id="rank-department-NM"')
    assert "Không so sánh được" in merged and "Sở Alpha 97,22%" in merged and "Sở Bê-ta 70,00%" in merged
    assert "▲" not in merged and "▼" not in merged and AVERAGE not in html
    renamed = row_of(html, 'id="rank-department-NR"')
    assert "▼ -20,00" in renamed and "so với Sở Gam-ma (tên cũ)" in renamed   # 55,00 against GC's 75,00
    outside = row_of(html, 'id="rank-department-NK"')
    assert "Không so sánh được" in outside and "Sở Đen-ta 75,00%" in outside and OUTSIDE in outside

    approve_and_publish(later)
    public = app.test_client()
    page = public.get("/cong-bo/2025/NM").get_data(as_text=True)
    block = page[page.index('id="lineage-NM"'):]
    assert "Không so sánh được" in block and "45/2025/NĐ-CP" in block and "28/02/2025" in block
    assert "Chỉ số năm 2022" in block
    assert re.search(r"Sở Alpha</th><td>GA</td><td>Hợp nhất</td>\s*<td class=\"num\">97,22</td>", block)
    assert re.search(r"Sở Bê-ta</th><td>GB</td><td>Hợp nhất</td>\s*<td class=\"num\">70,00</td>", block)
    assert AVERAGE not in page
    kg = public.get("/cong-bo/2025/NK").get_data(as_text=True)
    assert OUTSIDE in kg and "Ngoài cổng này" in kg and "KG-SKHDT" in kg
    renamed_page = public.get("/cong-bo/2025/NR").get_data(as_text=True)
    assert "Đơn vị đổi tên" in renamed_page and "▼ -20,00" in renamed_page
    mine = auth.login("nm.canbo").get("/results/mine").get_data(as_text=True)
    assert 'id="lineage-NM"' in mine and "97,22" in mine and "70,00" in mine and AVERAGE not in mine
    assert _public_2022(app) == before   # 2022's public pages are unchanged by the 2025 data


def test_rankings_xlsx_and_synthesis_report_carry_the_predecessors(years, auth):
    earlier, later, _before = years
    _record_by_the_page(auth, earlier, later)
    compute(later)
    response = auth.login("qt").get(f"/reports/{later.year_id}/rankings.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)
    sheet = book[book.sheetnames[1]]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-1] == "Mã đơn vị tiền thân"
    predecessors = {row[2]: row[-1] for row in rows[1:]}
    assert predecessors == {"NM": "GA, GB", "NR": "GC", "NK": "GD, KG-SKHDT"}
    report = documents.synthesis_report(later.year(), results_document(later.year()), today=date(2026, 3, 1))
    text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(report.pdf)).pages).split())
    assert "ĐƠN VỊ HÌNH THÀNH TỪ SẮP XẾP TỔ CHỨC" in text
    assert "Sở Hợp Nhất: hợp nhất từ Sở Alpha (năm 2022: 97,22%, hạng 1); Sở Bê-ta (năm 2022: 70,00%, hạng 5)" in text
    assert OUTSIDE + " (ngoài cổng)" in text and AVERAGE not in text
    assert "Sở Đổi Tên: " not in text   # a renamed unit is compared, not listed


def test_results_page_filters_by_type_and_by_a_search_without_diacritics(app, years, auth):
    _earlier, later, _before = years
    compute(later)
    admin = auth.login("qt")
    url = f"/results/{later.year_id}"
    whole = admin.get(url).get_data(as_text=True)
    assert 'id="ranking-department"' in whole and 'id="ranking-district"' in whole and 'name="q"' in whole
    districts = admin.get(url + "?loai=district").get_data(as_text=True)
    assert 'id="ranking-department"' not in districts and 'id="ranking-district"' in districts
    found = admin.get(url + "?q=hop+nhat").get_data(as_text=True)      # "Sở Hợp Nhất" typed without diacritics
    assert re.findall(r'id="rank-department-(\w+)"', found) == ["NM"]
    assert "rank-district-" not in found and "(1 đơn vị khớp tìm kiếm)" in found
    fragment = admin.get(url + "?q=huyen+mot", headers={"HX-Request": "true", "HX-Target": "results-panel"})
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in body and body.lstrip().startswith('<section id="results-panel"')
    assert re.findall(r'id="rank-district-(\w+)"', body) == ["H1"] and "rank-department-" not in body
    approve_and_publish(later)
    public = app.test_client()
    found = public.get("/cong-bo/2025?q=doi+ten").get_data(as_text=True)
    assert re.findall(r'id="rank-department-(\w+)"', found) == ["NR"] and "rank-district-" not in found
    only = public.get("/cong-bo/2025?loai=district").get_data(as_text=True)
    assert "rank-department-" not in only and re.findall(r'id="rank-district-(\w+)"', only) == ["H1", "H2"]
