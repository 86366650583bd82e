"""The pure rules of a unit's lineage: only a unit renamed from one predecessor of this portal compares
with it; every other kind is "not comparable"; what may be recorded."""
import pytest

from portal.units.lineage_rules import LINEAGE_KINDS, Predecessor, check_predecessor, comparable, lineage_kind

P = Predecessor


@pytest.mark.parametrize("predecessors, expected", [
    ([], False),
    ([P(1, "renamed")], True),
    ([P(None, "renamed")], False),
    ([P(1, "merged"), P(2, "merged")], False),
    ([P(1, "split")], False),
    ([P(1, "new")], False),
    ([P(None, "outside")], False),
    ([P(1, "merged"), P(None, "outside")], False),
    ([P(1, "renamed"), P(2, "renamed")], False),
])
def test_only_a_rename_is_comparable(predecessors, expected):
    assert comparable(predecessors) is expected


@pytest.mark.parametrize("predecessors, expected", [
    ([], None),
    ([P(1, "renamed")], "renamed"),
    ([P(None, "outside"), P(3, "merged")], "merged"),
    ([P(None, "outside"), P(None, "outside")], "outside"),
])
def test_the_kind_a_unit_shows(predecessors, expected):
    assert lineage_kind(predecessors) == expected


@pytest.mark.parametrize("kind, predecessor_id, outside, existing, error", [
    ("merged", 2, "", [], None),
    ("outside", None, "Sở Tài chính tỉnh Kiên Giang", [P(2, "merged")], None),
    ("renamed", 2, "", [], None),
    ("fused", 2, "", [], "unknown_kind"),
    ("merged", None, "", [], "one_source"),
    ("merged", 2, "Sở X tỉnh Kiên Giang", [], "one_source"),
    ("merged", None, "Sở X tỉnh Kiên Giang", [], "outside_kind"),
    ("outside", 2, "", [], "outside_kind"),
    ("renamed", 1, "", [], "itself"),
    ("new", 1, "", [], "itself"),
    ("merged", 1, "", [], None),          # Sở Nội vụ 2025 = Sở Nội vụ 2022 + Sở LĐTBXH 2022
    ("split", 1, "", [], None),
    ("merged", 2, "", [P(2, "merged")], "duplicate"),
    ("renamed", 3, "", [P(2, "merged")], "renamed_alone"),
    ("merged", 3, "", [P(2, "renamed")], "renamed_alone"),
])
def test_what_may_be_recorded(kind, predecessor_id, outside, existing, error):
    assert check_predecessor(kind, unit_id=1, predecessor_id=predecessor_id, outside_name=outside,
                             existing=existing) == error


def test_the_kinds_are_the_issue_s_five():
    assert set(LINEAGE_KINDS) == {"renamed", "merged", "split", "new", "outside"}
