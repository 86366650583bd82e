"""Tính kết quả — compute every unit's index, field sub-indexes (chỉ số thành phần), band and rank of a
year from the final appraised scores and the survey points, and store them as UnitResult rows.

The arithmetic is portal.scoring's: `evaluate` per unit (final entries as item states, survey points as
the states of the survey items, adjustment counts as bonus/deductions, the set's caps, the year's
settings), `rank_units` per unit type. A unit has a survey when it has at least one SurveyScore row;
without one the year's no_survey_policy applies. Recomputing replaces the rows; it is audited with a
summary, and it supersedes a decision left over from before the year was moved back to synthesis (moving
the year back below approval already supersedes it: portal.years.services.change_phase).
"""
import gc
from collections import defaultdict
from contextlib import contextmanager
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import delete, func, insert, or_, select, type_coerce
from sqlalchemy.types import NullType

from portal.unitfile.domain import final_entry
from portal.assessments.models import Assessment, ScoreEntry
from portal.audit.models import AuditLog
from portal.audit.services import record
from portal.criteria.models import CriteriaSet, Criterion
from portal.criteria.nodes import build_nodes
from portal.extensions import db
from portal.results.domain import (
    INPUT_ACTIONS,
    INPUT_OBJECTS,
    Leaf,
    approval_in_force,
    honesty_gaps,
    point_gaps,
)
from portal.results.models import Approval, SurveyScore, UnitResult
from portal.scoring import ItemState, RankInput, YearSettings, evaluate, iter_nodes, rank_units
from portal.units.models import Unit
from portal.units.types import sort_key
from portal.policy.actors import actor_for
from portal.policy.refusals import check
from portal.years.domain import can_compute_results

ZERO = Decimal(0)
NOT_SCORED = ItemState(None)
CENT = Decimal("0.01")


def lock_year(year) -> None:
    """Serialise the year's result writes (compute, approve, publish): on PostgreSQL the year row is locked
    until the request commits, so two admins pressing "Tính kết quả" at once, or a double-clicked approval,
    run one after the other and the second sees the first's outcome. SQLite already serialises writers
    (BEGIN IMMEDIATE); SQLAlchemy leaves FOR UPDATE out there. The year is reloaded under the lock, so a
    request that waited sees the phase the other one left."""
    db.session.flush()
    db.session.refresh(year, with_for_update=True)


def results_stale(year) -> bool:
    """Whether something the results are computed from changed after the last computation: a score, a
    survey score, the criteria or the year's settings (read from the audit log, where every such change
    is recorded in the same transaction). False when nothing was computed yet."""
    last = db.session.scalar(select(func.max(AuditLog.id)).where(
        AuditLog.year_id == year.id, AuditLog.action == "results_compute"))
    if last is None:
        return False
    changed = db.session.scalar(select(AuditLog.id).where(
        AuditLog.id > last, AuditLog.year_id == year.id,
        or_(AuditLog.object_type.in_(INPUT_OBJECTS), AuditLog.action.in_(INPUT_ACTIONS))).limit(1))
    return changed is not None


def current_approval(year) -> Approval | None:
    """The latest approval of the year that is not superseded (None if there is none)."""
    return db.session.scalar(select(Approval).where(Approval.year_id == year.id, Approval.superseded_at.is_(None))
                             .order_by(Approval.approved_at.desc(), Approval.id.desc()).limit(1))


def approved(year) -> bool:
    """The `approved` flag of the years domain for this year (see domain.approval_in_force)."""
    return approval_in_force(has_current_approval=current_approval(year) is not None, phase=year.phase)


def settings_of(year) -> YearSettings:
    return YearSettings.from_dict(year.settings or {})


def sets_of(year) -> list[CriteriaSet]:
    """The year's criteria sets in the order of its unit types."""
    by_type = sort_key(year)
    sets = db.session.scalars(select(CriteriaSet).where(CriteriaSet.year_id == year.id))
    return sorted(sets, key=lambda s: by_type(s.unit_type))


def criteria_of(cset: CriteriaSet) -> list[Criterion]:
    return list(db.session.scalars(select(Criterion).where(Criterion.set_id == cset.id)))


def survey_rows(year_id: int) -> dict[int, dict[int, Decimal]]:
    """{unit_id: {criterion_id: points}} of the year's survey scores."""
    out: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for unit_id, criterion_id, points in db.session.execute(
            select(SurveyScore.unit_id, SurveyScore.criterion_id, SurveyScore.points)
            .where(SurveyScore.year_id == year_id)):
        out[unit_id][criterion_id] = points
    return out


class UnitInputs(NamedTuple):
    """One assessment's score entries as the engine's inputs: the final entries' item states and adjustment
    counts, and the self-scores' (for the honesty gap)."""

    final: dict[str, ItemState]
    final_counts: dict[str, int]
    own: dict[str, ItemState]
    own_counts: dict[str, int]


#: The stages in the order the final entry overrides them: portal.appraisal.domain.final_entry takes round 2
#: where it exists, else round 1; without either the council left the self-score as declared.
STAGES = ("self", "round1", "round2")


def _unit_inputs(assessment_ids: list[int], by_id: dict[int, tuple[str, bool]]) -> dict[int, UnitInputs]:
    """{assessment_id: UnitInputs} (``by_id``: {criterion id: (code, is an adjustment)}).

    A national year has ~400,000 entries, so they are read as plain tuples, one query per stage: the final
    states start as a copy of the self-scores' and each later stage overrides them (final_entry's rule).
    Points sit on a 0.25 grid, so each distinct (points, N/A) pair becomes one ItemState shared by every
    unit: the engine only reads them, and its memo recognises a group of items whose states are the very
    same objects as another unit's (portal.scoring.tree). Only adjustments need their inputs (the count): a
    query of their own."""
    if not assessment_ids:
        return {}
    items = {cid: code for cid, (code, adjustment) in by_id.items() if not adjustment}
    shared: dict = {}
    own: dict[int, dict[str, ItemState]] = {}
    final: dict[int, dict[str, ItemState]] = {}
    for stage in STAGES:
        if stage == "round1":
            final = {aid: dict(states) for aid, states in own.items()}
        target = own if stage == "self" else final
        rows = _plain_rows(select(ScoreEntry.assessment_id, ScoreEntry.criterion_id,
                                  type_coerce(ScoreEntry.points, NullType()), ScoreEntry.not_applicable)
                           .where(ScoreEntry.assessment_id.in_(assessment_ids), ScoreEntry.stage == stage))
        last_aid, states = None, None
        for aid, cid, raw, na in rows:
            code = items.get(cid)
            if code is None:
                continue
            if aid != last_aid:
                states = target.get(aid)
                if states is None:
                    states = target[aid] = {}
                last_aid = aid
            state = shared.get((raw, na))
            if state is None:
                points = None if raw is None else Decimal(str(raw)).quantize(CENT)
                state = shared[(raw, na)] = ItemState(points, bool(na))
            states[code] = state
    own_counts, final_counts = _adjustment_counts(assessment_ids, by_id)
    return {aid: UnitInputs(final.get(aid, {}), final_counts.get(aid, {}), own.get(aid, {}), own_counts.get(aid, {}))
            for aid in assessment_ids}


def _plain_rows(statement) -> list[tuple]:
    """The driver's own tuples of a select of plain columns (ids, raw numbers, flags), fetched at once:
    building a SQLAlchemy row for each of a national year's ~400,000 entries cost as much as reading them.
    The columns get no type processing, so the caller converts what it reads (points, N/A flags)."""
    result = db.session.connection().execute(statement)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def _adjustment_counts(assessment_ids, by_id) -> tuple[dict, dict]:
    """({assessment_id: {code: count}} of the self-scores, the same of the final entries)."""
    adjustments = {cid: code for cid, (code, adjustment) in by_id.items() if adjustment}
    if not adjustments:
        return {}, {}
    stages: dict[tuple[int, int], dict[str, tuple]] = defaultdict(dict)
    for aid, cid, stage, na, inputs in db.session.execute(
            select(ScoreEntry.assessment_id, ScoreEntry.criterion_id, ScoreEntry.stage,
                   ScoreEntry.not_applicable, ScoreEntry.inputs)
            .where(ScoreEntry.assessment_id.in_(assessment_ids), ScoreEntry.criterion_id.in_(list(adjustments)))):
        stages[(aid, cid)][stage] = (bool(na), inputs)
    own: dict[int, dict[str, int]] = defaultdict(dict)
    final: dict[int, dict[str, int]] = defaultdict(dict)
    for (aid, cid), by_stage in stages.items():
        code = adjustments[cid]
        if "self" in by_stage:
            own[aid][code] = _count(*by_stage["self"])
        chosen = final_entry(by_stage.get("round1"), by_stage.get("round2")) or by_stage.get("self")
        if chosen is not None:
            final[aid][code] = _count(*chosen)
    return own, final


def _count(not_applicable: bool, inputs) -> int:
    return 0 if not_applicable else int((inputs or {}).get("count", 0) or 0)


def appraised_fields(fields) -> set[str]:
    """The fields with at least one appraised (not survey) item."""
    return {f.code for f in fields if any(n.is_leaf and n.method != "survey" for n in iter_nodes([f]))}


def _field_data(fields, final, own, appraised: set[str] | None = None) -> dict:
    """Per field: sub-index, points, applicable max, and the honesty gap on its appraised items."""
    appraised = appraised_fields(fields) if appraised is None else appraised
    final_points = {f.code: final.nodes[f.code].appraisal_points for f in fields if f.code in final.nodes}
    self_points = {f.code: own.nodes[f.code].appraisal_points for f in fields if f.code in own.nodes}
    gaps = honesty_gaps(self_points, final_points, appraised)
    out = {}
    for f in fields:
        result = final.nodes.get(f.code)
        if result is None:
            continue
        out[f.code] = {
            "index": None if result.index is None else str(result.index), "points": str(result.points),
            "max": str(result.applicable_max), "na": result.not_applicable,
            "survey_excluded": result.survey_excluded,
            "self": str(self_points.get(f.code, ZERO)) if f.code in appraised else None,
            "appraised": str(final_points.get(f.code, ZERO)) if f.code in appraised else None,
            "gap": str(gaps[f.code]) if f.code in gaps else None,
        }
    return out


def _leaves(fields, final, leaf_nodes=None) -> list[Leaf]:
    """The applicable leaves below their maximum (the only ones point_gaps keeps: most leaves of a good
    unit are full, and 200,000 Leaf objects a national year cost more than the gaps themselves)."""
    out = []
    for node in (leaf_nodes if leaf_nodes is not None else [n for n in iter_nodes(fields) if n.is_leaf]):
        result = final.nodes.get(node.code)
        if (result is not None and not result.not_applicable and not result.survey_excluded
                and result.points < result.applicable_max):
            out.append(Leaf(node.code, node.title, result.points, result.applicable_max, node.field_code))
    return out


def _evaluate_set(year, cset: CriteriaSet, settings: YearSettings, surveys, unit_ids=None) -> list[dict]:
    """Evaluate every unit of the set (or only `unit_ids`, for a correction)."""
    criteria = criteria_of(cset)
    by_id = {c.id: (c.code, c.kind == "adjustment") for c in criteria}
    fields, adjustments = build_nodes(criteria)
    leaf_nodes = [n for n in iter_nodes(fields) if n.is_leaf]      # the tree is the same for every unit
    appraised = appraised_fields(fields)
    query = select(Assessment).where(Assessment.year_id == year.id, Assessment.criteria_set_id == cset.id)
    if unit_ids is not None:
        query = query.where(Assessment.unit_id.in_(list(unit_ids)))
    assessments = list(db.session.scalars(query))
    inputs = _unit_inputs([a.id for a in assessments], by_id)
    caps = {"bonus_cap": cset.bonus_cap, "deduction_cap": cset.deduction_cap, "settings": settings,
            "memo": {}}
    out = []
    survey_states: dict = {}   # one ItemState per distinct survey score, shared like the entries' (_unit_inputs)
    for assessment in assessments:
        unit = inputs[assessment.id]
        states = unit.final    # this unit's own dict: the survey points go into it
        survey = surveys.get(assessment.unit_id, {})
        for cid, points in survey.items():
            crit = by_id.get(cid)
            if crit is not None:
                na = states.get(crit[0], NOT_SCORED).not_applicable
                state = survey_states.get((str(points), na))
                if state is None:
                    state = survey_states[(str(points), na)] = ItemState(points, na)
                states[crit[0]] = state
        final = evaluate(fields, states, adjustments, unit.final_counts, survey_available=bool(survey), **caps)
        own = evaluate(fields, unit.own, adjustments, unit.own_counts, survey_available=False, **caps)
        out.append({"unit_id": assessment.unit_id, "unit_type": cset.unit_type, "final": final,
                    "finalized": assessment.status == "finalized",
                    "fields": _field_data(fields, final, own, appraised),
                    "gaps": point_gaps(_leaves(fields, final, leaf_nodes)),
                    "survey_available": bool(survey)})
    return out


def compute_results(year, *, user, now) -> dict:
    """Tính kết quả: evaluate and rank every unit of the year, replace the stored results, audit a summary.

    Raises portal.policy.refusals.Refused when the rule says no (not admin, wrong phase, approved)."""
    lock_year(year)
    check(can_compute_results(actor_for(user, year), phase=year.phase, approved=approved(year)),
          phase=year.phase)
    with _cycle_collector_paused():
        settings = settings_of(year)
        surveys = survey_rows(year.id)
        evaluated = [row for cset in sets_of(year) for row in _evaluate_set(year, cset, settings, surveys)]
        ranked = {r.unit_id: r for r in rank_units(
            [RankInput(e["unit_id"], e["final"].index, e["final"].appraisal_points, e["final"].survey_points,
                       e["unit_type"]) for e in evaluated], settings.tie_breakers)}
        db.session.execute(delete(UnitResult).where(UnitResult.year_id == year.id))
        rows = [result_values(year, e, ranked[e["unit_id"]].rank, ranked[e["unit_id"]].tied, now)
                for e in evaluated]
        if rows:
            db.session.execute(insert(UnitResult), rows)  # one executemany, not one INSERT per unit
        db.session.flush()
    summary = _summary(evaluated, ranked)
    record("results_compute", "assessment_year", year.id, actor=user, year_id=year.id, new=summary)
    _supersede_stale(year, user=user, now=now)
    return summary


@contextmanager
def _cycle_collector_paused():
    """A national year's computation allocates about a million short-lived objects (entries, states, node
    results, result rows), none of them in a reference cycle: reference counting frees them all. Left
    running, the cyclic collector walks them over and over (about a thousand collections, a fifth of the
    computation's time), so it waits until the computation is over; memory is unaffected. It is switched
    back on only if it was on (another thread's computation may have paused it too)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def result_values(year, e: dict, rank: int | None, tied: bool, now) -> dict:
    """The UnitResult columns of one evaluated unit (an item of _evaluate_set's list)."""
    final = e["final"]
    return dict(
        year_id=year.id, unit_id=e["unit_id"], appraisal_points=final.appraisal_points,
        survey_points=final.survey_points, bonus=final.bonus, deductions=final.deductions,
        applicable_max=final.applicable_max, index=final.index,
        band=final.band.key if final.band else None, rank=rank, field_indexes=e["fields"],
        details={"unit_type": e["unit_type"], "tied": tied, "survey_available": e["survey_available"],
                 "gaps": e["gaps"], "warnings": final.warnings[:20]},
        computed_at=now)


def evaluate_units(year, unit_ids) -> list[dict]:
    """Evaluate only these units of the year (a correction): _evaluate_set's items."""
    settings, surveys = settings_of(year), survey_rows(year.id)
    return [row for cset in sets_of(year) for row in _evaluate_set(year, cset, settings, surveys, unit_ids)]


def _summary(evaluated, ranked) -> dict:
    codes = dict(db.session.execute(select(Unit.id, Unit.code).where(
        Unit.id.in_([e["unit_id"] for e in evaluated]))).all())
    by_type: dict[str, int] = defaultdict(int)
    for e in evaluated:
        by_type[e["unit_type"]] += 1
    return {"units": len(evaluated), "by_type": dict(by_type),
            "without_survey": sorted(codes[e["unit_id"]] for e in evaluated if not e["survey_available"]),
            "unranked": sorted(codes[u] for u, r in ranked.items() if r.rank is None),
            "not_finalized": sorted(codes[e["unit_id"]] for e in evaluated if not e["finalized"])}


def supersede_current(year, *, user, now, why: str) -> Approval | None:
    """Mark the decision in force superseded (kept, never deleted), audited with `why` ("phase_back": the
    year was moved back below approval; "recompute": results recomputed under an older decision)."""
    stale = current_approval(year)
    if stale is None:
        return None
    stale.superseded_at = now
    db.session.flush()
    record("results_approval_supersede", "approval", stale.id, actor=user, year_id=year.id,
           old={"decision_number": stale.decision_number}, new={"superseded_at": now}, reason=why)
    return stale


def _supersede_stale(year, *, user, now) -> None:
    """A decision recorded before the year was moved back no longer matches the recomputed results."""
    supersede_current(year, user=user, now=now, why="recompute")
