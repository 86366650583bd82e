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
        out["document"] = results_document(year)
        builders = {
            "self": lambda: documents.self_report(by_code["890"], year, today=TODAY),
            "self_dept": lambda: documents.self_report(by_code["SLDTBXH"], year, today=TODAY),
            "appraisal": lambda: documents.appraisal_report(by_code["890"], year, today=TODAY),
            "appraisal_dept": lambda: documents.appraisal_report(by_code["SLDTBXH"], year, today=TODAY),
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


ALL = REPORTS + ("self_dept", "appraisal_dept")


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
                   "Thẩm định vòng 1", "Ý KIẾN THẨM ĐỊNH ĐÃ GỬI ĐƠN VỊ", "Số: /BC-HĐTĐ"]),
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
