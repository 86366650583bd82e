"""Quy tắc sửa bộ tiêu chí — who may change a criteria set, when, and which tree edits make sense. Pure.

Editing itself is decided by :func:`portal.years.domain.can_edit_criteria`; this module adds what that
predicate does not cover: why a set is read-only (for the banner), locking and unlocking, creating a set,
deleting or replacing items that units have already scored, where a node may be moved, and the checks
of a set's meta (appraisal + survey = total) that sit beside :func:`portal.scoring.validate_tree`.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from portal.criteria.nodes import children_of, walk
from portal.policy.decisions import ALLOWED, Decision, refuse
from portal.policy.roles import Actor, Role
from portal.text import N_
from portal.years.domain import Phase, as_phase, can_edit_criteria

#: Why a set cannot be edited: the year is over, an explicit lock, or self-assessment has opened.
LOCK_PUBLISHED, LOCK_MANUAL, LOCK_PHASE = "published", "manual", "phase"

#: Refusal codes of this module, beside the years domain's (views turn them into messages).
HAS_SCORES = "has_scores"
NOT_EMPTY = "exists"
NO_PREVIOUS = "no_previous"
NOT_LOCKED = "not_locked"

_CLOSED = (Phase.PUBLISHED, Phase.ARCHIVED)


def _own(code: str) -> Decision:
    return Decision(False, code)


def lock_reason(phase, *, set_locked: bool, explicitly_unlocked: bool) -> str | None:
    """Why the set is read-only, or None when it can be edited (same order as can_edit_criteria)."""
    phase = as_phase(phase)
    if phase in _CLOSED:
        return LOCK_PUBLISHED
    if set_locked:
        return LOCK_MANUAL
    if phase != Phase.SETUP and not explicitly_unlocked:
        return LOCK_PHASE
    return None


def can_lock(actor: Actor, *, phase, set_locked: bool, explicitly_unlocked: bool) -> Decision:
    """Khóa bộ tiêu chí: admin, while the set is editable (locking a locked set means nothing)."""
    return can_edit_criteria(actor, phase=phase, set_locked=set_locked, explicitly_unlocked=explicitly_unlocked)


def can_unlock(actor: Actor, *, phase, set_locked: bool, explicitly_unlocked: bool) -> Decision:
    """Mở khóa (with a reason, checked by the form): admin, a locked set, the year not yet published."""
    phase = as_phase(phase)
    if actor.role != Role.ADMIN:
        return refuse("role")
    if phase in _CLOSED:
        return refuse("wrong_phase")
    if lock_reason(phase, set_locked=set_locked, explicitly_unlocked=explicitly_unlocked) is None:
        return _own(NOT_LOCKED)
    return ALLOWED


def can_create_set(actor: Actor, *, phase, exists: bool) -> Decision:
    """Create the year's set for a unit type (import or copy): admin, none yet, year not published.

    Allowed after self-assessment opened too: without a set the units of that type cannot work at all,
    so creating one can only help; the new set then follows the usual lock rules.
    """
    phase = as_phase(phase)
    if actor.role != Role.ADMIN:
        return refuse("role")
    if phase in _CLOSED:
        return refuse("wrong_phase")
    return _own(NOT_EMPTY) if exists else ALLOWED


def can_copy_previous(actor: Actor, *, phase, exists: bool, previous_exists: bool) -> Decision:
    """Sao chép từ năm trước: as can_create_set, and last year must have a set of that type."""
    decision = can_create_set(actor, phase=phase, exists=exists)
    if decision and not previous_exists:
        return _own(NO_PREVIOUS)
    return decision


def can_remove(actor: Actor, *, phase, set_locked: bool, explicitly_unlocked: bool,
               scored: int) -> Decision:
    """Delete a node, or replace the whole set by an import: as editing, and nothing scored on it yet
    (scores, comments and evidence links would go with the rows)."""
    decision = can_edit_criteria(actor, phase=phase, set_locked=set_locked,
                                 explicitly_unlocked=explicitly_unlocked)
    if decision and scored:
        return _own(HAS_SCORES)
    return decision


# ------------------------------------------------------------------------------------ tree structure


@dataclass(frozen=True)
class Row:
    """What the structure rules need of a node: its id, parent and kind."""

    id: int
    parent_id: int | None
    kind: str


def descendants(node_id: int, rows: Iterable[Row]) -> set[int]:
    """Ids of every node below ``node_id`` (not including it)."""
    children = children_of(rows, order=None)
    return {row.id for row, _depth in walk(children[node_id], children)}


def move_targets(node: Row, rows: Iterable[Row]) -> list[int]:
    """Where a node may be moved: under a field or group that is not itself, below it, or its parent.

    Adjustments (điểm cộng/trừ) stay beside the tree, and nothing moves under a scored item (that
    would silently drop the item's method)."""
    rows = list(rows)
    if node.kind == "adjustment":
        return []
    below = descendants(node.id, rows)
    return [r.id for r in rows if r.kind in ("field", "group") and r.id != node.id
            and r.id not in below and r.id != node.parent_id]


def normal_kind(kind: str, *, parent_id: int | None, has_children: bool) -> str:
    """The kind a node has from its place: top level = field, with children = group, else item."""
    if kind == "adjustment":
        return kind
    if parent_id is None:
        return "field"
    return "group" if has_children else "item"


# ------------------------------------------------------------------------------------ the set's meta


def split_problem(*, total: Decimal, appraisal: Decimal | None, survey: Decimal | None) -> str | None:
    """Appraisal + survey points must make the total: a meta form that breaks this is not saved."""
    if appraisal is not None and survey is not None and appraisal + survey != total:
        return N_("Điểm thẩm định (%(appraisal)s) cộng điểm điều tra (%(survey)s) phải bằng tổng điểm "
                  "(%(total)s). Hãy sửa phần thông tin chung của bộ tiêu chí.",
                  appraisal=appraisal, survey=survey, total=total)
    return None


def meta_problems(*, total: Decimal, appraisal: Decimal | None, survey: Decimal | None,
                  survey_max: Decimal) -> list[str]:
    """Checks of the set's meta beside validate_tree, as complete Vietnamese sentences.

    ``survey_max`` is the sum of the maxima of the survey (điều tra XHH) items of the tree.
    """
    problems = []
    split = split_problem(total=total, appraisal=appraisal, survey=survey)
    if split:
        problems.append(split)
    if survey is not None and survey_max != survey:
        problems.append(
            N_("Tổng điểm tối đa các tiêu chí điều tra XHH là %(sum)s, phải bằng điểm điều tra (%(survey)s). "
               "Hãy sửa điểm điều tra hoặc điểm tối đa các tiêu chí điều tra.", sum=survey_max, survey=survey))
    return problems


def meta_changes(old: Mapping, new: Mapping) -> tuple[dict, dict]:
    """(old, new) restricted to the keys that changed, for the audit row."""
    keys = [k for k in new if old.get(k) != new.get(k)]
    return {k: old.get(k) for k in keys}, {k: new.get(k) for k in keys}
