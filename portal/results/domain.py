"""Kết quả — pure rules of the results pages: who sees which result, when an approval is in force, and
the three readings of a unit's result besides its index:

- "where your points went" (điểm bị mất ở đâu): the items with the largest gap to their maximum, in
  the order of the points they would add;
- the honesty gap (chênh lệch tự chấm – thẩm định) per field: self-score points − final appraised points;
  positive means the unit claimed more than the council granted;
- the change against the previous year (index difference, places gained).

No Flask, no SQLAlchemy. The index, band and rank themselves come only from portal.scoring.
"""
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from portal.years.domain import (
    ALLOWED,
    COUNCIL_ROLES,
    UNIT_ROLES,
    Actor,
    Decision,
    Phase,
    Role,
    can_view_results,
    phase_index,
    refuse,
)

GAP_LIMIT = 10


def approval_in_force(*, has_current_approval: bool, phase) -> bool:
    """Whether the year's results count as approved for the `approved` flag of the years domain.

    A recorded, not superseded approval counts while the year is in approval or later. A year moved back
    to synthesis (with a reason, on the year page) reopens its results: they may be recomputed, and the
    recomputation supersedes the old decision, so publishing again needs a new one.
    """
    return has_current_approval and phase_index(phase) >= phase_index(Phase.APPROVAL)


def can_view_unit_result(actor: Actor, *, unit_id: object, phase, published: bool) -> Decision:
    """A unit's result page with its gaps: admin and council from synthesis on (can_view_results); a unit
    account only its own unit, only once published; nobody else."""
    decision = can_view_results(actor, phase=phase, published=published)
    if not decision:
        return decision
    if actor.role == Role.ADMIN or actor.role in COUNCIL_ROLES:
        return ALLOWED
    if actor.role in UNIT_ROLES and actor.unit_id is not None and actor.unit_id == unit_id:
        return ALLOWED
    return refuse("not_own_unit")


def sees_results_menu(role: str) -> bool:
    """The results screens (list, heat map, approval) are for the secretariat and the council."""
    return role == Role.ADMIN or role in COUNCIL_ROLES


@dataclass(frozen=True)
class Leaf:
    """One scored item of a unit's final evaluation."""

    code: str
    title: str
    points: Decimal
    maximum: Decimal
    field_code: str | None = None


def point_gaps(leaves: Iterable[Leaf], limit: int = GAP_LIMIT) -> list[dict]:
    """Điểm bị mất — the items below their maximum, the largest gap first (then by code), at most
    `limit`. Items not applicable have no maximum and never appear. JSON-ready (decimals as strings)."""
    lost = [leaf for leaf in leaves if leaf.maximum > 0 and leaf.points < leaf.maximum]
    lost.sort(key=lambda leaf: (-(leaf.maximum - leaf.points), _code_key(leaf.code)))
    return [{"code": leaf.code, "title": leaf.title, "field": leaf.field_code, "points": str(leaf.points),
             "max": str(leaf.maximum), "gap": str(leaf.maximum - leaf.points)} for leaf in lost[:limit]]


def _code_key(code: str) -> tuple:
    """1.2 before 1.10: numeric parts compare as numbers."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in code.split("."))


def honesty_gaps(self_points: Mapping[str, Decimal], final_points: Mapping[str, Decimal],
                 fields: Iterable[str]) -> dict[str, Decimal]:
    """Chênh lệch tự chấm – thẩm định per field: self − final (appraised items only; a field the unit
    never scored counts its self points as 0)."""
    zero = Decimal(0)
    return {code: self_points.get(code, zero) - final_points.get(code, zero) for code in fields}


def index_change(previous: Decimal | None, current: Decimal | None) -> Decimal | None:
    """Index points gained (+) or lost (−) since the previous year; None when either is missing."""
    if previous is None or current is None:
        return None
    return current - previous


def rank_change(previous: int | None, current: int | None) -> int | None:
    """Places gained (+) or lost (−) since the previous year (rank 5 → 2 is +3)."""
    if previous is None or current is None:
        return None
    return previous - current


def change_direction(value) -> str:
    """"up", "down" or "same" (for the arrow and its CSS class); "" when there is nothing to compare."""
    if value is None:
        return ""
    if value > 0:
        return "up"
    return "down" if value < 0 else "same"


_DECISION_NUMBER = re.compile(r"^[0-9]{1,6}/\S{1,60}$")


def decision_problems(number: str, decision_date: date, today: date) -> list[str]:
    """What is wrong with an approval decision: "number_format" (not like 1234/QĐ-UBND) and
    "date_future" (a decision cannot be dated after today). Empty when it is fine."""
    problems = []
    if not _DECISION_NUMBER.match(number or ""):
        problems.append("number_format")
    if decision_date > today:
        problems.append("date_future")
    return problems
