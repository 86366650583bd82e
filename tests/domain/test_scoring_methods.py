"""Table tests of the scoring methods, the number parser and the one rounding function."""
from decimal import Decimal as D

import pytest

from portal.scoring import METHODS, ScoringInputError, compute_points, parse_decimal, round2

LEVELS = {"levels": [["Đúng hạn", "1"], ["Chậm hạn", "0.5"], ["Không ban hành", "0"]]}
BANDS = {"bands": [["100", "1"], ["80", "0.5"], ["0", "0"]]}
PLAN = {**BANDS, "input_label": "nhiệm vụ hoàn thành / nhiệm vụ trong kế hoạch"}


def frac(num, den):
    return {"numerator": num, "denominator": den}


# --- parse_decimal ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("0,5", D("0.5")), (" 0,5 ", D("0.5")), ("0.5", D("0.5")), ("2", D("2")), ("-0", D("0")),
    ("0,25", D("0.25")), ("10", D("10")), ("100,00", D("100")), ("999999", D("999999")),
    ("007", D("7")), ("-0,0", D("0")), ("1,5", D("1.5")), ("\t3.75\n", D("3.75")), ("-1,5", D("-1.5")),
])
def test_parse_decimal_accepts(text, expected):
    value = parse_decimal(text)
    assert value == expected
    assert isinstance(value, D)
    assert not value.is_signed() or value < 0  # "-0" reads as plain 0


@pytest.mark.parametrize("text, code", [
    ("1.000", "ambiguous_number"), ("1,000", "ambiguous_number"), ("0,125", "ambiguous_number"),
    ("1,000.5", "bad_number"), ("1.000,5", "bad_number"), ("1_0", "bad_number"),
    ("１０", "bad_number"), ("٣", "bad_number"), ("0x10", "bad_number"), ("+5", "bad_number"),
    ("5.", "bad_number"), (".5", "bad_number"), (",5", "bad_number"), ("NaN", "bad_number"),
    ("nan", "bad_number"), ("inf", "bad_number"), ("-inf", "bad_number"), ("Infinity", "bad_number"),
    ("1e3", "bad_number"), ("1e309", "bad_number"), ("", "bad_number"), ("   ", "bad_number"),
    ("1 000", "bad_number"), ("--1", "bad_number"), ("1,2,3", "bad_number"), ("abc", "bad_number"),
    ("0,1234", "too_many_decimals"), ("99999999999999999999", "too_large"), ("1000000", "too_large"),
])
def test_parse_decimal_refuses(text, code):
    with pytest.raises(ScoringInputError) as caught:
        parse_decimal(text)
    assert caught.value.code == code
    assert "Hãy" in caught.value.message  # every refusal tells the user what to do


def test_parse_decimal_bad_number_message_shows_both_formats():
    with pytest.raises(ScoringInputError) as caught:
        parse_decimal("abc")
    assert "0,5" in caught.value.message and "0.5" in caught.value.message


def test_parse_decimal_ambiguous_message_explains_thousands():
    with pytest.raises(ScoringInputError) as caught:
        parse_decimal("1.000")
    assert "hàng nghìn" in caught.value.message


@pytest.mark.parametrize("value", [0.5, D("0.5"), 5, None])
def test_parse_decimal_only_takes_text(value):
    with pytest.raises(TypeError):
        parse_decimal(value)


# --- round2 ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("0.005", "0.01"), ("0.004999", "0.00"), ("0.125", "0.13"), ("0.135", "0.14"), ("2.675", "2.68"),
    ("90.157", "90.16"), ("-0.005", "-0.01"), ("1", "1.00"), ("99.995", "100.00"),
])
def test_round2_is_half_up(value, expected):
    result = round2(D(value))
    assert result == D(expected) and str(result) == expected


# --- the methods ----------------------------------------------------------------------------------

@pytest.mark.parametrize("method, config, max_points, inputs, expected", [
    # levels
    ("levels", LEVELS, "1", {"level": 0}, "1"),
    ("levels", LEVELS, "1", {"level": 1}, "0.5"),
    ("levels", LEVELS, "1", {"level": 2}, "0"),
    ("levels", LEVELS, "1", {"level": "1"}, "0.5"),
    ("levels", {"levels": [["Quá mức", "3"], ["Không", "0"]]}, "2", {"level": 0}, "2"),  # never above max
    # percentage bands: at 100 %, exactly at 80 %, just below (79.99 %), 0
    ("percentage", BANDS, "1", frac("10", "10"), "1"),
    ("percentage", BANDS, "1", frac("8", "10"), "0.5"),
    ("percentage", BANDS, "1", frac("9999", "10000"), "0.5"),
    ("percentage", BANDS, "1", frac("7999", "10000"), "0"),
    ("percentage", BANDS, "1", frac("0", "10"), "0"),
    ("percentage", BANDS, "1", frac("0,8", "1"), "0.5"),
    ("percentage", BANDS, "1", frac(D("4"), 5), "0.5"),
    ("percentage", {"bands": [["0", "0"], ["100", "1"], ["80", "0.5"]]}, "1", frac("8", "10"), "0.5"),
    ("percentage", {"bands": [["30", "1"], ["20", "0.5"], ["0", "0"]]}, "1", frac("1", "5"), "0.5"),
    ("percentage", {"bands": [["30", "1"], ["20", "0.5"], ["0", "0"]]}, "1", frac("2", "3"), "1"),
    ("percentage", {"bands": [["50", "1"]]}, "1", frac("1", "10"), "0"),  # no band reached
    ("percentage", {"bands": [["66.67", "1"], ["0", "0"]]}, "1", frac("2", "3"), "0"),  # 66.666… < 66.67
    # ratio: max × num / den, rounded half up
    ("ratio", {}, "1.5", frac("1", "3"), "0.50"),
    ("ratio", {}, "1", frac("1", "200"), "0.01"),  # 0.005 rounds up
    ("ratio", {}, "0.45", frac("1", "2"), "0.23"),  # 0.225 rounds up (not to even)
    ("ratio", {}, "1", frac("1", "3"), "0.33"),
    ("ratio", {}, "2", frac("2", "3"), "1.33"),
    ("ratio", {}, "1", frac("0", "5"), "0"),
    ("ratio", {}, "1", frac("5", "5"), "1"),
    # yes / no
    ("yes_no", {}, "1.5", {"yes": True}, "1.5"),
    ("yes_no", {}, "1.5", {"yes": False}, "0"),
    # number on a step grid
    ("number", {}, "2", {"value": "0"}, "0"),
    ("number", {}, "2", {"value": "2"}, "2"),
    ("number", {}, "2", {"value": "1,25"}, "1.25"),
    ("number", {"step": "0.5"}, "2", {"value": D("1.5")}, "1.5"),
    ("number", {"step": "1"}, "3", {"value": 3}, "3"),
    # number without a declared step: any value to 2 decimals (issue 15)
    ("number", {}, "20", {"value": "10.02"}, "10.02"),
    ("number", {}, "20", {"value": "10,02"}, "10.02"),
    ("number", {}, "2", {"value": "1,3"}, "1.3"),
    # a percentage or ratio item that allows results above 100 %: 120/100 reaches the top band / the maximum
    ("percentage", {**PLAN, "over_100": True}, "1", frac("120", "100"), "1"),
    ("percentage", {**PLAN, "over_100": True}, "1", frac("90", "100"), "0.5"),
    ("ratio", {"over_100": True}, "2", frac("120", "100"), "2"),
    ("ratio", {"over_100": True}, "2", frac("50", "100"), "1"),
    # survey points from an import
    ("survey", {}, "5", {"points": "3.75"}, "3.75"),
    ("survey", {}, "5", {"points": "0"}, "0"),
    ("survey", {}, "5", {"points": "5"}, "5"),
    ("survey", {}, "5", {"points": D("3.755")}, "3.76"),
    # bonus: per × count, capped by its own cap
    ("bonus", {"per": "1", "cap": "2"}, None, {"count": 0}, "0"),
    ("bonus", {"per": "1", "cap": "2"}, None, {"count": 1}, "1"),
    ("bonus", {"per": "1", "cap": "2"}, None, {"count": 2}, "2"),
    ("bonus", {"per": "1", "cap": "2"}, None, {"count": 5}, "2"),
    ("bonus", {"per": "1", "cap": "2"}, None, {"count": "2"}, "2"),
    # deduction: a positive magnitude, capped
    ("deduction", {"per": "0.5", "cap": "2"}, None, {"count": 0}, "0"),
    ("deduction", {"per": "0.5", "cap": "2"}, None, {"count": 3}, "1.5"),
    ("deduction", {"per": "0.5", "cap": "2"}, None, {"count": 4}, "2"),
    ("deduction", {"per": "0.5", "cap": "2"}, None, {"count": 10}, "2"),
])
def test_compute_points(method, config, max_points, inputs, expected):
    maximum = None if max_points is None else D(max_points)
    points = compute_points(method, config, maximum, inputs)
    assert points == D(expected)
    assert isinstance(points, D)
    if maximum is not None:
        assert 0 <= points <= maximum


@pytest.mark.parametrize("method, config, max_points, inputs, code", [
    ("levels", LEVELS, "1", {"level": 3}, "unknown_level"),
    ("levels", LEVELS, "1", {"level": -1}, "unknown_level"),
    ("levels", LEVELS, "1", {"level": True}, "unknown_level"),
    ("levels", LEVELS, "1", {"level": "Đúng hạn"}, "unknown_level"),
    ("levels", LEVELS, "1", {}, "missing_input"),
    ("percentage", PLAN, "1", frac("8", "0"), "den_zero"),
    ("percentage", PLAN, "1", frac("0", "0"), "den_zero"),
    ("percentage", PLAN, "1", frac("1", "-2"), "den_zero"),
    ("percentage", PLAN, "1", frac("11", "10"), "num_above_den"),
    ("percentage", PLAN, "1", frac("-1", "10"), "negative"),
    ("percentage", PLAN, "1", frac("", "10"), "missing_input"),
    ("percentage", PLAN, "1", frac("1.000", "10"), "ambiguous_number"),
    ("percentage", PLAN, "1", {"numerator": "1"}, "missing_input"),
    ("ratio", {}, "1", frac("3", "0"), "den_zero"),
    ("ratio", {}, "1", frac("4", "3"), "num_above_den"),
    ("yes_no", {}, "1", {"yes": "yes"}, "bad_choice"),
    ("yes_no", {}, "1", {"yes": 1}, "bad_choice"),
    ("number", {"step": "0.25"}, "2", {"value": "1,3"}, "off_step"),
    ("number", {}, "2", {"value": "1,005"}, "ambiguous_number"),
    ("ratio", {"over_100": "yes"}, "1", frac("120", "100"), "num_above_den"),
    ("number", {}, "2", {"value": "2,25"}, "above_max"),
    ("number", {}, "2", {"value": "-0,25"}, "negative"),
    ("number", {}, "2", {"value": "abc"}, "bad_number"),
    ("survey", {}, "5", {"points": "5,01"}, "above_max"),
    ("survey", {}, "5", {"points": "-1"}, "negative"),
    ("bonus", {"per": "1", "cap": "2"}, None, {"count": -1}, "bad_count"),
    ("bonus", {"per": "1", "cap": "2"}, None, {"count": True}, "bad_count"),
    ("bonus", {"per": "1", "cap": "2"}, None, {"count": "1,5"}, "bad_count"),
    ("deduction", {"per": "-0.5", "cap": "-2"}, None, {"count": 1}, "bad_config"),
    ("levels", {"levels": []}, "1", {"level": 0}, "bad_config"),
    ("percentage", {"bands": [["x", "1"]]}, "1", frac("1", "1"), "bad_config"),
    ("number", {"step": "0"}, "2", {"value": "1"}, "bad_config"),
    ("magic", {}, "1", {}, "unknown_method"),
    ("ratio", {}, None, frac("1", "2"), "missing_max"),
])
def test_compute_points_refuses(method, config, max_points, inputs, code):
    with pytest.raises(ScoringInputError) as caught:
        compute_points(method, config, None if max_points is None else D(max_points), inputs)
    assert caught.value.code == code
    assert "Hãy" in caught.value.message


def test_den_zero_message_names_the_denominator_from_the_input_label():
    with pytest.raises(ScoringInputError) as caught:
        compute_points("percentage", PLAN, D("1"), frac("8", "0"))
    assert caught.value.message == "Mẫu số phải lớn hơn 0. Hãy nhập số nhiệm vụ trong kế hoạch."


def test_numerator_above_denominator_message_says_the_item_does_not_allow_more_than_100_percent():
    with pytest.raises(ScoringInputError) as caught:
        compute_points("percentage", BANDS, D("1"), frac("120", "100"))
    assert caught.value.message.startswith("Mục này không cho phép kết quả trên 100%: tử số không được lớn hơn")


def test_above_max_message_uses_decimal_comma():
    with pytest.raises(ScoringInputError) as caught:
        compute_points("number", {}, D("1.5"), {"value": "1,75"})
    assert "1,5" in caught.value.message
    assert caught.value.params["max"] == D("1.5")


@pytest.mark.parametrize("inputs", [frac(0.8, "1"), frac("8", 10.0), {"value": 1.25}, {"points": 3.5}])
def test_float_inputs_are_refused(inputs):
    method = "value" in inputs and "number" or "points" in inputs and "survey" or "percentage"
    with pytest.raises(TypeError):
        compute_points(method, BANDS, D("5"), inputs)


def test_float_max_is_refused():
    with pytest.raises(TypeError):
        compute_points("yes_no", {}, 1.5, {"yes": True})


def test_max_as_string_or_int_is_accepted():
    assert compute_points("yes_no", {}, "1.5", {"yes": True}) == D("1.5")
    assert compute_points("yes_no", {}, 2, {"yes": True}) == D("2")


def test_every_method_has_a_scorer():
    samples = {
        "levels": (LEVELS, {"level": 0}), "percentage": (BANDS, frac("1", "1")),
        "ratio": ({}, frac("1", "1")),
        "yes_no": ({}, {"yes": True}), "number": ({}, {"value": "1"}), "survey": ({}, {"points": "1"}),
        "bonus": ({"per": "1", "cap": "1"}, {"count": 1}),
        "deduction": ({"per": "1", "cap": "1"}, {"count": 1}),
    }
    assert set(samples) == set(METHODS)
    for method, (config, inputs) in samples.items():
        assert compute_points(method, config, D("1"), inputs) == D("1")
