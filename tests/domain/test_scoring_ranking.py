"""Ranking per unit type with ties and tie-breakers, and the reward proposal."""
from decimal import Decimal as D

import pytest

from portal.scoring import RankInput, propose_bottom, propose_rewards, rank_units


def row(unit_id, index, appraisal="0", survey="0", unit_type="department"):
    return RankInput(unit_id, None if index is None else D(index), D(appraisal), D(survey), unit_type)


def ranks(ranked):
    return [(u.unit_id, u.rank) for u in ranked]


def test_equal_units_share_a_rank_and_the_next_rank_skips():
    rows = [row(1, "90"), row(2, "95"), row(3, "90"), row(4, "80")]
    assert ranks(rank_units(rows)) == [(2, 1), (1, 2), (3, 2), (4, 4)]


def test_one_one_three():
    ranked = rank_units([row("c", "85"), row("a", "90", "60", "25"), row("b", "90", "60", "25")])
    assert ranks(ranked) == [("a", 1), ("b", 1), ("c", 3)]
    assert [u.tied for u in ranked] == [True, True, False]


@pytest.mark.parametrize("tie_breakers, expected", [
    (("appraisal_points", "survey_points"), [(2, 1), (3, 2), (1, 3)]),
    (("survey_points",), [(3, 1), (1, 2), (2, 3)]),
    ((), [(1, 1), (2, 1), (3, 1)]),
])
def test_tie_breakers(tie_breakers, expected):
    rows = [row(1, "90", "60", "26"), row(2, "90", "61", "25"), row(3, "90", "60", "27")]
    assert ranks(rank_units(rows, tie_breakers)) == expected


def test_survey_points_break_a_tie_left_by_appraisal_points():
    rows = [row(1, "90", "60", "25"), row(2, "90", "60", "26")]
    assert ranks(rank_units(rows)) == [(2, 1), (1, 2)]


def test_ranks_are_separate_per_unit_type_and_sorted_by_type_then_rank():
    rows = [row(1, "90", unit_type="district"), row(2, "80"),
            row(3, "95", unit_type="district"), row(4, "85")]
    ranked = rank_units(rows)
    assert [(u.unit_type, u.unit_id, u.rank) for u in ranked] == [
        ("department", 4, 1), ("department", 2, 2), ("district", 3, 1), ("district", 1, 2)]


def test_unit_without_index_is_unranked_and_last():
    ranked = rank_units([row(1, None), row(2, "50")])
    assert ranks(ranked) == [(2, 1), (1, None)]


def test_unit_ids_that_do_not_compare_keep_their_order():
    ranked = rank_units([row("b", "90"), row(1, "90")])
    assert [u.rank for u in ranked] == [1, 1]


def test_unknown_tie_breaker_is_refused():
    with pytest.raises(ValueError):
        rank_units([row(1, "90")], ("index",))


def test_rewards_with_a_tie_at_the_fifth_place_show_six_units():
    rows = [row(i, idx) for i, idx in enumerate(["99", "98", "97", "96", "95", "95", "94"], start=1)]
    proposal = propose_rewards(rank_units(rows), {"department": 5, "district": 3})
    assert [u.unit_id for u in proposal["department"]] == [1, 2, 3, 4, 5, 6]
    assert proposal["department"].tie_at_edge and proposal["department"].top == 5
    assert proposal["district"] == [] and not proposal["district"].tie_at_edge


def test_rewards_without_a_tie_at_the_edge():
    rows = [row(i, idx) for i, idx in enumerate(["99", "99", "97", "96", "95", "94"], start=1)]
    proposal = propose_rewards(rank_units(rows), {"department": 5})
    assert [u.rank for u in proposal["department"]] == [1, 1, 3, 4, 5]
    assert not proposal["department"].tie_at_edge


def test_rewards_per_type():
    rows = [row(i, str(90 - i), unit_type="district") for i in range(5)] + [row(9, "50")]
    proposal = propose_rewards(rank_units(rows), {"department": 5, "district": 3})
    assert [u.unit_id for u in proposal["district"]] == [0, 1, 2]
    assert [u.unit_id for u in proposal["department"]] == [9]


def test_bottom_list_takes_the_lowest_results_with_ties_on_the_edge():
    rows = [RankInput(i, D(v), D(0), D(0), "commune") for i, v in enumerate(
        ["90", "80", "70", "60", "60", "50"], start=1)] + [RankInput(9, D("10"), D(0), D(0), "department")]
    ranked = rank_units(rows)
    bottom = propose_bottom(ranked, {"commune": 2, "department": 0})
    assert [u.unit_id for u in bottom["commune"]] == [6, 4, 5]  # worst first; 4 and 5 tie on the 2nd lowest
    assert bottom["commune"].tie_at_edge and bottom["commune"].top == 2
    assert "department" not in bottom  # 0: no list
    assert [u.unit_id for u in propose_bottom(ranked, {"commune": 9})["commune"]] == [6, 4, 5, 3, 2, 1]
