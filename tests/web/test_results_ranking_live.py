"""The live ranking reads one page (portal.results.ranking): every page, with every filter the page offers,
is exactly the page of the whole results document narrowed as the page narrows it (filtering.ranking_page
over results_document): rows, ranks, ties, rewards, the bottom list, counts, the comparison with last year
and the predecessors. It builds only the page's rows and the reward lines' units, as many for a year of 3
units as for 8; once a decision is in force the page reads the snapshot, parsed once per process."""
import pytest
from sqlalchemy import event, select

from bench.world import build_year
from portal.db import utcnow
from portal.extensions import db
from portal.results import ranking
from portal.results.document import results_document
from portal.results.filtering import filter_document, ranking_page
from portal.results.models import UnitResult
from portal.results.views import results as views
from portal.units.models import UnitType
from portal.years.models import AssessmentYear
from tests.auth_actions import AuthActions
from tests.conftest import _empty_tables
from tests.factories import _HASH

FILTERS = (("", ""), ("department", ""), ("district", ""), ("", "thu nghiem 1"), ("", "THỬ"),
           ("department", "s0"), ("", "khong co"), ("nope", ""))


def _whole_way(year, unit_type: str, query: str, page: int, size: int):
    """The page as it was made before: the whole document, filtered, then cut."""
    doc = results_document(year, ranking_only=True)
    if unit_type or query:
        doc = filter_document(doc, unit_type=unit_type, query=query)
    return ranking_page(doc, page, size)


def _plain(entry: dict) -> dict:
    """A type entry without what the ranking does not show (its fields), the order of tied units on the
    reward lines not counted."""
    return dict({k: v for k, v in entry.items() if k not in ("fields", "rewards", "bottom")},
                rewards=dict(entry["rewards"], unit_ids=sorted(entry["rewards"]["unit_ids"])),
                bottom=dict(entry["bottom"], unit_ids=sorted(entry["bottom"]["unit_ids"])))


def assert_same_page(year, unit_type: str, query: str, page: int, size: int) -> None:
    doc, pager, whole = ranking.live_ranking_page(year, unit_type=unit_type, query=query, page=page, size=size)
    doc_was, pager_was, whole_was = _whole_way(year, unit_type, query, page, size)
    where = (unit_type, query, page, size)
    assert pager == pager_was, where
    assert {k: v for k, v in doc.items() if k != "types"} == \
           {k: v for k, v in doc_was.items() if k != "types"}, where
    assert [_plain(t) for t in doc["types"]] == [_plain(t) for t in doc_was["types"]], where
    for t in doc["types"]:
        mine, theirs = whole[t["unit_type"]], whole_was[t["unit_type"]]
        assert (mine["count"], mine["has_change"]) == (theirs["count"], theirs["has_change"]), where
        assert _plain(mine["standing"]) == _plain(theirs["standing"]), where


@pytest.fixture
def nine(app, ctx):
    """Nine units (6 departments, 3 districts) with ties on the reward lines: each type rewards its top 2
    and lists its lowest unit; the 2nd and 3rd departments share rank 2, the two lowest share rank 5."""
    _empty_tables()
    world = build_year(now=utcnow(), units=9, items=12, password_hash=_HASH)
    year = db.session.get(AssessmentYear, world.year_id)
    for kind in db.session.scalars(select(UnitType).where(UnitType.year_id == year.id)):
        kind.reward_top, kind.reward_bottom = 2, 1
    departments = db.session.scalars(select(UnitResult).where(UnitResult.year_id == year.id,
                                                              UnitResult.rank.is_not(None))
                                     .order_by(UnitResult.rank)).all()
    departments = [r for r in departments if r.unit_id in set(world.unit_ids[:6])] or departments
    for row, rank in zip(departments, (1, 2, 2, 4, 5, 5)):
        row.rank, row.details = rank, dict(row.details or {}, tied=rank in (2, 5))
    db.session.commit()
    return world


@pytest.mark.parametrize("size", [2, 4, 100])
def test_every_page_with_every_filter_is_the_whole_documents_page(nine, size):
    year = db.session.get(AssessmentYear, nine.year_id)
    assert results_document(year)["types"], "the year has results"
    for unit_type, query in FILTERS:
        for page in (0, 1, 2, 3, 5, 99):
            assert_same_page(year, unit_type, query, page, size)


def test_ties_and_the_bottom_list_on_the_reward_lines(nine):
    year = db.session.get(AssessmentYear, nine.year_id)
    doc, _pager, whole = ranking.live_ranking_page(year, page=2, size=4)
    standing = whole["department"]["standing"]
    assert standing["rewards"]["tie_at_edge"] and len(standing["rewards"]["unit_ids"]) == 3
    assert standing["bottom"]["tie_at_edge"] and len(standing["bottom"]["unit_ids"]) == 2
    assert [u["rank"] for u in standing["units"]] == [1, 2, 2, 5, 5]


@pytest.fixture
def two_years(app, ctx):
    """2022 published (the golden year); 2023 with four of its units (one renamed), a unit merged from two
    2022 departments and one that is new."""
    from portal.units.lineage import add_predecessor
    from portal.units.models import Unit
    from tests.web.results_setup import approve_and_publish, build_world, compute, golden_world
    earlier = golden_world(year=2022)
    compute(earlier)
    approve_and_publish(earlier, number="123/QĐ-UBND")
    kept = ("GA", "GB", "GC", "H1", "H2")
    later = build_world(year=2023, units=(("GA", "Sở Giáo dục"), ("GB", "Sở Y tế mới"), ("GC", "Sở Tư pháp"),
                                          ("NM", "Sở Hợp Nhất"), ("NN", "Sở Mới Lập"), ("H1", "UBND huyện Một"),
                                          ("H2", "UBND huyện Hai")),
                        existing_units={code: earlier.units[code] for code in kept}, with_accounts=False)
    later.users = earlier.users
    full = {"1.1": 2, "1.2": 2, "1.3": 2, "2.1.1": 2, "2.1.2": 2, "2.2": 1}
    half = {"1.1": 1, "1.2": 1, "1.3": 1, "2.1.1": 1, "2.1.2": 1, "2.2": 1}
    for code, scores in (("GA", full), ("GB", half), ("GC", full), ("NM", half), ("NN", full), ("H1", half),
                         ("H2", full)):
        later.scores(code, scores)
        later.survey(code, {"3.1": 4, "3.2": 3})
    year = later.year()
    for code in ("GD", "GE"):
        add_predecessor(year, db.session.get(Unit, later.units["NM"]), kind="merged",
                        predecessor=db.session.get(Unit, earlier.units[code]), actor=later.user("qt"))
    db.session.commit()
    compute(later)
    return later


def test_last_years_comparison_and_the_predecessors_are_the_whole_documents(two_years):
    year = two_years.year()
    doc = results_document(year)
    units = [u for t in doc["types"] for u in t["units"]]
    assert any(u["lineage"] for u in units) and any(u["prev_index"] for u in units)
    assert not all(u["prev_index"] or u["lineage"] for u in units)  # NN compares with nothing
    for unit_type, query in (("", ""), ("", "huyen"), ("", "so hop"), ("", "Mới"), ("", "NN"),
                             ("department", ""), ("district", ""), ("department", "lap")):
        for size in (1, 2, 3, 100):
            for page in (1, 2, 3, 9):
                assert_same_page(year, unit_type, query, page, size)


def _built(monkeypatch) -> list:
    """Counts the unit entries the ranking builds."""
    built = []
    entry = ranking.unit_entry

    def counting(*args, **kwargs):
        built.append(args[0].unit_id)
        return entry(*args, **kwargs)
    monkeypatch.setattr(ranking, "unit_entry", counting)
    return built


def test_the_page_builds_only_its_rows_and_the_reward_lines(app, ctx, monkeypatch):
    monkeypatch.setattr(views, "RANK_ROWS", 2)
    built = _built(monkeypatch)
    for units in (6, 24):
        _empty_tables()
        world = build_year(now=utcnow(), units=units, items=12, password_hash=_HASH)
        db.session.commit()
        year = db.session.get(AssessmentYear, world.year_id)
        admin = AuthActions(app).login("admin")
        for unit_type in ("", "department"):
            built.clear()
            assert admin.get(f"/results/{world.year_id}?trang=2&loai={unit_type}").status_code == 200
            _doc, _pager, whole = _whole_way(year, unit_type, "", 2, 2)
            on_lines = sum(len(w["standing"]["units"]) for w in whole.values())
            assert len(built) == 2 + on_lines, (units, unit_type)
            assert units < 24 or len(built) < units, "a national year's page builds its rows, not the year's"


def test_an_approved_snapshot_is_parsed_once_per_process(app, ctx, auth):
    from datetime import date

    from portal.results.models import Approval
    _empty_tables()
    world = build_year(now=utcnow(), units=5, items=12, password_hash=_HASH)
    year = db.session.get(AssessmentYear, world.year_id)
    snapshot = dict(results_document(year), decision={"number": "1/QĐ", "date": "2023-03-01"})
    db.session.add(Approval(year_id=year.id, decision_number="1/QĐ", decision_date=date(2023, 3, 1),
                            approved_at=utcnow(), snapshot=snapshot))
    year.phase = "approval"
    db.session.commit()
    admin = auth.login("admin")
    url = f"/results/{world.year_id}"
    first = admin.get(url).get_data(as_text=True)
    statements = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)
    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        second = admin.get(url).get_data(as_text=True)
        page_2 = admin.get(f"{url}?loai=district")
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert page_2.status_code == 200
    assert not [s for s in statements if "approval.snapshot" in s], "the snapshot was read again"
    rows = [u["code"] for t in snapshot["types"] for u in t["units"]]
    assert all(f"-{code}\"" in second for code in rows) and first.count("<tr id=\"rank-") == len(rows)


def test_the_approved_ranking_does_not_grow_with_units(app, ctx, monkeypatch):
    """Once a decision is in force: the same statements for 3 units as for 8, on every page and filter."""
    from datetime import date

    from portal.results.models import Approval
    from tests.web.test_perf_queries import assert_constant, per_size, queries
    monkeypatch.setattr(views, "RANK_ROWS", 2)

    def probe(_app, world):
        year = db.session.get(AssessmentYear, world.year_id)
        db.session.add(Approval(year_id=year.id, decision_number="1/QĐ", decision_date=date(2023, 3, 1),
                                approved_at=utcnow(), snapshot=results_document(year)))
        year.phase = "approval"
        db.session.commit()
        admin = AuthActions(app).login("admin")
        out = {}
        for name, url in (("page 2", f"/results/{world.year_id}?trang=2"),
                          ("filtered", f"/results/{world.year_id}?loai=department&q=s&trang=2")):
            admin.get(url)
            out[name] = queries(admin, "GET", url)
        return out
    assert_constant(per_size(app, probe))
