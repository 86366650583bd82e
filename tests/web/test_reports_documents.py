"""The five official PDFs of the demo year 2022 (31 units, appraised, surveyed, computed, approved): exact
Vietnamese text as pypdf extracts it, the Tinos faces really embedded (bold included), xhtml2pdf silent
(0 errors, 0 warnings, nothing logged), the Decree 30 layout (header, number line, date line, page
numbers from page 2, A4 portrait or landscape, signature and recipients), and long tables cut into
chunks with repeated headers. Every PDF is rendered once for the module."""
import io
import re
from datetime import date

import pypdf
import pytest
from sqlalchemy import select

from portal.assessments.models import Assessment
from portal.extensions import db
from portal.reports import documents
from portal.reports.pdf import render_pdf as real_render_pdf
from portal.results.document import results_document
from portal.results.services import current_approval
from tests.web.reports_setup import DECISION_NUMBER, demo_year

TODAY = date(2023, 5, 15)
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
TINH_BIEN = "UBND huyện Tịnh Biên"           # the 2022 name (thị xã from 10/04/2023)
LDTBXH = "Sở Lao động – Thương binh và Xã hội"
REPORTS = ("self", "appraisal", "council", "synthesis", "annex")
DEPUTY = "Trần Thị Bích Ngọc"               # the department's deputy director, recorded as its signer
DEPT_SYMBOL = "BC-SLĐTBXH"


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def rendered(app):
    """{name: (pdf bytes, [(err, warn, log)])} for each report, plus the HTML of one render."""
    from tests.conftest import _empty_tables
    calls = []

    def recording(html, **kwargs):
        result = real_render_pdf(html, strict=False, **kwargs)
        calls.append((result.err, result.warn, result.log, html))
        return result

    out = {}
    with app.app_context(), pytest.MonkeyPatch.context() as mp:
        mp.setattr(documents, "render_pdf", recording)
        _empty_tables()
        world = demo_year(approved=True)
        year = world.year()
        by_code = {a.unit.code: a for a in db.session.scalars(select(Assessment).where(Assessment.year_id == year.id))}
        _add_comments(by_code["890"])
        _deputy_signs(by_code["SLDTBXH"], year)
        out["document"] = results_document(year)
        adjusted = _unit_with_bonus_and_deductions(out["document"])
        out["adjusted"] = adjusted
        builders = {
            "self": lambda: documents.self_report(by_code["890"], year, today=TODAY),
            "self_dept": lambda: documents.self_report(by_code["SLDTBXH"], year, today=TODAY),
            "appraisal": lambda: documents.appraisal_report(by_code["890"], year, today=TODAY),
            "appraisal_dept": lambda: documents.appraisal_report(by_code["SLDTBXH"], year, today=TODAY),
            "appraisal_adjusted": lambda: documents.appraisal_report(by_code[adjusted["code"]], year, today=TODAY),
            "council": lambda: documents.council_report(year, today=TODAY),
            "synthesis": lambda: documents.synthesis_report(year, results_document(year), today=TODAY),
            "annex": lambda: documents.annex_report(year, current_approval(year)),
        }
        for name, build in builders.items():
            start = len(calls)
            report = build()
            out[name] = {"pdf": report.pdf, "filename": report.filename, "calls": calls[start:]}
        out["unit_count"] = len(by_code)
        db.session.remove()
    return out


def _deputy_signs(assessment, year):
    from portal.units.signers import save_signer
    save_signer(assessment.unit, year, {"name": DEPUTY, "position": "Phó Giám đốc", "collective": "",
                                        "symbol": DEPT_SYMBOL, "place": "An Giang"}, actor=None)
    db.session.commit()


def _unit_with_bonus_and_deductions(document) -> dict:
    """The results page's entry of a unit the council gave both bonus and deduction points."""
    from decimal import Decimal
    units = [u for t in document["types"] for u in t["units"]
             if Decimal(u["bonus"]) > 0 and Decimal(u["deductions"]) > 0]
    assert units, "the demo year has no unit with both bonus and deductions"
    return units[0]


INTERNAL = "GHI-CHU-NOI-BO-42: chỉ Hội đồng được đọc"
SENT = "Ý-KIẾN-ĐÃ-GỬI-42: đề nghị bổ sung Kế hoạch số 15/KH-UBND"
UNSENT = "Y-KIEN-CHUA-GUI-42"


def _add_comments(assessment):
    from portal.auth.models import User
    from portal.comments.models import Comment
    from portal.criteria.models import Criterion
    from portal.db import utcnow
    member = db.session.scalar(select(User.id).where(User.username == "tv.snv"))
    crit = db.session.scalar(select(Criterion.id).where(Criterion.set_id == assessment.criteria_set_id,
                                                         Criterion.code == "1.1.1"))
    now = utcnow()
    db.session.add_all([
        Comment(assessment_id=assessment.id, criterion_id=crit, author_id=member, body=INTERNAL, round=1,
                visibility="internal", created_at=now),
        Comment(assessment_id=assessment.id, criterion_id=crit, author_id=member, body=UNSENT, round=1,
                visibility="unit", created_at=now),
        Comment(assessment_id=assessment.id, criterion_id=crit, author_id=member, body=SENT, round=1,
                visibility="unit", sent_at=now, sent_by_id=member, created_at=now),
    ])
    db.session.commit()


def _reader(rendered, name) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(rendered[name]["pdf"]))


def _text(rendered, name) -> str:
    entry = rendered[name]
    if "text" not in entry:   # extraction is slow: once per report
        entry["text"] = _flat(" ".join(page.extract_text() for page in _reader(rendered, name).pages))
    return entry["text"]


def _fonts(reader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


ALL = REPORTS + ("self_dept", "appraisal_dept", "appraisal_adjusted")


@pytest.mark.parametrize("name", ALL)
def test_xhtml2pdf_reports_no_error_and_no_warning(rendered, name):
    calls = rendered[name]["calls"]
    assert len(calls) == 1
    err, warn, log, _html = calls[0]
    assert (err, warn) == (0, 0)
    assert log == ()


@pytest.mark.parametrize("name", ALL)
def test_national_title_and_motto_extract_exactly(rendered, name):
    first = _flat(_reader(rendered, name).pages[0].extract_text())
    assert NATION in first
    assert MOTTO in first


@pytest.mark.parametrize("name", ALL)
def test_tinos_faces_are_embedded_bold_included(rendered, name):
    fonts = _fonts(_reader(rendered, name))
    assert any(f.endswith("+Tinos-Bold") for f in fonts), fonts
    assert any(f.endswith("+Tinos") for f in fonts), fonts


@pytest.mark.parametrize("name, expected", [
    ("self", [TINH_BIEN, "ỦY BAN NHÂN DÂN", "HUYỆN TỊNH BIÊN", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH",
              "Số: /BC-UBND", "Tịnh Biên, ngày 15 tháng 5 năm 2023",
              "Kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm 2022",
              "GIẢI TRÌNH CÁC TIÊU CHÍ CHẤM ĐIỂM KHÔNG CÓ TÀI LIỆU KIỂM CHỨNG"]),
    ("self_dept", [LDTBXH, "SỞ LAO ĐỘNG – THƯƠNG BINH VÀ XÃ HỘI", "UBND TỈNH AN GIANG", "GIÁM ĐỐC"]),
    ("appraisal", [TINH_BIEN, "HỘI ĐỒNG THẨM ĐỊNH CHỈ SỐ CCHC TỈNH", "THÔNG BÁO", "TM. HỘI ĐỒNG",
                   "Thẩm định vòng 1", "Ý KIẾN THẨM ĐỊNH ĐÃ GỬI ĐƠN VỊ", "Số: /TB-HĐTĐ"]),
    ("appraisal_dept", [LDTBXH]),
    ("council", [TINH_BIEN, LDTBXH, "HỘI ĐỒNG THẨM ĐỊNH CHỈ SỐ CCHC TỈNH", "Các sở, ban, ngành tỉnh",
                 "UBND các huyện, thị xã, thành phố", "20 sở, ban, ngành tỉnh; 11 UBND huyện, thị xã, thành phố"]),
    ("synthesis", [TINH_BIEN, LDTBXH, "SỞ NỘI VỤ", "Số: /BC-SNV", "Kết quả xác định Chỉ số cải cách hành chính năm 2022",
                   "CHỈ SỐ THÀNH PHẦN THEO LĨNH VỰC", "PHÂN LOẠI KẾT QUẢ", "ĐỀ XUẤT KHEN THƯỞNG", "Xuất sắc",
                   "Nguyễn Văn Thành", "của 31 đơn vị"]),
    ("annex", [TINH_BIEN, LDTBXH, "PHỤ LỤC", "TỈNH AN GIANG",
               f"(Kèm theo Quyết định số {DECISION_NUMBER} ngày 12/05/2023 của Chủ tịch Ủy ban nhân dân tỉnh An Giang)"]),
])
def test_vietnamese_text_of_each_report(rendered, name, expected):
    text = _text(rendered, name)
    for phrase in expected:
        assert phrase in text, phrase


@pytest.mark.parametrize("name", ("self_dept", "appraisal", "council", "synthesis"))
def test_decree_30_header_date_signature_and_recipients(rendered, name):
    reader = _reader(rendered, name)
    first = _flat(reader.pages[0].extract_text())
    assert "An Giang, ngày 15 tháng 5 năm 2023" in first
    assert first.index(NATION) < first.index("BÁO CÁO" if name != "appraisal" else "THÔNG BÁO")
    last = _flat(reader.pages[-1].extract_text())
    assert "Nơi nhận:" in last and "- Lưu: VT" in last


def test_date_line_takes_leading_zeros_for_small_days_and_months_1_and_2():
    from portal.reports.meta import date_line
    assert date_line("An Giang", date(2023, 2, 5)) == "An Giang, ngày 05 tháng 02 năm 2023"
    assert date_line("An Giang", date(2023, 11, 25)) == "An Giang, ngày 25 tháng 11 năm 2023"


@pytest.mark.parametrize("name, landscape", [("self", False), ("appraisal", True), ("council", True),
                                             ("synthesis", True), ("annex", False)])
def test_a4_portrait_or_landscape_for_wide_tables(rendered, name, landscape):
    box = _reader(rendered, name).pages[0].mediabox
    width, height = round(float(box.width)), round(float(box.height))
    assert sorted((width, height)) == [595, 842]          # A4 in points
    assert (width > height) == landscape


@pytest.mark.parametrize("name", ("self", "appraisal", "council", "synthesis"))
def test_page_numbers_from_page_2_not_on_page_1(rendered, name):
    pages = _reader(rendered, name).pages
    assert len(pages) >= 2
    assert not re.match(r"^\s*1\s", pages[0].extract_text())
    for number, page in enumerate(pages[1:], start=2):
        assert page.extract_text().lstrip().startswith(f"{number}\n"), number


def test_a_table_cut_by_a_page_repeats_its_header(rendered):
    # The department ranking (20 rows) starts on page 1 of the synthesis and goes on on page 2, which
    # opens with the repeated header row.
    page2 = _flat(_reader(rendered, "synthesis").pages[1].extract_text())
    assert page2.startswith("2 Xếp hạng Đơn vị Điểm thẩm định")


def _row(u) -> str:
    from portal.reports.meta import vn_number
    return " ".join([u["name"], vn_number(u["appraisal_points"]), vn_number(u["survey_points"]), vn_number(u["bonus"]),
                     vn_number(u["deductions"]), vn_number(u["index"], 2), u["band_label"]])


@pytest.mark.parametrize("name", ("synthesis", "annex"))
def test_ranking_rows_print_the_results_document(rendered, name):
    text = _text(rendered, name)
    units = [u for t in rendered["document"]["types"] for u in t["units"]]
    assert len(units) == 31
    for u in units:
        assert f"{u['rank']} {_row(u)}" in text or f"{u['rank']} (*) {_row(u)}" in text, u["name"]


def test_synthesis_rewards_are_the_proposal_of_the_results(rendered):
    text = _text(rendered, "synthesis")
    for t in rendered["document"]["types"]:
        chosen = [u for u in t["units"] if u["reward"]]
        assert len(chosen) == t["rewards"]["top"]
        for u in chosen:
            assert f"{u['name']} (hạng {u['rank']}," in text


def test_annex_is_the_frozen_snapshot(rendered):
    text = _text(rendered, "annex")
    assert "Xếp hạng Đơn vị Điểm thẩm định Điểm điều tra XHH" in text
    assert "Nơi nhận" not in text          # the decision itself is signed, not its annex


def test_only_comments_sent_to_the_unit_are_printed(rendered):
    text = _text(rendered, "appraisal")
    assert SENT in text
    assert INTERNAL not in text and UNSENT not in text


def test_file_names_are_ascii_slugs(rendered):
    assert rendered["self"]["filename"] == "tu-danh-gia-2022-ubnd-huyen-tinh-bien.pdf"
    assert rendered["appraisal_dept"]["filename"] == "ket-qua-tham-dinh-2022-so-lao-dong-thuong-binh-va-xa-hoi.pdf"
    assert rendered["annex"]["filename"] == "phu-luc-quyet-dinh-2022-456-qd-ubnd.pdf"


def test_long_tables_are_cut_in_chunks_with_repeated_headers(app, ctx, monkeypatch):
    from tests.conftest import _empty_tables
    from tests.web.reports_setup import small_year
    _empty_tables()
    world = small_year()
    year = world.year()
    seen = []
    monkeypatch.setattr(documents, "render_pdf", lambda html, **kw: seen.append(html) or real_render_pdf(html, **kw))
    monkeypatch.setattr(documents, "CHUNK_ROWS", 10)
    assessment = db.session.scalar(select(Assessment).where(Assessment.unit_id == world.units["STP"]))
    documents.self_report(assessment, year, today=TODAY)
    html = seen[-1]
    item_tables = html.count("<th width=\"55%\">Tiêu chí, tiêu chí thành phần</th>")
    rows = len(documents.data.unit_report(assessment, year).rows)
    assert item_tables == -(-rows // 10) > 1
    assert html.count('<table class="data" repeat="1">') >= item_tables


def test_nfd_text_is_normalised_before_rendering(app, ctx):
    import unicodedata

    from portal.reports.documents import render_html  # noqa: F401  (the same path the reports take)
    from portal.reports.pdf import render_pdf
    nfd = unicodedata.normalize("NFD", "Thẩm định Tịnh Biên")
    html = f"<html><head><style>{documents.font_face_css(app.static_folder)} body {{ font-family: Tinos; }}</style>" \
           f"</head><body><p>{nfd}</p></body></html>"
    result = render_pdf(html, static_folder=app.static_folder)
    text = pypdf.PdfReader(io.BytesIO(result.data)).pages[0].extract_text()
    assert "Thẩm định Tịnh Biên" in unicodedata.normalize("NFC", text)
    assert (result.err, result.warn) == (0, 0)


def test_a_deputy_signs_for_the_director_with_the_name_and_the_department_symbol(rendered):
    last = _flat(_reader(rendered, "self_dept").pages[-1].extract_text())
    assert f"KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC {DEPUTY}" in last
    first = _flat(_reader(rendered, "self_dept").pages[0].extract_text())
    assert f"Số: /{DEPT_SYMBOL}" in first
    assert "An Giang, ngày 15 tháng 5 năm 2023" in first


def test_a_district_without_a_recorded_signer_prints_what_it_printed_before(rendered):
    text = _text(rendered, "self")
    assert "Số: /BC-UBND" in text and "Tịnh Biên, ngày 15 tháng 5 năm 2023" in text
    assert "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH" in text


def test_the_appraisal_notice_carries_a_notice_symbol_not_a_report_one(rendered):
    for name in ("appraisal", "appraisal_dept", "appraisal_adjusted"):
        first = _flat(_reader(rendered, name).pages[0].extract_text())
        assert "Số: /TB-HĐTĐ" in first
        assert "/BC-HĐTĐ" not in first


def test_the_appraisal_notice_prints_bonus_deductions_and_the_results_page_total(rendered):
    from decimal import Decimal

    from portal.reports.meta import vn_number
    u = rendered["adjusted"]
    appraisal, bonus, deductions = (Decimal(u[k]) for k in ("appraisal_points", "bonus", "deductions"))
    total = appraisal + bonus - deductions
    text = _text(rendered, "appraisal_adjusted")
    # the final column is the last number of each line (max, self, round 1, final)
    assert re.search(rf"Tổng cộng \(không gồm điểm điều tra xã hội học\)( [\d,]+){{3}} {vn_number(appraisal)} ", text)
    assert re.search(rf"Điểm cộng( [\d,]+){{3}} {vn_number(bonus)} ", text)
    assert re.search(rf"Điểm trừ( [\d,]+){{3}} {vn_number(deductions)} ", text)
    assert re.search(rf"Tổng điểm sau điểm cộng, điểm trừ [\d,]+ [\d,]+ {vn_number(total)} ", text)
    print(f"\n[reports] appraisal notice of {u['name']}: appraisal {vn_number(appraisal)} + bonus {vn_number(bonus)}"
          f" − deductions {vn_number(deductions)} = {vn_number(total)} (results page: same three figures)")


def test_an_empty_file_prints_blank_totals_not_zero(app, ctx):
    from sqlalchemy import delete

    from portal.assessments.models import ScoreEntry
    from portal.reports.meta import vn_number
    from tests.conftest import _empty_tables
    from tests.web.reports_setup import small_year
    _empty_tables()
    world = small_year(("STP", "890"))
    year = world.year()
    assessment = db.session.scalar(select(Assessment).where(Assessment.unit_id == world.units["STP"]))
    db.session.execute(delete(ScoreEntry).where(ScoreEntry.assessment_id == assessment.id))
    db.session.commit()
    r = documents.data.unit_report(assessment, year)
    assert r.fields and all(row.cells[col].empty for row in r.rows for col in ("self", "round1", "final"))
    assert all(r.totals[col].empty for col in ("self", "round1", "final"))
    assert all(cell.empty for col in r.adjust_totals.values() for cell in col.values())
    number = r"\d+(?:,\d+)?"
    self_text = _flat(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(
        documents.self_report(assessment, year, today=TODAY).pdf)).pages))
    after_total = re.search(rf"Tổng điểm tự đánh giá \(không gồm điểm điều tra xã hội học\) {number} (\S+)", self_text)
    assert after_total and not re.fullmatch(number, after_total.group(1)), after_total
    first, second = r.fields[0], r.fields[1]
    assert f"1 {first.title} {vn_number(first.max_points)} 2 {second.title}" in self_text
    notice = _flat(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(
        documents.appraisal_report(assessment, year, today=TODAY).pdf)).pages))
    assert re.search(r"Tổng điểm sau điểm cộng, điểm trừ (\S+)", notice).group(1) == "Điểm"


HEADING = re.compile(r"^(?:I|II|III|IV|V)\. [A-ZĐÀ-Ỹ]|^\d\. (?:Các sở|UBND các)")


def _page_lines(reader):
    return [[line.strip() for line in page.extract_text().split("\n") if line.strip()] for page in reader.pages]


@pytest.mark.parametrize("name", ("synthesis", "council", "self", "appraisal", "self_dept"))
def test_no_heading_is_left_alone_at_a_page_foot(rendered, name):
    pages = _page_lines(_reader(rendered, name))
    for number, lines in enumerate(pages[:-1], start=1):
        assert not HEADING.match(lines[-1]), (number, lines[-1])
        assert not (len(lines) > 1 and HEADING.match(lines[-2]) and HEADING.match(lines[-1])), (number, lines[-2:])


def test_each_bar_chart_is_on_one_page_with_its_heading(rendered):
    pages = [_flat(page.extract_text()) for page in _reader(rendered, "synthesis").pages]
    for t in rendered["document"]["types"]:
        on = [i for i, text in enumerate(pages) if "(thang đo 0–100%)" in text and t["units"][-1]["name"] in text]
        assert on, t["units"][-1]["name"]
        page = pages[on[-1]]
        chart = page[page.index("(thang đo 0–100%)"):]
        assert all(u["name"] in chart for u in t["units"])


def test_a_heading_near_the_foot_goes_to_the_next_page_with_its_table(app):
    """The mechanism itself, on a page filled up to the foot: with the print CSS and room(), a heading
    never ends a page and its table starts under it; without them the same heading is left alone."""
    from portal.reports.pdf import font_face_css, render_pdf
    rows = "".join(f"<tr><td>r{i}</td><td>x</td></tr>" for i in range(40))
    room = '<pdf:spacer height="56pt" /><pdf:spacer height="-56pt" />'
    endings = {}
    for kept in (True, False):
        css = "h2 { page-break-after: avoid; }" if kept else ""
        for filled in range(640, 760, 8):      # points of the page already used above the heading
            html = (f"<html><head><style>{font_face_css(app.static_folder)} body {{ font-family: Tinos; }} {css}"
                    f"</style></head><body><pdf:spacer height=\"{filled}pt\" /><h2>TIÊU ĐỀ MỤC</h2>{room if kept else ''}<table repeat=\"1\">"
                    f"<thead><tr><th>A</th><th>B</th></tr></thead>{rows}</table></body></html>")
            first = _page_lines(pypdf.PdfReader(io.BytesIO(render_pdf(html, static_folder=app.static_folder).data)))[0]
            endings.setdefault(kept, []).append(first[-1] if first else None)
    assert "TIÊU ĐỀ MỤC" not in endings[True]
    assert "TIÊU ĐỀ MỤC" in endings[False]       # the test can fail: without the rules it happens
