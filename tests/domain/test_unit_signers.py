"""Người ký văn bản (portal.units.domain): the signing authority computed from the position (Decree
30/2020, Appendix I), the defaults that reproduce what the documents printed before signers were
recorded, and who may edit a unit's signer. No app, no database."""
import pytest

from portal.reports.meta import unit_signature
from portal.policy.roles import Actor
from portal.units.domain import Signer, can_edit_signer, default_signer, district_place, signing_authority

UBND = "Ủy ban nhân dân"


@pytest.mark.parametrize("position, collective, lines", [
    ("Giám đốc", "", ["GIÁM ĐỐC"]),
    ("Phó Giám đốc", "", ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]),
    ("phó giám đốc", "", ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]),
    ("  Phó   Giám đốc ", "", ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]),
    ("Chủ tịch", UBND, ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]),
    ("Phó Chủ tịch", UBND, ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
    ("Phó Chủ tịch", "", ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
    ("Chánh Văn phòng", "", ["CHÁNH VĂN PHÒNG"]),
    ("Phó Chánh Văn phòng", "", ["KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"]),
    ("Phó Trưởng ban", "", ["KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN"]),
    ("Phó Chánh Thanh tra", "", ["KT. CHÁNH THANH TRA", "PHÓ CHÁNH THANH TRA"]),
    ("Quyền Giám đốc", "", ["Q. GIÁM ĐỐC"]),
    ("Phó", "", ["PHÓ"]),              # not a deputy of anything: printed as typed
    ("", "", []),
])
def test_signing_authority_follows_decree_30(position, collective, lines):
    assert signing_authority(position, collective) == lines


def test_nfd_input_gives_the_same_lines():
    import unicodedata
    assert signing_authority(unicodedata.normalize("NFD", "Phó Giám đốc")) == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]


@pytest.mark.parametrize("name, committee, expected", [
    ("UBND huyện Tịnh Biên", True, Signer("Lê Văn A", "Chủ tịch", UBND, "BC-UBND", "Tịnh Biên")),
    ("UBND thành phố Châu Đốc", True, Signer("Lê Văn A", "Chủ tịch", UBND, "BC-UBND", "Châu Đốc")),
    ("Ủy ban nhân dân thị xã Tân Châu", True, Signer("Lê Văn A", "Chủ tịch", UBND, "BC-UBND", "Tân Châu")),
    ("UBND xã Mỹ Hòa Hưng", True, Signer("Lê Văn A", "Chủ tịch", UBND, "BC-UBND", "Mỹ Hòa Hưng")),
    ("UBND phường Long Xuyên", True, Signer("Lê Văn A", "Chủ tịch", UBND, "BC-UBND", "Long Xuyên")),
    ("UBND đặc khu Phú Quốc", True, Signer("Lê Văn A", "Chủ tịch", UBND, "BC-UBND", "Phú Quốc")),
    ("Sở Y tế", False, Signer("Lê Văn A", "Giám đốc", "", "BC", "An Giang")),
    ("Văn phòng UBND tỉnh", False, Signer("Lê Văn A", "Chánh Văn phòng", "", "BC", "An Giang")),
    ("Thanh tra tỉnh", False, Signer("Lê Văn A", "Chánh Thanh tra", "", "BC", "An Giang")),
    ("Ban Dân tộc", False, Signer("Lê Văn A", "Trưởng ban", "", "BC", "An Giang")),
])
def test_defaults_are_what_the_documents_printed_before(name, committee, expected):
    assert default_signer(name, committee, "An Giang", "Lê Văn A") == expected


def test_default_lines_match_the_old_fixed_ones():
    assert default_signer("UBND huyện Tịnh Biên", True, "An Giang").authority_lines == \
        ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    assert default_signer("Sở Y tế", False, "An Giang").authority_lines == ["GIÁM ĐỐC"]
    assert district_place("Sở Y tế") is None


def test_unit_signature_prints_the_symbol_place_lines_and_name():
    signer = Signer("Trần Thị Bích Ngọc", "Phó Giám đốc", "", "BC-SLĐTBXH", "An Giang")
    assert unit_signature(signer) == {
        "number_line": "Số: \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/BC-SLĐTBXH", "place": "An Giang",
        "authority_lines": ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"], "signer_name": "Trần Thị Bích Ngọc"}


@pytest.mark.parametrize("role, own_unit, allowed, reason", [
    ("admin", False, True, None),
    ("admin", True, True, None),
    ("unit_leader", True, True, None),
    ("unit_leader", False, False, "not_found"),
    ("unit_staff", True, False, "role"),
    ("unit_staff", False, False, "not_found"),
    ("council_member", False, False, "role"),
    ("council_chair", False, False, "role"),
    ("anonymous", False, False, "role"),
])
def test_who_may_edit_a_signer(role, own_unit, allowed, reason):
    decision = can_edit_signer(Actor(role), own_unit=own_unit)
    assert bool(decision) is allowed
    assert decision.reason == reason
