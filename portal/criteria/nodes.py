"""Criteria rows → the scoring engine's tree (portal.scoring.Node): fields with their subtrees, and the
adjustments (bonus/deduction) beside them."""
from collections import defaultdict

from portal.scoring import Node


def build_nodes(criteria) -> tuple[list[Node], list[Node]]:
    """(fields, adjustments) from a set's Criterion rows, children in position order."""
    children = defaultdict(list)
    for crit in criteria:
        children[crit.parent_id].append(crit)
    for siblings in children.values():
        siblings.sort(key=lambda c: (c.position, c.id))

    def make(crit) -> Node:
        return Node(code=crit.code, title=crit.title, max_points=crit.max_points, method=crit.method,
                    config=dict(crit.config or {}), children=tuple(make(k) for k in children[crit.id]),
                    na_allowed=crit.na_allowed, field_code=crit.field_code, kind=crit.kind)

    roots = children[None]
    return ([make(c) for c in roots if c.kind != "adjustment"],
            [make(c) for c in roots if c.kind == "adjustment"])
