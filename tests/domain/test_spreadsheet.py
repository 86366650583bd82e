"""The finishing rules of every workbook the portal writes (portal.spreadsheet): scores as numbers with two
decimals, times local (Asia/Ho_Chi_Minh, dd/mm/yyyy HH:MM), an autofilter on the header row."""
import io
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from portal.spreadsheet import finish_sheet, local_time

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def _round_trip(book):
    out = io.BytesIO()
    book.save(out)
    return load_workbook(io.BytesIO(out.getvalue()))


def test_scores_times_and_filter():
    book = Workbook()
    sheet = book.active
    sheet.append(["Đơn vị", "Điểm", "Số lần", "Lúc"])
    sheet.append(["Sở Tư pháp", Decimal("1.5"), 2, datetime(2026, 12, 5, 23, 30, tzinfo=UTC)])
    sheet.append(["Sở Y tế", Decimal("10.02"), 0, None])
    sheet["B2"].font = Font(bold=True)  # a styled cell keeps its style
    finish_sheet(sheet, header_row=1, zone=ZONE)
    read = _round_trip(book).active
    assert read.auto_filter.ref == "A1:D3"
    assert (read["B2"].value, read["B2"].number_format, read["B2"].font.b) == (1.5, "0.00", True)
    assert (read["B3"].value, read["B3"].number_format) == (10.02, "0.00")
    assert read["C2"].number_format == "General"  # counts stay integers
    assert read["D2"].value == datetime(2026, 12, 6, 6, 30) and read["D2"].number_format == "dd/mm/yyyy hh:mm"


def test_a_sheet_without_a_header_gets_no_filter():
    book = Workbook()
    book.active.append(["Xuất lúc", datetime(2026, 1, 1, tzinfo=UTC)])
    finish_sheet(book.active, header_row=None, zone=ZONE)
    read = _round_trip(book).active
    assert read.auto_filter.ref is None and read["B1"].value == datetime(2026, 1, 1, 7, 0)


def test_local_time_reads_naive_as_utc():
    assert local_time(datetime(2026, 3, 1, 17, 0), ZONE) == datetime(2026, 3, 2, 0, 0)
