"""Hồ sơ đơn vị — pure rules of a unit's file that the unit's side and the council's side share: who sees
what of it, in which phase (the one visibility table), the appraisal field of an item, the final appraised
entry, whether an appraised value differs from the self-score, and the fields a council member appraises
for one unit. Views, templates, the comment threads, the item histories and the reports all ask
`can_see`. No Flask, no SQLAlchemy.

The table is indexed by *moment*, not only by the year's phase: review round 1 is split, for each unit,
into ``review_1`` (the council is still scoring the unit) and ``review_1_closed`` (round 1 is over for that
unit — closed by the chair, or for every unit when the secretariat moved the year on to explanation). From
that moment the unit sees its round-1 scores, the items flagged for an explanation and its explanation
page; :func:`moment` derives it from the phase and the unit's file status.

Round-2 scores are shown under the ``final_score`` rule: the final appraised score is round 2 where it
exists (:func:`final_entry`), so whoever may see the final score may see round 2, and nobody else.
"""
from collections.abc import Mapping
from decimal import Decimal

from portal.policy.roles import UNIT_ROLES, Actor
from portal.years.domain import ROUND1_OVER

#: The phases, with review round 1 split per unit into "still open" and "closed for this unit".
MOMENTS = ("setup", "self_assessment", "review_1", "review_1_closed", "explanation", "review_2", "synthesis",
           "approval", "published", "archived")
RELATIONS = ("own_unit", "other_unit", "assigned_member", "unassigned_member", "chair", "admin", "anonymous")
OBJECTS = ("self_score", "round1_score", "internal_comment", "sent_comment", "explanation", "final_score")


def moment(phase: str, unit_status: str | None = None) -> str:
    """The moment of the visibility table for a unit's file: the phase, except that review round 1 is
    ``review_1_closed`` once round 1 is over for that unit."""
    if phase == "review_1" and unit_status in ROUND1_OVER:
        return "review_1_closed"
    return phase


def _from(start: str) -> frozenset[str]:
    """This moment and every later one."""
    return frozenset(MOMENTS[MOMENTS.index(start):])


ALL = frozenset(MOMENTS)
NEVER: frozenset[str] = frozenset()

# relation → object → the moments in which it is visible. `sent_comment` additionally needs the comment to
# have been sent to the unit (checked by can_see). Until publication a unit sees only its own file and, of
# the council's work, only what was sent to it: the comments a member sent, and its round-1 scores once
# round 1 is closed for it; never the internal comments, never round 2 before publication, never another
# unit's anything. A member sees the fields it appraises from review round 1 on; the chair and the
# secretariat see everything.
POLICY: Mapping[str, Mapping[str, frozenset[str]]] = {
    "own_unit": {
        "self_score": ALL, "round1_score": _from("review_1_closed"), "internal_comment": NEVER,
        "sent_comment": ALL, "explanation": _from("review_1_closed"), "final_score": _from("published"),
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
    if role in UNIT_ROLES:
        return "own_unit" if actor_unit_id == unit_id else "other_unit"
    if role == "council_member":
        if actor_unit_id == unit_id:
            return "unassigned_member"
        if field_code is not None and ("*" in assigned_fields or field_code in assigned_fields):
            return "assigned_member"
        return "unassigned_member"
    return "anonymous"


def can_see(rel: str, obj: str, phase: str, *, sent: bool = False, unit_status: str | None = None) -> bool:
    """The one visibility rule: may a reader standing ``rel`` to a unit's file see ``obj`` of it now?

    ``phase`` is the year's phase (or already a moment); ``unit_status`` the file's status, which turns
    review round 1 into ``review_1_closed`` for a unit whose round 1 is over. Unknown relations, objects,
    phases or moments are refused (fail closed)."""
    try:
        visible = moment(phase, unit_status) in POLICY[rel][obj]
    except (KeyError, TypeError):
        return False
    if obj == "sent_comment" and rel == "own_unit":
        return visible and sent
    return visible


# ------------------------------------------------------------------ year-wide documents and result pages

#: What each year-wide document or results page shows of *every* unit's file (every unit, every field).
#: The council report is the appraised points per field (round 2 where it exists: the final score); the
#: full score matrix also the self-scores and round 1; a unit's internal result page the honesty gap,
#: which is the self-score against the final score.
YEAR_WIDE: Mapping[str, tuple[str, ...]] = {
    "council": ("final_score",), "synthesis": ("final_score",), "annex": ("final_score",),
    "rankings_xlsx": ("final_score",), "scores_xlsx": ("self_score", "round1_score", "final_score"),
    "results": ("final_score",), "heatmap": ("final_score",), "unit_result": ("self_score", "final_score"),
}
#: How a role stands to the unit it is farthest from in a year-wide document, which shows every unit and
#: every field: a council member's own agency and the fields it does not appraise are always in it.
YEAR_WIDE_RELATION: Mapping[str, str] = {
    "admin": "admin", "council_chair": "chair", "council_member": "unassigned_member",
    "unit_staff": "other_unit", "unit_leader": "other_unit", "anonymous": "anonymous",
}


def can_see_year_wide(actor: Actor, document: str, phase: str) -> bool:
    """May this actor see a year-wide document (or results page) in ``phase``? Only when the policy table
    lets it see every object the document shows, for every unit in it: so the chair and the secretariat
    from the phase the content exists, and a council member — whose own agency is in every such document —
    only what anyone may see once the results are published. Unknown roles or documents are refused."""
    rel = YEAR_WIDE_RELATION.get(str(actor.role))
    objects = YEAR_WIDE.get(document)
    if rel is None or objects is None:
        return False
    return all(can_see(rel, obj, str(phase)) for obj in objects)


# ---------------------------------------------------------------------------------- an item and its field

#: The pseudo-field of the bonus and deduction items (điểm cộng, điểm trừ), which hang under no field:
#: the council appraises them like a field (the chair, or a member the admin assigns "ADJ").
ADJUSTMENTS = "ADJ"


def field_of(kind: str, field_code: str | None) -> str | None:
    """The appraisal field of a criterion: its field, or ADJ for a bonus/deduction item."""
    return ADJUSTMENTS if kind == "adjustment" else field_code


def final_entry(round1, round2):
    """The final appraised entry of an item: round 2 where it exists, else round 1 (None if neither)."""
    return round2 if round2 is not None else round1


def differs(self_points: Decimal | None, self_na: bool, points: Decimal | None, na: bool) -> bool:
    """The appraised value differs from the self-score (then a comment is required)."""
    if self_na != na:
        return True
    return (self_points or Decimal(0)) != (points or Decimal(0)) if not na else False


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
