"""Bảng tính xuất — the year's spreadsheets (XLSX, opened back with openpyxl in the tests):

- Bảng điểm đầy đủ (`score_matrix`): per unit type, one row per unit and, per scored item, a column for
  each round (self, round 1, round 2, final); survey items with the imported survey points; bonus and
  deduction items as counts per round; the totals the appraisal screens show. A second sheet lists every
  score entry as a line, with the unit's or the appraiser's note.
- Bảng xếp hạng (`rankings`): the ranking per unit type of the results document, exactly as the results
  screens show it (rank, points, index, band, reward proposal, field sub-indexes).

The survey import template is the results module's own (portal.results.surveys.template_bytes), linked
from the reports page, not rebuilt here. Every text cell goes through portal.reports.sheet and portal.spreadsheet (no formula).
"""
from dataclasses import dataclass
from datetime import datetime

from openpyxl.utils import get_column_letter

from portal.unitfile.entries import entries_by_stage
from portal.reports import data_year, documents
from portal.reports.scores import effective_entries, stage_evaluations
from portal.reports.sheet import (
    WRAP,
    append_row,
    header_row,
    merge,
    new_workbook,
    score_value,
    sheet_title,
    widths,
)
from portal.results.services import survey_rows
from portal.spreadsheet import finish_sheet, workbook_bytes
from portal.text import fold_key
from portal.units.types import sort_key, unit_type_label
from portal.local_time import zone

STAGES = (("self", "Tự chấm"), ("round1", "TĐ vòng 1"), ("round2", "TĐ vòng 2"), ("final", "Cuối cùng"))
STAGE_LABELS = dict(STAGES)
TOTALS = ("Tổng điểm tự chấm", "Tổng điểm sau TĐ vòng 1", "Tổng điểm thẩm định", "Điểm cộng", "Điểm trừ",
          "Điểm điều tra XHH")
MATRIX_HEAD = ("Mã đơn vị", "Đơn vị")
DETAIL_SHEET = "Chi tiết điểm"
DETAIL_HEAD = ("Mã đơn vị", "Đơn vị", "Mã mục", "Nội dung", "Điểm tối đa", "Vòng", "Điểm", "Không áp dụng",
               "Số lần", "Ghi chú, nhận xét")
RANKING_HEAD = ("Xếp hạng", "Đồng hạng", "Mã đơn vị", "Đơn vị", "Điểm thẩm định", "Điểm điều tra XHH",
                "Điểm cộng", "Điểm trừ", "Điểm tối đa áp dụng", "Chỉ số CCHC (%)", "Xếp loại",
                "Đề xuất khen thưởng")


@dataclass(frozen=True)
class Column:
    """One item of the matrix: a scored item (4 round columns), a survey item (1) or an adjustment (4)."""

    crit: object
    kind: str

    @property
    def width(self) -> int:
        return 1 if self.kind == "survey" else len(STAGES)

    @property
    def heading(self) -> str:
        c = self.crit
        maximum = f" (tối đa {format(c.max_points.normalize(), 'f')})" if c.max_points is not None else ""
        if self.kind == "adjustment":
            label = "Điểm cộng" if c.method == "bonus" else "Điểm trừ"
            return f"{c.code} {label}: {c.title} — số lần"
        return f"{c.code} {c.title}{maximum}" + (" — điều tra XHH" if self.kind == "survey" else "")


def _columns(tree) -> list[Column]:
    cols = []
    for crit in tree.leaves():
        cols.append(Column(crit, "survey" if crit.id in tree.survey_ids else "item"))
    return cols + [Column(crit, "adjustment") for crit in tree.adjustments]


def _count(entry):
    if entry is None:
        return None
    return 0 if entry.not_applicable else int((entry.inputs or {}).get("count", 0) or 0)


def _cells(col: Column, stages: dict, survey: dict) -> list:
    if col.kind == "survey":
        return [survey.get(col.crit.id)]
    eff = effective_entries(stages)
    values = []
    for stage, _label in STAGES:
        entry = eff[stage]
        if col.kind == "adjustment":
            values.append(_count(entry))
        else:
            values.append(None if entry is None else score_value(entry.points, bool(entry.not_applicable)))
    return values


def _info_sheet(workbook, year, title: str, lines) -> None:
    sheet = workbook.create_sheet("Thông tin")
    append_row(sheet, [title], bold=True)
    append_row(sheet, [year.title])
    for label, value in lines:
        append_row(sheet, [label, value])
    widths(sheet, (34, 80))
    finish_sheet(sheet, header_row=None, zone=zone())


def _matrix_sheet(workbook, kind, units, tree, entries, surveys, year, name_of) -> None:
    sheet = workbook.create_sheet(sheet_title(unit_type_label(kind, year)))
    cols = _columns(tree)
    header_row(sheet, MATRIX_HEAD, row=1)
    header_row(sheet, (None, None), row=2)
    column = len(MATRIX_HEAD) + 1
    for col in cols:
        header_row(sheet, [col.heading] + [None] * (col.width - 1), row=1, start=column)
        header_row(sheet, ["Điều tra XHH"] if col.kind == "survey" else [s for _k, s in STAGES], row=2,
                   start=column)
        if col.width > 1:
            merge(sheet, start_row=1, start_column=column, end_row=1, end_column=column + col.width - 1)
        column += col.width
    header_row(sheet, ["Tổng hợp"] + [None] * (len(TOTALS) - 1), row=1, start=column)
    merge(sheet, start_row=1, start_column=column, end_row=1, end_column=column + len(TOTALS) - 1)
    header_row(sheet, TOTALS, row=2, start=column)
    for index in (1, 2):
        merge(sheet, start_row=1, start_column=index, end_row=2, end_column=index)
    for assessment in units:
        by_item = entries.get(assessment.id, {})
        survey = surveys.get(assessment.unit_id, {})
        evals = stage_evaluations(tree, by_item, assessment.criteria_set, year.settings, survey=survey)
        row = [assessment.unit.code, name_of(assessment)]
        for col in cols:
            row += _cells(col, by_item.get(col.crit.id, {}), survey)
        final = evals["final"]
        row += [evals["self"].appraisal_points, evals["round1"].appraisal_points, final.appraisal_points,
                final.bonus, final.deductions, final.survey_points if survey else None]
        append_row(sheet, row)
    widths(sheet, (12, 36))
    sheet.row_dimensions[1].height = 90
    for number in range(len(MATRIX_HEAD) + 1, sheet.max_column + 1):
        sheet.column_dimensions[get_column_letter(number)].width = 10
    sheet.freeze_panes = "C3"
    finish_sheet(sheet, header_row=2, zone=zone())


def _detail_rows(assessments, trees, entries, name_of):
    for assessment in assessments:
        tree = trees.get(assessment.criteria_set_id)
        if tree is None:
            continue
        for col in _columns(tree):
            stages = entries.get(assessment.id, {}).get(col.crit.id, {})
            for stage, label in STAGES[:3]:
                entry = stages.get(stage)
                if entry is None:
                    continue
                adjustment = col.kind == "adjustment"
                yield [assessment.unit.code, name_of(assessment), col.crit.code, col.crit.title,
                       col.crit.max_points, label, None if adjustment else entry.points,
                       "Có" if entry.not_applicable else "", _count(entry) if adjustment else None,
                       entry.note or ""]


def _ordered(assessments, year, name_of):
    by_type = sort_key(year)
    return sorted(assessments, key=lambda a: (by_type(a.unit_type), fold_key(name_of(a))))


def score_matrix(year, *, now: datetime, names: dict[int, str] | None = None) -> bytes:
    """Bảng điểm đầy đủ of the year: units × items, every round, in one workbook. `names`: the unit names
    as approved ({unit_id: name} of the decision's snapshot), which win over the current names."""
    def name_of(assessment) -> str:
        return (names or {}).get(assessment.unit_id) or assessment.unit.name_in(year.id)
    assessments = _ordered(data_year.assessments_of(year.id), year, name_of)
    trees = data_year.trees_of({a.criteria_set_id for a in assessments})
    entries = entries_by_stage([a.id for a in assessments])
    surveys = survey_rows(year.id)
    workbook = new_workbook()
    _info_sheet(workbook, year, f"Bảng điểm đầy đủ Chỉ số CCHC năm {year.year}", [
        ("Xuất lúc", now),
        ("Số đơn vị", len(assessments)),
        ("Cột theo vòng", "Tự chấm; TĐ vòng 1; TĐ vòng 2; Cuối cùng (vòng 2 nếu có, nếu không vòng 1, nếu không "
                          "điểm tự chấm được Hội đồng chấp nhận)"),
        ("Ký hiệu", "KAD — không áp dụng; ô trống — chưa có điểm ở vòng đó"),
        ("Điểm cộng, điểm trừ", "Số lần ghi nhận theo từng vòng; cột Tổng hợp là số điểm sau giới hạn"),
    ])
    by_type: dict[str, list] = {}
    for assessment in assessments:
        by_type.setdefault(assessment.unit_type, []).append(assessment)
    for kind, units in by_type.items():
        tree = trees.get(units[0].criteria_set_id)
        if tree is not None:
            _matrix_sheet(workbook, kind, units, tree, entries, surveys, year, name_of)
    detail = workbook.create_sheet(DETAIL_SHEET)
    header_row(detail, DETAIL_HEAD, row=1)
    for row in _detail_rows(assessments, trees, entries, name_of):
        append_row(detail, row)
    widths(detail, (12, 34, 9, 50, 10, 10, 9, 12, 8, 60))
    for cell in detail["J"][1:]:
        cell.alignment = WRAP
    detail.freeze_panes = "A2"
    finish_sheet(detail, header_row=1, zone=zone())
    return workbook_bytes(workbook)


def rankings(year, document: dict, *, now: datetime, approval=None) -> bytes:
    """Bảng xếp hạng: the results document per unit type, as the results screens show it."""
    workbook = new_workbook()
    computed = document.get("computed_at")
    lines = [("Xuất lúc", now), ("Kết quả tính lúc", datetime.fromisoformat(computed) if computed else "")]
    if approval is not None:
        lines.append(("Quyết định phê duyệt", f"{approval.decision_number} ngày "
                                              f"{approval.decision_date.strftime('%d/%m/%Y')}"))
    lines += [("Đính chính", line) for line in documents.correction_lines(document)]
    bands = "; ".join(f"{b.get('label')} từ {b.get('min_pct')}%" for b in document.get("bands") or [])
    lines.append(("Xếp loại", bands))
    _info_sheet(workbook, year, f"Bảng xếp hạng Chỉ số CCHC năm {year.year}", lines)
    for block in data_year.result_blocks(document):
        sheet = workbook.create_sheet(sheet_title(unit_type_label(block.unit_type, year)))
        header_row(sheet, list(RANKING_HEAD) + [f"{f['code']} {f['title']} (%)" for f in block.fields]
                   + ["Mã đơn vị tiền thân"], row=1)
        for u in block.units:
            append_row(sheet, [u.rank, "Có" if u.tied else "", u.code, u.name, u.appraisal, u.survey, u.bonus,
                               u.deductions, u.applicable_max, u.index, u.band_label,
                               "Đề xuất" if u.reward else ""]
                       + [u.field_indexes.get(f["code"]) for f in block.fields] + [u.predecessor_codes])
        widths(sheet, (9, 9, 11, 36, 11, 11, 10, 10, 11, 11, 12, 12) + (14,) * len(block.fields) + (20,))
        sheet.row_dimensions[1].height = 60
        sheet.freeze_panes = "E2"
        finish_sheet(sheet, header_row=1, zone=zone())
    return workbook_bytes(workbook)

