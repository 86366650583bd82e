"""Cây tiêu chí đã dựng — a criteria set's tree as the pages that draw a whole file read it, built once per
version of the set and kept by the process.

A unit's workspace and each of its saves walk the set's whole tree (a hundred criteria): loading them as ORM
objects, parsing each item's settings and building the scoring engine's tree cost more than the file's own
scores. The set's rows are still read on every request — as plain tuples, one query — and compared with the
rows the kept tree was built from: any edit of the set (a title, a method's settings, a criterion added,
moved or removed, in this process or another one) gives different rows and so a new tree. Nothing has to be
told of an edit, and no stale tree can be drawn.

A tree and its rows are shared by every request of the process: never modify them (``config`` included).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from threading import Lock

from sqlalchemy import Text, bindparam, cast, select

from portal.criteria.models import Criterion
from portal.criteria.nodes import build_nodes, children_of, top_level, walk
from portal.extensions import db
from portal.scoring import Node

#: How many sets' trees a process keeps (a year has one set per unit type; a few years are open at once).
KEPT = 32


@dataclass(frozen=True, slots=True)
class CriterionRow:
    """One criterion as read for display and scoring (the columns of portal.criteria.models.Criterion)."""

    id: int
    set_id: int
    parent_id: int | None
    code: str
    title: str
    kind: str
    position: int
    max_points: Decimal | None
    method: str | None
    config: dict
    na_allowed: bool
    field_code: str | None
    appraiser: str | None
    guidance: str
    evidence: str
    note: str


@dataclass(frozen=True)
class SetTree:
    """A set's criteria in (position, id) order, its tree in document order with depths, the scoring
    engine's tree (fields, adjustments)."""

    rows: tuple[CriterionRow, ...]
    by_id: dict[int, CriterionRow]
    fields: tuple[tuple[CriterionRow, tuple[tuple[CriterionRow, int], ...]], ...]   # (field, [(row, depth)])
    adjustments: tuple[tuple[CriterionRow, int], ...]                              # [(row, depth)]
    nodes: tuple[list[Node], list[Node]]
    #: What the areas above derive from the criteria alone, computed once per tree ({name: value}).
    derived: dict = field(default_factory=dict, compare=False)


_COLUMNS = (Criterion.id, Criterion.set_id, Criterion.parent_id, Criterion.code, Criterion.title,
            Criterion.kind, Criterion.position, Criterion.max_points, Criterion.method, cast(Criterion.config, Text),
            Criterion.na_allowed, Criterion.field_code, Criterion.appraiser, Criterion.guidance,
            Criterion.evidence, Criterion.note)
_ROWS = select(*_COLUMNS).where(Criterion.set_id == bindparam("set")).order_by(Criterion.position, Criterion.id)
_kept: dict[int, tuple[tuple, SetTree]] = {}
_lock = Lock()


def set_tree(set_id: int) -> SetTree:
    """The tree of criteria set `set_id` as it stands in the database now (one query)."""
    raw = tuple(tuple(row) for row in db.session.execute(_ROWS, {"set": set_id}))
    kept = _kept.get(set_id)
    if kept is not None and kept[0] == raw:
        return kept[1]
    tree = _build(raw)
    with _lock:
        if len(_kept) >= KEPT:
            _kept.clear()
        _kept[set_id] = (raw, tree)
    return tree


def _row(values: tuple) -> CriterionRow:
    (cid, set_id, parent_id, code, title, kind, position, max_points, method, config, na_allowed, field_code,
     appraiser, guidance, evidence, note) = values
    return CriterionRow(cid, set_id, parent_id, code, title, kind, position, max_points, method,
                        json.loads(config) if config else {}, bool(na_allowed), field_code, appraiser,
                        guidance, evidence, note)


def _build(raw: tuple) -> SetTree:
    rows = tuple(_row(values) for values in raw)
    children = children_of(rows)
    fields, adjustments = [], []
    for root in top_level(children):
        if root.kind == "adjustment":
            adjustments.extend(walk([root], children))
        else:
            body = tuple(walk(children[root.id], children))
            fields.append((root, tuple((row, depth + 1) for row, depth in body)))
    return SetTree(rows, {r.id: r for r in rows}, tuple(fields), tuple(adjustments), build_nodes(rows))


def forget() -> None:
    """Drop every kept tree (tests that rebuild the database under the same ids)."""
    with _lock:
        _kept.clear()
