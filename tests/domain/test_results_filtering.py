"""Narrowing a results document: by type, and by words typed with or without diacritics."""
import pytest

from portal.results.filtering import filter_document, ranking_page, with_spans

DOC = {"year": 2025, "types": [
    {"unit_type": "department", "units": [{"code": "SNV", "name": "Sở Nội vụ", "rank": 1},
                                          {"code": "SDL", "name": "Sở Du lịch", "rank": 2}]},
    {"unit_type": "commune", "units": [{"code": "30292", "name": "Phường Bình Đức", "rank": 1},
                                       {"code": "31078", "name": "Đặc khu Phú Quốc", "rank": 2},
                                       {"code": "30313", "name": "Xã Mỹ Hòa Hưng", "rank": 3}]}]}


@pytest.mark.parametrize("unit_type, query, expected", [
    ("", "", [["SNV", "SDL"], ["30292", "31078", "30313"]]),
    ("commune", "", [["30292", "31078", "30313"]]),
    ("", "binh duc", [[], ["30292"]]),
    ("", "BÌNH ĐỨC", [[], ["30292"]]),
    ("", "dac khu", [[], ["31078"]]),
    ("", "hoa hung", [[], ["30313"]]),
    ("", "31078", [[], ["31078"]]),
    ("department", "noi vu", [["SNV"]]),
    ("district", "", []),
])
def test_filter_by_type_and_words(unit_type, query, expected):
    out = filter_document(DOC, unit_type=unit_type, query=query)
    assert [[u["code"] for u in t["units"]] for t in out["types"]] == expected
    assert out["year"] == 2025 and len(DOC["types"][1]["units"]) == 3   # the document itself is untouched


@pytest.mark.parametrize("page, spans", [
    (1, {"department": (1, 2), "commune": (1, 1)}),   # a page of 3: both departments, the first commune
    (2, {"commune": (2, 3)}),                          # the second page: the last two communes
])
def test_the_spans_of_each_type_on_a_page(page, spans):
    """Which units of each type a page shows (the chart under a type spanning pages says so)."""
    _doc, pager, whole = ranking_page(DOC, page, 3)
    out = with_spans(whole, pager)
    assert {t: (w["first"], w["last"]) for t, w in out.items() if "first" in w} == spans
    assert all("first" not in w for w in whole.values())   # the given dict is untouched
