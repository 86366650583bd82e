"""Điểm đã lưu để hiển thị — a file's saved scores (every stage) as plain rows, for pages that only show them.

The unit's workspace reads every entry of the file on each request and each save; building a hundred ORM
objects for that cost more than the page's own drawing of them. Anything that changes an entry keeps
loading the ORM :class:`~portal.assessments.models.ScoreEntry` (portal.assessments.services)."""
from __future__ import annotations

from sqlalchemy import Row, bindparam, or_, select

from portal.assessments.models import ScoreEntry
from portal.extensions import db


_COLUMNS = (ScoreEntry.id, ScoreEntry.assessment_id, ScoreEntry.criterion_id, ScoreEntry.stage,
            ScoreEntry.inputs, ScoreEntry.points, ScoreEntry.not_applicable, ScoreEntry.na_reason, ScoreEntry.note,
            ScoreEntry.explanation_requested, ScoreEntry.agreed, ScoreEntry.version, ScoreEntry.updated_by_id,
            ScoreEntry.updated_at)


# Built once (the workspace reads them on every page and save): parameters file, and item.
_EVERY_STAGE = select(*_COLUMNS).where(ScoreEntry.assessment_id == bindparam("file"))
_SELF_AND_ITEM = _EVERY_STAGE.where(or_(ScoreEntry.stage == "self", ScoreEntry.criterion_id == bindparam("item")))


def stages_of(assessment_id: int, only: int | None = None) -> dict[int, dict[str, Row]]:
    """{criterion_id: {stage: entry}} of one file (as portal.unitfile.entries.entries_by_stage), one query;
    each entry a read-only row with the columns of a ScoreEntry as attributes. Within a request that has
    just saved an entry, the row as flushed. `only` (a criterion id): an answer that draws that one item
    and the file's totals — every item's self-score, but the council's stages of that item alone."""
    params = {"file": assessment_id} if only is None else {"file": assessment_id, "item": only}
    out: dict[int, dict[str, Row]] = {}
    for row in db.session.execute(_EVERY_STAGE if only is None else _SELF_AND_ITEM, params):
        out.setdefault(row.criterion_id, {})[row.stage] = row
    return out
