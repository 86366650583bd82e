"""Tiêu chí — the nodes of a criteria tree and the per-unit state of an item.

A criteria set is a tree of `Node`s: fields (lĩnh vực) → criteria (tiêu chí) → sub-criteria (tiêu chí
thành phần), plus adjustments (điểm cộng, điểm trừ) beside it. `ItemState` is what a unit has for one
item: its points (None = chưa chấm) and whether it is "không áp dụng". `portal.scoring.tree` evaluates
them; both names are re-exported there and from `portal.scoring`.
"""
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from portal.text import N_

from .errors import ScoringInputError
from .numeric import ZERO, to_decimal

__all__ = ["KINDS", "Node", "ItemState", "iter_nodes"]

KINDS = ("field", "group", "item", "adjustment")


@dataclass(frozen=True)
class Node:
    """Tiêu chí — one node: a field, a group, a scored item or an adjustment (bonus/deduction).

    `max_points` may be None on a parent (its max is then the sum of its children's) and on an
    adjustment. `config` is the method's JSON config; it is excluded from the hash (dicts are not
    hashable) but takes part in equality.
    """

    code: str
    title: str
    max_points: Decimal | None
    method: str | None = None
    config: dict = field(default_factory=dict, hash=False)
    children: tuple["Node", ...] = ()
    na_allowed: bool = False
    field_code: str | None = None
    kind: str = "item"

    def __post_init__(self) -> None:
        if self.max_points is not None and type(self.max_points) is not Decimal:
            object.__setattr__(self, "max_points", to_decimal(self.max_points, N_("điểm tối đa")))
        if not isinstance(self.children, tuple):
            object.__setattr__(self, "children", tuple(self.children))
        if self.kind not in KINDS:
            raise ScoringInputError(
                "unknown_kind", N_("Loại mục “%(kind)s” của mục %(code)s không hợp lệ. Hãy chọn lĩnh "
                                   "vực, tiêu chí, tiêu chí thành phần hoặc điểm cộng/trừ.",
                                   kind=self.kind, code=self.code), item=self.code)

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @cached_property
    def effective_max(self) -> Decimal | None:
        """The node's maximum, or the sum of its children's when it declares none."""
        if self.max_points is not None or not self.children:
            return self.max_points
        maxima = [child.effective_max for child in self.children]
        return None if None in maxima else sum(maxima, ZERO)


def iter_nodes(nodes: Sequence[Node]):
    """Every node of the given subtrees, parents before children, in tree order."""
    for node in nodes:
        yield node
        yield from iter_nodes(node.children)


@dataclass(frozen=True)
class ItemState:
    """The state of one item for one unit: its points (None = chưa chấm) and whether it is N/A. Frozen: an
    evaluation's memo may recognise a state by its identity (portal.scoring.tree)."""

    points: Decimal | None
    not_applicable: bool = False
