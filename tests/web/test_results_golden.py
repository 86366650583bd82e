"""Golden tests: hand-computed results through the whole computation (final appraised entries, survey scores,
adjustment counts → compute_results → UnitResult rows → results document → pages).

The criteria set is tests/web/results_setup.MINI_SET (20 points). The arithmetic of each case is written out
next to its expected values; Decimal throughout, rounding half up to 2 decimals only on the index.
"""
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from portal.audit.models import AuditLog
from portal.results.document import results_document
from portal.results.models import UnitResult
from tests.web.results_setup import compute, golden_world


@pytest.fixture
def world(ctx):
    return golden_world()


def result(world, code) -> UnitResult:
    from portal.extensions import db
    return db.session.scalar(select(UnitResult).where(UnitResult.year_id == world.year_id,
                                                      UnitResult.unit_id == world.units[code]))


def test_na_items_caps_bonus_and_round_two(world):
    compute(world)
    ga = result(world, "GA")
    # F1: 1.1 = 2, 1.2 N/A (leaves score and max), 1.3 = round-1 score 1 (self claimed 2)
    #     points 2 + 1 = 3, applicable max min(6, 2 + 2) = 4, sub-index 3/4 = 75.00 %
    # F2: 2.1 = 2 + 2 = 4 capped at its max 3; 2.2 = round 2 (1) over round 1 (0)
    #     points 3 + 1 = 4, max min(4, 3 + 1) = 4, sub-index 100.00 %
    # F3: survey 5.5 + 3.5 = 9 of 10 → 90.00 %
    # bonus B1: 3 × 1 = 3 → its cap 2 → set cap 2 → 2; deduction D1: 1 × 0.5 = 0.5
    # index = (7 + 9 + 2 − 0.5) / (4 + 4 + 10) × 100 = 17.5 / 18 × 100 = 97.2222… → 97.22 → Xuất sắc
    assert (ga.appraisal_points, ga.survey_points, ga.bonus, ga.deductions) == (D("7"), D("9"), D("2"), D("0.5"))
    assert ga.applicable_max == D("18") and ga.index == D("97.22") and ga.band == "xuat_sac" and ga.rank == 1
    fields = ga.field_indexes
    assert [fields[f]["index"] for f in ("F1", "F2", "F3")] == ["75.00", "100.00", "90.00"]
    assert (D(fields["F1"]["points"]), D(fields["F1"]["max"])) == (D("3"), D("4"))
    # honesty gap F1: self 2 + 2 = 4 − final 3 = +1; F2: self 4 capped to 3, + 1 = 4 − final 4 = 0
    assert [D(fields["F1"][k]) for k in ("self", "appraised", "gap")] == [D("4"), D("3"), D("1")]
    assert D(fields["F2"]["gap"]) == 0 and fields["F3"]["gap"] is None  # a survey-only field has no gap


def test_unit_without_survey_is_rescaled_and_deductions_hit_both_caps(world):
    compute(world)
    gb = result(world, "GB")
    # F1: 2 + 1 + 2 = 5 of 6; F2: 2.1 = 1.5 + 1 = 2.5 (under its cap 3) + 2.2 = 1 → 3.5 of 4
    # no survey row at all, policy "rescale": F3 leaves both score and max → applicable max 6 + 4 = 10
    # D1: 4 × 0.5 = 2 → its cap 1; D2: 1 × 1 = 1; 1 + 1 = 2 → set cap 1.5
    # index = (8.5 − 1.5) / 10 × 100 = 70.00 → exactly the threshold of Khá (≥ 70)
    assert (gb.appraisal_points, gb.survey_points, gb.deductions, gb.applicable_max) == (
        D("8.5"), D("0"), D("1.5"), D("10"))
    assert gb.index == D("70.00") and gb.band == "kha" and gb.rank == 5
    assert gb.details["survey_available"] is False and gb.field_indexes["F3"]["survey_excluded"] is True


def test_ties_are_broken_by_appraisal_points_then_shared(world):
    compute(world)
    # GC: F1 2 + 2 + 1 = 5, F2 (1 + 1) + 1 = 3 → appraisal 8; survey 4 + 3 = 7 → 15 / 20 = 75.00
    # GD: F1 2 + 1 + 1 = 4, F2 3 → appraisal 7; survey 5 + 3 = 8 → 15 / 20 = 75.00
    # GE: same as GC. Equal index; appraisal 8 > 7 puts GC and GE before GD; GC and GE are equal on the
    # index, the appraisal points and the survey points → both rank 2, the next rank is 4 ("1, 2, 2, 4, 5")
    ranks = {code: (result(world, code).index, result(world, code).rank, result(world, code).details["tied"])
             for code in ("GA", "GC", "GD", "GE", "GB")}
    assert ranks == {"GA": (D("97.22"), 1, False), "GC": (D("75.00"), 2, True), "GE": (D("75.00"), 2, True),
                     "GD": (D("75.00"), 4, False), "GB": (D("70.00"), 5, False)}
    assert {result(world, c).band for c in ("GC", "GD", "GE")} == {"kha"}


def test_districts_are_ranked_separately(world):
    compute(world)
    h1, h2 = result(world, "H1"), result(world, "H2")
    # H1: as GA without the bonus: (7 + 9 − 0.5) / 18 × 100 = 15.5 / 18 × 100 = 86.111… → 86.11 → Tốt
    # H2: F1 6, F2 (2 + 1) + 1 = 4, survey 6 + 4 = 10 → 20 / 20 = 100.00 → Xuất sắc
    assert (h1.index, h1.band, h1.rank) == (D("86.11"), "tot", 2)
    assert (h2.index, h2.band, h2.rank) == (D("100.00"), "xuat_sac", 1)


def test_zero_policy_counts_a_missing_survey_as_zero(ctx):
    world = golden_world(settings={"no_survey_policy": "zero"})
    compute(world)
    gb = result(world, "GB")
    # the survey items stay in the maximum with 0 points: (8.5 − 1.5) / 20 × 100 = 35.00 → Yếu (< 50)
    assert (gb.applicable_max, gb.index, gb.band, gb.rank) == (D("20"), D("35.00"), "yeu", 5)


def test_reward_proposal_shows_every_unit_tied_on_the_last_place(ctx):
    world = golden_world(settings={"reward_top": {"department": 2, "district": 1}})
    compute(world)
    doc = results_document(world.year())
    departments, districts = doc["types"]
    # top 2 departments: GA (1), then GC and GE share rank 2 → three units, and the council must decide
    assert [u["code"] for u in departments["units"] if u["reward"]] == ["GA", "GC", "GE"]
    assert departments["rewards"]["top"] == 2 and departments["rewards"]["tie_at_edge"] is True
    assert [u["code"] for u in districts["units"] if u["reward"]] == ["H2"]
    assert districts["rewards"]["tie_at_edge"] is False


def test_default_rewards_are_top_five_departments_and_top_three_districts(world):
    compute(world)
    doc = results_document(world.year())
    assert [(t["unit_type"], t["rewards"]["top"]) for t in doc["types"]] == [("department", 5), ("district", 3)]


def test_the_ranking_page_shows_the_hand_computed_numbers(world, auth):
    compute(world)
    client = auth.login("qt")
    html = client.get(f"/results/{world.year_id}").get_data(as_text=True)
    ranking = html[html.index('id="ranking-department"'):html.index('id="ranking-district"')]
    for code, rank, index, band in (("GA", "1", "97,22", "Xuất sắc"), ("GC", "2", "75,00", "Khá"),
                                    ("GD", "4", "75,00", "Khá"), ("GB", "5", "70,00", "Khá")):
        row = ranking[ranking.index(f'id="rank-department-{code}"'):]
        row = row[:row.index("</tr>")]
        assert f'<td class="num rank">{rank}' in row and index in row and band in row
    assert "+2 / −0,5" in ranking and "(không có điều tra XHH)" in ranking


def test_compute_is_audited_with_a_summary(world):
    summary = compute(world)
    assert summary == {"units": 7, "by_type": {"department": 5, "district": 2}, "without_survey": ["GB"],
                       "unranked": [], "not_finalized": []}
    from portal.extensions import db
    row = db.session.scalar(select(AuditLog).where(AuditLog.action == "results_compute"))
    assert row.year_id == world.year_id and row.new["without_survey"] == ["GB"]


def test_recompute_replaces_the_results(world):
    compute(world)
    world.survey("GB", {"3.1": 6, "3.2": 4})  # GB's survey arrives late
    from portal.extensions import db
    db.session.commit()
    compute(world)
    gb = result(world, "GB")
    # the survey now counts: (8.5 + 10 − 1.5) / 20 × 100 = 85.00 → Tốt, second after GA
    assert (gb.survey_points, gb.applicable_max, gb.index, gb.band, gb.rank) == (
        D("10"), D("20"), D("85.00"), "tot", 2)
    assert db.session.scalar(select(db.func.count(UnitResult.id)).where(UnitResult.year_id == world.year_id)) == 7
