"""Sửa cây tiêu chí — add, edit, move and delete the nodes of a criteria set.

After every structural change the set is normalised: positions 0..n-1 under each parent, kinds from the
place in the tree (top level = lĩnh vực, with children = nhóm tiêu chí, else tiêu chí), and each node's
field_code equal to its top-level field's code. That keeps a set edited here identical to the same set
exported and imported again. Every change writes an audit row with old → new.
"""
from collections import defaultdict
from decimal import Decimal

from portal.audit.services import record
from portal.criteria.domain import normal_kind
from portal.criteria.models import CriteriaSet, Criterion
from portal.criteria.nodes import children_of, walk
from portal.criteria.safety import check_change
from portal.criteria.services import set_rows
from portal.criteria.spec import ADJUSTMENT_METHODS, APPRAISERS, LEAF_METHODS, generate_guidance
from portal.criteria.tree import parse_config_text, validate_rows
from portal.extensions import db

EDITABLE = ("code", "title", "max_points", "method", "config", "na_allowed", "appraiser", "guidance",
            "evidence", "note")


class ItemInvalid(ValueError):
    """Typed values that cannot be stored: {form field: [Vietnamese messages]}."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("invalid criteria item")
        self.errors = errors


def _snapshot(node: Criterion) -> dict:
    return {key: getattr(node, key) for key in EDITABLE}


def _auto_guidance(node_or_values) -> str:
    get = node_or_values.get if isinstance(node_or_values, dict) else lambda k: getattr(node_or_values, k)
    try:
        return generate_guidance(get("method"), get("max_points"), get("config") or {})
    except (KeyError, ValueError, ArithmeticError):
        return ""


def _resolve(cset: CriteriaSet, node: Criterion | None, kind: str, values: dict, rows) -> dict:
    """Check the typed values for a node of `kind` and return what to store (or raise ItemInvalid)."""
    errors: dict[str, list[str]] = defaultdict(list)
    code = values["code"]
    if any(r.code == code and r is not node for r in rows):
        errors["code"].append(f"Mã {code} đã có trong bộ tiêu chí này. Hãy chọn mã khác.")
    method = values.get("method") or None
    max_points = values.get("max_points")
    config: dict = {}
    if kind == "adjustment":
        max_points = None
        if method not in ADJUSTMENT_METHODS:
            errors["method"].append("Điểm cộng/trừ phải chọn “Điểm cộng” hoặc “Điểm trừ”.")
    elif kind == "item":
        if max_points is None:
            errors["max_points"].append("Hãy nhập điểm tối đa của tiêu chí, ví dụ 1 hoặc 0,5.")
        if method not in LEAF_METHODS:
            errors["method"].append("Hãy chọn phương pháp chấm cho tiêu chí này.")
    else:
        method = None  # a field or group is scored through its children
    if values.get("appraiser") and values["appraiser"] not in APPRAISERS:
        errors["appraiser"].append("Hãy chọn cơ quan thẩm định trong danh sách.")
    if max_points is not None and max_points <= 0:
        errors["max_points"].append("Điểm tối đa phải lớn hơn 0.")
    if method and not errors.get("method"):
        config, problems = parse_config_text(method, values.get("config_text", ""),
                                             values.get("input_label", ""), max_points)
        if problems:
            errors["config_text"] += problems
    if errors:
        raise ItemInvalid(dict(errors))
    resolved = {"code": code, "title": values["title"], "max_points": max_points, "method": method,
                "config": config, "na_allowed": bool(values.get("na_allowed")) and kind != "adjustment",
                "appraiser": values.get("appraiser") or None, "evidence": values.get("evidence") or "",
                "note": values.get("note") or ""}
    typed = values.get("guidance") or ""
    was_auto = node is not None and (node.guidance or "") == _auto_guidance(node)
    resolved["guidance"] = _auto_guidance(resolved) if not typed or (was_auto and typed == node.guidance) else typed
    return resolved


def normalise(cset: CriteriaSet, rows: list[Criterion] | None = None) -> list[Criterion]:
    """Positions, kinds and field codes from the tree's shape (see the module docstring)."""
    db.session.flush()
    rows = set_rows(cset) if rows is None else rows
    children = children_of(rows)
    roots = children[None]
    for sequence in ([r for r in roots if r.kind != "adjustment"], [r for r in roots if r.kind == "adjustment"],
                     *(s for pid, s in children.items() if pid is not None)):
        for index, row in enumerate(sequence):
            row.position = index

    def walk(row: Criterion, field_code: str | None) -> None:
        kids = children[row.id]
        kind = normal_kind(row.kind, parent_id=row.parent_id, has_children=bool(kids))
        if kids and row.method is not None:  # a scored item that got children: now a group
            if (row.guidance or "") == _auto_guidance(row):
                row.guidance = ""
            row.method, row.config = None, {}
        row.kind, row.field_code = kind, field_code
        for child in kids:
            walk(child, field_code)
        if kids and row.max_points is None and all(k.max_points is not None for k in kids):
            row.max_points = sum((k.max_points for k in kids), Decimal(0))  # as the file readers do

    for root in roots:
        walk(root, None if root.kind == "adjustment" else root.code)
    db.session.flush()
    return rows


def add_item(cset: CriteriaSet, values: dict, *, parent: Criterion | None, after: Criterion | None,
             adjustment: bool = False, actor) -> Criterion:
    """A new node under `parent` (None = top level), right after `after` or last among its siblings."""
    rows = set_rows(cset)
    kind = "adjustment" if adjustment else ("field" if parent is None else "item")
    data = _resolve(cset, None, kind, values, rows)
    if parent is not None and not data["appraiser"]:
        data["appraiser"] = parent.appraiser  # inherited, as the file readers do
    siblings = [r for r in rows if r.parent_id == (parent.id if parent else None)
                and (r.kind == "adjustment") == (kind == "adjustment")]
    position = after.position + 1 if after is not None else len(siblings)
    for sibling in siblings:
        if sibling.position >= position:
            sibling.position += 1
    node = Criterion(set_id=cset.id, parent_id=parent.id if parent else None, kind=kind, position=position,
                     field_code=parent.field_code if parent else None, **data)
    db.session.add(node)
    db.session.flush()
    parent_before = _snapshot(parent) if parent is not None else None
    normalise(cset, rows + [node])
    _refuse_own_errors(cset, node, rows + [node])
    new = {**_snapshot(node), "parent": parent.code if parent else None, "position": node.position}
    record("criteria_item_create", "criterion", node.id, actor=actor, year_id=cset.year_id, new=new)
    if parent is not None and parent_before["method"] and parent.method is None:
        record("criteria_item_update", "criterion", parent.id, actor=actor, year_id=cset.year_id,
               old={"kind": "item", "method": parent_before["method"], "config": parent_before["config"]},
               new={"kind": parent.kind, "method": None, "config": {}})
    return node


def update_item(node: Criterion, values: dict, *, actor, migration: str | None = None) -> bool:
    """Save the edit form of a node; True when something changed.

    Raises ChangeBreaksScores when the new method, settings, maximum or N/A rule would break scores units
    have saved, unless `migration` names a confirmed repair for them (applied here, audited); raises
    ItemInvalid when the item itself would not validate (nothing is saved: the view rolls back)."""
    cset = node.criteria_set
    rows = set_rows(cset)
    data = _resolve(cset, node, node.kind, values, rows)
    if node.kind in ("item", "adjustment"):
        check_change(node, data, migration, actor=actor)
    if node.parent_id is not None and not data["appraiser"]:
        data["appraiser"] = next((r.appraiser for r in rows if r.id == node.parent_id), None)
    old = _snapshot(node)
    if data["appraiser"] != old["appraiser"]:
        _spread_appraiser(node, rows, old["appraiser"], data["appraiser"])
    for key, value in data.items():
        setattr(node, key, value)
    normalise(cset, rows)  # descendants carry the field's code; a blank group max is its children's sum
    _refuse_own_errors(cset, node, rows)
    new = _snapshot(node)
    changed = [k for k in EDITABLE if old[k] != new[k]]
    if changed:
        record("criteria_item_update", "criterion", node.id, actor=actor, year_id=cset.year_id,
               old={k: old[k] for k in changed}, new={k: new[k] for k in changed})
    return bool(changed)


def _refuse_own_errors(cset: CriteriaSet, node: Criterion, rows) -> None:
    """A scored item is never saved with a problem of its own (a level above the maximum, a maximum off
    the step…): the set's check would show "Có 1 lỗi" for what was just saved. Sums over a group are
    left to the summary, since building a tree passes through them one item at a time."""
    if node.kind not in ("item", "adjustment"):
        return
    own = [error.message for error in validate_rows(cset, rows) if error.code == node.code]
    if own:
        raise ItemInvalid({"config_text": own})


def _spread_appraiser(node: Criterion, rows, old: str | None, new: str | None) -> None:
    """Descendants that inherited the old appraiser follow the new one (as the file format inherits it)."""
    children = children_of(rows, order=None)
    stack = list(children[node.id])
    while stack:
        row = stack.pop()
        if row.appraiser == old:
            row.appraiser = new
            stack.extend(children[row.id])


def move_item(node: Criterion, *, direction: str | None = None, parent: Criterion | None = None,
              actor) -> bool:
    """Up/down among its siblings, or under another field or group (as its last child)."""
    cset = node.criteria_set
    rows = set_rows(cset)
    old_parent = next((r.code for r in rows if r.id == node.parent_id), None)
    old = {"parent": old_parent, "position": node.position}
    if parent is not None:
        node.parent_id = parent.id
        node.position = 1 + max((r.position for r in rows if r.parent_id == parent.id), default=-1)
    else:
        siblings = [r for r in rows if r.parent_id == node.parent_id
                    and (r.kind == "adjustment") == (node.kind == "adjustment")]
        index = siblings.index(node) + (-1 if direction == "up" else 1)
        if not 0 <= index < len(siblings):
            return False
        other = siblings[index]
        node.position, other.position = other.position, node.position
    normalise(cset, rows)
    new = {"parent": parent.code if parent is not None else old_parent, "position": node.position}
    record("criteria_item_move", "criterion", node.id, actor=actor, year_id=cset.year_id, old=old, new=new)
    return True


def subtree(node: Criterion, rows) -> list[Criterion]:
    """The node and everything below it, parents first."""
    return [row for row, _depth in walk([node], children_of(rows, order=None))]


def delete_item(node: Criterion, *, actor) -> None:
    """Delete a node and its subtree (the caller has checked nothing references them)."""
    cset = node.criteria_set
    rows = set_rows(cset)
    doomed = subtree(node, rows)
    old = {**_snapshot(node), "kind": node.kind, "descendants": [r.code for r in doomed[1:]]}
    record("criteria_item_delete", "criterion", node.id, actor=actor, year_id=cset.year_id, old=old)
    for row in reversed(doomed):
        db.session.delete(row)
    db.session.flush()
    db.session.expire(cset, ["criteria"])
    normalise(cset, [r for r in rows if r not in doomed])
