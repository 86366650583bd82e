"""The results screens: ranking tables per unit type with the change against the previous year (two years),
a unit's detail with its field profile, honesty gap and "where your points went", the heat map, inline SVG
charts that need no JavaScript, every htmx endpoint as a whole page and as a fragment, and the settings."""
import re
import xml.etree.ElementTree as ET
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from portal.audit.models import AuditLog
from portal.extensions import db
from portal.units.models import UnitType
from portal.results.services import results_stale
from tests.web.results_setup import approve_and_publish, build_world, compute, golden_scores, golden_world


@pytest.fixture
def world(ctx):
    world = golden_world()
    compute(world)
    return world


def section(html: str, marker: str, end: str = "</table>") -> str:
    start = html.index(marker)
    return html[start:html.index(end, start)]


def row_of(html: str, marker: str) -> str:
    start = html.index(marker)
    return html[start:html.index("</tr>", start)]


def test_ranking_tables_per_unit_type_for_admin_and_chair(world, auth):
    for username in ("qt", "chutich"):
        html = auth.login(username).get(f"/results/{world.year_id}").get_data(as_text=True)
        departments = section(html, 'id="ranking-department"')
        districts = section(html, 'id="ranking-district"')
        assert re.findall(r'id="rank-department-(\w+)"', departments) == ["GA", "GC", "GE", "GD", "GB"]
        assert re.findall(r'id="rank-district-(\w+)"', districts) == ["H2", "H1"]
        assert "So với năm trước" not in departments  # there is no previous year to compare with
        assert "Đồng hạng" in row_of(departments, 'id="rank-department-GC"')
        assert "Đề nghị khen thưởng" in row_of(departments, 'id="rank-department-GB"')  # top 5 of 5
    admin = auth.login("qt").get(f"/results/{world.year_id}").get_data(as_text=True)
    assert "Tính lại kết quả" in admin
    assert "Tính lại kết quả" not in auth.login("chutich").get(f"/results/{world.year_id}").get_data(
        as_text=True)
    member = auth.login("thanhvien").get(f"/results/{world.year_id}").get_data(as_text=True)
    assert 'id="ranking-department"' not in member     # a council member: once published (issue 17)


def two_years():
    """2021 published (golden scores), then 2022 with GA down and GB up."""
    earlier = golden_world(year=2021)
    compute(earlier)
    approve_and_publish(earlier, number="123/QĐ-UBND")
    earlier.set_phase("archived")
    later = build_world(year=2022, existing_units=earlier.units, with_accounts=False)
    later.users = earlier.users
    golden_scores(later)
    later.score("GA", "1.1", 0, stage="round2")  # (5 + 9 + 2 − 0.5) / 18 = 86.11, was 97.22: −11.11
    later.survey("GB", {"3.1": 6, "3.2": 4})     # (8.5 + 10 − 1.5) / 20 = 85.00, was 70.00: +15.00
    db.session.commit()
    compute(later)
    return earlier, later


def test_change_against_the_previous_year(app, ctx, auth):
    earlier, later = two_years()
    html = auth.login("qt").get(f"/results/{later.year_id}").get_data(as_text=True)
    departments = section(html, 'id="ranking-department"')
    assert "So với năm trước" in departments
    assert re.findall(r'id="rank-department-(\w+)"', departments) == ["GA", "GB", "GC", "GE", "GD"]
    ga, gb, gc = (row_of(departments, f'id="rank-department-{c}"') for c in ("GA", "GB", "GC"))
    assert "86,11" in ga and "▼ -11,11" in ga and "bậc" not in ga            # still first
    assert "85,00" in gb and "▲ +15,00" in gb and "(+3 bậc)" in gb            # 5th → 2nd
    assert "= 0,00" in gc and "(-1 bậc)" in gc                                 # 2nd → 3rd
    approve_and_publish(later)
    public = app.test_client().get("/cong-bo/2022").get_data(as_text=True)
    assert "▲ +15,00" in row_of(public, 'id="rank-department-GB"')
    older = app.test_client().get("/cong-bo/2021").get_data(as_text=True)
    assert "97,22" in row_of(older, 'id="rank-department-GA"') and "So với năm trước" not in older
    index = app.test_client().get("/cong-bo/").get_data(as_text=True)
    assert index.index('href="/cong-bo/2022"') < index.index('href="/cong-bo/2021"')
    mine = auth.login("gb.canbo")
    latest = mine.get("/results/mine").get_data(as_text=True)
    assert "85,00%" in latest and "▲ +15,00" in latest
    assert "70,00%" in mine.get(f"/results/mine?year={earlier.year_id}").get_data(as_text=True)


def test_unit_detail_with_field_profile_honesty_gap_and_lost_points(world, auth):
    html = auth.login("chutich").get(f"/results/{world.year_id}/units/{world.units['GA']}").get_data(
        as_text=True)
    assert "Kết quả Chỉ số CCHC năm 2022: Sở Alpha" in html and "97,22%" in html
    profile = section(html, 'id="profile-GA"')
    f1 = row_of(profile, "F1 Công tác chỉ đạo")
    # 3 of 4 → 75,00; self 4, appraised 3, gap +1 shown as an over-claim
    assert "3 / 4" in f1 and "75,00" in f1 and '<td class="num over-claim">+1</td>' in f1
    assert '<td class="num">0</td>' in row_of(profile, "F2 Cải cách")
    assert "9 / 10" in row_of(profile, "F3 Điều tra") and "—" in row_of(profile, "F3 Điều tra")
    gaps = section(html, 'id="gaps-GA"')
    assert re.findall(r'<span class="code">([\d.]+)</span>', gaps) == ["1.3", "3.1", "3.2"]
    assert "+1</strong>" in row_of(gaps, ">1.3<") and "+0,5</strong>" in row_of(gaps, ">3.1<")
    assert "1.2" not in gaps  # not applicable: nothing to win there
    svg = html[html.index("<svg"):html.index("</svg>") + 6]
    assert 'role="img"' in svg and "Chỉ số thành phần theo lĩnh vực — Sở Alpha" in svg


def test_unit_detail_of_a_unit_without_results(world, auth):
    from tests.factories import make_unit
    stranger = make_unit("Sở Ngoài Năm", code="SNN")
    db.session.commit()
    response = auth.login("qt").get(f"/results/{world.year_id}/units/{stranger.id}")
    assert response.status_code == 404 and "Chưa có kết quả của đơn vị này" in response.get_data(as_text=True)


def test_heat_map_units_by_fields(world, auth):
    html = auth.login("chutich").get(f"/results/{world.year_id}/heatmap").get_data(as_text=True)
    table = section(html, 'id="heatmap-department"')
    ga = row_of(table, ">Sở Alpha<")
    cells = re.findall(r'<td class="num heat(?: band-(\w+))?">(?:<strong>)?([^<]*)', ga)
    assert cells == [("kha", "75,00"), ("xuat_sac", "100,00"), ("xuat_sac", "90,00"), ("xuat_sac", "97,22")]
    gb = row_of(table, ">Sở Bê-ta<")
    assert re.findall(r'<td class="num heat(?: band-\w+)?">(?:<strong>)?([^<]*)', gb)[2] == "—"  # no survey
    assert 'id="heatmap-district"' in html and "band-" in html


def test_charts_are_inline_svg_readable_without_javascript(app, world, auth):
    html = auth.login("qt").get(f"/results/{world.year_id}").get_data(as_text=True)
    charts = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(charts) == 2  # index by unit, one chart per unit type
    svg = ET.fromstring(charts[0])
    ns = "{http://www.w3.org/2000/svg}"
    assert svg.find(f"{ns}title").text == "Chỉ số CCHC theo đơn vị — Sở, ban, ngành"
    bars = [[t.text for t in g.findall(f"{ns}text")] for g in svg.findall(f"{ns}g")]
    assert bars[0] == ["Sở Alpha", "97,22"] and bars[-1] == ["Sở Bê-ta", "70,00"]
    assert "style=" not in charts[0] and "<script" not in charts[0]
    css = app.test_client().get("/static/css/results.css").get_data(as_text=True)
    assert "svg.chart .chart-bar.band-xuat_sac" in css and "@media print" in css


def test_overview_htmx_region_whole_and_fragment(world, auth):
    admin = auth.login("qt")
    whole = admin.get(f"/results/{world.year_id}")
    assert "<html" in whole.get_data(as_text=True) and "HX-Request" in whole.headers["Vary"]
    fragment = admin.get(f"/results/{world.year_id}", htmx=True, headers={"HX-Target": "results-panel"})
    body = fragment.get_data(as_text=True)
    assert body.lstrip().startswith('<section id="results-panel"') and "<html" not in body
    assert 'id="ranking-department"' in body and 'id="approval-panel"' not in body


def test_compute_with_and_without_htmx(world, auth):
    admin = auth.login("qt")
    plain = admin.post(f"/results/{world.year_id}/compute")
    assert plain.status_code == 303 and plain.headers["Location"].endswith(f"/results/{world.year_id}")
    assert "Đã tính kết quả cho 7 đơn vị. Không có điểm điều tra XHH: GB." in admin.get(
        plain.headers["Location"]).get_data(as_text=True)
    fragment = admin.post(f"/results/{world.year_id}/compute", htmx=True)
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and body.lstrip().startswith('<section id="results-panel"')
    assert "Đã tính kết quả cho 7 đơn vị." in body and "97,22" in body


def test_compute_refused_as_an_error_fragment_for_htmx(world, auth):
    member = auth.login("thanhvien")
    refused = member.post(f"/results/{world.year_id}/compute", htmx=True)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 403 and body.lstrip().startswith('<section class="error-box"')
    assert "không có quyền" in body


def test_compute_without_csrf_is_refused(world, auth):
    admin = auth.login("qt")
    assert admin.post(f"/results/{world.year_id}/compute", csrf=False).status_code == 400


def test_overview_before_synthesis_shows_no_numbers(world, auth):
    world.set_phase("review_2")
    for username in ("qt", "chutich"):
        response = auth.login(username).get(f"/results/{world.year_id}")
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and 'id="results-hidden"' in html and "97,22" not in html
        assert 'id="ranking-department"' not in html
    assert auth.login("qt").get(f"/results/{world.year_id}/heatmap").status_code == 403


def test_results_index_redirects_to_the_active_year(world, auth):
    response = auth.login("chutich").get("/results/")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/results/{world.year_id}")


def settings_url(world):
    return f"/results/{world.year_id}/settings"


def posted_settings(**changes):
    values = {"band-0-label": "Xuất sắc", "band-0-min": "90", "band-1-label": "Tốt", "band-1-min": "80",
              "band-2-label": "Khá", "band-2-min": "70", "band-3-label": "Trung bình", "band-3-min": "50",
              "band-4-label": "Yếu", "reward-department": "5", "reward-district": "3",
              "bottom-department": "0", "bottom-district": "0",
              "tie_breakers": "appraisal_survey", "no_survey_policy": "rescale"}
    values.update(changes)
    return values


def test_settings_are_saved_audited_and_mark_the_results_out_of_date(world, auth):
    admin = auth.login("qt")
    page = admin.get(settings_url(world)).get_data(as_text=True)
    assert 'name="band-0-min" value="90"' in page and 'value="rescale" checked' in page
    saved = admin.post(settings_url(world), data=posted_settings(**{"band-2-min": "75,5", "reward-department": "2"}))
    assert saved.status_code == 303
    settings = world.year().settings
    assert settings["bands"][2]["min_pct"] == "75.5" and "reward_top" not in settings
    rewards = {t.code: (t.reward_top, t.reward_bottom) for t in db.session.scalars(
        select(UnitType).where(UnitType.year_id == world.year_id))}
    assert rewards == {"department": (2, 0), "district": (3, 0)}
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "results_settings_update"))
    assert audit.old["bands"][2]["min_pct"] == "70" and audit.new["bands"][2]["min_pct"] == "75.5"
    assert audit.old["rewards"]["department"] == [5, 0] and audit.new["rewards"]["department"] == [2, 0]
    assert results_stale(world.year())
    assert 'id="stale-note"' in admin.get(f"/results/{world.year_id}").get_data(as_text=True)
    compute(world)
    # GC, GD, GE at 75,00 are now below Khá (75,5) → Trung bình; the reward list is GA, GC, GE (tie on 2nd)
    from portal.results.document import results_document
    departments = results_document(world.year())["types"][0]
    assert {u["code"]: u["band_label"] for u in departments["units"]}["GC"] == "Trung bình"
    assert [u["code"] for u in departments["units"] if u["reward"]] == ["GA", "GC", "GE"]
    assert not results_stale(world.year())


def test_settings_errors_keep_what_was_typed(world, auth):
    admin = auth.login("qt")
    response = admin.post(settings_url(world), data=posted_settings(**{
        "band-1-min": "tám mươi", "band-2-label": "", "reward-district": "ba"}))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'value="tám mươi"' in html and 'value="ba"' in html
    assert "Hãy nhập tên mức xếp loại." in html and "Hãy nhập một số nguyên từ 0 đến 999." in html
    assert "không phải là số hợp lệ" in html
    order = admin.post(settings_url(world), data=posted_settings(**{"band-1-min": "95"}))
    assert order.status_code == 422 and "ngưỡng giảm dần" in order.get_data(as_text=True)
    assert world.year().settings["bands"][1]["min_pct"] == "80"
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "results_settings_update")) is None


def test_settings_are_closed_once_approved_and_for_everyone_but_the_admin(world, auth):
    assert auth.login("chutich").get(settings_url(world)).status_code == 403
    approve_and_publish(world, publish=False)
    admin = auth.login("qt")
    page = admin.get(settings_url(world)).get_data(as_text=True)
    assert "<fieldset disabled>" in page and "đã được phê duyệt" in page
    refused = admin.post(settings_url(world), data=posted_settings(**{"reward-department": "1"}))
    assert refused.status_code == 403 and db.session.scalar(select(UnitType.reward_top).where(
        UnitType.year_id == world.year_id, UnitType.code == "department")) == 5


def test_public_pages_show_no_internal_reading(app, world):
    approve_and_publish(world)
    visitor = app.test_client()
    year_page = visitor.get("/cong-bo/2022").get_data(as_text=True)
    unit_page = visitor.get("/cong-bo/2022/GA").get_data(as_text=True)
    for html in (year_page, unit_page):
        assert "Chênh lệch tự chấm" not in html and "Điểm bị mất ở đâu" not in html
        main = html.split('<main', 1)[1].split("</main>")[0]
        assert 'method="post"' not in main and "csrf_token" not in main  # nothing to change here (a search is GET)
    assert 'href="/cong-bo/2022/GA"' in year_page and "<svg" in year_page and "<svg" in unit_page
    assert 'id="heatmap-department"' in year_page and 'id="profile-GA"' in unit_page
    missing = visitor.get("/cong-bo/2022/KHONGCO")
    assert missing.status_code == 404 and "Không tìm thấy đơn vị" in missing.get_data(as_text=True)
    assert visitor.get("/cong-bo/1999").status_code == 404
    assert visitor.get("/login").get_data(as_text=True).count('href="/cong-bo/"') == 1


def test_english_pages_use_a_decimal_point(app, world):
    approve_and_publish(world)
    visitor = app.test_client()
    visitor.post("/language/en", data={"next": "/cong-bo/2022"})
    html = visitor.get("/cong-bo/2022").get_data(as_text=True)
    assert 'lang="en"' in html
    assert "97.22" in row_of(html, 'id="rank-department-GA"')
    assert D("97.22") == D(re.search(r"<text class=\"chart-value\"[^>]*>([\d.]+)</text>", html).group(1))
