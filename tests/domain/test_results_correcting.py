"""Đính chính, the pure rules: who may open, work on and approve a correction, which survey points stay
editable once published, what a correcting decision must say, and the corrected snapshot (only the
units concerned change; their replaced figures stay in their history; ranks and rewards follow)."""
import copy
from datetime import date

import pytest

from portal.results.correcting import (
    apply_correction,
    can_edit_unit_survey,
    can_open_correction,
    can_work_on_correction,
    correction_notes,
    correction_problems,
)
from portal.policy.roles import Actor

ADMIN, CHAIR, STAFF = Actor("admin"), Actor("council_chair"), Actor("unit_staff", unit_id=1)


@pytest.mark.parametrize("actor, phase, published, open_, reason", [
    (ADMIN, "published", True, False, None),
    (ADMIN, "archived", True, False, None),
    (ADMIN, "published", True, True, "correction_open"),
    (ADMIN, "published", False, False, "not_published"),
    (ADMIN, "approval", True, False, "not_published"),
    (ADMIN, "synthesis", False, False, "not_published"),
    (CHAIR, "published", True, False, "role"),
    (STAFF, "published", True, False, "role"),
])
def test_who_opens_a_correction_and_when(actor, phase, published, open_, reason):
    decision = can_open_correction(actor, phase=phase, published=published, open_correction=open_)
    assert decision.reason == reason and decision.allowed is (reason is None)


@pytest.mark.parametrize("actor, phase, open_, reason", [
    (ADMIN, "published", True, None), (ADMIN, "published", False, "no_correction"),
    (ADMIN, "synthesis", True, "not_published"), (CHAIR, "published", True, "role")])
def test_recompute_and_approve_need_an_open_correction(actor, phase, open_, reason):
    assert can_work_on_correction(actor, phase=phase, open_correction=open_).reason == reason


@pytest.mark.parametrize("actor, phase, in_correction, reason", [
    (ADMIN, "synthesis", False, None),           # the ordinary synthesis phase
    (ADMIN, "published", True, None),            # a unit of the open correction
    (ADMIN, "published", False, "not_in_correction"),
    (ADMIN, "archived", False, "not_in_correction"),
    (ADMIN, "approval", True, "wrong_phase"),    # approved, not published: no correction, no edit
    (CHAIR, "published", True, "role"),
])
def test_survey_points_once_published_only_for_the_units_of_the_open_correction(actor, phase, in_correction,
                                                                                 reason):
    assert can_edit_unit_survey(actor, phase=phase, in_open_correction=in_correction).reason == reason


def test_a_correcting_decision_says_number_date_reason_and_units():
    today = date(2023, 6, 1)
    assert correction_problems("15/QĐ-UBND", date(2023, 5, 2), today, 2022, [1], "Sai điểm XHH") == []
    assert correction_problems("QĐ", date(2023, 6, 2), today, 2022, [], " ") == [
        "number_format", "date_future", "units_required", "reason_required"]


def _unit(unit_id, code, index, rank, *, survey="8", appraisal="7", prev_rank=None):
    return {"unit_id": unit_id, "code": code, "name": f"Sở {code}", "rank": rank, "tied": False, "index": index,
            "band": "tot", "band_label": "Tốt", "appraisal_points": appraisal, "survey_points": survey,
            "bonus": "0", "deductions": "0", "applicable_max": "18", "survey_available": True, "reward": rank == 1,
            "fields": {"F1": {"index": index}}, "gaps": [], "prev_index": None, "prev_rank": prev_rank,
            "index_change": None, "trend": "",
            "rank_change": None if prev_rank is None or rank is None else prev_rank - rank}


SNAPSHOT = {"year": 2022, "decision": {"number": "456/QĐ-UBND", "date": "2023-03-31"},
            "report_settings": {"agency": "SỞ NỘI VỤ"},
            "types": [{"unit_type": "department", "fields": [{"code": "F1", "title": "F1"}],
                       "rewards": {"top": 1, "tie_at_edge": False, "unit_ids": [1]},
                       "units": [_unit(1, "GA", "97.22", 1), _unit(2, "GB", "80.00", 2, prev_rank=1),
                                 _unit(3, "GC", "75.00", 3)]}]}
MARK = {"number": "15/QĐ-UBND", "date": "2023-05-02", "reason": "Sai điểm XHH", "unit_ids": [1]}


def _units(doc):
    return {u["code"]: u for u in doc["types"][0]["units"]}


def test_a_correction_for_one_unit_changes_only_that_unit_and_keeps_its_history():
    before = copy.deepcopy(SNAPSHOT)
    fresh = {1: dict(_unit(1, "GA", "88.89", None, survey="7.5"), name="Tên mới", band_label="Tốt")}
    after = apply_correction(SNAPSHOT, fresh, MARK, tie_breakers=("appraisal_points",))
    assert SNAPSHOT == before  # the published snapshot is never modified
    ga, old = _units(after)["GA"], _units(SNAPSHOT)["GA"]
    assert (ga["index"], ga["survey_points"], ga["name"], ga["rank"]) == ("88.89", "7.5", "Sở GA", 1)
    assert ga["correction"] == {"number": "15/QĐ-UBND", "date": "2023-05-02"}
    assert ga["history"] == [{"index": "97.22", "rank": 1, "band": "tot", "band_label": "Tốt", "appraisal_points": "7",
                              "survey_points": "8", "bonus": "0", "deductions": "0",
                              "decision": {"number": "456/QĐ-UBND", "date": "2023-03-31"}}]
    for code in ("GB", "GC"):
        assert _units(after)[code] == _units(SNAPSHOT)[code]
    assert {k: v for k, v in after.items() if k not in ("types", "corrections")} == {
        k: v for k, v in SNAPSHOT.items() if k != "types"}
    assert after["corrections"] == [MARK]
    assert old["index"] == "97.22"


def test_ranks_and_rewards_follow_the_corrected_index_and_a_second_correction_stacks():
    fresh = {1: _unit(1, "GA", "70.00", None)}
    after = apply_correction(SNAPSHOT, fresh, MARK, tie_breakers=("appraisal_points",))
    assert [(u["code"], u["rank"], u["reward"]) for u in after["types"][0]["units"]] == [
        ("GB", 1, True), ("GC", 2, False), ("GA", 3, False)]
    assert _units(after)["GB"]["rank_change"] == 0 and after["types"][0]["rewards"]["unit_ids"] == [2]
    second = dict(MARK, number="20/QĐ-UBND", date="2023-06-01")
    again = apply_correction(after, {1: _unit(1, "GA", "99.00", None)}, second,
                             tie_breakers=("appraisal_points",))
    ga = _units(again)["GA"]
    assert [h["decision"]["number"] for h in ga["history"]] == ["456/QĐ-UBND", "15/QĐ-UBND"]
    assert [h["index"] for h in ga["history"]] == ["97.22", "70.00"] and ga["rank"] == 1
    assert [n["number"] for n in correction_notes(again)] == ["15/QĐ-UBND", "20/QĐ-UBND"]
    assert correction_notes(again)[0]["names"] == ["Sở GA"] and correction_notes(SNAPSHOT) == []
