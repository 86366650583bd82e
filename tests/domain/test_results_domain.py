"""The pure rules of the results pages: who sees a unit's result, "where your points went", the honesty gap,
the change against the previous year, the approval decision's checks and the year's settings screen."""
from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.results.domain import (
    GAP_LIMIT,
    Leaf,
    approval_in_force,
    can_edit_settings,
    can_view_unit_result,
    change_direction,
    decision_problems,
    honesty_gaps,
    index_change,
    point_gaps,
    rank_change,
    read_settings,
    sees_results_menu,
    settings_form_values,
    tie_breaker_choice,
)
from portal.scoring import YearSettings
from portal.policy.roles import Actor
from portal.years.domain import Phase

OWN, OTHER = 7, 8
ACTORS = {
    "anonymous": Actor("anonymous"),
    "staff_own": Actor("unit_staff", user_id=1, unit_id=OWN),
    "leader_own": Actor("unit_leader", user_id=2, unit_id=OWN),
    "staff_other": Actor("unit_staff", user_id=3, unit_id=OTHER),
    "leader_other": Actor("unit_leader", user_id=4, unit_id=OTHER),
    "member": Actor("council_member", user_id=5, agency_unit_id=OWN, assigned_fields={"F1"}),
    "chair": Actor("council_chair", user_id=6),
    "admin": Actor("admin", user_id=9),
}
# Expected answers of can_view_unit_result(unit OWN) by phase, with the approval published or not. A council
# member never: the page's honesty gap shows the unit's self-scores of every field.
SEES_FROM_SYNTHESIS = {"chair", "admin"}
SEES_WHEN_PUBLISHED = {"staff_own", "leader_own"} | SEES_FROM_SYNTHESIS


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("phase", list(Phase))
@pytest.mark.parametrize("published", [False, True])
def test_who_sees_a_units_result(who, phase, published):
    decision = can_view_unit_result(ACTORS[who], unit_id=OWN, phase=phase, published=published)
    from_synthesis = list(Phase).index(phase) >= list(Phase).index(Phase.SYNTHESIS)
    if who in SEES_FROM_SYNTHESIS:
        expected = from_synthesis
    elif who in SEES_WHEN_PUBLISHED:
        expected = published and phase in (Phase.PUBLISHED, Phase.ARCHIVED)
    else:
        expected = False
    assert bool(decision) is expected
    if not expected and who in ("staff_other", "leader_other") and published \
            and phase in (Phase.PUBLISHED, Phase.ARCHIVED):
        assert decision.reason == "not_own_unit"  # published, but never another unit's detail


def test_results_menu_is_for_the_secretariat_and_the_council():
    assert [role for role in ("admin", "council_chair", "council_member", "unit_staff", "unit_leader")
            if sees_results_menu(Actor(role))] == ["admin", "council_chair", "council_member"]


@pytest.mark.parametrize("has_approval, phase, expected", [
    (True, "approval", True), (True, "published", True), (True, "archived", True),
    (True, "synthesis", False),  # moved back: the results reopen and may be recomputed
    (False, "approval", False), (False, "published", False),
])
def test_approval_in_force(has_approval, phase, expected):
    assert approval_in_force(has_current_approval=has_approval, phase=phase) is expected


def leaf(code, points, maximum, field="F1"):
    return Leaf(code, f"Mục {code}", D(points), D(maximum), field)


def test_point_gaps_largest_first_then_by_code_and_never_full_or_na_items():
    leaves = [leaf("1.10", "0", "1"), leaf("1.2", "0.5", "1.5"), leaf("1.9", "1", "1"), leaf("2.1", "0", "2"),
              leaf("1.3", "0", "0")]  # 1.9 is full, 1.3 has no maximum left (not applicable)
    gaps = point_gaps(leaves)
    # 2.1 would add 2; 1.2 and 1.10 would add 1 each, 1.2 before 1.10 (numeric code order, not text order)
    assert [(g["code"], g["gap"]) for g in gaps] == [("2.1", "2"), ("1.2", "1.0"), ("1.10", "1")]
    assert gaps[0] == {"code": "2.1", "title": "Mục 2.1", "field": "F1", "points": "0", "max": "2", "gap": "2"}


def test_point_gaps_are_limited():
    leaves = [leaf(f"1.{i}", "0", "1") for i in range(1, 30)]
    assert len(point_gaps(leaves)) == GAP_LIMIT
    assert len(point_gaps(leaves, limit=3)) == 3


def test_honesty_gap_is_self_minus_final_per_field():
    gaps = honesty_gaps({"F1": D("9"), "F2": D("4")}, {"F1": D("7.5"), "F2": D("4"), "F3": D("2")},
                        ["F1", "F2", "F3"])
    # F1 claimed 1.5 more than granted; F2 exact; F3 never self-scored: 0 − 2
    assert gaps == {"F1": D("1.5"), "F2": D("0"), "F3": D("-2")}


@pytest.mark.parametrize("previous, current, expected", [
    ("85.50", "90.16", D("4.66")), ("90.16", "85.50", D("-4.66")), ("80", "80", D("0")),
    (None, "80", None), ("80", None, None),
])
def test_index_change(previous, current, expected):
    to = lambda v: None if v is None else D(v)  # noqa: E731
    assert index_change(to(previous), to(current)) == expected


@pytest.mark.parametrize("previous, current, expected", [(5, 2, 3), (1, 4, -3), (3, 3, 0), (None, 1, None)])
def test_rank_change_counts_places_gained(previous, current, expected):
    assert rank_change(previous, current) == expected


@pytest.mark.parametrize("value, expected", [(D("0.01"), "up"), (D("-1"), "down"), (D("0"), "same"),
                                             (3, "up"), (None, "")])
def test_change_direction(value, expected):
    assert change_direction(value) == expected


TODAY = date(2023, 3, 28)


@pytest.mark.parametrize("number, when, problems", [
    ("1234/QĐ-UBND", TODAY, []),
    ("342/QĐ-UBND", date(2023, 1, 1), []),
    ("QĐ-UBND", TODAY, ["number_format"]),
    ("1234 / QĐ-UBND", TODAY, ["number_format"]),
    ("", TODAY, ["number_format"]),
    ("1234/QĐ-UBND", date(2023, 3, 29), ["date_future"]),
    ("1234/QĐ-UBND", date(2021, 12, 31), ["date_before_year"]),
    ("x", date(2030, 1, 1), ["number_format", "date_future"]),
])
def test_decision_problems(number, when, problems):
    assert decision_problems(number, when, TODAY, 2022) == problems


def test_decision_dated_before_the_assessed_year_is_refused_only_when_the_year_is_known():
    assert decision_problems("1/QĐ-UBND", date(2021, 6, 1), TODAY, 2022) == ["date_before_year"]
    assert decision_problems("1/QĐ-UBND", date(2021, 6, 1), TODAY) == []


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("phase", list(Phase))
@pytest.mark.parametrize("approved", [False, True])
def test_who_may_edit_the_settings(who, phase, approved):
    decision = can_edit_settings(ACTORS[who], phase=phase, approved=approved)
    expected = who == "admin" and not approved and phase not in (Phase.PUBLISHED, Phase.ARCHIVED)
    assert bool(decision) is expected
    if who != "admin":
        assert decision.reason == "role"
    elif phase in (Phase.PUBLISHED, Phase.ARCHIVED):
        assert decision.reason == "wrong_phase"
    elif approved:
        assert decision.reason == "approved"


DEFAULTS = YearSettings()
REWARDS = {"department": (5, 0), "district": (3, 0), "commune": (10, 10)}
CODES = list(REWARDS)


def form(**changes):
    return dict(settings_form_values(DEFAULTS, REWARDS), **changes)


def read(values):
    new, rewards, problems = read_settings(values, DEFAULTS, CODES)
    return new, rewards, problems


def test_settings_form_round_trip_changes_nothing():
    values = form()
    assert values["band-0-min"] == "90" and values["reward-department"] == "5" and values["reward-district"] == "3"
    assert values["bottom-commune"] == "10"
    assert read(values) == (DEFAULTS, REWARDS, {})


def test_settings_form_reads_labels_thresholds_with_a_decimal_comma_rewards_and_policy():
    values = form(**{
        "band-0-label": "Xuất sắc (A)", "band-0-min": "92,5", "reward-department": "4", "reward-district": "2",
        "bottom-commune": "", "tie_breakers": "survey_appraisal", "no_survey_policy": "zero"})
    new, rewards, problems = read(values)
    assert problems == {}
    assert (new.bands[0].key, new.bands[0].label, new.bands[0].min_pct) == ("xuat_sac", "Xuất sắc (A)", D("92.5"))
    assert new.bands[-1].min_pct == 0  # the last band always starts at 0, whatever was posted
    assert rewards == {"department": (4, 0), "district": (2, 0), "commune": (10, 0)}  # empty bottom: none
    assert new.tie_breakers == ("survey_points", "appraisal_points") and new.no_survey_policy == "zero"


@pytest.mark.parametrize("changes, field, code", [
    ({"band-1-label": "  "}, "band-1-label", "required"),
    ({"band-1-min": "tám mươi"}, "band-1-min", "number"),
    ({"band-1-min": "80.125"}, "band-1-min", "number"),
    ({"reward-department": "-1"}, "reward-department", "whole_number"),
    ({"reward-department": "2,5"}, "reward-department", "whole_number"),
    ({"reward-district": "１"}, "reward-district", "whole_number"),
    ({"reward-district": "1000"}, "reward-district", "whole_number"),
    ({"bottom-commune": "-3"}, "bottom-commune", "whole_number"),
    ({"tie_breakers": "random"}, "tie_breakers", "choice"),
    ({"no_survey_policy": ""}, "no_survey_policy", "choice"),
])
def test_settings_form_problems_are_per_field(changes, field, code):
    new, _rewards, problems = read(form(**changes))
    assert new is None and problems[field][0] == code
    if code == "number":
        assert "Hãy nhập" in problems[field][1]  # the number parser's own Vietnamese advice


def test_settings_form_refuses_bands_out_of_order_with_the_scoring_rule_in_words():
    new, _rewards, problems = read(form(**{"band-1-min": "95"}))
    assert new is None and list(problems) == ["bands"]
    assert problems["bands"] == ["Các mức xếp loại phải xếp theo ngưỡng giảm dần. Hãy sắp xếp lại."]
    # reported together with the other fields' problems, so one correction round is enough
    _new, _rewards, problems = read(form(**{"band-1-min": "95", "reward-district": "ba"}))
    assert set(problems) == {"bands", "reward-district"}


@pytest.mark.parametrize("tie_breakers, choice", [
    (("appraisal_points", "survey_points"), "appraisal_survey"), ((), "none"),
    (("survey_points",), "survey"), (("unknown",), "appraisal_survey"),
])
def test_tie_breaker_choice(tie_breakers, choice):
    assert tie_breaker_choice(tie_breakers) == choice


@given(st.decimals(min_value=1, max_value=99, places=2))
def test_any_descending_threshold_typed_with_a_comma_is_read_exactly(threshold):
    text = format(threshold, "f").replace(".", ",")
    values = form(**{"band-0-min": "99,99", "band-1-min": text, "band-2-min": "0,5", "band-3-min": "0,25"})
    new, _rewards, problems = read(values)
    if D("0.5") < threshold < D("99.99"):
        assert problems == {} and new.bands[1].min_pct == threshold
    else:
        assert new is None and "bands" in problems
