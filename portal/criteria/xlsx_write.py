"""Ghi bộ tiêu chí ra Excel — `dump_set_xlsx` writes a set in the layout of portal.criteria.xlsx_layout;
`settings_text` gives a method's settings in the cell syntax of the "Các mức / khung" column
("Đúng hạn=1; Chậm hạn=0,5"). Scores are number cells shown with 2 decimals (portal.spreadsheet).
"""

from __future__ import annotations

from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from portal.criteria.spec import ADJUSTMENT_METHODS, METHOD_LABELS, OVER_100, UNIT_TYPE_LABELS, ItemSpec, SetSpec, dec_str
from portal.criteria.xlsx_layout import COLUMNS, ITEMS_SHEET, KIND_LABELS, META_ROWS, META_SHEET, NO, YES
from portal.scoring.numeric import format_vi
from portal.spreadsheet import append_values, finish_sheet, workbook_bytes

WIDTHS = {
    "code": 9,
    "parent": 9,
    "kind": 15,
    "title": 60,
    "max": 10,
    "method": 16,
    "settings": 45,
    "input": 30,
    "na": 12,
    "ap": 12,
    "guidance": 50,
    "evidence": 40,
    "note": 30,
}


def _number_cell(value: Decimal | None) -> Decimal | None:
    """Points as a number cell (shown with 2 decimals by finish_sheet), never text."""
    if value is None:
        return None
    return Decimal(dec_str(value))


def settings_text(item: ItemSpec) -> str:
    text = _scale_text(item)
    if item.method in ("percentage", "ratio") and item.config.get("over_100"):
        text = f"{text}; {OVER_100}" if text else OVER_100
    return text


def _scale_text(item: ItemSpec) -> str:
    config = item.config
    if item.method == "levels":
        return "; ".join(f"{label}={format_vi(Decimal(p))}" for label, p in config.get("levels", []))
    if item.method == "percentage":
        return "; ".join(
            f"≥{format_vi(Decimal(t))}%={format_vi(Decimal(p))}" for t, p in config.get("bands", [])
        )
    if item.method == "number" and "step" in config:
        return f"bước={format_vi(Decimal(config['step']))}"
    if item.method in ADJUSTMENT_METHODS:
        return f"mỗi lần={format_vi(Decimal(config['per']))}; tối đa={format_vi(Decimal(config['cap']))}"
    return ""


def dump_set_xlsx(spec: SetSpec) -> bytes:
    """Write the set as an .xlsx workbook (sheets "Tiêu chí" and "Thông tin")."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = ITEMS_SHEET
    sheet.append(list(COLUMNS.values()))
    for item in spec.items:
        row = {
            "code": item.code,
            "parent": item.parent_code or "",
            "kind": KIND_LABELS[item.kind],
            "title": item.title,
            "max": _number_cell(item.max_points),
            "method": METHOD_LABELS.get(item.method, "") if item.kind in ("item", "adjustment") else "",
            "settings": settings_text(item),
            "input": item.config.get("input_label", ""),
            "na": YES if item.na_allowed else NO,
            "ap": item.appraiser or "",
            "guidance": item.guidance,
            "evidence": item.evidence,
            "note": item.note,
        }
        append_values(sheet, row.values())
    for index, key in enumerate(COLUMNS):
        letter = sheet.cell(row=1, column=index + 1).column_letter
        sheet.column_dimensions[letter].width = WIDTHS[key]
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    sheet.freeze_panes = "B2"
    finish_sheet(sheet, header_row=1)
    meta = workbook.create_sheet(META_SHEET)
    meta.append(["Thông tin", "Giá trị"])
    for key, label in META_ROWS.items():
        value = spec.meta.get(key)
        if key == "unit_type":
            value = UNIT_TYPE_LABELS.get(value, value)
        append_values(meta, [label, value if isinstance(value, str) else _number_cell(value)])
    meta.column_dimensions["A"].width, meta.column_dimensions["B"].width = 22, 30
    for cell in meta[1]:
        cell.font = Font(bold=True)
    finish_sheet(meta, header_row=1)
    return workbook_bytes(workbook)
