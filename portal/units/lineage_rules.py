"""Đơn vị tiền thân — the pure rules of a unit's lineage across a reorganisation.

A renamed unit is the same body under a new name: it compares with its one predecessor as any unit
compares with its own previous year. A unit merged from several, split from one, formed anew or whose
predecessor is outside this portal is "không so sánh được": its pages show each predecessor's published
result side by side and never a change or an average the portal would make up.
"""
from dataclasses import dataclass

LINEAGE_KINDS = ("renamed", "merged", "split", "new", "outside")


@dataclass(frozen=True)
class Predecessor:
    """One predecessor as the rules see it: its unit id (None when outside this portal) and kind."""

    unit_id: int | None
    kind: str


def comparable(predecessors: list[Predecessor]) -> bool:
    """True only for a unit renamed from exactly one predecessor of this portal."""
    return (len(predecessors) == 1 and predecessors[0].kind == "renamed"
            and predecessors[0].unit_id is not None)


def lineage_kind(predecessors: list[Predecessor]) -> str | None:
    """The kind a unit shows: None without predecessors; "outside" only when every one is outside this
    portal; else the kind of its first predecessor of this portal."""
    if not predecessors:
        return None
    inside = [p for p in predecessors if p.unit_id is not None]
    return inside[0].kind if inside else "outside"


def check_predecessor(kind: str, *, unit_id: int, predecessor_id: int | None, outside_name: str,
                      existing: list[Predecessor]) -> str | None:
    """Why a predecessor cannot be recorded (an error code), or None when it can.

    A predecessor is either a unit of this portal or a name outside it, never both or neither; a unit is
    not listed twice, and is its own predecessor only when merged or split (it kept one predecessor's code); "outside" is the kind of outside predecessors only; a
    renamed unit has exactly one predecessor."""
    if kind not in LINEAGE_KINDS:
        return "unknown_kind"
    if (predecessor_id is None) == (not outside_name.strip()):
        return "one_source"
    if (kind == "outside") != (predecessor_id is None):
        return "outside_kind"
    if predecessor_id == unit_id and kind in ("renamed", "new"):
        return "itself"   # a merged or split unit may keep one predecessor's identity (Sở Nội vụ 2022 → 2025)
    if predecessor_id is not None and any(p.unit_id == predecessor_id for p in existing):
        return "duplicate"
    if kind == "renamed" and existing or any(p.kind == "renamed" for p in existing):
        return "renamed_alone"
    return None
