"""Which saved scores a new shape of an item breaks, and which migrations can repair them (pure)."""
from decimal import Decimal as D

import pytest

from portal.criteria.breakage import (
    CAP,
    CLEAR,
    INPUT_INVALID,
    METHOD_CHANGED,
    NA_REMOVED,
    POINTS_CHANGE,
    RECOMPUTE,
    Saved,
    Shape,
    breaks,
    migrations_for,
    repairs,
)

LEVELS = Shape("levels", {"levels": [["Đúng hạn", "1"], ["Chậm hạn", "0.5"], ["Không", "0"]]}, D("1"), True)
NUMBER = Shape("number", {"step": "0.25"}, D("2"))


def saved(points, inputs=None, *, stage="self", na=False, finalized=False, ref=1):
    return Saved(("score_entry", ref), "Sở Tư pháp", stage, None if points is None else D(points), inputs or {},
                 na, finalized)


@pytest.mark.parametrize("new, score, reason", [
    (Shape("number", {"step": "0.25"}, D("1")), saved("1.5", {"value": "1.5"}), INPUT_INVALID),
    (Shape("levels", {"levels": [["Đúng hạn", "1"], ["Chậm hạn", "0.5"]]}, D("1"), True),
     saved("0", {"level": 2}), INPUT_INVALID),
    (Shape("levels", {"levels": [["Đúng hạn", "1"], ["Chậm hạn", "0.25"], ["Không", "0"]]}, D("1"), True),
     saved("0.5", {"level": 1}), POINTS_CHANGE),
    (Shape("yes_no", {}, D("1"), True), saved("1", {"level": 0}), METHOD_CHANGED),
    (Shape("levels", LEVELS.config, D("1"), False), saved(None, na=True), NA_REMOVED),
])
def test_each_kind_of_break(new, score, reason):
    old = LEVELS if new.method != "number" else NUMBER
    [found] = breaks(old, new, [score])
    assert found.reason == reason


@pytest.mark.parametrize("new, score", [
    (NUMBER, saved("1.5", {"value": "1.5"})),                                     # nothing changed
    (Shape("number", {"step": "0.25"}, D("1.5")), saved("1.5", {"value": "1.5"})),  # lower, still reachable
    (Shape("number", {"step": "0.5"}, D("2")), saved("1", {"value": "1"})),         # still on the step
    (Shape("levels", LEVELS.config, D("1"), True), saved(None, na=True)),           # N/A still allowed
])
def test_safe_changes_break_nothing(new, score):
    assert breaks(NUMBER if new.method == "number" else LEVELS, new, [score]) == []


def test_a_lower_maximum_offers_the_reset_and_writes_the_new_maximum():
    new = Shape("number", {"step": "0.25"}, D("1"))
    found = breaks(NUMBER, new, [saved("1.5", {"value": "1.5"}), saved("0.5", {"value": "0.5"}, ref=2)])
    assert len(found) == 1 and migrations_for(new, found) == [CAP, CLEAR]
    [repair] = repairs(new, found, CAP)
    assert (repair.ref, repair.delete, repair.points, repair.inputs) == (("score_entry", 1), False, D("1"),
                                                                         {"value": "1"})
    with pytest.raises(ValueError):
        repairs(new, found, RECOMPUTE)


def test_survey_scores_above_a_lower_maximum():
    old, new = Shape("survey", {}, D("3")), Shape("survey", {}, D("2"))
    found = breaks(old, new, [Saved(("survey_score", 7), "UBND huyện An Phú", "survey", D("2.5"))])
    assert [b.detail for b in found] == ["above_max"] and CAP in migrations_for(new, found)
    assert repairs(new, found, CAP)[0].points == D("2")
