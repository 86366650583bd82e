"""Thay đổi tiêu chí không làm hỏng điểm đã chấm — which saved scores an edit of an item would break,
and the migrations an admin may confirm for them. Pure: no Flask, no SQLAlchemy.

A saved score (self, round 1, round 2 or a survey score) is *broken* by a new shape of its item when it
can no longer be what it is: its stored inputs do not score under the new method, levels, bands, step or
maximum (a removed level, a maximum lower than the points), they give other points than the ones saved,
or it is "không áp dụng" and the item no longer allows that. A broken score is never left behind: the
edit is refused with the list, or the admin picks one migration for the item and confirms it:

* ``cap`` — đặt lại về tối đa mới: points above the new maximum become the maximum (number and survey
  items, where the input *is* the points);
* ``recompute`` — tính lại theo cách chấm mới: every score is recomputed from what the unit entered;
* ``clear`` — xóa điểm đã chấm: the scores go, the unit (or the council) scores the item again.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from portal.scoring import ScoringInputError, compute_points, round2

CAP, RECOMPUTE, CLEAR = "cap", "recompute", "clear"
MIGRATIONS = (CAP, RECOMPUTE, CLEAR)

#: Why a saved score breaks (the view turns them into words).
NA_REMOVED, METHOD_CHANGED, INPUT_INVALID, POINTS_CHANGE = "na_removed", "method_changed", "input_invalid", "points_change"

_CAPPABLE = ("number", "survey")
_INPUT_KEY = {"number": "value", "survey": "points"}


@dataclass(frozen=True)
class Shape:
    """What decides the points of an item: method, its settings, maximum, whether N/A is allowed."""

    method: str | None
    config: Mapping = field(default_factory=dict)
    max_points: Decimal | None = None
    na_allowed: bool = False


@dataclass(frozen=True)
class Saved:
    """One saved score of the item: a score entry (stage self/round1/round2) or a survey score."""

    ref: tuple[str, int]  # ("score_entry", id) or ("survey_score", id)
    unit: str
    stage: str
    points: Decimal | None
    inputs: Mapping = field(default_factory=dict)
    not_applicable: bool = False
    finalized: bool = False


@dataclass(frozen=True)
class Break:
    """A saved score the new shape would break; `new_points` when the inputs still score (else None)."""

    saved: Saved
    reason: str
    detail: str = ""
    new_points: Decimal | None = None


def _score(shape: Shape, inputs: Mapping) -> Decimal:
    return round2(compute_points(shape.method, dict(shape.config or {}), shape.max_points, dict(inputs or {})))


def breaks(old: Shape, new: Shape, saved: Iterable[Saved]) -> list[Break]:
    """Every saved score that the change old → new breaks (empty: the change is safe as it is)."""
    out = []
    for score in saved:
        if score.not_applicable:
            if not new.na_allowed:
                out.append(Break(score, NA_REMOVED))
            continue
        if score.points is None:
            continue
        inputs = {"points": str(score.points)} if score.stage == "survey" else score.inputs
        if score.stage == "survey" and new.method != "survey":
            out.append(Break(score, METHOD_CHANGED))
            continue
        try:
            points = _score(new, inputs)
        except ScoringInputError as err:
            reason = METHOD_CHANGED if new.method != old.method else INPUT_INVALID
            out.append(Break(score, reason, err.code))
            continue
        if new.method != old.method:
            out.append(Break(score, METHOD_CHANGED, new_points=points))
        elif points != score.points:
            out.append(Break(score, POINTS_CHANGE, new_points=points))
    return out


def migrations_for(new: Shape, found: list[Break]) -> list[str]:
    """The migrations that can repair every one of `found` (clear always can)."""
    options = []
    if found and new.method in _CAPPABLE and new.max_points is not None and all(
            b.reason == INPUT_INVALID and b.detail == "above_max" for b in found):
        options.append(CAP)
    if found and all(b.new_points is not None for b in found):
        options.append(RECOMPUTE)
    options.append(CLEAR)
    return options


def finalized_in(found: list[Break]) -> list[Break]:
    """Breaks inside a finalised file: no migration may change those (the file is closed)."""
    return [b for b in found if b.saved.finalized]


@dataclass(frozen=True)
class Repair:
    """What to write for one broken score: delete it, or store these points and inputs."""

    ref: tuple[str, int]
    delete: bool
    points: Decimal | None = None
    inputs: Mapping | None = None


def repairs(new: Shape, found: list[Break], how: str) -> list[Repair]:
    """The writes of migration `how` (one of migrations_for) for every broken score."""
    if how not in migrations_for(new, found):
        raise ValueError(f"migration {how!r} cannot repair these scores")
    out = []
    for b in found:
        if how == CLEAR:
            out.append(Repair(b.saved.ref, True))
        elif how == CAP:
            inputs = {**dict(b.saved.inputs), _INPUT_KEY[new.method]: str(new.max_points)}
            out.append(Repair(b.saved.ref, False, new.max_points, inputs))
        else:
            out.append(Repair(b.saved.ref, False, b.new_points, dict(b.saved.inputs)))
    return out
