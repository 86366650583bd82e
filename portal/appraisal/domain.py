"""Thẩm định — pure rules of the appraisal council: who sees what of a unit's file, in which phase, and
the final appraised score of an item. One policy table decides visibility; views, templates and the
comment threads all ask `can_see`. No Flask, no SQLAlchemy."""
from collections.abc import Mapping
from decimal import Decimal

PHASES = ("setup", "self_assessment", "review_1", "explanation", "review_2", "synthesis", "approval",
          "published", "archived")
RELATIONS = ("own_unit", "other_unit", "assigned_member", "unassigned_member", "chair", "admin", "anonymous")
OBJECTS = ("self_score", "round1_score", "internal_comment", "sent_comment", "explanation", "final_score")


def _from(phase: str) -> frozenset[str]:
    """This phase and every later one."""
    return frozenset(PHASES[PHASES.index(phase):])


ALL = frozenset(PHASES)
NEVER: frozenset[str] = frozenset()

# relation → object → the phases in which it is visible. `sent_comment` additionally needs the comment to
# have been sent to the unit (checked by can_see). Until publication a unit sees only its own file and of
# the council's work only what was sent to it: round-1 scores once round 1 is closed (explanation phase),
# never the internal comments, never another unit's anything.
POLICY: Mapping[str, Mapping[str, frozenset[str]]] = {
    "own_unit": {
        "self_score": ALL, "round1_score": _from("explanation"), "internal_comment": NEVER,
        "sent_comment": ALL, "explanation": _from("explanation"), "final_score": _from("published"),
    },
    "other_unit": {
        "self_score": NEVER, "round1_score": NEVER, "internal_comment": NEVER, "sent_comment": NEVER,
        "explanation": NEVER, "final_score": _from("published"),
    },
    "assigned_member": {
        "self_score": _from("review_1"), "round1_score": _from("review_1"), "internal_comment": _from("review_1"),
        "sent_comment": _from("review_1"), "explanation": _from("explanation"), "final_score": _from("review_2"),
    },
    "unassigned_member": {
        "self_score": NEVER, "round1_score": NEVER, "internal_comment": NEVER, "sent_comment": NEVER,
        "explanation": NEVER, "final_score": _from("published"),
    },
    "chair": {obj: ALL for obj in OBJECTS},
    "admin": {obj: ALL for obj in OBJECTS},
    "anonymous": {
        "self_score": NEVER, "round1_score": NEVER, "internal_comment": NEVER, "sent_comment": NEVER,
        "explanation": NEVER, "final_score": _from("published"),
    },
}


def relation(*, role: str, actor_unit_id, unit_id, field_code: str | None, assigned_fields) -> str:
    """How a person stands to one field of one unit's file. A council member's own agency counts as
    unassigned for appraisal (the conflict rule) but as its own unit for its own file only when it is a
    unit account; council accounts never act as the unit."""
    if role == "anonymous":
        return "anonymous"
    if role == "admin":
        return "admin"
    if role == "council_chair":
        return "chair"
    if role in ("unit_staff", "unit_leader"):
        return "own_unit" if actor_unit_id == unit_id else "other_unit"
    if role == "council_member":
        if actor_unit_id == unit_id:
            return "unassigned_member"
        if field_code is not None and ("*" in assigned_fields or field_code in assigned_fields):
            return "assigned_member"
        return "unassigned_member"
    return "anonymous"


def can_see(rel: str, obj: str, phase: str, *, sent: bool = False) -> bool:
    """The one visibility rule. Unknown relations, objects or phases are refused (fail closed)."""
    try:
        visible = phase in POLICY[rel][obj]
    except KeyError:
        return False
    if obj == "sent_comment" and rel == "own_unit":
        return visible and sent
    return visible


def final_entry(round1, round2):
    """The final appraised entry of an item: round 2 where it exists, else round 1 (None if neither)."""
    return round2 if round2 is not None else round1


def differs(self_points: Decimal | None, self_na: bool, points: Decimal | None, na: bool) -> bool:
    """The appraised value differs from the self-score (then a comment is required)."""
    if self_na != na:
        return True
    return (self_points or Decimal(0)) != (points or Decimal(0)) if not na else False


def field_status(*, appraised: int, total: int, done: bool) -> str:
    """chua (chưa thẩm định), dang (đang thẩm định) or xong (đã xong) for one field of one unit."""
    if done:
        return "xong"
    return "dang" if appraised else "chua"


def member_fields(assignments, overrides: Mapping[str, object], *, user_id, unit_type: str) -> frozenset[str]:
    """The fields a member appraises for one unit: its (field, unit_type) assignments that fit the unit's
    type (None = both types), plus this unit's fields the admin reassigned to it, minus those reassigned to
    someone else (`overrides`: field → user id for this unit)."""
    mine = {code for code, kind in assignments if kind is None or kind == unit_type}
    for code, owner in overrides.items():
        if owner == user_id:
            mine.add(code)
        else:
            mine.discard(code)
    return frozenset(mine)
