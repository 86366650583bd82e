"""Reading and checking a survey file (điểm điều tra XHH), pure: every problem keeps its row, nothing is
guessed (a decimal comma in a comma-separated file, a PDF renamed .csv, an old .xls), field rows are split
over the field's items exactly."""
import io
import unicodedata
import zipfile
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from portal.results.survey_check import (
    Catalogue,
    SurveyItem,
    UnitRef,
    check_entries,
    check_rows,
    split_points,
)
from portal.results.survey_parse import TEMPLATE_HEADER, build_template, read_table

ITEMS = [SurveyItem("8.1", "Đánh giá của lãnh đạo", D("5"), "F8"), SurveyItem("8.2", "Đánh giá của CBCC", D("5"), "F8"),
         SurveyItem("9.1", "Tiếp cận dịch vụ", D("3"), "F9"), SurveyItem("9.2", "Thủ tục hành chính", D("1"), "F9")]
CATALOGUE = Catalogue([UnitRef("SNV", "Sở Nội vụ", "department"), UnitRef("STP", "Sở Tư pháp", "department"),
                       UnitRef("883", "UBND thành phố Long Xuyên", "district")],
                      {"department": ITEMS, "district": ITEMS[:2]})
TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def csv(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


def windows_1258(text: str) -> bytes:
    """What a Vietnamese Windows "CSV (comma delimited)" save gives: cp1258 with the tone marks combining."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
                   + "".join(c for c in parts if c in TONE_MARKS))
    return "".join(out).encode("cp1258")


def xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def checked(data: bytes):
    rows, problems = read_table(data)
    assert problems == []
    return check_rows(rows, CATALOGUE)


def codes(problems):
    return [(p.code, p.row) for p in problems]


GOOD_CSV = ("Mã đơn vị,Tên đơn vị,Mã mục,Điểm\n"
            "SNV,Sở Nội vụ,8.1,\"4,5\"\nSNV,Sở Nội vụ,8.2,4.25\nSNV,Sở Nội vụ,F9,3\n"
            "STP,Sở Tư pháp,8.1,5\nSTP,Sở Tư pháp,8.2,0\nSTP,Sở Tư pháp,9.1,2.5\nSTP,Sở Tư pháp,9.2,1\n"
            "883,UBND thành phố Long Xuyên,8.1,3\n883,UBND thành phố Long Xuyên,8.2,3,5\n")


def test_a_good_csv_is_read_by_header_names_with_other_columns_ignored():
    text = GOOD_CSV.replace("883,UBND thành phố Long Xuyên,8.2,3,5\n", "883,UBND thành phố Long Xuyên,8.2,3.5\n")
    result = checked(csv(text))
    assert result.ok and result.errors == [] and result.warnings == []
    got = {(s.unit_code, s.item_code): (s.points, s.row, s.from_field) for s in result.scores}
    assert got[("SNV", "8.1")] == (D("4.5"), 2, None)
    # F9 = 3 points over 9.1 (max 3) and 9.2 (max 1): 3 × 3/4 = 2.25 and 3 × 1/4 = 0.75, both from row 4
    assert got[("SNV", "9.1")] == (D("2.25"), 4, "F9") and got[("SNV", "9.2")] == (D("0.75"), 4, "F9")
    assert got[("883", "8.2")] == (D("3.5"), 10, None)
    assert len(result.scores) == 10


def test_decimal_comma_in_a_comma_separated_file_is_refused_not_misread():
    rows, problems = read_table(csv(GOOD_CSV))
    # "883,…,8.2,3,5" has one cell more than the header: read as 3 points it would be silently wrong
    assert rows == [] and codes(problems) == [("extra_cells", 10)]


def test_semicolon_csv_with_bom_and_decimal_commas():
    text = "\ufeffMã đơn vị;Mã mục;Điểm\nSNV;8.1;4,5\nsnv;8.2;5\n"
    result = check_rows(read_table(csv(text))[0], CATALOGUE)
    assert [(s.unit_code, s.item_code, s.points) for s in result.scores] == [
        ("SNV", "8.1", D("4.5")), ("SNV", "8.2", D("5"))]  # unit codes match without case


def test_headers_in_nfd_or_without_accents_are_found():
    nfd = unicodedata.normalize("NFD", "Mã đơn vị,Mã mục,Điểm\nSNV,8.1,4\n")
    assert read_table(csv(nfd))[0][0].points == "4"
    assert read_table(csv("ma don vi,ma muc,diem\nSNV,8.1,4\n"))[0][0].unit == "SNV"


def test_three_columns_without_a_header_are_unit_item_points():
    rows, problems = read_table(csv("SNV,8.1,4\nSNV,8.2,3.5\n"))
    assert problems == [] and [(r.row, r.unit, r.item, r.points) for r in rows] == [
        (1, "SNV", "8.1", "4"), (2, "SNV", "8.2", "3.5")]


def test_every_problem_is_listed_with_its_row():
    text = ("Mã đơn vị,Mã mục,Điểm\n"
            "SXX,8.1,4\n"          # 2: unknown unit
            "SNV,8.9,4\n"          # 3: unknown item
            "SNV,8.1,5.5\n"        # 4: above the maximum 5
            "SNV,8.2,-1\n"         # 5: negative
            "SNV,9.1,bốn\n"        # 6: not a number
            "STP,8.1,4\n"          # 7: fine
            "STP,8.1,3\n"          # 8: the same unit and item again
            ",8.2,3\n"             # 9: no unit code
            "STP,,3\n"             # 10: no item code
            "STP,F8,6\n"           # 11: a field row overlapping 8.1 (row 7)
            "883,9.1,2\n"          # 12: 9.1 is not a district survey item
            "STP,8.2,1.125\n")     # 13: three decimals
    result = check_rows(read_table(csv(text))[0], CATALOGUE)
    assert not result.ok
    assert codes(result.errors) == [
        ("unknown_unit", 2), ("unknown_item", 3), ("out_of_range", 4), ("out_of_range", 5), ("not_a_number", 6),
        ("duplicate", 8), ("missing_unit_code", 9), ("missing_item_code", 10), ("duplicate", 11),
        ("unknown_item", 12), ("not_a_number", 13)]
    by_row = {p.row: p.params for p in result.errors}
    assert by_row[4] == {"value": D("5.5"), "item": "8.1", "max": D("5")}
    assert by_row[8] == {"unit": "STP", "item": "8.1", "first": 7}
    assert by_row[12]["unit_type"] == "district"


def test_a_row_with_two_problems_lists_both():
    result = check_rows(read_table(csv("Mã đơn vị,Mã mục,Điểm\nSXX,9.9,abc\n"))[0], CATALOGUE)
    assert codes(result.errors) == [("unknown_unit", 2), ("unknown_item", 2), ("not_a_number", 2)]


def test_missing_units_and_items_are_warnings_listed_before_saving():
    result = checked(csv("Mã đơn vị,Mã mục,Điểm\nSNV,8.1,4\n"))
    assert result.ok  # can be saved, but the preview says what it means
    assert [(w.code, w.params) for w in result.warnings] == [
        ("missing_items", {"unit": "SNV", "items": "8.2, 9.1, 9.2"}),
        ("missing_unit", {"unit": "STP", "name": "Sở Tư pháp"}),
        ("missing_unit", {"unit": "883", "name": "UBND thành phố Long Xuyên"})]


def test_empty_points_cells_are_template_rows_not_filled_in():
    result = checked(csv("Mã đơn vị,Mã mục,Điểm\nSNV,8.1,4\nSNV,8.2,\nSTP,8.1,  \n"))
    assert [(s.unit_code, s.item_code) for s in result.scores] == [("SNV", "8.1")]


def test_a_file_with_only_empty_points_cannot_be_saved():
    result = checked(csv("Mã đơn vị,Mã mục,Điểm\nSNV,8.1,\n"))
    assert result.errors == [] and not result.ok


@pytest.mark.parametrize("data, code", [
    (b"", "empty"),
    (b"\n\n ,, \n", "empty"),
    (csv("Đơn vị được đánh giá,Nội dung\nSNV,8.1\n"), "no_header"),
    (windows_1258("Mã đơn vị,Mã mục,Điểm\nSở Nội vụ,8.1,4\n"), "not_utf8"),
    ("Mã đơn vị,Mã mục,Điểm\n".encode("utf-16"), "not_utf8"),
    (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n", "bad_file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "bad_file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old_xls"),
    (b"PK\x03\x04 this is not a zip", "bad_file"),
    (b"x" * (5 * 1024 * 1024 + 1), "too_large"),
])
def test_files_that_cannot_be_read_say_why(data, code):
    rows, problems = read_table(data)
    assert rows == [] and [p.code for p in problems] == [code]


def _zip(entries: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_a_word_file_or_a_macro_workbook_is_not_a_survey_spreadsheet():
    docx = _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
    assert [p.code for p in read_table(docx)[1]] == ["bad_file"]
    data = xlsx([("Mã đơn vị", "Mã mục", "Điểm"), ("SNV", "8.1", 4)])
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = {info.filename: source.read(info.filename) for info in source.infolist()}
    entries["xl/vbaProject.bin"] = b"macro"
    assert [p.code for p in read_table(_zip(entries))[1]] == ["bad_file"]


def test_xlsx_numbers_and_text_cells():
    data = xlsx([("Mã đơn vị", "Mã mục", "Điểm"), (883, 8.1, 4.5), ("SNV", "8.2", "3,75"), ("STP", 8.1, 4.125)])
    result = check_rows(read_table(data)[0], CATALOGUE)
    assert [(s.unit_code, s.item_code, s.points) for s in result.scores] == [
        ("883", "8.1", D("4.5")), ("SNV", "8.2", D("3.75"))]
    assert codes(result.errors) == [("not_a_number", 4)]  # three decimals are not guessed at


def test_the_template_lists_every_unit_and_item_and_reads_back():
    units = [("SNV", "Sở Nội vụ", "department"), ("=HYPERLINK(1)", "=cmd|' /C calc'!A0", "district")]
    data = build_template(units, {"department": ITEMS, "district": ITEMS[:2]},
                          {"department": "Sở, ban, ngành", "district": "UBND cấp huyện"})
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (*TEMPLATE_HEADER, "Loại đơn vị") and len(rows) == 1 + 4 + 2
    assert rows[1] == ("SNV", "Sở Nội vụ", "8.1", "Đánh giá của lãnh đạo", 5, None, "Sở, ban, ngành")
    assert rows[5][0].startswith("'=") and rows[5][1].startswith("'=")  # never a live formula
    assert rows[5][6] == "UBND cấp huyện"                 # the header's filter picks one type
    filled = xlsx([rows[0]] + [r[:5] + (r[4], r[6]) for r in rows[1:5]])   # the type column is ignored
    result = check_rows(read_table(filled)[0], CATALOGUE)
    assert [(s.item_code, s.points) for s in result.scores] == [
        ("8.1", D("5")), ("8.2", D("5")), ("9.1", D("3")), ("9.2", D("1"))]


@pytest.mark.parametrize("points, maxima, expected", [
    ("12", ["5", "5", "5"], ["4", "4", "4"]),
    ("10", ["3", "1"], ["7.5", "2.5"]),
    ("1", ["1", "1", "1"], ["0.34", "0.33", "0.33"]),  # the left-over hundredth goes to the first item
    ("0", ["2", "3"], ["0", "0"]),
])
def test_split_points(points, maxima, expected):
    assert split_points(D(points), [D(m) for m in maxima]) == [D(e) for e in expected]


@given(st.lists(st.decimals(min_value="0.25", max_value=10, places=2), min_size=1, max_size=6),
       st.integers(min_value=0, max_value=10_000))
def test_split_points_adds_up_exactly_and_never_exceeds_an_items_maximum(maxima, per_ten_thousand):
    total = sum(maxima)
    points = (total * per_ten_thousand / 10_000).quantize(D("0.01"), rounding="ROUND_DOWN")
    parts = split_points(points, maxima)
    assert sum(parts) == points
    assert all(0 <= part <= maximum for part, maximum in zip(parts, maxima))
    assert all(part == part.quantize(D("0.01")) for part in parts)


def test_manual_entries():
    parsed, problems = check_entries({"8.1": "4,5", "8.2": "", "9.1": "3.5", "9.2": "một"}, ITEMS)
    assert parsed == {"8.1": D("4.5"), "8.2": None}
    assert {code: p.code for code, p in problems.items()} == {"9.1": "out_of_range", "9.2": "not_a_number"}
    assert problems["9.1"].params == {"value": D("3.5"), "item": "9.1", "max": D("3")}
