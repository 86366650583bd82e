"""Cây tiêu chí và cách tính — the criteria tree and its evaluation for one unit.

The tree is fields (lĩnh vực) → criteria (tiêu chí) → sub-criteria (tiêu chí thành phần); bonuses and
deductions (điểm cộng, điểm trừ) sit beside it as adjustments. A leaf with a method is scored; a
parent's points are the sum of its children's points, capped at its applicable maximum.

Rules (domain.md §5):
- Không áp dụng (N/A): an item marked N/A leaves both the score and the maximum. A parent may be
  marked N/A directly (its whole subtree leaves); a parent whose children are all N/A is itself N/A.
  A parent's applicable max = min(its max, Σ children's applicable max).
- A leaf not yet scored (points None) counts 0; the evaluation reports scored / applicable leaves.
- Without a survey (điều tra XHH), `YearSettings.no_survey_policy` decides: "rescale" takes survey
  items out of score and maximum (the appraisal part is rescaled to 100), "zero" counts them 0.
- When a cap removes points from a subtree that mixes appraisal and survey leaves, the excess is
  taken from the appraisal part first: survey points are measured outside the unit's self-assessment,
  while an over-full appraisal part is what a cap exists to trim.
"""
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from types import MappingProxyType
from typing import NamedTuple

from portal.text import N_, as_msg

from .errors import ScoringInputError
from .index import band_for, compute_index
from .methods import ADJUSTMENT_METHODS, compute_points
from .nodes import KINDS, ItemState, Node, iter_nodes
from .numeric import ZERO, to_decimal
from .settings import Band, YearSettings

__all__ = ["KINDS", "Node", "ItemState", "NodeResult", "Evaluation", "evaluate", "iter_nodes"]

_DEFAULT_SETTINGS = YearSettings()
_NO_COUNTS: Mapping[str, int] = MappingProxyType({})


class NodeResult(NamedTuple):
    """Kết quả của một mục. `index` is the component index (%) of a parent, None for a leaf or when
    nothing applies. `survey_excluded` marks survey items taken out because the unit has no survey.

    A NamedTuple rather than a dataclass on purpose: a tuple holding only numbers is untracked by the
    garbage collector, which keeps a province-wide evaluation (2,000 units × 130 results) fast."""

    points: Decimal
    applicable_max: Decimal
    not_applicable: bool
    index: Decimal | None
    appraisal_points: Decimal = ZERO
    survey_points: Decimal = ZERO
    scored_count: int = 0
    applicable_count: int = 0
    survey_excluded: bool = False


@dataclass
class Evaluation:
    """Kết quả chấm điểm của một đơn vị — the evaluation of one unit's scores.

    `index` is None when no item applies. `points_total` = appraisal + survey + bonus − deductions.
    `scored_count` / `applicable_count` count applicable leaves; during self-assessment, evaluate with
    survey_available=False and the "rescale" policy so survey items do not count as unscored.
    """

    nodes: dict[str, NodeResult]
    appraisal_points: Decimal
    survey_points: Decimal
    bonus: Decimal
    deductions: Decimal
    points_total: Decimal
    applicable_max: Decimal
    index: Decimal | None
    scored_count: int
    applicable_count: int
    warnings: list[str]
    band: Band | None = None


_NA = NodeResult(ZERO, ZERO, True, None)
_GROUPS = ("groups",)   # the memo's key of its table of groups
_SURVEY_OUT = NodeResult(ZERO, ZERO, False, None, survey_excluded=True)


class _Walk:
    """One pass over the tree for one unit; collects results and warnings."""

    def __init__(self, states: Mapping[str, ItemState], survey_mode: str | None,
                 memo: dict | None = None) -> None:
        self.states = states
        self.survey_mode = survey_mode  # None: survey available; else the no-survey policy
        self.nodes: dict[str, NodeResult] = {}
        self.warnings: list[str] = []
        self.memo = memo
        if memo is not None:   # {parent code: (node, its items' codes, or None when not a group)}
            self.groups = memo.get(_GROUPS)
            if self.groups is None:
                self.groups = memo[_GROUPS] = {}

    def node(self, node: Node) -> NodeResult:
        state = self.states.get(node.code)
        if state is not None and state.not_applicable:
            if not node.na_allowed:
                self.warnings.append(N_("Mục %(code)s không được phép “Không áp dụng” nhưng đang được "
                                        "đánh dấu. Hãy kiểm tra lại.", code=node.code))
            self._leave_subtree(node)
            return _NA
        if node.children:
            result = self._parent(node) if self.memo is None else self._memo_parent(node)
        elif self.memo is None:
            result = self._leaf(node, state)
        else:  # the memo's hit path inline: this runs for every leaf of every unit of a year
            points = None if state is None else state.points
            hit = self.memo.get((node.code, points, self.survey_mode))
            if hit is not None and hit[0] is node and (hit[1] is points or _same(hit[1], points)):
                result = hit[2]
            else:
                result = self._memo_leaf(node, state)
        self.nodes[node.code] = result
        return result

    def _memo_leaf(self, node: Node, state: ItemState | None) -> NodeResult:
        """A leaf's result depends only on the node, its points and the survey mode: units that share them
        share the result. A leaf that warns is evaluated every time (its warning belongs to each unit); a
        hit counts only for the very node it was computed for and for points written the same way (1 and
        1.00 are equal keys, but the result keeps the points as given)."""
        points = None if state is None else state.points
        key = (node.code, points, self.survey_mode)
        hit = self.memo.get(key)
        if hit is not None and hit[0] is node and _same(hit[1], points):
            return hit[2]
        warned = len(self.warnings)
        result = self._leaf(node, state)
        if len(self.warnings) == warned:
            self.memo[key] = (node, points, result)
        return result

    def _memo_parent(self, node: Node) -> NodeResult:
        """A group of items (a parent whose children are all leaves) gives the same results for the very
        same item states in the same survey mode: units whose states of the group are the same objects
        share the group's results (the caller shares one ItemState per distinct score, so most groups of
        most units hit). The key holds the states' identities; the memo keeps the states themselves, so
        an identity is never reused by another state while the memo lives, and ItemState is frozen. A
        group whose items warn is evaluated every time (its warnings belong to each unit)."""
        plan = self.groups.get(node.code)
        if plan is None or plan[0] is not node:
            items = tuple(child.code for child in node.children)
            plan = self.groups[node.code] = (node, None if any(c.children for c in node.children) else items)
        items = plan[1]
        if items is None:
            return self._parent(node)
        states = tuple(map(self.states.get, items))
        key = ("group", node.code, self.survey_mode, *map(id, states))
        hit = self.memo.get(key)
        if hit is not None and hit[0] is node:
            self.nodes.update(hit[2])
            return hit[1]
        warned = len(self.warnings)
        result = self._parent(node)
        if len(self.warnings) == warned:
            nodes = self.nodes
            self.memo[key] = (node, result, {code: nodes[code] for code in items}, states)
        return result

    def _leave_subtree(self, node: Node) -> None:
        self.nodes[node.code] = _NA
        for child in node.children:
            self._leave_subtree(child)

    def _leaf(self, node: Node, state: ItemState | None) -> NodeResult:
        is_survey = node.method == "survey"
        if is_survey and self.survey_mode == "rescale":
            return _SURVEY_OUT
        maximum = node.max_points
        if maximum is None:
            self.warnings.append(N_("Mục %(code)s chưa có điểm tối đa; tạm tính tối đa 0.", code=node.code))
            maximum = ZERO
        raw = None if state is None else state.points
        if is_survey and self.survey_mode == "zero":
            raw = ZERO
        points = ZERO if raw is None else self._clamp(node.code, raw, maximum)
        scored = int(raw is not None)
        if is_survey:
            return NodeResult(points, maximum, False, None, ZERO, points, scored, 1)
        return NodeResult(points, maximum, False, None, points, ZERO, scored, 1)

    def _clamp(self, code: str, points: Decimal, maximum: Decimal) -> Decimal:
        if type(points) is not Decimal:
            points = to_decimal(points, N_("điểm"))
        if points > maximum:
            self.warnings.append(N_("Điểm của mục %(code)s (%(points)s) vượt điểm tối đa %(maximum)s; đã "
                                    "tính bằng điểm tối đa.", code=code, points=points, maximum=maximum))
            return maximum
        if points < 0:
            self.warnings.append(N_("Điểm của mục %(code)s bị âm; đã tính bằng 0.", code=code))
            return ZERO
        return points

    def _parent(self, node: Node) -> NodeResult:
        # one loop instead of five sum() passes: this is the hot path of a province-wide evaluation
        appraisal = survey = applicable_max = ZERO
        scored_count = applicable_count = 0
        all_na = True
        visit = self.node
        for child in node.children:
            _points, child_max, child_na, _index, child_appraisal, child_survey, child_scored, child_applicable, \
                _excluded = visit(child)
            appraisal += child_appraisal
            survey += child_survey
            applicable_max += child_max
            scored_count += child_scored
            applicable_count += child_applicable
            all_na = all_na and child_na
        if applicable_count == 0:
            return _NA if all_na else _SURVEY_OUT
        if node.max_points is not None and node.max_points < applicable_max:
            applicable_max = node.max_points
        excess = appraisal + survey - applicable_max
        if excess > 0:
            from_appraisal = min(excess, appraisal)
            appraisal -= from_appraisal
            survey -= excess - from_appraisal
        points = appraisal + survey
        return NodeResult(points, applicable_max, False, _sub_index(points, applicable_max),
                          appraisal, survey, scored_count, applicable_count)


@lru_cache(maxsize=65536)
def _sub_index(points: Decimal, applicable_max: Decimal) -> Decimal | None:
    """A parent's component index. Cached: across a year's units the same (points, maximum) pairs come back
    again and again, and equal Decimals give the same rounded index whatever their exponent."""
    return compute_index(points, ZERO, ZERO, applicable_max)


def _adjustments(adjustments: Sequence[Node], counts: Mapping[str, int],
                 walk: _Walk) -> tuple[Decimal, Decimal]:
    """Σ bonus and Σ deductions, each adjustment capped by its own cap (set-level caps come later)."""
    totals = {"bonus": ZERO, "deduction": ZERO}
    for adjustment in adjustments:
        if adjustment.method not in ADJUSTMENT_METHODS:
            walk.warnings.append(N_("Mục %(code)s không phải điểm cộng hay điểm trừ; đã bỏ qua.",
                                    code=adjustment.code))
            continue
        try:
            amount = _adjustment_points(adjustment, counts.get(adjustment.code, 0), walk.memo)
        except ScoringInputError as error:
            walk.warnings.append(N_("Mục %(code)s: %(message)s",
                                    code=adjustment.code, message=as_msg(error.message)))
            continue
        totals[adjustment.method] += amount
        walk.nodes[adjustment.code] = NodeResult(amount, ZERO, False, None)
    known = {a.code for a in adjustments}
    for code in counts:
        if code not in known:
            walk.warnings.append(N_("Có số lần cho mục %(code)s nhưng mục này không có trong bộ tiêu chí.",
                                    code=code))
    return totals["bonus"], totals["deduction"]


def _adjustment_points(adjustment: Node, count, memo: dict | None) -> Decimal:
    """An adjustment's points for `count` occurrences (remembered in the evaluation's leaf memo, if any,
    for the very node and count it was computed for)."""
    if memo is None:
        return compute_points(adjustment.method, adjustment.config, adjustment.max_points, {"count": count})
    key = (adjustment.code, "count", count)
    hit = memo.get(key)
    if hit is not None and hit[0] is adjustment and _same(hit[1], count):
        return hit[2]
    amount = compute_points(adjustment.method, adjustment.config, adjustment.max_points, {"count": count})
    memo[key] = (adjustment, count, amount)
    return amount


def _same(remembered, given) -> bool:
    """The very value, or one of the same type written the same way (equal keys of a memo may differ:
    1 == 1.00 == True)."""
    return remembered is given or (type(remembered) is type(given) and str(remembered) == str(given))


def _capped(amount: Decimal, cap) -> Decimal:
    if cap is None:
        return amount
    cap = cap if type(cap) is Decimal else to_decimal(cap, N_("mức tối đa"))
    return min(amount, cap)


def evaluate(
    fields: Sequence[Node],
    states: Mapping[str, ItemState],
    adjustments: Sequence[Node] = (),
    adjustment_counts: Mapping[str, int] = _NO_COUNTS,
    *,
    bonus_cap: Decimal | None,
    deduction_cap: Decimal | None,
    settings: YearSettings | None = None,
    survey_available: bool = True,
    memo: dict | None = None,
) -> Evaluation:
    """Tính điểm và chỉ số của một đơn vị — evaluate one unit's states against the criteria tree.

    Bonus and deductions are capped per adjustment (its own cap), then by `bonus_cap` and
    `deduction_cap` for the whole set (None = no set-level cap).

    `memo`: an empty dict the caller keeps across the evaluations of many units against the same
    tree (a year's results): each leaf's result is then computed once per distinct score instead of once
    per unit, and a group of items (a parent of leaves only) once per distinct combination of its items'
    ItemState objects — a caller that shares one ItemState per distinct score (portal.results.services)
    lets most groups of most units skip their items entirely. The results are the same with or without it.
    """
    settings = settings or _DEFAULT_SETTINGS
    walk = _Walk(states, None if survey_available else settings.no_survey_policy, memo)
    results = [walk.node(f) for f in fields]
    for code in states:
        if code not in walk.nodes:
            walk.warnings.append(N_("Có điểm cho mục %(code)s nhưng mục này không có trong bộ tiêu chí.",
                                    code=code))
    bonus_sum, deduction_sum = _adjustments(adjustments, adjustment_counts, walk)
    bonus = _capped(bonus_sum, bonus_cap)
    deductions = _capped(deduction_sum, deduction_cap)
    appraisal = sum((r.appraisal_points for r in results), ZERO)
    survey = sum((r.survey_points for r in results), ZERO)
    applicable_max = sum((r.applicable_max for r in results), ZERO)
    index = compute_index(appraisal + survey, bonus, deductions, applicable_max)
    return Evaluation(
        nodes=walk.nodes,
        appraisal_points=appraisal,
        survey_points=survey,
        bonus=bonus,
        deductions=deductions,
        points_total=appraisal + survey + bonus - deductions,
        applicable_max=applicable_max,
        index=index,
        scored_count=sum(r.scored_count for r in results),
        applicable_count=sum(r.applicable_count for r in results),
        warnings=walk.warnings,
        band=band_for(index, settings.bands),
    )
