"""Validation of a criteria set: every error names the item code."""
from decimal import Decimal as D

import pytest

from portal.scoring import Node, validate_tree

LEVELS = {"levels": [["Đúng hạn", "1"], ["Chậm hạn", "0.5"], ["Không", "0"]]}
BANDS = {"bands": [["100", "1"], ["80", "0.5"], ["0", "0"]]}


def leaf(code, max_points="1", method="yes_no", config=None, **kw):
    maximum = None if max_points is None else D(max_points)
    return Node(code, f"Mục {code}", maximum, method, config or {}, **kw)


def field(code, max_points, *children, **kw):
    return Node(code, f"Lĩnh vực {code}", None if max_points is None else D(max_points),
                children=children, kind="field", **kw)


def valid_set():
    """F1 (3) = 1.1 levels (1) + 1.2 group (2: percentage 1 + ratio 1); F2 (2) = number (1) + survey (1)."""
    group = Node("1.2", "Nhóm 1.2", None, children=(leaf("1.2.1", "1", "percentage", BANDS),
                                                      leaf("1.2.2", "1", "ratio")), kind="group")
    return [field("F1", "3", leaf("1.1", "1", "levels", LEVELS), group),
            field("F2", "2", leaf("2.1", "1", "number", {"step": "0.25"}), leaf("2.2", "1", "survey"))]


ADJUSTMENTS = [Node("B1", "Cộng", None, "bonus", {"per": "1", "cap": "2"}, kind="adjustment"),
               Node("D1", "Trừ", None, "deduction", {"per": "0.5", "cap": "2"}, kind="adjustment")]


def test_valid_set_has_no_errors():
    assert validate_tree(valid_set(), total=D("5"), adjustments=ADJUSTMENTS) == []


def test_total_is_checked():
    errors = validate_tree(valid_set())  # default total 100
    assert len(errors) == 1 and errors[0].code is None and "100" in errors[0].message


def only_error(fields, total="2", adjustments=()):
    errors = validate_tree(fields, total=D(total), adjustments=adjustments)
    assert len(errors) == 1, errors
    return errors[0]


@pytest.mark.parametrize("child, fragment", [
    (leaf("1.1", "1", "levels", {"levels": [["Có", "1"]]}), "ít nhất 2 mức"),
    (leaf("1.1", "1", "levels", {"levels": [["Có", "1.5"], ["Không", "0"]]}), "từ 0 đến 1"),
    (leaf("1.1", "1", "levels", {"levels": [["Có", "-1"], ["Không", "1"]]}), "từ 0 đến 1"),
    (leaf("1.1", "1", "levels", {"levels": [["Có", "0.5"], ["Không", "0"]]}), "không mức nào đạt"),
    (leaf("1.1", "1", "levels", {"levels": [["", "1"], ["Không", "0"]]}), "chưa có tên"),
    (leaf("1.1", "1", "levels", {}), "các mức"),
    (leaf("1.1", "1", "percentage", {"bands": [["80", "0.5"], ["100", "1"], ["0", "0"]]}), "giảm dần"),
    (leaf("1.1", "1", "percentage", {"bands": [["100", "1"], ["100", "0.5"], ["0", "0"]]}), "không trùng"),
    (leaf("1.1", "1", "percentage", {"bands": [["100", "1"], ["80", "0.5"]]}), "khung cuối"),
    (leaf("1.1", "1", "percentage", {"bands": [["100", "2"], ["0", "0"]]}), "từ 0 đến 1"),
    (leaf("1.1", "1", "percentage", {"bands": [["120", "1"], ["0", "0"]]}), "từ 0 đến 100"),
    (leaf("1.1", "1", "percentage", {"bands": [[0.5, "1"], ["0", "0"]]}), "dạng chuỗi"),
    (leaf("1.1", "1", "number", {"step": "0.3"}), "bội số"),
    (leaf("1.1", "1", "number", {"step": "0"}), "bước điểm"),
    (leaf("1.1", "1", "magic"), "không hợp lệ"),
    (leaf("1.1", "1", "bonus", {"per": "1", "cap": "1"}), "không hợp lệ"),
    (leaf("1.1", "1", None), "chưa chọn cách chấm"),
    (leaf("1.1", None), "chưa có điểm tối đa"),
    (Node("1.1", "x", D("1"), "yes_no", kind="adjustment"), "điểm cộng/trừ"),
    (Node("1.1", "x", D("1"), "yes_no", kind="field"), "cấp cao nhất"),
])
def test_item_errors_name_the_item_code(child, fragment):
    fields = [field("F1", "2", child, leaf("1.9", "1"))]
    error = only_error(fields)
    assert error.code == "1.1"
    assert "1.1" in error.message and fragment in error.message, error.message


def test_max_with_more_than_2_decimals_names_the_code():
    errors = validate_tree([field("F1", "2", leaf("1.1", "1.125"), leaf("1.2", "0.875"))], total=D("2"))
    assert [e.code for e in errors] == ["1.1", "1.2"] and "2 chữ số" in errors[0].message


def test_zero_or_negative_max_names_the_code():
    errors = validate_tree([field("F1", "1", leaf("1.1", "0"), leaf("1.2", "1"))], total=D("1"))
    assert [e.code for e in errors] == ["1.1"] and "lớn hơn 0" in errors[0].message


def test_children_must_add_up_to_the_parent_max():
    error = only_error([field("F1", "2", leaf("1.1", "1"), leaf("1.2", "0.5"))])
    assert error.code == "F1" and "1,5" in error.message and "phải bằng 2" in error.message


def test_parent_without_max_takes_its_childrens_sum():
    group = Node("1.2", "Nhóm", None, children=(leaf("1.2.1", "0.5"), leaf("1.2.2", "0.5")), kind="group")
    assert validate_tree([field("F1", "2", leaf("1.1", "1"), group)], total=D("2")) == []


def test_duplicate_codes_are_named_once():
    errors = validate_tree([field("F1", "3", leaf("1.1"), leaf("1.1"), leaf("1.1"))], total=D("3"))
    assert [(e.code, "trùng" in e.message) for e in errors] == [("1.1", True)]


def test_codes_must_be_unique_across_fields_and_adjustments():
    adjustments = [Node("1.1", "Cộng", None, "bonus", {"per": "1", "cap": "2"}, kind="adjustment")]
    error = only_error([field("F1", "1", leaf("1.1"))], total="1", adjustments=adjustments)
    assert error.code == "1.1" and "trùng" in error.message


@pytest.mark.parametrize("adjustment, fragment", [
    (Node("D1", "Trừ", None, "deduction", {"per": "-0.5", "cap": "-2"}, kind="adjustment"), "số dương"),
    (Node("D1", "Trừ", None, "deduction", {"per": "0.5"}, kind="adjustment"), "thiếu mức tối đa"),
    (Node("D1", "Trừ", None, "bonus", {"per": "0", "cap": "1"}, kind="adjustment"), "số dương"),
    (Node("D1", "Trừ", None, "yes_no", kind="adjustment"), "điểm cộng"),
    (Node("D1", "Trừ", None, "deduction", {"per": 0.5, "cap": "1"}, kind="adjustment"), "dạng chuỗi"),
])
def test_adjustment_errors_name_the_code(adjustment, fragment):
    error = only_error([field("F1", "1", leaf("1.1"))], total="1", adjustments=[adjustment])
    assert error.code == "D1" and fragment in error.message, error.message


def test_several_errors_are_all_reported():
    fields = [field("F1", "5", leaf("1.1", "1", "magic"), leaf("1.2", "1", "number", {"step": "0.3"}))]
    codes = sorted(e.code or "" for e in validate_tree(fields, total=D("4")))
    assert codes == ["", "1.1", "1.2", "F1"]
