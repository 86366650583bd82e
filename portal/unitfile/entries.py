"""Điểm của hồ sơ — the score entries of a unit's file, one row per item and stage (self, round1, round2):
read them for many files at once, and write one with optimistic locking and an audit row. The unit's
self-score and the council's decisions go through the same write, so nothing of one stage ever overwrites
another and every change is recorded once, the same way."""
from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from portal.assessments.models import Assessment, ScoreEntry
from portal.audit.services import record
from portal.criteria.models import Criterion
from portal.extensions import db


class ItemInvalid(Exception):
    """The typed values do not score: the form comes back with the errors and the values as typed
    (``item``: the checked input, :class:`portal.assessments.domain.ItemInput`)."""

    def __init__(self, item):
        super().__init__("invalid item input")
        self.item = item


class EditConflict(Exception):
    """Someone saved the item after this form was loaded: both values are shown, the person chooses."""

    def __init__(self, entry: ScoreEntry | None, item):
        super().__init__("edit conflict")
        self.entry, self.item = entry, item


def entries_by_stage(assessment_ids) -> dict[int, dict[int, dict[str, ScoreEntry]]]:
    """{assessment_id: {criterion_id: {stage: entry}}} for many assessments in one query."""
    out: dict[int, dict[int, dict[str, ScoreEntry]]] = defaultdict(lambda: defaultdict(dict))
    ids = list(assessment_ids)
    if not ids:
        return {}
    for entry in db.session.scalars(select(ScoreEntry).where(ScoreEntry.assessment_id.in_(ids))):
        out[entry.assessment_id][entry.criterion_id][entry.stage] = entry
    return out


def stage_entry(assessment_id: int, criterion_id: int, stage: str) -> ScoreEntry | None:
    return db.session.scalar(select(ScoreEntry).where(
        ScoreEntry.assessment_id == assessment_id, ScoreEntry.criterion_id == criterion_id,
        ScoreEntry.stage == stage))


def snapshot(entry: ScoreEntry | None) -> dict | None:
    """What the audit row keeps of an entry (old → new)."""
    if entry is None:
        return None
    return {"inputs": entry.inputs, "points": entry.points, "not_applicable": entry.not_applicable,
            "na_reason": entry.na_reason, "note": entry.note, "version": entry.version,
            "explanation_requested": entry.explanation_requested} | ({"agreed": True} if entry.agreed else {})


def save_entry(assessment: Assessment, criterion: Criterion, stage: str, item, *, expected_version: int,
               actor, now: datetime, action: str, extra: dict | None = None) -> ScoreEntry:
    """Write one stage's entry of an item with optimistic locking and an audit row (old → new).

    ``item`` is the checked input (:class:`portal.assessments.domain.ItemInput`). `expected_version` is the
    version the person's form was loaded with (0 for a new entry); a different current version, or a
    concurrent writer caught at flush, raises EditConflict with the fresh entry."""
    entry = stage_entry(assessment.id, criterion.id, stage)
    if expected_version != (entry.version if entry else 0):
        raise EditConflict(entry, item)
    old = snapshot(entry)
    if entry is None:
        entry = ScoreEntry(assessment_id=assessment.id, criterion_id=criterion.id, stage=stage)
        db.session.add(entry)
    entry.inputs, entry.points = item.inputs, item.points
    entry.not_applicable, entry.na_reason, entry.note = item.not_applicable, item.na_reason or None, item.note
    for key, value in (extra or {}).items():
        setattr(entry, key, value)
    entry.updated_by_id, entry.updated_at = actor.id, now
    try:
        db.session.flush()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise EditConflict(stage_entry(assessment.id, criterion.id, stage), item) from None
    new = snapshot(entry)
    if _without_version(old) != _without_version(new):
        record(action, "score_entry", entry.id, actor=actor, unit_id=assessment.unit_id,
               year_id=assessment.year_id, old=old, new=new | {"criterion": criterion.code, "stage": stage})
    return entry


def _without_version(snap: dict | None) -> dict:
    return {k: v for k, v in (snap or {}).items() if k != "version"}
