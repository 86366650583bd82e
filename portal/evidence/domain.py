"""Tài liệu kiểm chứng — who may see, download, add and change a unit's evidence, and when. Pure.

Rules (the views enforce them; templates only show or hide controls):

* ``can_view_library``: unit staff and leader of *that* unit; the admin; the chair for any unit from
  review round 1 on (``review_1`` and every later phase). A council member never opens a whole library.
* ``can_download``: the same people, and a council member from review round 1 on for a file of a document
  that backs an item of a field it appraises for that unit (its assignments with the admin's per-unit
  reassignments), never its own agency's. Anonymous never; another unit never. A refused object
  (document, file) is answered with 404 by the views, so another unit's id is indistinguishable from a
  missing one.
* ``can_upload`` (create, edit, delete a document; add, replace, delete a file; attach to an item):
  unit staff and leader of that unit while the unit may edit — during self-assessment exactly when
  :func:`portal.years.domain.can_edit_self_score` allows, during explanation exactly when
  :func:`portal.years.domain.can_explain` allows (phase window, per-unit deadline, unit status).

Every predicate returns a :class:`portal.policy.decisions.Decision` whose refusal code has a message in
``REASON_MESSAGES``. Also here: the evidence stage of a phase, dates typed as dd/mm/yyyy, the
"outside the assessed year" flag, and the quota rule.
"""
from __future__ import annotations

import re
from datetime import date, datetime

from portal.policy.decisions import ALLOWED, Decision, refuse
from portal.policy.roles import ALL_FIELDS, COUNCIL_ROLES, UNIT_ROLES, Actor, Role
from portal.years.domain import (
    Phase,
    UnitDeadline,
    Window,
    as_phase,
    can_edit_self_score,
    can_explain,
    phase_index,
)

#: ItemEvidence.stage: attached at self-assessment, or added as "files bổ sung" while explaining.
STAGES = ("self", "explanation")
_STAGE_OF_PHASE = {Phase.SELF_ASSESSMENT: "self", Phase.EXPLANATION: "explanation"}


def _see(actor: Actor, unit_id: object, phase) -> Decision:
    phase = as_phase(phase)  # an unknown phase is a bug whoever asks
    if actor.role == Role.ADMIN:
        return ALLOWED
    if actor.role in COUNCIL_ROLES:
        if phase_index(phase) < phase_index(Phase.REVIEW_1):
            return refuse("wrong_phase")
        return ALLOWED if actor.role == Role.COUNCIL_CHAIR else refuse("evidence_by_item")
    if actor.role not in UNIT_ROLES:
        return refuse("role")
    if actor.unit_id is None or unit_id is None or actor.unit_id != unit_id:
        return refuse("not_own_unit")
    return ALLOWED


def can_view_library(actor: Actor, *, unit_id: object, phase: str | Phase) -> Decision:
    """See a unit's evidence library of a year in ``phase`` (documents, files, backed items)."""
    return _see(actor, unit_id, phase)


def can_download(actor: Actor, *, unit_id: object, phase: str | Phase, backed_fields=frozenset()) -> Decision:
    """Download or view a file (any version) of a unit's document: the same people as the library, and a
    council member for a document backing an item of a field it appraises for that unit.

    ``backed_fields``: the fields of the items the document backs (ADJ for a bonus or deduction item);
    a member's ``actor.assigned_fields`` are its fields *for that unit* (with reassignments)."""
    decision = _see(actor, unit_id, phase)
    if decision or actor.role != Role.COUNCIL_MEMBER or decision.reason == "wrong_phase":
        return decision
    if actor.agency_unit_id is not None and actor.agency_unit_id == unit_id:
        return refuse("own_agency")
    if ALL_FIELDS in actor.assigned_fields or actor.assigned_fields & frozenset(backed_fields):
        return ALLOWED
    return refuse("not_assigned")


def can_upload(
    actor: Actor, *, unit_id: object, phase: str | Phase, status: str, window: Window,
    deadline: UnitDeadline | None, now: datetime,
) -> Decision:
    """Create, edit or delete documents and files, or attach them to items, for one's own unit."""
    phase = as_phase(phase)
    args = dict(unit_id=unit_id, phase=phase, status=status, window=window, deadline=deadline, now=now)
    if phase == Phase.SELF_ASSESSMENT:
        return can_edit_self_score(actor, **args)
    if phase == Phase.EXPLANATION:
        return can_explain(actor, **args)
    if actor.role not in UNIT_ROLES:  # same precedence as the years rules: role → own unit → phase
        return refuse("role")
    if actor.unit_id is None or unit_id is None or actor.unit_id != unit_id:
        return refuse("not_own_unit")
    return refuse("wrong_phase")


def stage_for_phase(phase: str | Phase) -> str | None:
    """The ItemEvidence stage that attaching creates in ``phase`` (None: attaching is closed)."""
    return _STAGE_OF_PHASE.get(as_phase(phase))


# ---------------------------------------------------------------------------------- dates and quota

_DATE = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")


def parse_vn_date(text: str | None) -> date | None:
    """'05/03/2022', '5/3/2022', '05-03-2022', '05.03.2022' (day first) or ISO '2022-03-05' → date.

    Blank → None. Anything else raises ``ValueError`` (the form shows "dd/mm/yyyy").
    """
    if text is None or not text.strip():
        return None
    match = _DATE.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return date(year, month, day)  # 31/02/2022 raises ValueError
    match = _ISO.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        return date(year, month, day)
    raise ValueError(f"not a dd/mm/yyyy date: {text!r}")


def outside_year(issued_on: date | None, year: int) -> bool:
    """Flag "ngoài năm đánh giá": the document was issued in another calendar year (allowed)."""
    return issued_on is not None and issued_on.year != year


def quota_allows(used: int, size: int, quota: int | None) -> bool:
    """Whether a file of ``size`` bytes fits when ``used`` bytes are live; no quota → always."""
    if size < 0 or used < 0:
        raise ValueError("sizes are never negative")
    return quota is None or used + size <= quota


def human_size(size: int, decimal_sep: str = ",") -> str:
    """1536 → '1,5 kB', 20971520 → '20 MB' (binary multiples, one decimal, decimal comma by default)."""
    value, unit = float(size), "B"
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            break
        value /= 1024
    text = f"{value:.1f}".rstrip("0").rstrip(".") if unit != "B" else str(size)
    return f"{text.replace('.', decimal_sep)} {unit}"
