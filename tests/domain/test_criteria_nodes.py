"""The one index-and-walk of a criteria tree (portal.criteria.nodes): document order is siblings by
position, fields before the bonus and deduction items, each parent before its subtree."""
from types import SimpleNamespace

from portal.criteria.domain import Row, descendants
from portal.criteria.nodes import children_of, top_level, walk
from portal.criteria.tree import ordered


def _row(id, parent_id, position, kind="item", code=None):
    return SimpleNamespace(id=id, parent_id=parent_id, position=position, kind=kind, code=code or str(id))


ROWS = [  # stored out of order on purpose
    _row(9, None, 0, "adjustment", "C1"),
    _row(3, 1, 1, code="1.2"),
    _row(2, 1, 0, "group", "1.1"),
    _row(5, None, 1, "field", "F2"),
    _row(4, 2, 0, code="1.1.1"),
    _row(1, None, 0, "field", "F1"),
    _row(6, 5, 0, code="2.1"),
]


def test_children_are_indexed_by_parent_in_position_order():
    children = children_of(ROWS)
    assert [r.code for r in children[1]] == ["1.1", "1.2"]
    assert [r.code for r in top_level(children)] == ["F1", "F2", "C1"]
    assert [r.code for r in children_of(ROWS, order=None)[1]] == ["1.2", "1.1"]  # as stored


def test_walk_is_pre_order_with_depths():
    children = children_of(ROWS)
    assert [(r.code, depth) for r, depth in walk(top_level(children), children)] == [
        ("F1", 0), ("1.1", 1), ("1.1.1", 2), ("1.2", 1), ("F2", 0), ("2.1", 1), ("C1", 0)]
    assert [r.code for r in ordered(ROWS)] == ["F1", "1.1", "1.1.1", "1.2", "F2", "2.1", "C1"]


def test_a_parsed_file_walks_by_code():
    items = [SimpleNamespace(code=c, parent_code=p) for c, p in (("F1", None), ("1.1", "F1"), ("1.1.1", "1.1"))]
    children = children_of(items, parent=lambda i: i.parent_code, order=None)
    assert [(i.code, d) for i, d in walk(children[None], children, key=lambda i: i.code)] == [
        ("F1", 0), ("1.1", 1), ("1.1.1", 2)]


def test_descendants_use_the_same_walk():
    rows = [Row(r.id, r.parent_id, r.kind) for r in ROWS]
    assert descendants(1, rows) == {2, 3, 4}
    assert descendants(4, rows) == set()
