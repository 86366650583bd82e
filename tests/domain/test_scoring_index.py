"""The index formula, the bands and the per-year settings."""
from decimal import Decimal as D

import pytest

from portal.scoring import (
    DEFAULT_BANDS, Band, ScoringInputError, YearSettings, band_for, compute_index, validate_bands,
)


@pytest.mark.parametrize("points, bonus, deductions, applicable_max, expected", [
    ("85.6", "1", "0.5", "95.5", "90.16"),   # domain.md §6 worked check
    ("100", "0", "0", "100", "100.00"),
    ("0", "0", "0", "100", "0.00"),
    ("100", "2", "0", "100", "100.00"),       # clamped at 100
    ("0", "0", "3", "100", "0.00"),           # clamped at 0
    ("1", "0", "0", "3", "33.33"),
    ("2", "0", "0", "3", "66.67"),
    ("0.01", "0", "0", "200", "0.01"),        # 0.005 % rounds half up
    ("89.995", "0", "0", "100", "90.00"),
    ("7", "0", "0", "12", "58.33"),
])
def test_compute_index(points, bonus, deductions, applicable_max, expected):
    index = compute_index(D(points), D(bonus), D(deductions), D(applicable_max))
    assert index == D(expected) and str(index) == expected


@pytest.mark.parametrize("applicable_max", [D("0"), D("-1"), 0, "0"])
def test_compute_index_without_applicable_max_is_none(applicable_max):
    assert compute_index(D("5"), D("0"), D("0"), applicable_max) is None


def test_compute_index_accepts_str_and_int_and_refuses_float():
    assert compute_index("50", 0, "0", 100) == D("50.00")
    with pytest.raises(TypeError):
        compute_index(50.0, D("0"), D("0"), D("100"))


@pytest.mark.parametrize("index, key", [
    ("100.00", "xuat_sac"), ("90.00", "xuat_sac"), ("89.99", "tot"), ("80.00", "tot"), ("79.99", "kha"),
    ("70.00", "kha"), ("69.99", "trung_binh"), ("50.00", "trung_binh"), ("49.99", "yeu"), ("0.00", "yeu"),
])
def test_band_for_default_bands(index, key):
    assert band_for(D(index), DEFAULT_BANDS).key == key


def test_band_for_none_and_unsorted_bands():
    assert band_for(None, DEFAULT_BANDS) is None
    shuffled = tuple(reversed(DEFAULT_BANDS))
    assert band_for(D("85"), shuffled).key == "tot"


def test_band_for_without_a_zero_band_raises():
    with pytest.raises(ScoringInputError) as caught:
        band_for(D("10"), (Band("a", "A", D("50")),))
    assert caught.value.code == "no_band"


# --- settings -------------------------------------------------------------------------------------

def test_default_settings():
    settings = YearSettings()
    assert [b.min_pct for b in settings.bands] == [D(90), D(80), D(70), D(50), D(0)]
    assert [b.label for b in settings.bands] == ["Xuất sắc", "Tốt", "Khá", "Trung bình", "Yếu"]
    assert settings.tie_breakers == ("appraisal_points", "survey_points")
    assert settings.no_survey_policy == "rescale" and settings.grace_seconds == 0
    assert hash(settings) == hash(YearSettings())


def test_settings_round_trip_through_json_safe_dict():
    import json

    settings = YearSettings(bands=(Band("a", "A", D("85.5")), Band("b", "B", D("0"))),
                            tie_breakers=("survey_points",),
                            no_survey_policy="zero", grace_seconds=300)
    data = json.loads(json.dumps(settings.to_dict()))
    assert data["bands"][0]["min_pct"] == "85.5"
    assert YearSettings.from_dict(data) == settings
    assert YearSettings.from_dict({}) == YearSettings()
    assert YearSettings.from_dict(None) == YearSettings()


@pytest.mark.parametrize("data, code", [
    ({"bands": [{"key": "a", "label": "A", "min_pct": "50"}]}, "bad_bands"),
    ({"bands": [{"key": "a", "label": "A"}]}, "bad_bands"),
    ({"bands": [{"key": "a", "label": "A", "min_pct": 0.5}]}, "bad_bands"),
    ({"tie_breakers": ["index"]}, "bad_tie_breakers"),
    ({"tie_breakers": ["survey_points", "survey_points"]}, "bad_tie_breakers"),
    ({"tie_breakers": "survey_points"}, "bad_tie_breakers"),
    ({"reward_top": {"department": 5}}, "unknown_setting"),  # reward counts are the unit types' own
    ({"no_survey_policy": "ignore"}, "bad_no_survey_policy"),
    ({"grace_seconds": -5}, "bad_grace"),
    ({"grace_seconds": "60"}, "bad_grace"),
    ({"colour": "blue"}, "unknown_setting"),
])
def test_settings_from_dict_refuses(data, code):
    with pytest.raises(ScoringInputError) as caught:
        YearSettings.from_dict(data)
    assert caught.value.code == code
    assert caught.value.message


@pytest.mark.parametrize("bands, fragment", [
    ((), "Chưa có mức"),
    ((Band("a", "A", D("80")), Band("b", "B", D("90")), Band("c", "C", D("0"))), "giảm dần"),
    ((Band("a", "A", D("80")), Band("b", "B", D("80")), Band("c", "C", D("0"))), "cùng ngưỡng"),
    ((Band("a", "A", D("80")), Band("a", "B", D("0"))), "bị trùng"),
    ((Band("a", "A", D("80")), Band("b", "B", D("10"))), "bắt đầu từ 0%"),
    ((Band("a", "A", D("120")), Band("b", "B", D("0"))), "từ 0 đến 100"),
    ((Band("a", " ", D("50")), Band("b", "B", D("0"))), "mã và tên"),
])
def test_validate_bands(bands, fragment):
    problems = validate_bands(bands)
    assert any(fragment in p for p in problems), problems


def test_default_bands_are_valid():
    assert validate_bands(DEFAULT_BANDS) == []
