"""Đọc tệp điểm điều tra XHH — read an uploaded survey file (CSV or XLSX) into rows. Pure: no Flask.

A file has one row per unit and survey item: unit code (mã đơn vị), item code (mã mục, e.g. 8.1) or a
field code (mã lĩnh vực, e.g. F8), and the points (điểm; "4,5" or "4.5"). The first row is a header
whose columns are found by name ("Mã đơn vị", "Mã mục", "Điểm"; other columns are ignored), or, in a
three-column file without a header, taken in that order. CSV is UTF-8 with or without BOM, separated
by commas or semicolons (the separator used most in the first line wins). Problems are returned as
`Problem` codes with their row numbers; `survey_check` checks the rows against the year's units and
items, and the web layer words them. Also builds the downloadable XLSX template.
"""
import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl import Workbook

from portal.spreadsheet import (
    TOO_LARGE,
    UNZIPPED_TOO_LARGE,
    UnreadableWorkbook,
    append_values,
    finish_sheet,
    open_workbook,
    score_column,
    unescape_text,
    workbook_bytes,
)
from portal.text import clean_text, fold_key

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20000
TEMPLATE_SHEET = "Điều tra XHH"
TEMPLATE_HEADER = ("Mã đơn vị", "Tên đơn vị", "Mã mục", "Nội dung", "Điểm tối đa", "Điểm")
TYPE_HEADER = "Loại đơn vị"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls), old Word (.doc)
_BINARY_SIGNATURES = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf",
                      b"{\\rtf", b"\x7fELF")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # Excel's "Unicode text": readable, but not UTF-8
_HEADERS = {
    "unit": {"madonvi", "madv", "donvi", "unit", "unitcode"},
    "item": {"mamuc", "matieuchi", "muc", "tieuchi", "item", "itemcode", "malinhvuc"},
    "points": {"diem", "diemdieutra", "points", "score"},
}


@dataclass(frozen=True)
class Problem:
    """One problem of a file: a stable code, the row (None for the whole file) and what to say."""

    code: str
    row: int | None = None
    params: dict = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class RawRow:
    """A data row as read: the row number in the file and the three cells (points: str, number or None)."""

    row: int
    unit: str
    item: str
    points: object


def _key(text: object) -> str:
    return re.sub(r"[^a-z0-9]", "", fold_key(str(text)))


def cell_text(value: object) -> str:
    """A cell as text: numbers as written (883, 8.1), the "'" that neutralises formulas removed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    return unescape_text(clean_text(str(value)))


def read_table(data: bytes) -> tuple[list[RawRow], list[Problem]]:
    """The data rows of a CSV or XLSX file, or the problems that prevent reading it."""
    if not data:
        return [], [Problem("empty")]
    if len(data) > MAX_BYTES:
        return [], [Problem("too_large")]
    if data.startswith(b"PK\x03\x04"):
        table, problem = _xlsx_cells(data)
    elif data.startswith(_OLE2):
        return [], [Problem("old_xls")]
    elif data.startswith(_UTF16_BOMS):
        return [], [Problem("not_utf8")]
    elif _looks_binary(data):
        return [], [Problem("bad_file")]
    else:
        table, problem = _csv_cells(data)
    if problem is not None:
        return [], [problem]
    return _rows(table, csv_text=not data.startswith(b"PK\x03\x04"))


def _looks_binary(data: bytes) -> bool:
    """A PDF, an image, a Word file…: a known signature, or NUL bytes in the first kilobytes (a text CSV
    never has them). Such a file is "not a spreadsheet", not "a CSV in the wrong encoding"."""
    head = data[:8192]
    return head.startswith(_BINARY_SIGNATURES) or b"\x00" in head


def _csv_cells(data: bytes) -> tuple[list[tuple[int, list]], Problem | None]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], Problem("not_utf8")
    if "\x00" in text:
        return [], Problem("bad_file")
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [(number, row) for number, row in enumerate(reader, start=1)], None
    except csv.Error:
        return [], Problem("bad_file")


def _xlsx_cells(data: bytes) -> tuple[list[tuple[int, list]], Problem | None]:
    try:
        workbook = open_workbook(data, max_bytes=MAX_BYTES)
    except UnreadableWorkbook as refused:
        return [], Problem("too_large" if refused.reason in (TOO_LARGE, UNZIPPED_TOO_LARGE) else "bad_file")
    try:
        by_key = {_key(name): name for name in workbook.sheetnames}
        sheet = workbook[by_key.get(_key(TEMPLATE_SHEET), workbook.sheetnames[0])]
        table = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS + 1:
                return [], Problem("too_many_rows", params={"max": MAX_ROWS})
            table.append((number, list(values)))
        return table, None
    except Exception:  # noqa: BLE001 - a broken part inside a valid zip
        return [], Problem("bad_file")
    finally:
        workbook.close()


def _columns(header: list) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for index, value in enumerate(header):
        key = _key(cell_text(value))
        for name, keys in _HEADERS.items():
            if key in keys and name not in found:
                found[name] = index
    return found if len(found) == 3 else None


def _looks_numeric(value: object) -> bool:
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return True
    return bool(re.fullmatch(r"-?[0-9]+(?:[.,][0-9]+)?", cell_text(value)))


def _rows(table: list[tuple[int, list]], *, csv_text: bool = False) -> tuple[list[RawRow], list[Problem]]:
    """The data rows under the header. In a CSV, a row with more filled cells than the header has columns
    is refused: "SNV,8.1,4,5" is a decimal comma in a comma-separated file, and reading it as 4 points
    would be silently wrong."""
    table = [(n, cells) for n, cells in table if any(cell_text(c) for c in cells)]
    if not table:
        return [], [Problem("empty")]
    if len(table) > MAX_ROWS + 1:
        return [], [Problem("too_many_rows", params={"max": MAX_ROWS})]
    first_number, first = table[0]
    columns = _columns(first)
    data = table[1:]
    if columns is None:
        if len(first) >= 3 and _looks_numeric(first[2]):
            columns, data = {"unit": 0, "item": 1, "points": 2}, table  # three columns, no header
        else:
            return [], [Problem("no_header", first_number)]

    def cell(cells: list, name: str) -> object:
        index = columns[name]
        return cells[index] if index < len(cells) else None

    width = len(first) if data is not table else 3
    rows, problems = [], []
    for number, cells in data:
        if csv_text and any(cell_text(c) for c in cells[width:]):
            problems.append(Problem("extra_cells", number, {"columns": width}))
            continue
        points = cell(cells, "points")
        rows.append(RawRow(number, cell_text(cell(cells, "unit")), cell_text(cell(cells, "item")),
                           points if not isinstance(points, str) else cell_text(points)))
    return (rows, []) if not problems else ([], problems)


def build_template(units, items_by_type, type_labels=None) -> bytes:
    """Tệp mẫu: one row per unit and survey item, the points column empty, the unit's type last (the
    header's filter then picks one type: a year of 102 communes; the import ignores that column).

    `units` are (code, name, unit_type); `items_by_type` maps a unit type to its survey items
    (objects with code, title and max_points); `type_labels` a unit type to its name."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = TEMPLATE_SHEET
    sheet.append([*TEMPLATE_HEADER, TYPE_HEADER])
    labels = type_labels or {}
    for code, name, unit_type in units:
        for item in items_by_type.get(unit_type, ()):
            append_values(sheet, (code, name, item.code, item.title, item.max_points, None,
                                  labels.get(unit_type, unit_type)))
    for column, width in zip("ABCDEFG", (12, 40, 10, 50, 12, 10, 18)):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    score_column(sheet, column=6, first_row=2)  # the points officials type: shown with 2 decimals too
    finish_sheet(sheet, header_row=1)  # the maximum as a number with 2 decimals, a filter on the header
    return workbook_bytes(workbook)
