"""Lịch sử chấm điểm (XLSX) — the council's export of a unit's item histories: one row per item with the
five steps (value, who, when), then every audited change, as the reader may see them
(:func:`portal.unitfile.history.histories` builds the rows)."""
from decimal import Decimal

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from portal.assessments.models import COUNCIL_STAGES
from portal.local_time import zone
from portal.spreadsheet import append_values, bold_header, finish_sheet, workbook_bytes
from portal.unitfile.history import STEPS, ItemHistory, describe_change


def _points(entry):
    """A score cell: the points as a number (shown with 2 decimals), "Không áp dụng", or empty."""
    if entry is None:
        return None
    if entry.not_applicable:
        return _("Không áp dụng")
    return entry.points


def _change_cell(values: dict | None):
    """One side of an audited change: plain points stay a number, anything else is described."""
    if values and values.get("points") not in (None, "") and not values.get("not_applicable") \
            and "stance" not in values:
        return Decimal(str(values["points"]))
    return describe_change(values)


def history_xlsx(title: str, items: list[tuple[object, ItemHistory]]) -> bytes:
    """The unit's history as a workbook: one row per item with the five steps (value, who, when), then a
    second sheet with every audited change. Formula-looking text is neutralised."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Lịch sử")[:31]
    append_values(sheet, [title])
    sheet["A1"].font = Font(bold=True, size=13)
    head = [_("Mã"), _("Nội dung")]
    for _key, label, _obj in STEPS:
        head += [_(label), _("Người thực hiện"), _("Thời điểm")]
    head += [_("Nhận xét / giải trình")]
    append_values(sheet, head)
    bold_header(sheet[2], shaded=True, wrap=True)
    for crit, history in items:
        row = [crit.code, crit.title]
        notes = []
        for step in history.steps:
            if step.key == "explanation":
                value = "" if step.explanation is None else (
                    _("Đồng ý") if step.explanation.stance == "agree" else _("Không đồng ý"))
                if step.explanation is not None and step.explanation.text:
                    notes.append(_("Giải trình: %(text)s", text=step.explanation.text))
            else:
                value = _points(step.entry)
                if step.key in COUNCIL_STAGES and step.entry is not None and step.entry.note:
                    notes.append(f"{step.label}: {step.entry.note}")
            row += [value, step.who or "", step.when]
        row.append("\n".join(notes))
        append_values(sheet, row)
    for letter, width in zip("ABCDEFGHIJKLMNOPQR", (8, 48) + (10, 20, 16) * 5 + (50,)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "C3"
    finish_sheet(sheet, header_row=2, zone=zone())
    changes = book.create_sheet(_("Các lần thay đổi")[:31])
    append_values(changes, [_("Mã"), _("Bước"), _("Người thực hiện"), _("Thời điểm"), _("Trước"), _("Sau")])
    bold_header(changes[1])
    for crit, history in items:
        for change in history.changes:
            append_values(changes, (crit.code, change.label, change.who or "", change.when,
                                    _change_cell(change.old), _change_cell(change.new)))
    for letter, width in zip("ABCDEF", (8, 18, 24, 16, 30, 30)):
        changes.column_dimensions[letter].width = width
    finish_sheet(changes, header_row=1, zone=zone())
    return workbook_bytes(book)
