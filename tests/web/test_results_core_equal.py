"""The results computation of the portal (portal.results.services.compute_results: rows read as tuples,
points converted once per value, the tree prepared once per set) gives exactly what the pure scoring core
gives when it is fed the same year the plain way: every entry loaded as an ORM object, the final entry
chosen by the appraisal rule, `portal.scoring.evaluate` per unit and `rank_units` per unit type."""
from decimal import Decimal

from sqlalchemy import select

from bench.world import build_year
from portal.unitfile.domain import final_entry
from portal.assessments.models import Assessment, ScoreEntry
from portal.auth.models import User
from portal.criteria.models import CriteriaSet, Criterion
from portal.criteria.nodes import build_nodes
from portal.db import utcnow
from portal.extensions import db
from portal.results.models import SurveyScore, UnitResult
from portal.results.services import compute_results
from portal.scoring import ItemState, RankInput, YearSettings, evaluate, rank_units
from portal.years.models import AssessmentYear
from tests.conftest import _empty_tables
from tests.factories import _HASH


def _core(year) -> dict[int, tuple]:
    """{unit_id: (index, appraisal points, survey points, bonus, deductions, band, rank, field indexes)}"""
    settings = YearSettings.from_dict(year.settings or {})
    surveys: dict[int, dict[int, Decimal]] = {}
    for row in db.session.scalars(select(SurveyScore).where(SurveyScore.year_id == year.id)):
        surveys.setdefault(row.unit_id, {})[row.criterion_id] = row.points
    out, ranking = {}, []
    for cset in db.session.scalars(select(CriteriaSet).where(CriteriaSet.year_id == year.id)):
        criteria = list(db.session.scalars(select(Criterion).where(Criterion.set_id == cset.id)))
        by_id = {c.id: c for c in criteria}
        fields, adjustments = build_nodes(criteria)
        for a in db.session.scalars(select(Assessment).where(Assessment.year_id == year.id,
                                                             Assessment.criteria_set_id == cset.id)):
            stages: dict[int, dict[str, ScoreEntry]] = {}
            for e in db.session.scalars(select(ScoreEntry).where(ScoreEntry.assessment_id == a.id)):
                stages.setdefault(e.criterion_id, {})[e.stage] = e
            states, counts = {}, {}
            for cid, st in stages.items():
                chosen = final_entry(st.get("round1"), st.get("round2")) or st.get("self")
                crit = by_id[cid]
                if crit.kind == "adjustment":
                    counts[crit.code] = 0 if chosen.not_applicable else int(chosen.inputs.get("count", 0) or 0)
                else:
                    states[crit.code] = ItemState(chosen.points, chosen.not_applicable)
            survey = surveys.get(a.unit_id, {})
            for cid, points in survey.items():
                code = by_id[cid].code
                states[code] = ItemState(points, states.get(code, ItemState(None)).not_applicable)
            result = evaluate(fields, states, adjustments, counts, bonus_cap=cset.bonus_cap,
                              deduction_cap=cset.deduction_cap, settings=settings, survey_available=bool(survey))
            ranking.append(RankInput(a.unit_id, result.index, result.appraisal_points, result.survey_points,
                                     cset.unit_type))
            out[a.unit_id] = [result.index, result.appraisal_points, result.survey_points, result.bonus,
                              result.deductions, result.band.key if result.band else None, None,
                              {f.code: None if result.nodes[f.code].index is None
                               else str(result.nodes[f.code].index) for f in fields if f.code in result.nodes}]
    for r in rank_units(ranking, settings.tie_breakers):
        out[r.unit_id][6] = r.rank
    return {u: tuple(v) for u, v in out.items()}


def test_portal_computation_equals_the_pure_core_on_a_generated_year(ctx):
    _empty_tables()
    world = build_year(now=utcnow(), units=9, items=24, password_hash=_HASH)
    db.session.commit()
    year = db.session.get(AssessmentYear, world.year_id)
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    compute_results(year, user=admin, now=utcnow())
    db.session.flush()
    stored = {r.unit_id: (r.index, r.appraisal_points, r.survey_points, r.bonus, r.deductions, r.band, r.rank,
                          {code: v["index"] for code, v in r.field_indexes.items()})
              for r in db.session.scalars(select(UnitResult).where(UnitResult.year_id == year.id))}
    expected = _core(year)
    assert len(stored) == 9 and stored.keys() == expected.keys()
    assert any(v[0] is not None for v in stored.values())
    assert stored == expected


def test_equal_on_a_year_with_every_stage_shape(ctx):
    """The per-stage reading (self-scores, then round 1 and round 2 overriding them) and the shared leaf
    results on the shapes a plain year rarely has: items with a round-2 entry but no round-1 one, items
    the council scored that the unit never did, a self-score the council made N/A, adjustments with counts
    at every stage, units without survey points and the "zero" no-survey policy. (Points over the maximum,
    which warn, are refused by the data's invariants: tests/domain/test_scoring_properties.py has them.)"""
    _empty_tables()
    world = build_year(now=utcnow(), units=9, items=24, password_hash=_HASH)
    db.session.commit()
    year = db.session.get(AssessmentYear, world.year_id)
    year.settings = dict(year.settings or {}, no_survey_policy="zero")
    entries = list(db.session.scalars(select(ScoreEntry).where(ScoreEntry.assessment_id.in_(world.assessment_ids))
                                      .order_by(ScoreEntry.id)))
    adjustment_ids = {c.id for c in db.session.scalars(select(Criterion).where(Criterion.kind == "adjustment"))}
    for n, entry in enumerate(entries):
        if entry.criterion_id in adjustment_ids:
            entry.inputs = {"count": n % 4}
        elif entry.stage == "round1" and n % 7 == 0:
            entry.stage = "round2" if not any(e.stage == "round2" and e.assessment_id == entry.assessment_id
                                              and e.criterion_id == entry.criterion_id for e in entries) else "round1"
        elif entry.stage == "self" and n % 11 == 0:
            db.session.delete(entry)
        elif entry.stage == "round1" and n % 13 == 0:
            entry.not_applicable, entry.points = True, None
    db.session.execute(SurveyScore.__table__.delete().where(SurveyScore.unit_id.in_(world.unit_ids[:3])))
    db.session.commit()
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    compute_results(year, user=admin, now=utcnow())
    db.session.flush()
    stored = {r.unit_id: (r.index, r.appraisal_points, r.survey_points, r.bonus, r.deductions, r.band, r.rank,
                          {code: v["index"] for code, v in r.field_indexes.items()})
              for r in db.session.scalars(select(UnitResult).where(UnitResult.year_id == year.id))}
    assert stored == _core(year)
    assert any(r.bonus or r.deductions for r in db.session.scalars(select(UnitResult)))
