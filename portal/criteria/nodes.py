"""Cây tiêu chí — the one index-and-walk of a criteria tree, and criteria rows → the scoring engine's tree
(portal.scoring.Node): fields with their subtrees, and the adjustments (bonus/deduction) beside them.

Rows are read by attribute (Criterion, an ItemSpec, anything shaped like them): this module needs no
database. Every place that walks a set's tree indexes it with :func:`children_of` and walks it with
:func:`walk`, so "document order" means one thing: siblings by position (then id), and at the top level
the fields before the bonus and deduction items.
"""
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

from portal.scoring import Node


def _position(row) -> tuple:
    return (row.position, row.id or 0)


def children_of(rows: Iterable, *, parent: Callable = lambda row: row.parent_id,
                order: Callable | None = _position) -> defaultdict:
    """Each parent's children (key None: the top level), sorted by `order` (None keeps the rows' order).
    `parent` gives a row's parent key: its parent_id, or its parent_code for a parsed file."""
    children: defaultdict = defaultdict(list)
    for row in rows:
        children[parent(row)].append(row)
    if order is not None:
        for siblings in children.values():
            siblings.sort(key=order)
    return children


def top_level(children) -> list:
    """The top-level rows in document order: the fields first, then the bonus and deduction items."""
    roots = children[None]
    return [r for r in roots if r.kind != "adjustment"] + [r for r in roots if r.kind == "adjustment"]


def walk(roots: Iterable, children, *, key: Callable = lambda row: row.id) -> Iterator[tuple[object, int]]:
    """(row, depth) in pre-order: each row, then its children's subtrees (depth 0 for the given roots).
    `key` gives the key of a row's children in `children` (its id, or its code for a parsed file)."""
    stack = [(row, 0) for row in reversed(list(roots))]
    while stack:
        row, depth = stack.pop()
        yield row, depth
        stack.extend((child, depth + 1) for child in reversed(children.get(key(row), ())))


def build_nodes(criteria) -> tuple[list[Node], list[Node]]:
    """(fields, adjustments) from a set's Criterion rows, children in position order."""
    children = children_of(criteria)

    def make(crit) -> Node:
        return Node(code=crit.code, title=crit.title, max_points=crit.max_points, method=crit.method,
                    config=dict(crit.config or {}), children=tuple(make(k) for k in children[crit.id]),
                    na_allowed=crit.na_allowed, field_code=crit.field_code, kind=crit.kind)

    roots = children[None]
    return ([make(c) for c in roots if c.kind != "adjustment"],
            [make(c) for c in roots if c.kind == "adjustment"])
