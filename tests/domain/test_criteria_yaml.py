"""Bộ tiêu chí YAML: the demo sets load, resolve inheritance and round-trip; bad files give Vietnamese
errors with line and code, and never an exception."""

import dataclasses
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.criteria.spec import UNIT_TYPE_FROM_YAML, SetSpec, SpecError, nfc
from portal.criteria.yaml_read import load_set_yaml
from portal.criteria.yaml_write import dump_set_yaml

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "portal" / "seed_data" / "criteria"
DATA = ROOT / "tests" / "data" / "criteria"

META = (
    "meta: {set: T, unit_type: so_ban_nganh, total: 100, appraisal: 70, survey: 30, "
    "bonus_cap: 2, deduction_cap: 5}\n"
)


def load_ok(text: str, base: SetSpec | None = None) -> SetSpec:
    spec, errors = load_set_yaml(text, base=base)
    assert errors == [], [e.message for e in errors]
    return spec


@pytest.fixture(scope="module")
def dept() -> SetSpec:
    return load_ok((SEED / "dept-2022-demo.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def dist(dept: SetSpec) -> SetSpec:
    return load_ok((SEED / "dist-2022-demo.yaml").read_text(encoding="utf-8"), base=dept)


def by_code(spec: SetSpec) -> dict:
    return {item.code: item for item in spec.items}


def one_field(body: str) -> str:
    """A minimal set with one field F1 whose items are `body` (flow entries, one per line)."""
    return META + 'fields:\n- {code: F1, title: "Lĩnh vực", max: 10, ap: SNV, items: [\n' + body + "]}\n"


# --- the demo sets ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["dept-2022-demo.yaml", "dist-2022-demo.yaml"])
def test_seed_copies_are_verbatim(name: str) -> None:
    shared = ROOT.parent / "shared" / "criteria" / name
    if not shared.exists():
        pytest.skip("shared/ is not beside the project here")
    assert (SEED / name).read_bytes() == shared.read_bytes()


def test_long_key_names_are_pointed_to_the_short_ones() -> None:
    spec, errors = load_set_yaml(one_field('  {code: "1.1", title: "A", max: 1, method: yes_no}'))
    assert spec is None
    assert [e.line for e in errors] == [4, 4]
    assert "khóa “method” không hợp lệ — có phải ý bạn là “m”" in errors[0].message
    assert "thiếu phương pháp chấm" in errors[1].message


def test_department_set_shape(dept: SetSpec) -> None:
    kinds = [item.kind for item in dept.items]
    assert kinds.count("field") == 9
    assert kinds.count("item") == 56
    assert kinds.count("adjustment") == 4
    assert kinds[-4:] == ["adjustment"] * 4
    fields = [item for item in dept.items if item.kind == "field"]
    assert sum(f.max_points for f in fields) == Decimal("100")
    assert [f.position for f in fields] == list(range(9))
    assert dept.meta == {
        "set": "DEPT-2022-demo",
        "unit_type": "so_ban_nganh",
        "total": Decimal(100),
        "appraisal": Decimal(70),
        "survey": Decimal(30),
        "bonus_cap": Decimal(2),
        "deduction_cap": Decimal(5),
    }
    assert UNIT_TYPE_FROM_YAML[dept.meta["unit_type"]] == "department"


def test_parents_come_before_children_and_no_float_anywhere(dept: SetSpec) -> None:
    seen: set[str] = set()
    for item in dept.items:
        assert item.parent_code is None or item.parent_code in seen
        seen.add(item.code)
        assert not isinstance(item.max_points, float)
        assert "float" not in repr(item.config)


def test_items_carry_method_config_and_inherited_appraiser(dept: SetSpec) -> None:
    items = by_code(dept)
    assert items["1.1"].kind == "group" and items["1.1"].max_points == Decimal(2)  # sum of its children
    assert items["1.1.1"].method == "levels"
    assert items["1.1.1"].config == {
        "levels": [["Đúng hạn", "1"], ["Chậm hạn", "0.5"], ["Không ban hành", "0"]]
    }
    assert items["1.1.1"].guidance == "Đúng hạn: 1 điểm; Chậm hạn: 0,5 điểm; Không ban hành: 0 điểm"
    assert items["1.4.2"].config == {"bands": [["100", "1"], ["80", "0.5"], ["0", "0"]]}
    assert items["1.4.2"].guidance == "Tỷ lệ ≥ 100%: 1 điểm; từ 80% đến dưới 100%: 0,5 điểm; dưới 80%: 0 điểm"
    assert items["1.1.2"].config["input_label"] == "nhiệm vụ hoàn thành / nhiệm vụ trong kế hoạch"
    assert (items["1.1.1"].field_code, items["1.1.1"].appraiser, items["1.1.1"].parent_code) == (
        "F1",
        "SNV",
        "1.1",
    )
    assert (items["7.3"].appraiser, items["7.4.1"].appraiser) == ("SKHCN", "STTTT")
    assert items["F8"].method is None and items["8.1"].method == "survey"
    assert items["F9"].na_allowed and items["F9"].note == "N/A for units with no TTHC"
    assert items["3.3.2"].note == "N/A nếu không có hồ sơ trễ"


def test_adjustments_store_positive_magnitudes(dept: SetSpec) -> None:
    items = by_code(dept)
    assert items["B1"].config == {"per": "1", "cap": "2"} and items["B1"].method == "bonus"
    assert items["D1"].config == {"per": "0.5", "cap": "2"} and items["D1"].method == "deduction"
    assert items["D1"].max_points is None and items["D1"].field_code is None
    assert items["D1"].guidance == "Trừ 0,5 điểm mỗi lần; tổng trừ tối đa 2 điểm"


def test_district_set_resolves_replacements(dept: SetSpec, dist: SetSpec) -> None:
    items, base = by_code(dist), by_code(dept)
    assert items["1.3.1"].title == "Tỷ lệ UBND cấp xã và phòng chuyên môn được kiểm tra CCHC"
    assert items["1.3.1"].na_allowed is False and base["1.3.1"].na_allowed is True
    assert (items["4.3"].parent_code, items["4.3"].position, items["4.3"].appraiser) == ("F4", 2, "SNV")
    assert items["6.2.2"].method == "percentage" and base["6.2.2"].method == "ratio"
    assert [i.code for i in dist.items] == [i.code for i in dept.items]
    replaced = {"1.3.1", "2.1.1", "2.3.3", "3.3.3", "4.3", "5.5", "6.1", "6.2.2", "8.1", "8.2", "8.3"}
    assert {c for c in items if items[c] != base[c]} == replaced - {"8.1"}  # 8.1 is replaced by itself
    assert dist.meta["unit_type"] == "ubnd_cap_huyen" and dist.meta["bonus_cap"] == Decimal(2)
    assert UNIT_TYPE_FROM_YAML[dist.meta["unit_type"]] == "district"
    assert base["1.3.1"].title == "Tỷ lệ đơn vị trực thuộc được kiểm tra trong năm"  # base left untouched


@pytest.mark.parametrize("name", ["dept", "dist"])
def test_round_trip(name: str, request: pytest.FixtureRequest) -> None:
    spec = request.getfixturevalue(name)
    text = dump_set_yaml(spec)
    assert "inherits" not in text and "replace" not in text
    assert load_ok(text) == spec


def test_dump_keeps_the_file_keys(dept: SetSpec) -> None:
    text = dump_set_yaml(dept)
    for key in (
        "code:",
        "title:",
        "max:",
        "m:",
        "lv:",
        "bands:",
        "input:",
        "na:",
        "ap:",
        "items:",
        "per: -0.5",
        "cap: -2",
    ):
        assert key in text
    assert "guidance:" not in text  # generated guidance is not written back


def test_inheritance_needs_the_right_base(dept: SetSpec) -> None:
    text = (SEED / "dist-2022-demo.yaml").read_text(encoding="utf-8")
    spec, errors = load_set_yaml(text)
    assert spec is None and errors[0].line == 3 and "DEPT-2022-demo" in errors[0].message
    other = dataclasses.replace(dept, meta={**dept.meta, "set": "KHAC"})
    spec, errors = load_set_yaml(text, base=other)
    assert spec is None and "KHAC" in errors[0].message


def test_replace_of_unknown_code_is_an_error(dept: SetSpec) -> None:
    text = (
        "meta: {set: X, unit_type: ubnd_cap_huyen, inherits: DEPT-2022-demo}\nreplace:\n"
        '- {code: "1.9.9", title: "Không có", max: 1, m: yes_no}\n'
    )
    spec, errors = load_set_yaml(text, base=dept)
    assert spec is None
    assert [(e.line, e.code) for e in errors] == [(3, "1.9.9")]
    assert "không có mục mã 1.9.9" in errors[0].message


# --- errors ----------------------------------------------------------------------------------------------


def test_syntax_error_gives_one_error_with_its_line() -> None:
    spec, errors = load_set_yaml((DATA / "bad-syntax.yaml").read_text(encoding="utf-8"))
    assert spec is None and len(errors) == 1
    assert errors[0].line == 6 and errors[0].message.startswith("Dòng 6: tệp YAML sai cú pháp")


def test_five_content_errors_are_all_reported() -> None:
    spec, errors = load_set_yaml((DATA / "bad-content.yaml").read_text(encoding="utf-8"))
    assert spec is None
    assert [(e.line, e.code) for e in errors] == [
        (8, "1.1"),
        (9, "1.2"),
        (10, "1.3"),
        (11, "1.4"),
        (13, "1.5"),
    ]
    expected = [
        "thiếu nội dung (khóa “title”)",
        "phương pháp chấm “level” không có — có phải ý bạn là “levels”",
        "0,125 có quá 2 chữ số thập phân",
        "phải xếp từ cao xuống thấp",
        "bị trùng với mục đã có ở dòng 12",
    ]
    for error, words in zip(errors, expected, strict=True):
        assert words in error.message
        assert error.message.startswith(f"Dòng {error.line}, mã {error.code}: ")


@pytest.mark.parametrize(
    "body, line, words",
    [
        ('  {code: "1.1", tittle: "A", title: "A", max: 1, m: yes_no}', 4, "có phải ý bạn là “title”"),
        ('  {code: "1.1", title: "A", max: -1, m: yes_no}', 4, "phải lớn hơn 0"),
        ('  {code: "1.1", title: "A", max: "1,5", m: levels, lv: [["Có", 1.5]]}', 4, "ít nhất 2 mức"),
        (
            '  {code: "1.1", title: "A", max: 1, m: levels, lv: [["Có", 2], ["Không", 0]]}',
            4,
            "điểm của mức “Có”",
        ),
        (
            '  {code: "1.1", title: "A", max: 1, m: levels, lv: [["Có"], ["Không", 0]]}',
            4,
            '["tên mức", điểm]',
        ),
        (
            '  {code: "1.1", title: "A", max: 1, m: percentage, bands: [[100, 1], [50, 0]]}',
            4,
            "bắt đầu từ 0%",
        ),
        ('  {code: "1.1", title: "A", max: 1, m: percentage}', 4, "cần các khung tỷ lệ"),
        (
            '  {code: "1.1", title: "A", max: 1, m: yes_no, bands: [[0, 0]]}',
            4,
            "không dùng thiết lập “khung tỷ lệ”",
        ),
        ('  {code: "1.1", title: "A", max: 1, m: bonus}', 4, "phải khai báo trong phần “adjustments”"),
        ('  {code: "1.1", title: "A", max: abc, m: yes_no}', 4, "“abc” không phải là số"),
        ('  {code: "1.1", title: "A", max: .inf, m: yes_no}', 4, "không phải là số"),
        ('  {code: "1.1", title: "A", max: 1, m: yes_no, na: "có"}', 4, "phải là true hoặc false"),
        ('  {code: "1.1", title: "A", max: 1, m: yes_no, ap: SNNV}', 4, "cơ quan thẩm định “SNNV” không có"),
        ('  {code: "1.1", title: "A", max: 1, m: yes_no, max: 2}', 4, "xuất hiện hai lần"),
        ('  {code: "1.1", title: "A", items: []}', 4, "cần danh sách tiêu chí con"),
        (
            '  {code: "1.1", title: "A", bands: [[0, 0]],'
            ' items: [{code: "1.1.1", title: "B", max: 1, m: yes_no}]}',
            4,
            "khóa “bands” không dùng ở mục này",
        ),
        ('  {title: "A", max: 1, m: yes_no}', 4, "thiếu mã"),
        ('  {code: "1 1", title: "A", max: 1, m: yes_no}', 4, "mã không hợp lệ"),
    ],
)
def test_one_error_per_bad_item(body: str, line: int, words: str) -> None:
    spec, errors = load_set_yaml(one_field(body))
    assert spec is None
    assert len(errors) == 1, [e.message for e in errors]
    assert errors[0].line == line and words in errors[0].message, errors[0].message


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "phải gồm các phần"),
        ("- a\n- b\n", "phải gồm các phần"),
        ("fields: []\n", "thiếu phần “meta:”"),
        (META.replace("so_ban_nganh", "Sở Y tế") + "fields: []\n", "loại đơn vị “Sở Y tế” không hợp lệ"),
        (META.replace("total: 100, ", "") + "fields: []\n", "thiếu tổng điểm"),
        ("a: &x [1]\nb: *x\n", "tham chiếu YAML"),
        ("a: 1\n---\nb: 2\n", "sai cú pháp"),
        (
            META + "fields:\n- {code: F1, title: X, max: 1, m: yes_no}\n",
            "Lĩnh vực cần danh sách tiêu chí con",
        ),
        (
            one_field('  {code: "1.1", title: "A", max: 1, m: yes_no}')
            + "adjustments:\n- {code: D1, title: X, m: deduction, per: 0, cap: -2, max: 1}\n",
            "khóa “max” không dùng",
        ),
    ],
)
def test_set_level_errors(text: str, words: str) -> None:
    spec, errors = load_set_yaml(text)
    assert spec is None and errors, text
    assert any(words in e.message for e in errors), [e.message for e in errors]
    assert all(isinstance(e, SpecError) for e in errors)


def test_harmless_unknown_keys_are_ignored_and_deductions_accept_either_sign() -> None:
    text = one_field('  {code: "1.1", title: "A", max: 1, m: yes_no, src: BRIEF, scoring: "x"}') + (
        "adjustments:\n- {code: D1, title: X, m: deduction, per: 0.5, cap: -2}\n"
    )
    items = by_code(load_ok(text))
    assert items["D1"].config == {"per": "0.5", "cap": "2"}


def test_explicit_guidance_evidence_and_number_step_are_kept() -> None:
    body = (
        '  {code: "1.1", title: "A", max: 1, m: number, step: 0.25, guidance: "Tự nhập",\n'
        '   evidence: "Kế hoạch số …/KH-UBND", note: "Ghi chú"}'
    )
    item = by_code(load_ok(one_field(body)))["1.1"]
    assert (item.config, item.guidance, item.evidence, item.note) == (
        {"step": "0.25"},
        "Tự nhập",
        "Kế hoạch số …/KH-UBND",
        "Ghi chú",
    )
    assert load_ok(dump_set_yaml(load_ok(one_field(body)))) == load_ok(one_field(body))


def test_nfd_input_is_stored_nfc() -> None:
    title = unicodedata.normalize("NFD", "Cải cách thủ tục hành chính")
    label = unicodedata.normalize("NFD", "Đúng hạn")
    body = f'  {{code: "1.1", title: "  {title} ", max: 1, m: levels, lv: [["{label}", 1], ["Chậm", 0]]}}'
    item = by_code(load_ok(one_field(body)))["1.1"]
    assert item.title == "Cải cách thủ tục hành chính" == unicodedata.normalize("NFC", item.title)
    assert item.config["levels"][0][0] == unicodedata.normalize("NFC", "Đúng hạn")


@pytest.mark.parametrize(
    "text, line, words",
    [
        ("meta: {}\nfields: \x00\n", 2, "ký tự điều khiển"),
        ("a: [" * 3000, None, "lồng nhau quá sâu"),
    ],
)
def test_hostile_text_gives_an_error_not_an_exception(text: str, line, words: str) -> None:
    spec, errors = load_set_yaml(text)
    assert spec is None and len(errors) == 1
    assert errors[0].line == line and words in errors[0].message


def test_bytes_input_and_bad_encoding() -> None:
    assert load_set_yaml((SEED / "dept-2022-demo.yaml").read_bytes())[1] == []
    spec, errors = load_set_yaml(b"\xff\xfe\x00bad")
    assert spec is None and "UTF-8" in errors[0].message


_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=40).filter(
    lambda t: nfc(t) == t and t
)


@settings(max_examples=150, deadline=None)
@given(title=_TEXT, label=_TEXT, note=_TEXT)
def test_round_trip_of_any_text(title: str, label: str, note: str) -> None:
    body = '  {code: "1.1", title: "x", max: 1, m: levels, lv: [["a", 1], ["b", 0]]}'
    spec = load_ok(one_field(body))
    item = by_code(spec)["1.1"]
    item.title, item.note = title, note
    if ";" not in label and "=" not in label and label.casefold() != "b":
        item.config = {"levels": [[label, "1"], ["b", "0"]]}
    assert load_ok(dump_set_yaml(spec)) == spec
