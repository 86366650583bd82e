"""Tự đánh giá bằng Excel — the unit's self-assessment as an XLSX template and back: units often prepare in
Excel. Export writes one row per item the unit scores; import reads the same columns back into the form
fields of each item, which then go through exactly the same checks as a save in the page."""
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl import Workbook

from portal.assessments.domain import N_, read_item_form
from portal.scoring.methods import METHOD_LABELS
from portal.spreadsheet import (
    DAMAGED,
    WRAP_TOP,
    UnreadableWorkbook,
    append_values,
    bold_header,
    finish_sheet,
    open_workbook,
    unescape_text,
    workbook_bytes,
)

SHEET = "Tự đánh giá"
COLUMNS = ("Mã", "Nội dung", "Điểm tối đa", "Cách chấm", "Mức đạt được / Có-Không / Điểm", "Tử số", "Mẫu số",
           "Số lần", "Không áp dụng", "Lý do không áp dụng", "Thuyết minh", "Điểm (tự tính)", "Phiên bản")
MAX_BYTES = 5 * 1024 * 1024


def _plain(value) -> str:
    return unescape_text(str(value).strip()) if value is not None else ""


def export_workbook(views, *, title: str) -> bytes:
    """One row per item the unit scores, with its current values and version (scores as numbers)."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    append_values(ws, [title])
    append_values(ws, COLUMNS)
    bold_header(ws[2], shaded=True)
    for view in views:
        c, e = view.criterion, view.entry
        inputs = e.inputs if e else {}
        choice = ""
        if c.method == "levels" and "level" in inputs:
            levels = c.config.get("levels", [])
            choice = levels[inputs["level"]][0] if inputs["level"] < len(levels) else ""
        elif c.method == "yes_no" and "yes" in inputs:
            choice = "Có" if inputs["yes"] else "Không"
        elif c.method == "number" and inputs.get("value") not in (None, ""):
            choice = Decimal(str(inputs["value"]))  # a score: a number cell, read back as one
        append_values(ws, (
            c.code, c.title, c.max_points, METHOD_LABELS.get(c.method, ""),
            choice, inputs.get("numerator", ""), inputs.get("denominator", ""), inputs.get("count", ""),
            "Có" if e and e.not_applicable else "", (e.na_reason or "") if e else "", e.note if e else "",
            e.points if e else None, e.version if e else 0))
    for letter, width in zip("ABCDEFGHIJKLM", (8, 60, 10, 16, 26, 9, 9, 8, 12, 28, 40, 12, 9)):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = WRAP_TOP
    finish_sheet(ws, header_row=2)  # no time cells: the default zone is never used
    return workbook_bytes(wb)


@dataclass
class RowChange:
    row: int
    criterion: object
    form: dict
    version: int
    points: object = None
    not_applicable: bool = False


@dataclass
class ParsedImport:
    changes: list[RowChange] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)   # (row, code, message)


def _form_for(criterion, cells: dict) -> dict:
    form = {"note": _plain(cells.get("Thuyết minh")), "na_reason": _plain(cells.get("Lý do không áp dụng"))}
    if _plain(cells.get("Không áp dụng")).casefold() in ("có", "x", "co", "yes"):
        form["not_applicable"] = "1"
    choice = _plain(cells.get("Mức đạt được / Có-Không / Điểm"))
    if criterion.method == "levels" and choice:
        labels = [label.casefold() for label, _p in criterion.config.get("levels", [])]
        form["level"] = str(labels.index(choice.casefold())) if choice.casefold() in labels else "x"
    elif criterion.method == "yes_no" and choice:
        form["yes"] = {"có": "1", "co": "1", "không": "0", "khong": "0"}.get(choice.casefold(), "x")
    elif criterion.method == "number":
        form["value"] = choice
    for key, column in (("numerator", "Tử số"), ("denominator", "Mẫu số"), ("count", "Số lần")):
        form[key] = _plain(cells.get(column))
    return form


def _blank(form: dict) -> bool:
    return not any(v for k, v in form.items())


def parse_workbook(data: bytes, items_by_code: dict) -> ParsedImport:
    """Read an uploaded template; every problem is listed with its row and item code, nothing is saved."""
    result = ParsedImport()
    try:
        workbook = open_workbook(data, max_bytes=MAX_BYTES)
    except UnreadableWorkbook as refused:
        if refused.reason != DAMAGED:
            result.errors.append((0, "", N_("Tệp không phải bảng tính Excel (.xlsx). Hãy tải mẫu từ trang tự đánh giá, điền rồi tải lên lại.")))
            return result
        workbook = None
    try:
        rows = list(workbook[SHEET].iter_rows(values_only=True)) if workbook is not None else None
    except Exception:  # noqa: BLE001 - no such sheet, or a broken part inside a valid zip
        rows = None
    finally:
        if workbook is not None:
            workbook.close()
    if rows is None:
        result.errors.append((0, "", N_("Không đọc được trang “Tự đánh giá” trong tệp. Hãy dùng đúng tệp mẫu tải từ cổng.")))
        return result
    header = [(_plain(h)) for h in (rows[1] if len(rows) > 1 else ())]
    if "Mã" not in header:
        result.errors.append((2, "", N_("Dòng 2 phải là dòng tiêu đề của tệp mẫu (cột “Mã”…).")))
        return result
    seen = set()
    for number, values in enumerate(rows[2:], start=3):
        cells = dict(zip(header, values))
        code = _plain(cells.get("Mã"))
        if not code:
            continue
        criterion = items_by_code.get(code)
        if criterion is None:
            result.errors.append((number, code, N_("Mã tiêu chí không có trong bộ tiêu chí của đơn vị.")))
            continue
        if code in seen:
            result.errors.append((number, code, N_("Mã tiêu chí bị lặp lại trong tệp.")))
            continue
        seen.add(code)
        form = _form_for(criterion, cells)
        if _blank({k: v for k, v in form.items() if k not in ("note",)}) and not form.get("note"):
            continue
        item = read_item_form(criterion.method, criterion.max_points, criterion.config or {}, form,
                              na_allowed=criterion.na_allowed)
        for message in item.errors.values():
            result.errors.append((number, code, message))
        try:
            version = int(_plain(cells.get("Phiên bản")) or 0)
        except ValueError:
            version = -1
        if not item.errors:
            result.changes.append(RowChange(number, criterion, form, version, item.points, item.not_applicable))
    return result
