"""Bảng tiến độ — the admin's progress board: units × working phases with status, who has not submitted,
overdue units and counts per unit type; exported to XLSX with exactly the texts shown on screen.

A unit is *done* with a phase when its file's status has reached the phase's end (see :data:`DONE_FROM`);
it is *overdue* when the phase is the current one, it is not done, and the window is closed for that unit
(:func:`portal.years.domain.window_state`, with its extension if any).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from openpyxl import Workbook
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from portal.assessments.models import Assessment
from portal.extensions import db
from portal.spreadsheet import append_values, bold_header, finish_sheet, workbook_bytes
from portal.text import fold_key
from portal.units.models import Unit
from portal.units.types import sort_key, unit_type_label, year_types
from portal.years import domain
from portal.local_time import format_local, zone
from portal.policy.refusals import phase_label
from portal.years.windows import phase_window
from portal.years.domain import UNIT_PHASES, Phase, UnitStatus
from portal.years.models import AssessmentYear, UnitDeadline

COLUMNS = (Phase.SELF_ASSESSMENT, Phase.REVIEW_1, Phase.EXPLANATION, Phase.REVIEW_2)
_ORDER = list(UnitStatus)
#: A phase is done once the file's status is at least this one.
DONE_FROM = {
    Phase.SELF_ASSESSMENT: UnitStatus.SUBMITTED,
    Phase.REVIEW_1: UnitStatus.REVIEW_1_DONE,
    Phase.EXPLANATION: UnitStatus.EXPLANATION_SUBMITTED,
    Phase.REVIEW_2: UnitStatus.FINALIZED,
}
#: Before this status the unit cannot act in the phase yet (explanation needs round 1 done).
READY_FROM = {Phase.EXPLANATION: UnitStatus.REVIEW_1_DONE}


def phase_done(status: str | None, phase) -> bool:
    """Has a file with ``status`` finished ``phase``? (No file: nothing is done.)"""
    if status is None:
        return False
    return _ORDER.index(UnitStatus(status)) >= _ORDER.index(DONE_FROM[domain.as_phase(phase)])


def ready_for(status: str | None, phase) -> bool:
    needed = READY_FROM.get(domain.as_phase(phase))
    return needed is None or (status is not None and _ORDER.index(UnitStatus(status)) >= _ORDER.index(needed))


@dataclass
class Cell:
    code: str  # done | pending | overdue | waiting | not_started | missed
    text: str


@dataclass
class BoardRow:
    unit: Unit
    name: str
    status: str | None
    status_text: str
    cells: list[Cell]
    exception: UnitDeadline | None
    exception_text: str
    current_code: str | None = None  # the cell code of the current phase, if it is a working phase
    unit_type: str = ""              # the unit's type this year (its file's; else the unit's usual type)

    def values(self) -> list[str]:
        """The row as shown on screen (and written to XLSX), without the action column."""
        return [self.unit.code, self.name, unit_type_label(self.unit_type), self.status_text,
                *(cell.text for cell in self.cells), self.exception_text]


@dataclass
class Board:
    year: AssessmentYear
    phase: Phase
    rows: list[BoardRow]
    unit_type: str | None
    counts: list[dict] = field(default_factory=list)

    @property
    def laggards(self) -> list[BoardRow]:
        """Units that still have to submit in the current phase (pending or overdue)."""
        return [r for r in self.rows if r.current_code in ("pending", "overdue")]

    @property
    def overdue(self) -> list[BoardRow]:
        return [r for r in self.rows if r.current_code == "overdue"]

    @property
    def can_remind(self) -> bool:
        return self.phase in UNIT_PHASES and bool(self.laggards)


def headers() -> list[str]:
    return [_("Mã"), _("Đơn vị"), _("Loại"), _("Trạng thái hồ sơ"), *(phase_label(p) for p in COLUMNS),
            _("Gia hạn / mở lại")]


def _cell_text(code: str, phase: Phase, stamp: datetime | None, automatic: bool = False) -> str:
    unit_phase = phase in UNIT_PHASES
    if code == "done":
        text = (_("Khóa tự động") if automatic else _("Đã chốt")) if unit_phase else _("Đã thẩm định")
        return f"{text} {format_local(stamp, seconds=False)}" if stamp else text
    return {
        "pending": _("Chưa chốt") if unit_phase else _("Đang thẩm định"),
        "overdue": _("Quá hạn"),
        "waiting": _("Chờ thẩm định vòng 1"),
        "not_started": _("Chưa mở"),
        "missed": _("Không chốt") if unit_phase else _("Chưa thẩm định xong"),
    }[code]


def _stamp(assessment, phase: Phase) -> datetime | None:
    if assessment is None:
        return None
    return {Phase.SELF_ASSESSMENT: assessment.self_submitted_at,
            Phase.EXPLANATION: assessment.explanation_submitted_at,
            Phase.REVIEW_2: assessment.finalized_at}.get(phase)


def _cell(year_phase: Phase, column: Phase, assessment, window, exception, now) -> Cell:
    status = assessment.status if assessment is not None else None
    if phase_done(status, column):
        code = "done"
    elif domain.phase_index(year_phase) < domain.phase_index(column):
        code = "not_started"
    elif domain.phase_index(year_phase) > domain.phase_index(column):
        code = "missed"
    elif not ready_for(status, column):
        code = "waiting"
    else:
        state, _close = domain.window_state(window, exception, now)
        code = "overdue" if state == domain.CLOSED else "pending"
    # A file locked at the end of self-assessment has a submission time but no leader who submitted it.
    automatic = (column == Phase.SELF_ASSESSMENT and assessment is not None
                 and assessment.self_submitted_at is not None and assessment.self_submitted_by_id is None)
    return Cell(code, _cell_text(code, column, _stamp(assessment, column), automatic))


def _exception_text(row: UnitDeadline | None) -> str:
    if row is None:
        return ""
    text = _("Mở lại") if row.reopened else _("Gia hạn")
    if row.extended_until is not None:
        text += " " + _("đến %(time)s", time=format_local(row.extended_until, seconds=False))
    return text + (" — " + row.reason if row.reason else "")


def _units(year: AssessmentYear, unit_type: str | None):
    stmt = (select(Unit, Assessment).outerjoin(Assessment, (Assessment.unit_id == Unit.id)
                                               & (Assessment.year_id == year.id))
            .where(or_(Unit.active.is_(True), Assessment.id.is_not(None)))
            .options(selectinload(Unit.names)))
    pairs = [tuple(row) for row in db.session.execute(stmt)]
    if unit_type:
        pairs = [p for p in pairs if _type_in_year(*p) == unit_type]
    by_type = sort_key(year)
    pairs.sort(key=lambda p: (by_type(_type_in_year(*p)), fold_key(p[0].name_in(year.id))))
    return pairs


def _type_in_year(unit: Unit, assessment) -> str:
    return assessment.unit_type if assessment is not None else unit.unit_type


def build_board(year: AssessmentYear, *, now: datetime, unit_type: str | None = None) -> Board:
    """The board of ``year`` at ``now``, optionally for one unit type."""
    phase = domain.as_phase(year.phase)
    windows = {column: phase_window(year, column) for column in COLUMNS}
    exceptions = {(e.unit_id, e.phase): e for e in db.session.scalars(
        select(UnitDeadline).where(UnitDeadline.year_id == year.id))}
    rows = []
    for unit, assessment in _units(year, unit_type):
        cells = []
        for column in COLUMNS:
            row = exceptions.get((unit.id, str(column)))
            exception = None if row is None else domain.UnitDeadline(row.extended_until, bool(row.reopened))
            cells.append(_cell(phase, column, assessment, windows[column], exception, now))
        current = exceptions.get((unit.id, str(phase)))
        status = assessment.status if assessment is not None else None
        rows.append(BoardRow(
            unit=unit, name=unit.name_in(year.id), status=status,
            status_text=_(domain.UNIT_STATUS_LABELS[UnitStatus(status)]) if status else _("Chưa có hồ sơ"),
            cells=cells, exception=current, exception_text=_exception_text(current),
            current_code=cells[COLUMNS.index(phase)].code if phase in COLUMNS else None,
            unit_type=_type_in_year(unit, assessment)))
    board = Board(year=year, phase=phase, rows=rows, unit_type=unit_type)
    board.counts = _counts(board)
    return board


def _counts(board: Board) -> list[dict]:
    counts = []
    for kind in year_types(board.year):
        rows = [r for r in board.rows if r.unit_type == kind.code]
        if not rows:
            continue
        codes = [r.current_code for r in rows]
        counts.append({"unit_type": kind.code, "label": unit_type_label(kind.code, board.year), "total": len(rows),
                       "done": codes.count("done"), "pending": codes.count("pending"),
                       "overdue": codes.count("overdue"), "waiting": codes.count("waiting")})
    return counts


def count_headers() -> list[str]:
    return [_("Loại đơn vị"), _("Tổng số"), _("Đã xong"), _("Chưa chốt"), _("Quá hạn"), _("Chưa đến bước")]


def count_values(count: dict) -> list:
    return [count["label"], count["total"], count["done"], count["pending"], count["overdue"], count["waiting"]]


# ------------------------------------------------------------------------------------------------- XLSX

def export_xlsx(board: Board) -> bytes:
    """The board as an XLSX workbook: sheet 1 the units (same texts as the screen), sheet 2 the counts."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Tiến độ")[:31]
    append_values(sheet, headers())
    for row in board.rows:
        append_values(sheet, row.values())
    bold_header(sheet[1])
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHI", (10, 40, 16, 24, 22, 22, 22, 22, 24)):
        sheet.column_dimensions[letter].width = width
    finish_sheet(sheet, header_row=1, zone=zone())
    summary = workbook.create_sheet(_("Tổng hợp")[:31])
    append_values(summary, count_headers())
    for count in board.counts:
        append_values(summary, count_values(count))
    bold_header(summary[1])
    finish_sheet(summary, header_row=1, zone=zone())
    return workbook_bytes(workbook)
