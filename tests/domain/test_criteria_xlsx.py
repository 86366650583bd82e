"""Bộ tiêu chí Excel: the demo sets round-trip through .xlsx; bad workbooks list every error with its
row; files that are not workbooks give one clear error; exported text never becomes a formula."""

import io
import unicodedata
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from portal.criteria.spec import SetSpec, nfc
from portal.criteria.xlsx_layout import COLUMNS, META_ROWS
from portal.criteria.xlsx_read import load_set_xlsx
from portal.criteria.xlsx_write import dump_set_xlsx
from portal.criteria.yaml_read import load_set_yaml

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "portal" / "seed_data" / "criteria"
DATA = ROOT / "tests" / "data" / "criteria"

HEADERS = list(COLUMNS.values())
META = [
    ("Mã bộ tiêu chí", "T-2022"),
    ("Loại đơn vị", "Sở, ban, ngành"),
    ("Tổng điểm", 100),
    ("Điểm thẩm định", 70),
    ("Điểm điều tra", 30),
    ("Trần điểm cộng", 2),
    ("Trần điểm trừ", "5"),
]


@pytest.fixture(scope="module")
def dept() -> SetSpec:
    spec, errors = load_set_yaml((SEED / "dept-2022-demo.yaml").read_text(encoding="utf-8"))
    assert errors == []
    return spec


@pytest.fixture(scope="module")
def dist(dept: SetSpec) -> SetSpec:
    spec, errors = load_set_yaml((SEED / "dist-2022-demo.yaml").read_text(encoding="utf-8"), base=dept)
    assert errors == []
    return spec


def make_xlsx(rows: list[dict], meta=META, headers=HEADERS) -> bytes:
    """A workbook typed "by hand": rows are {header: value}, missing cells left empty."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tiêu chí"
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    if meta is not None:
        info = workbook.create_sheet("Thông tin")
        info.append(["Thông tin", "Giá trị"])
        for pair in meta:
            info.append(list(pair))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def row(code, parent, kind, title, max_=None, method=None, settings=None, **extra) -> dict:
    cells = {
        "Mã": code,
        "Mã cha": parent,
        "Loại": kind,
        "Nội dung": title,
        "Điểm tối đa": max_,
        "Phương pháp": method,
        "Các mức / khung": settings,
    }
    cells.update({COLUMNS[key]: value for key, value in extra.items()})
    return cells


SMALL = [
    row("F1", None, "Lĩnh vực", "Chỉ đạo, điều hành", 3, ap="SNV"),
    row("1.1", "F1", "Tiêu chí", "Kế hoạch CCHC", "1,5", "Chọn mức", "Đúng hạn=1,5; Chậm=0,5; Không=0"),
    row(
        "1.2",
        "F1",
        "Tiêu chí",
        "Hoàn thành kế hoạch",
        1.5,
        "Tỷ lệ theo khung",
        ">=100%=1,5; ≥ 80 % = 0.75; ≥0=0",
        input="nhiệm vụ xong / nhiệm vụ giao",
        na="x",
    ),
    row("B1", None, "Điểm cộng/trừ", "Sáng kiến", None, "bonus", "mỗi lần=1; tối đa=2"),
    row("D1", None, "Điểm cộng - trừ", "Chậm báo cáo", None, "Điểm trừ", "mỗi lần=-0,5; tối đa=-2"),
]


def load_ok(data: bytes) -> SetSpec:
    spec, errors = load_set_xlsx(data)
    assert errors == [], [e.message for e in errors]
    return spec


# --- round trips -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["dept", "dist"])
def test_round_trip(name: str, request: pytest.FixtureRequest) -> None:
    spec = request.getfixturevalue(name)
    again = load_ok(dump_set_xlsx(spec))
    assert again.meta == spec.meta
    assert len(again.items) == len(spec.items)
    for loaded, original in zip(again.items, spec.items, strict=True):
        assert loaded == original  # every field but the source line
        assert loaded.line is not None


def test_export_is_readable_by_officials(dept: SetSpec) -> None:
    workbook = load_workbook(io.BytesIO(dump_set_xlsx(dept)))
    assert workbook.sheetnames == ["Tiêu chí", "Thông tin"]
    rows = list(workbook["Tiêu chí"].iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    first_item = next(r for r in rows if r[0] == "1.1.1")
    assert first_item[2:8] == (
        "Tiêu chí",
        "Ban hành kế hoạch CCHC năm đúng thời hạn",
        1,
        "Chọn mức",
        "Đúng hạn=1; Chậm hạn=0,5; Không ban hành=0",
        None,
    )
    assert next(r for r in rows if r[0] == "D1")[6] == "mỗi lần=0,5; tối đa=2"
    meta = dict(workbook["Thông tin"].iter_rows(min_row=2, values_only=True))
    assert meta == {
        "Mã bộ tiêu chí": "DEPT-2022-demo",
        "Loại đơn vị": "Sở, ban, ngành",
        "Tổng điểm": 100,
        "Điểm thẩm định": 70,
        "Điểm điều tra": 30,
        "Trần điểm cộng": 2,
        "Trần điểm trừ": 5,
    }
    assert set(META_ROWS.values()) == set(meta)


def test_hand_typed_sheet_with_decimal_commas_and_english_keys() -> None:
    spec = load_ok(make_xlsx(SMALL))
    items = {item.code: item for item in spec.items}
    assert spec.meta["unit_type"] == "so_ban_nganh" and spec.meta["deduction_cap"] == Decimal(5)
    assert items["1.1"].max_points == Decimal("1.5")
    assert items["1.1"].config == {"levels": [["Đúng hạn", "1.5"], ["Chậm", "0.5"], ["Không", "0"]]}
    assert items["1.2"].config == {
        "bands": [["100", "1.5"], ["80", "0.75"], ["0", "0"]],
        "input_label": "nhiệm vụ xong / nhiệm vụ giao",
    }
    assert items["1.2"].na_allowed and not items["1.1"].na_allowed
    assert (items["1.2"].appraiser, items["1.2"].field_code, items["1.2"].position) == ("SNV", "F1", 1)
    assert items["B1"].config == {"per": "1", "cap": "2"}
    assert items["D1"].config == {"per": "0.5", "cap": "2"} and items["D1"].position == 1
    assert items["1.2"].guidance.startswith("Tỷ lệ ≥ 100%: 1,5 điểm; từ 80% đến dưới 100%: 0,75 điểm")


def test_rows_out_of_tree_order_are_put_in_tree_order() -> None:
    rows = [
        row("F1", None, "Lĩnh vực", "A", None, ap="Sở Nội vụ"),
        row("F2", None, "Lĩnh vực", "B", 1, ap="STP"),
        row("B1", None, "Điểm cộng-trừ", "Cộng", None, "Điểm cộng", "mỗi lần=1; tối đa=1"),
        row("1.1", "F1", "Nhóm tiêu chí", "A1"),
        row("2.1", "F2", "Tiêu chí", "B1", 1, "Có/Không"),
        row("1.1.1", "1.1", "Tiêu chí", "A11", 2, "Điều tra XHH"),
    ]
    spec = load_ok(make_xlsx(rows))
    assert [i.code for i in spec.items] == ["F1", "1.1", "1.1.1", "F2", "2.1", "B1"]
    items = {i.code: i for i in spec.items}
    assert items["F1"].max_points == Decimal(2) and items["1.1.1"].appraiser == "SNV"


# --- errors ----------------------------------------------------------------------------------------------


def test_malformed_workbook_lists_every_error_with_its_row(dept: SetSpec) -> None:
    workbook = load_workbook(io.BytesIO(dump_set_xlsx(dept)))
    sheet = workbook["Tiêu chí"]
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    rows["1.1.1"][4].value = "1.000"  # "Điểm tối đa": thousands or decimals?
    rows["1.2"][5].value = "Chọn điểm"  # unknown method
    rows["1.3.1"][1].value = "9.9"  # a parent that does not exist
    sheet.append(["B1", None, "Điểm cộng-trừ", "Trùng mã", None, "Điểm cộng", "mỗi lần=1; tối đa=1"])
    out = io.BytesIO()
    workbook.save(out)
    spec, errors = load_set_xlsx(out.getvalue())
    assert spec is None
    got = [(e.line, e.code) for e in errors]
    assert got == [
        (rows["1.1.1"][0].row, "1.1.1"),
        (rows["1.2"][0].row, "1.2"),
        (rows["1.3.1"][0].row, "1.3.1"),
        (sheet.max_row, "B1"),
    ]
    assert "Không rõ “1.000” là số nghìn hay số thập phân" in errors[0].message
    assert "“Chọn điểm” ở cột “Phương pháp” không hợp lệ" in errors[1].message
    assert "mã cha 9.9 không có trong bảng" in errors[2].message
    assert f"bị trùng với hàng {rows['B1'][0].row}" in errors[3].message
    for error in errors:
        assert error.message.startswith(f"Trang “Tiêu chí”, hàng {error.line}, mã {error.code}: ")


@pytest.mark.parametrize(
    "bad, words",
    [
        (row("1.3", "F1", "Tiêu chí", "X", 1, "Chọn mức", "Có"), "phải có dạng “tên=điểm; tên=điểm”"),
        (row("1.3", "F1", "Tiêu chí", "X", 1, "Chọn mức", "Có=1; Không=abc"), "“abc” không phải là số"),
        (row("1.3", "F1", "Tiêu chí", "X", 1, "Tỷ lệ theo khung", "≥50%=1; ≥80%=0"), "từ cao xuống thấp"),
        (row("1.3", "F1", "Tiêu chí", "X", None, "Có/Không"), "thiếu “Điểm tối đa”"),
        (row("1.3", "F1", "Tiêu chí", None, 1, "Có/Không"), "thiếu “Nội dung”"),
        (row("1.3", "F1", "Tiêu chí", "X", 1, None), "cần “Phương pháp”"),
        (row("1.3", "F1", "Mục", "X", 1, "Có/Không"), "“Mục” ở cột “Loại” không hợp lệ"),
        (row("1.3", None, "Tiêu chí", "X", 1, "Có/Không"), "cần “Mã cha”"),
        (row("1.3", "1.1", "Tiêu chí", "X", 1, "Có/Không"), "không chứa được mục con"),
        (row("1.3", "F1", "Tiêu chí", "X", 1, "Có/Không", na="Có thể"), "chỉ ghi “Có” hoặc “Không”"),
        (
            row("1.3", "F1", "Tiêu chí", "X", 1, "Có/Không", ap="Sở Y tế"),
            "“Sở Y tế” ở cột “Cơ quan thẩm định”",
        ),
        (row("1.3", "F1", "Tiêu chí", "X", 0.125, "Có/Không"), "0,125 có quá 2 chữ số thập phân"),
        (row("1.3", "F1", "Nhóm tiêu chí", "X"), "chưa có mục con nào"),
        (
            row("1.3", "F1", "Tiêu chí", "X", 1, "Điểm cộng", "mỗi lần=1; tối đa=1"),
            "cần “Phương pháp” là một trong",
        ),
        (
            row("B2", None, "Điểm cộng-trừ", "X", 1, "Điểm cộng", "mỗi lần=1; tối đa=1"),
            "không dùng cột “Điểm tối đa”",
        ),
        (row("B2", None, "Điểm cộng-trừ", "X", None, "Điểm cộng", "mỗi lần=1"), "cần mức tối đa"),
        (row("B2", "F1", "Điểm cộng-trừ", "X", None, "Điểm cộng", "mỗi lần=1; tối đa=1"), "không có mã cha"),
        (row(None, "F1", "Tiêu chí", "X", 1, "Có/Không"), "thiếu mã"),
    ],
)
def test_one_error_per_bad_row(bad: dict, words: str) -> None:
    spec, errors = load_set_xlsx(make_xlsx(SMALL + [bad]))
    assert spec is None
    assert len(errors) == 1, [e.message for e in errors]
    assert errors[0].line == len(SMALL) + 2 and words in errors[0].message, errors[0].message


def test_child_above_its_parent_is_an_error() -> None:
    rows = [
        row("F1", None, "Lĩnh vực", "A", 1),
        row("1.1.1", "1.1", "Tiêu chí", "C", 1, "Có/Không"),
        row("1.1", "F1", "Nhóm tiêu chí", "B"),
    ]
    spec, errors = load_set_xlsx(make_xlsx(rows))
    assert spec is None and [(e.line, e.code) for e in errors][0] == (3, "1.1.1")
    assert "phải nằm phía trên" in errors[0].message


@pytest.mark.parametrize(
    "meta, words",
    [
        (None, "thiếu trang “Thông tin”"),
        (META[:-1], "thiếu hàng “Trần điểm trừ”"),
        ([("Mã bộ tiêu chí", None)] + META[1:], "chưa nhập “Mã bộ tiêu chí”"),
        (META[:2] + [("Tổng điểm", "một trăm")] + META[3:], "“một trăm” không phải là số"),
    ],
)
def test_meta_sheet_errors(meta, words: str) -> None:
    spec, errors = load_set_xlsx(make_xlsx(SMALL, meta=meta))
    assert spec is None and len(errors) == 1
    assert words in errors[0].message and errors[0].message.startswith("Trang “Thông tin”")


def test_missing_required_column() -> None:
    headers = [h for h in HEADERS if h != "Phương pháp"]
    spec, errors = load_set_xlsx(make_xlsx(SMALL, headers=headers))
    assert spec is None and len(errors) == 1 and errors[0].line == 1
    assert "thiếu cột “Phương pháp”" in errors[0].message


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


NOT_XLSX = "không phải là bảng tính Excel"
CONTENT_TYPES = {"[Content_Types].xml": b"<Types/>"}


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda: (DATA / "not-an-xlsx.xlsx").read_bytes(), NOT_XLSX),
        (lambda: b"", NOT_XLSX),
        (lambda: b"PK\x03\x04 truncated", NOT_XLSX),
        (lambda: _zip({"a.txt": b"hello"}), NOT_XLSX),
        (lambda: _zip(CONTENT_TYPES), NOT_XLSX),
        (lambda: _zip({**CONTENT_TYPES, "xl/vbaProject.bin": b"x"}), "có chứa macro"),
        # a zip bomb: 100 kB that would inflate to 101 MB
        (lambda: _zip({**CONTENT_TYPES, "xl/big.xml": b"\0" * (101 * 1024 * 1024)}), "quá lớn khi giải nén"),
    ],
)
def test_not_a_workbook_gives_one_clear_error(make, words: str) -> None:
    data = make()
    spec, errors = load_set_xlsx(data)
    assert spec is None and len(errors) == 1
    assert words in errors[0].message and errors[0].line is None


# --- text: formulas, NFC ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title", ['=HYPERLINK("http://127.0.0.1:9/","bấm")', "+1", "-2", "@SUM(A1)", "'=x", "'a"]
)
def test_text_that_looks_like_a_formula_is_not_a_formula(dept: SetSpec, title: str) -> None:
    dept.items[1].title, original = title, dept.items[1].title
    try:
        data = dump_set_xlsx(dept)
        cell = load_workbook(io.BytesIO(data))["Tiêu chí"]["D3"]
        assert cell.data_type == "s" and cell.value.startswith("'")
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")
        assert load_ok(data).items[1].title == title
    finally:
        dept.items[1].title = original


def test_nfd_input_is_stored_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Cải cách thủ tục hành chính")
    rows = [
        row("F1", None, "Lĩnh vực", nfd, 1),
        row(
            "1.1",
            "F1",
            unicodedata.normalize("NFD", "Tiêu chí"),
            "  Báo cáo ",
            1,
            unicodedata.normalize("NFD", "Có/Không"),
        ),
    ]
    spec = load_ok(make_xlsx(rows))
    assert spec.items[0].title == unicodedata.normalize("NFC", nfd) and spec.items[1].title == "Báo cáo"


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40).filter(
    lambda t: nfc(t) == t and t
)


@settings(max_examples=100, deadline=None)
@given(title=_TEXT, note=_TEXT.map(lambda t: t + "\nDòng hai"))
def test_round_trip_of_any_text(title: str, note: str) -> None:
    spec = load_ok(make_xlsx(SMALL))
    spec.items[1].title, spec.items[1].note = title, note
    assert load_ok(dump_set_xlsx(spec)) == spec


def test_excel_escape_sequences_survive() -> None:
    spec = load_ok(make_xlsx(SMALL))
    spec.items[1].title = "Mã _x0041_ và _x000D_ giữ nguyên"
    assert load_ok(dump_set_xlsx(spec)).items[1].title == spec.items[1].title
