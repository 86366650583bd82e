"""Bảng tính như cán bộ đọc — the rules every workbook the portal reads or writes shares (openpyxl only,
no Flask, no SQL, so any area may use it). Each area keeps its columns and words; the rules live here once.

Writing:
- text a spreadsheet would run as a formula (it begins with =, +, -, @, a tab or a carriage return:
  CSV/XLSX injection, security.md §7) is written with a leading apostrophe, and so is text that already
  begins with one, so that :func:`unescape_text` gives back exactly what was written; control characters
  openpyxl refuses are dropped (:func:`escape_text`, :func:`cell_value`);

- a score (every Decimal cell) is a number shown with 2 decimals (Excel's built-in format "0.00"),
  never text, so sums and filters work and 1,5 reads 1,50 beside 2,25;
- a time is a real date-time cell in the portal's local zone (Asia/Ho_Chi_Minh), shown dd/mm/yyyy HH:MM;
- the header row carries an autofilter, so officials can filter and sort without setting it up.

Counts and ranks stay integers (General format). Call :func:`finish_sheet` last, once a sheet is written.

Reading (:func:`open_workbook`): only a real .xlsx zip is opened — no macro workbook, at most
MAX_ZIP_ENTRIES entries and MAX_UNZIPPED_BYTES once unpacked (a zip bomb is refused before openpyxl
unpacks anything); the upload size is the reader's own (`max_bytes`). A refusal is an
:class:`UnreadableWorkbook` whose `reason` each reader words in its own terms.
"""
from __future__ import annotations

import io
import zipfile
from copy import copy
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter

SCORE_FORMAT = "0.00"
SCORE_FORMAT_ID = 2  # Excel's built-in number format 2 is "0.00": no custom format to register
TIME_FORMAT = "dd/mm/yyyy hh:mm"
DEFAULT_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")  # callers in a request pass the configured zone

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ESCAPED_START = FORMULA_START + ("'",)
MAX_ZIP_ENTRIES = 200
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
HEADER_FONT = Font(bold=True)
HEADER_SHADE = PatternFill("solid", fgColor="EEF0F3")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
PLAIN_VALUES = (bool, int, Decimal, datetime, date)  # written as they are: numbers, truth values, times
NOT_XLSX, TOO_LARGE, MACRO, UNZIPPED_TOO_LARGE, DAMAGED = (
    "not_xlsx", "too_large", "macro", "unzipped_too_large", "damaged")


# ------------------------------------------------------------------------------------------------ writing

def escape_text(value: str) -> str:
    """A text cell that can never become a live formula: illegal characters dropped, a formula start
    (or an apostrophe, so the escape stays reversible) prefixed with "'"."""
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + text if text.startswith(ESCAPED_START) else text


def unescape_text(value: str) -> str:
    """The text as typed, from a cell written by escape_text."""
    return value[1:] if value.startswith("'") and value[1:2] in ESCAPED_START else value


def cell_value(value):
    """What goes into a cell: numbers stay numbers (Decimal exact), times stay times (made local by
    finish_sheet), None stays empty, any other value is written as escaped text."""
    if value is None or isinstance(value, PLAIN_VALUES):
        return value
    if isinstance(value, float):  # scores are never floats; refuse rather than round silently
        raise TypeError("spreadsheet numbers are Decimal or int, never float")
    return escape_text(str(value))


def append_values(sheet, values) -> None:
    """Append one row, every value through cell_value."""
    sheet.append([cell_value(v) for v in values])


def bold_header(cells, *, shaded: bool = False, wrap: bool = False) -> None:
    """A header row's cells in bold, optionally on the light grey of the portal's tables and wrapped."""
    for cell in cells:
        cell.font = HEADER_FONT
        if shaded:
            cell.fill = HEADER_SHADE
        if wrap:
            cell.alignment = WRAP_TOP


def workbook_bytes(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# ------------------------------------------------------------------------------------------------ reading

class UnreadableWorkbook(ValueError):
    """An upload that is not a workbook the portal opens; `reason` is NOT_XLSX, TOO_LARGE, MACRO,
    UNZIPPED_TOO_LARGE (refused before opening) or DAMAGED (a zip openpyxl cannot read)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def check_container(data, *, max_bytes: int) -> str | None:
    """Why these bytes are not opened (a reason code), or None: checked on the zip's directory only."""
    if not isinstance(data, (bytes, bytearray)) or not data.startswith(b"PK\x03\x04"):
        return NOT_XLSX
    if len(data) > max_bytes:
        return TOO_LARGE
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return NOT_XLSX
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names:
        return NOT_XLSX
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return MACRO
    if len(entries) > MAX_ZIP_ENTRIES or sum(entry.file_size for entry in entries) > MAX_UNZIPPED_BYTES:
        return UNZIPPED_TOO_LARGE
    return None


def open_workbook(data, *, max_bytes: int):
    """The workbook, read-only with cached values (close it when done), or UnreadableWorkbook."""
    problem = check_container(data, max_bytes=max_bytes)
    if problem:
        raise UnreadableWorkbook(problem)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a damaged file; all mean the same
        raise UnreadableWorkbook(DAMAGED) from exc


# ------------------------------------------------------------------------------------------------ finishing


def local_time(value: datetime, zone: ZoneInfo) -> datetime:
    """An aware time as the naive local time a spreadsheet shows (a naive one is taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    return value.astimezone(zone).replace(tzinfo=None)


class _ScoreStyles:
    """The 2-decimal variant of each style met in a sheet, made once and shared by the cells that had it.

    Sharing is why finish_sheet runs last: openpyxl changes a cell's style in place, so a font set on one
    cell afterwards would reach every cell sharing its array (200,000 score cells: 0.3 s instead of 2 s)."""

    def __init__(self):
        self.made: dict = {}

    def apply(self, cell) -> None:
        key = None if cell._style is None else tuple(cell._style)
        style = self.made.get(key)
        if style is None:
            style = StyleArray() if key is None else copy(cell._style)
            style.numFmtId = SCORE_FORMAT_ID
            self.made[key] = style
        cell._style = style


def score_column(sheet, *, column: int, first_row: int) -> None:
    """Show the (empty) cells of a column officials fill in with 2 decimals, as the scores beside them."""
    styles = _ScoreStyles()
    for row in range(first_row, sheet.max_row + 1):
        styles.apply(sheet.cell(row=row, column=column))


def finish_sheet(sheet, *, header_row: int | None, zone: ZoneInfo = DEFAULT_ZONE) -> None:
    """Scores to numbers with 2 decimals, times to local date-times, and an autofilter on `header_row`
    (None: a sheet without a table header, e.g. an information sheet)."""
    # Worksheet._cells is openpyxl's own cell store; walking it once is far cheaper than setting
    # `number_format` through the style descriptors cell by cell (200,000 cells: 0.3 s against 30 s).
    styles = _ScoreStyles()
    for cell in sheet._cells.values():
        value = cell.value
        if isinstance(value, Decimal):
            if value.is_zero() and value.is_signed():
                cell.value = value + 0  # "-0.00" would read "-0,00" in a spreadsheet: an index is never -0
            styles.apply(cell)
        elif isinstance(value, datetime):
            cell.value = local_time(value, zone)
            cell.number_format = TIME_FORMAT
    if header_row is not None and sheet.max_column:
        sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(sheet.max_column)}{max(sheet.max_row, header_row)}"
