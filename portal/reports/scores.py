"""Điểm theo vòng — a unit's scores per stage (self, round 1, round 2, final) evaluated through the scoring
core, shared by every report. Pure apart from the Criterion/ScoreEntry rows it is given: no queries here.

Effective values, the same rule as portal.appraisal: an item the council did not re-score keeps the
previous stage's value (round 1 falls back to self, the final to round 2, then round 1, then self)."""
from dataclasses import dataclass
from decimal import Decimal

from portal.unitfile.domain import final_entry
from portal.assessments.models import STAGES
from portal.criteria.nodes import build_nodes, children_of, walk
from portal.scoring import Evaluation, ItemState, YearSettings, evaluate

STAGE_COLUMNS = (*STAGES, "final")  # the stored stages, then the final score the rounds give


@dataclass(frozen=True)
class Cell:
    """One score as printed: points, or "không áp dụng", or nothing entered."""

    points: Decimal | None = None
    not_applicable: bool = False

    @property
    def empty(self) -> bool:
        return self.points is None and not self.not_applicable


EMPTY = Cell()


def cell_of(entry) -> Cell:
    if entry is None:
        return EMPTY
    return Cell(entry.points, bool(entry.not_applicable))


def effective_entries(stages: dict) -> dict[str, object]:
    """{column: entry} of one item: the raw self/round1/round2 entries and the effective final one."""
    self_e, r1, r2 = stages.get("self"), stages.get("round1"), stages.get("round2")
    return {"self": self_e, "round1": r1, "round2": r2, "final": final_entry(r1, r2) or self_e,
            "round1_effective": r1 or self_e}


class SetTree:
    """A criteria set in print order, with its scoring nodes built once and reused for every unit."""

    def __init__(self, criteria: list) -> None:
        self.criteria = criteria
        self.by_id = {c.id: c for c in criteria}
        children = children_of(criteria)
        self.children = children
        self.fields_nodes, self.adjustment_nodes = build_nodes(criteria)
        self.fields = [c for c in children[None] if c.kind != "adjustment"]
        self.adjustments = [c for c in children[None] if c.kind == "adjustment"]
        self.survey_ids = {c.id for c in criteria if c.method == "survey"}

    def walk(self):
        """(criterion, depth) in print order: each field, then its subtree."""
        return walk(self.fields, self.children)

    def leaves(self):
        return [c for c, _d in self.walk() if c.kind == "item" and not self.children[c.id]]

    def is_survey_only(self, crit) -> bool:
        """A field or group whose scored leaves are all survey items (no unit or council score)."""
        if not self.children[crit.id]:
            return crit.method == "survey"
        return all(self.is_survey_only(k) for k in self.children[crit.id])


def evaluate_entries(tree: SetTree, entries: dict, cset, settings: dict, *, survey: dict | None = None
                     ) -> Evaluation:
    """Evaluate one unit from {criterion_id: entry}; `survey` = {criterion_id: points} when the unit has
    survey results (otherwise survey items leave score and maximum, as the year's policy says)."""
    states, counts = {}, {}
    for cid, entry in entries.items():
        crit = tree.by_id.get(cid)
        if crit is None or entry is None:
            continue
        if crit.kind == "adjustment":
            counts[crit.code] = 0 if entry.not_applicable else int((entry.inputs or {}).get("count", 0) or 0)
        elif cid not in tree.survey_ids:
            states[crit.code] = ItemState(entry.points, bool(entry.not_applicable))
    for cid, points in (survey or {}).items():
        crit = tree.by_id.get(cid)
        if crit is not None:
            states[crit.code] = ItemState(points, False)
    return evaluate(tree.fields_nodes, states, tree.adjustment_nodes, counts, bonus_cap=cset.bonus_cap,
                    deduction_cap=cset.deduction_cap, settings=YearSettings.from_dict(settings or {}),
                    survey_available=bool(survey))


def column_entries(by_item: dict) -> dict[str, dict]:
    """{self, round1, final: {criterion_id: effective entry}} of one unit, items without an entry left out."""
    out: dict[str, dict] = {"self": {}, "round1": {}, "final": {}}
    for cid, stages in by_item.items():
        eff = effective_entries(stages)
        for col, key in (("self", "self"), ("round1", "round1_effective"), ("final", "final")):
            if eff[key] is not None:
                out[col][cid] = eff[key]
    return out


def stage_evaluations(tree: SetTree, by_item: dict, cset, settings: dict, survey: dict | None = None
                      ) -> dict[str, Evaluation]:
    """{self, round1, final: Evaluation} of one unit from {criterion_id: {stage: entry}}."""
    return {col: evaluate_entries(tree, entries, cset, settings, survey=survey if col == "final" else None)
            for col, entries in column_entries(by_item).items()}
