"""Ô bảng tính — the report workbooks' own cells, pure (openpyxl only, no Flask, no SQL).

The escaping, number and time rules are portal.spreadsheet's, shared by every workbook of the portal;
here a report's text is also made NFC without control characters (portal.text.clean_text keeps newlines)
before it is escaped, "không áp dụng" is the text KAD, a score not entered is an empty cell, and the
header rows share one named style.
"""
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from portal import spreadsheet
from portal.text import clean_text

NOT_APPLICABLE = "KAD"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E8E8E8")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
HEADER_STYLE = "Tiêu đề bảng"


def cell_value(value):
    """A report cell: text cleaned (NFC, no control characters), then portal.spreadsheet's rules."""
    if value is not None and not isinstance(value, spreadsheet.PLAIN_VALUES + (float,)):
        value = clean_text(str(value), multiline=True)
    return spreadsheet.cell_value(value)


def score_value(points: Decimal | None, not_applicable: bool = False):
    """A score cell: the points, KAD for "không áp dụng", empty when nothing was entered."""
    if not_applicable:
        return NOT_APPLICABLE
    return points


def append_row(sheet, values, *, bold: bool = False) -> None:
    """Append one row (number formats are set once per sheet by portal.spreadsheet.finish_sheet)."""
    sheet.append([cell_value(v) for v in values])
    if bold:
        for cell in sheet[sheet._current_row]:  # the row just appended (max_row scans every cell)
            cell.font = HEADER_FONT


def header_row(sheet, titles, *, row: int, start: int = 1) -> None:
    """A bold, shaded, wrapped header row written at `row` from column `start` (None leaves a cell empty,
    for the part of a merged range)."""
    for column, title in enumerate(titles, start=start):
        cell = sheet.cell(row=row, column=column, value=cell_value(title))
        cell.style = HEADER_STYLE   # one named style: setting font, fill and alignment per cell is slow


def merge(sheet, *, start_row: int, start_column: int, end_row: int, end_column: int) -> None:
    """Merge a header range whose other cells are empty. Worksheet.merge_cells also redraws borders
    cell by cell, which costs more than the whole rest of the matrix; the header has no borders."""
    sheet.merged_cells.add(CellRange(min_row=start_row, min_col=start_column, max_row=end_row, max_col=end_column))


def widths(sheet, sizes) -> None:
    """Column widths, from column A on."""
    for column, size in enumerate(sizes, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = size


def new_workbook() -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.add_named_style(NamedStyle(HEADER_STYLE, font=HEADER_FONT, fill=HEADER_FILL, alignment=CENTER))
    return workbook


def sheet_title(text: str) -> str:
    """A valid, neutral sheet name (at most 31 characters, none of []:*?/\\)."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in clean_text(text)).strip("' ")
    return cleaned[:31] or "Trang"
