"""Evaluation of the criteria tree: N/A, caps, unscored items, survey policies, adjustments, warnings."""
from decimal import Decimal as D

import pytest

from portal.scoring import ItemState, Node, ScoringInputError, YearSettings, evaluate

NO_CAPS = {"bonus_cap": None, "deduction_cap": None}


def leaf(code, max_points, method="number", **kw):
    return Node(code, f"Mục {code}", D(max_points), method, **kw)


def parent(code, max_points, *children, kind="group", **kw):
    return Node(code, f"Nhóm {code}", None if max_points is None else D(max_points),
                children=children, kind=kind, **kw)


def pts(**points):
    """States from keyword points: pts(a="1") → {"a": ItemState(D("1"))}; None = unscored, "na" = N/A."""
    states = {}
    for code, value in points.items():
        code = code.replace("_", ".")
        if value == "na":
            states[code] = ItemState(None, not_applicable=True)
        else:
            states[code] = ItemState(None if value is None else D(value))
    return states


def small_tree():
    """F1 (10) = 1.1 (4) + 1.2 group (6: 1.2.1 3 N/A-able, 1.2.2 3); F2 (5) survey = 2.1 (2.5) + 2.2 (2.5)."""
    f1 = parent("F1", "10", leaf("1.1", "4"),
                parent("1.2", "6", leaf("1.2.1", "3", na_allowed=True), leaf("1.2.2", "3")), kind="field")
    f2 = parent("F2", "5", leaf("2.1", "2.5", "survey"), leaf("2.2", "2.5", "survey"), kind="field")
    return [f1, f2]


def test_full_scores_give_100():
    full = pts(**{"1_1": "4", "1_2_1": "3", "1_2_2": "3", "2_1": "2.5", "2_2": "2.5"})
    result = evaluate(small_tree(), full, **NO_CAPS)
    assert result.index == D("100.00")
    assert result.applicable_max == D("15")
    assert result.appraisal_points == D("10") and result.survey_points == D("5")
    assert result.scored_count == result.applicable_count == 5
    assert result.warnings == []
    assert result.band.key == "xuat_sac"


def test_zero_scores_give_0_and_band_yeu():
    result = evaluate(small_tree(), {}, **NO_CAPS)
    assert result.index == D("0.00")
    assert result.scored_count == 0 and result.applicable_count == 5
    assert result.band.key == "yeu"


def test_na_item_leaves_score_and_max():
    result = evaluate(small_tree(), pts(**{"1_1": "4", "1_2_1": "na", "1_2_2": "3"}), **NO_CAPS)
    assert result.nodes["1.2.1"].not_applicable
    assert result.nodes["1.2"].applicable_max == D("3")
    assert result.nodes["F1"].applicable_max == D("7")
    assert result.nodes["F1"].index == D("100.00")
    assert result.applicable_max == D("12")
    assert result.applicable_count == 4
    assert result.index == D("58.33")  # 7 / 12


def test_parent_with_all_children_na_is_na():
    tree = [parent("F1", "10", leaf("1.1", "4"),
                   parent("1.2", "6", leaf("1.2.1", "3", na_allowed=True),
                          leaf("1.2.2", "3", na_allowed=True)),
                   kind="field")]
    result = evaluate(tree, pts(**{"1_1": "2", "1_2_1": "na", "1_2_2": "na"}), **NO_CAPS)
    assert result.nodes["1.2"].not_applicable
    assert result.nodes["1.2"].applicable_max == 0 and result.nodes["1.2"].index is None
    assert result.index == D("50.00")


def test_parent_marked_na_takes_its_whole_subtree_out():
    tree = small_tree()
    tree[1] = parent("F2", "5", leaf("2.1", "2.5", "survey"), leaf("2.2", "2.5", "survey"),
                     kind="field", na_allowed=True)
    states = pts(**{"1_1": "4", "1_2_1": "3", "1_2_2": "3", "F2": "na", "2_1": "2.5"})
    result = evaluate(tree, states, **NO_CAPS)
    assert result.nodes["F2"].not_applicable and result.nodes["2.1"].not_applicable
    assert result.survey_points == 0 and result.applicable_max == D("10")
    assert result.index == D("100.00")
    assert result.warnings == []  # 2.1's state inside an N/A field is not "unknown"


def test_na_where_not_allowed_is_honoured_with_a_warning():
    result = evaluate(small_tree(), pts(**{"1_1": "na"}), **NO_CAPS)
    assert result.nodes["1.1"].not_applicable
    assert result.applicable_max == D("11")
    assert any("1.1" in w and "Không áp dụng" in w for w in result.warnings)


def test_field_with_everything_na_has_no_index():
    tree = [parent("F1", "2", leaf("1.1", "2", na_allowed=True), kind="field")]
    result = evaluate(tree, pts(**{"1_1": "na"}), **NO_CAPS)
    assert result.index is None and result.band is None
    assert result.nodes["F1"].not_applicable


@pytest.mark.parametrize("points, expected_parent", [
    ({"a": "3", "b": "3"}, "5"),   # 6 capped at the parent's max 5
    ({"a": "2", "b": "2"}, "4"),   # under the cap
    ({"a": "3", "b": "na"}, "3"),  # b N/A: applicable max = min(5, 3) = 3
])
def test_parent_cap(points, expected_parent):
    tree = [parent("F", "5", leaf("a", "3"), leaf("b", "3", na_allowed=True), kind="field")]
    result = evaluate(tree, pts(**points), **NO_CAPS)
    assert result.nodes["F"].points == D(expected_parent)
    assert result.nodes["F"].points <= result.nodes["F"].applicable_max
    assert result.appraisal_points == D(expected_parent)


def test_cap_with_na_uses_min_of_max_and_applicable_children():
    tree = [parent("F", "5", leaf("a", "3"), leaf("b", "3"), leaf("c", "3", na_allowed=True), kind="field")]
    result = evaluate(tree, pts(a="3", b="3", c="na"), **NO_CAPS)
    assert result.nodes["F"].applicable_max == D("5")  # min(5, 3 + 3)
    assert result.nodes["F"].points == D("5")


def test_cap_trims_appraisal_before_survey():
    tree = [parent("F", "4", leaf("a", "3"), leaf("s", "3", "survey"), kind="field")]
    result = evaluate(tree, pts(a="3", s="3"), **NO_CAPS)
    assert (result.appraisal_points, result.survey_points) == (D("1"), D("3"))


def test_parent_without_max_takes_the_sum_of_its_children():
    tree = [parent("F", "4", parent("g", None, leaf("a", "1"), leaf("b", "3")), kind="field")]
    result = evaluate(tree, pts(a="1", b="1"), **NO_CAPS)
    assert tree[0].children[0].effective_max == D("4")
    assert result.nodes["g"].applicable_max == D("4") and result.nodes["g"].index == D("50.00")


def test_unscored_leaves_count_zero_and_are_reported():
    result = evaluate(small_tree(), pts(**{"1_1": "4", "1_2_1": None}), **NO_CAPS)
    assert result.scored_count == 1 and result.applicable_count == 5
    assert result.nodes["1.2.1"].points == 0 and result.nodes["1.2.1"].scored_count == 0
    assert result.nodes["F1"].scored_count == 1 and result.nodes["F1"].applicable_count == 3


def test_points_above_max_are_capped_with_a_warning():
    result = evaluate(small_tree(), pts(**{"1_1": "5"}), **NO_CAPS)
    assert result.nodes["1.1"].points == D("4")
    assert any("1.1" in w for w in result.warnings)


def test_state_for_an_unknown_code_is_warned():
    result = evaluate(small_tree(), pts(**{"9_9": "1"}), **NO_CAPS)
    assert any("9.9" in w for w in result.warnings)


@pytest.mark.parametrize("policy, applicable_max, index", [
    ("rescale", "10", "70.00"),  # survey items leave: 7 / 10
    ("zero", "15", "46.67"),     # survey items count 0 of their 5: 7 / 15
])
def test_no_survey_policy(policy, applicable_max, index):
    states = pts(**{"1_1": "4", "1_2_1": "3", "1_2_2": "0", "2_1": "2.5"})
    result = evaluate(small_tree(), states, **NO_CAPS, settings=YearSettings(no_survey_policy=policy),
                      survey_available=False)
    assert result.applicable_max == D(applicable_max)
    assert result.survey_points == 0
    assert result.index == D(index)


def test_rescale_without_survey_makes_progress_count_appraisal_items_only():
    result = evaluate(small_tree(), pts(**{"1_1": "4"}), **NO_CAPS, survey_available=False)
    assert (result.scored_count, result.applicable_count) == (1, 3)
    assert result.nodes["2.1"].survey_excluded and not result.nodes["2.1"].not_applicable
    assert result.nodes["F2"].index is None


BONUS = Node("B1", "Sáng kiến", None, "bonus", {"per": "1", "cap": "2"}, kind="adjustment")
BONUS2 = Node("B2", "Mô hình", None, "bonus", {"per": "1.5", "cap": "3"}, kind="adjustment")
DED = Node("D1", "Bị phê bình", None, "deduction", {"per": "0.5", "cap": "2"}, kind="adjustment")
DED2 = Node("D2", "Phản ánh", None, "deduction", {"per": "1", "cap": "3"}, kind="adjustment")


@pytest.mark.parametrize("counts, bonus_cap, deduction_cap, bonus, deductions", [
    ({"B1": 1}, "2", "5", "1", "0"),
    ({"B1": 5}, None, None, "2", "0"),            # B1's own cap
    ({"B1": 2, "B2": 2}, "2", None, "2", "0"),    # 2 + 3 = 5, set cap 2
    ({"B1": 2, "B2": 2}, None, None, "5", "0"),   # no set cap
    ({"D1": 1}, "2", "5", "0", "0.5"),
    ({"D1": 10}, None, None, "0", "2"),           # D1's own cap
    ({"D1": 10, "D2": 10}, None, "4", "0", "4"),  # 2 + 3 = 5, set cap 4
    ({"B1": 1, "D1": 1}, "2", "5", "1", "0.5"),
])
def test_adjustment_caps(counts, bonus_cap, deduction_cap, bonus, deductions):
    result = evaluate(small_tree(), {}, [BONUS, BONUS2, DED, DED2], counts,
                      bonus_cap=bonus_cap and D(bonus_cap), deduction_cap=deduction_cap and D(deduction_cap))
    assert result.bonus == D(bonus) and result.deductions == D(deductions)
    assert result.points_total == D(bonus) - D(deductions)


def test_bonus_on_full_score_is_clamped_to_100_and_deduction_on_zero_to_0():
    full = pts(**{"1_1": "4", "1_2_1": "3", "1_2_2": "3", "2_1": "2.5", "2_2": "2.5"})
    assert evaluate(small_tree(), full, [BONUS], {"B1": 2}, **NO_CAPS).index == D("100.00")
    assert evaluate(small_tree(), {}, [DED], {"D1": 2}, **NO_CAPS).index == D("0.00")


def test_bad_adjustment_is_warned_not_raised():
    bad = Node("D9", "Sai cấu hình", None, "deduction", {"per": "-1", "cap": "-3"}, kind="adjustment")
    result = evaluate(small_tree(), {}, [bad], {"D9": 1, "X1": 1}, **NO_CAPS)
    assert result.deductions == 0
    assert any("D9" in w for w in result.warnings) and any("X1" in w for w in result.warnings)


def test_worked_example_of_domain_section_6_gives_90_16():
    """A department with 1.3.1, 1.3.2 and 6.1 N/A (applicable max 95.5), 60.2 appraisal + 25.4 survey,
    +1 bonus and −0.5 deduction: (60.2 + 25.4 + 1 − 0.5) / 95.5 = 90.16 % ⇒ Xuất sắc."""
    f1 = parent("F1", "10", leaf("1.1", "8"),
                parent("1.3", "2", leaf("1.3.1", "1", "percentage", na_allowed=True),
                       leaf("1.3.2", "1", "ratio", na_allowed=True)), kind="field")
    f6 = parent("F6", "7", leaf("6.1", "2.5", "percentage", na_allowed=True), leaf("6.2", "4.5"),
                kind="field")
    fx = parent("FX", "53", leaf("X.1", "26.5"), leaf("X.2", "26.5"), kind="field")
    f8 = parent("F8", "30", leaf("8.1", "15", "survey"), leaf("8.2", "15", "survey"), kind="field")
    states = pts(**{"1_1": "7.5", "1_3_1": "na", "1_3_2": "na", "6_1": "na", "6_2": "4.25",
                    "X_1": "25", "X_2": "23.45", "8_1": "12.7", "8_2": "12.7"})
    result = evaluate([f1, f6, fx, f8], states, [BONUS, DED], {"B1": 1, "D1": 1},
                      bonus_cap=D("2"), deduction_cap=D("5"))
    assert result.applicable_max == D("95.5")
    assert result.appraisal_points == D("60.2") and result.survey_points == D("25.4")
    assert (result.bonus, result.deductions) == (D("1"), D("0.5"))
    assert result.points_total == D("86.1")
    assert result.index == D("90.16")
    assert result.band.label == "Xuất sắc"
    assert result.warnings == []


def test_node_is_frozen_hashable_and_converts_numbers():
    node = Node("1.1", "x", "1.5", "yes_no", {"a": 1}, children=[])
    assert node.max_points == D("1.5") and node.children == ()
    assert hash(node) == hash(Node("1.1", "x", D("1.5"), "yes_no", {"b": 2}))
    with pytest.raises(AttributeError):
        node.code = "x"


def test_node_refuses_float_max_and_unknown_kind():
    with pytest.raises(TypeError):
        Node("1.1", "x", 1.5)
    with pytest.raises(ScoringInputError) as caught:
        Node("1.1", "x", D("1"), kind="leaf")
    assert caught.value.code == "unknown_kind"
