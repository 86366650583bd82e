"""Ý kiến — who stands how to a thread, and who may write in it. Nothing here decides: the relation is
`portal.unitfile.domain.relation`, visibility is `portal.unitfile.domain.can_see`, writing is
`portal.years.domain.can_appraise` (the council) or `can_explain` (the unit). This module only gathers
their inputs from the database (the member's effective fields, the phase window, the unit's deadline).

A comment is one of the policy's objects: a council comment not yet sent is an ``internal_comment``; a
council comment sent to the unit and a unit's reply are a ``sent_comment`` with ``sent=True``.
"""
from __future__ import annotations

from datetime import datetime

from portal.policy.decisions import Decision, refuse
from portal.policy.roles import COUNCIL_ROLES, UNIT_ROLES, Actor
from portal.years import domain as rules
from portal.policy.actors import actor_for
from portal.unitfile.domain import can_see, field_of, relation
from portal.unitfile.readers import effective_fields
from portal.years.windows import unit_window

COUNCIL_SIDE = frozenset({"assigned_member", "chair", "admin"})  # relations that read the council's view


def role_of(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return "anonymous"
    return user.role


def member_fields(user, assessment) -> frozenset[str]:
    """The fields a council member appraises for this unit (none for its own agency's unit)."""
    if role_of(user) != "council_member" or user.unit_id == assessment.unit_id:
        return frozenset()
    return effective_fields(assessment.year_id, user.id, assessment.unit_id, assessment.unit_type)


def item_field(criterion) -> str | None:
    """The appraisal field an item's thread belongs to (ADJ for a bonus or deduction item)."""
    return field_of(criterion.kind, criterion.field_code)


def relation_for(user, assessment, field_code: str | None, fields: frozenset[str] | None = None) -> str:
    """How ``user`` stands to this field of this unit's file (own_unit, assigned_member, …)."""
    if fields is None:
        fields = member_fields(user, assessment)
    return relation(role=role_of(user), actor_unit_id=getattr(user, "unit_id", None),
                    unit_id=assessment.unit_id, field_code=field_code, assigned_fields=fields)


def policy_object(visibility: str) -> tuple[str, bool]:
    """The policy object of a comment with this visibility, and whether it counts as sent."""
    return ("sent_comment", True) if visibility == "unit" else ("internal_comment", False)


def visible(rel: str, visibility: str, phase: str) -> bool:
    obj, sent = policy_object(visibility)
    return can_see(rel, obj, phase, sent=sent)


def may_see_thread(rel: str, phase: str) -> bool:
    """Whether the thread is open to this relation at all (something in it could be shown)."""
    return can_see(rel, "internal_comment", phase) or can_see(rel, "sent_comment", phase, sent=True)


def council_side(rel: str) -> bool:
    """Readers who see the council's view of a thread (names, "seen by the unit", resolved state)."""
    return rel in COUNCIL_SIDE


def council_actor(user, assessment) -> Actor:
    """The domain actor of a council account with its effective fields for this unit."""
    return Actor(user.role, user_id=user.id, agency_unit_id=user.unit_id,
                       assigned_fields=member_fields(user, assessment))


def comment_decision(user, assessment, criterion, *, year, now: datetime) -> Decision:
    """May ``user`` write, send or resolve a council comment on this item now? (`can_appraise`)"""
    role = role_of(user)
    if role not in COUNCIL_ROLES:
        return refuse("role")
    phase = year.phase
    window, deadline = unit_window(year, assessment.unit_id, phase)
    return rules.can_appraise(council_actor(user, assessment), unit_id=assessment.unit_id, field_code=item_field(criterion) or "",
                              round=rules.scored_round(phase) or 1, phase=phase, unit_status=assessment.status,
                              window=window, deadline=deadline, now=now)


def reply_decision(user, assessment, *, year, now: datetime) -> Decision:
    """May ``user`` reply for the unit now? The unit replies during explanation only (`can_explain`)."""
    if role_of(user) not in UNIT_ROLES:
        return refuse("role")
    window, deadline = unit_window(year, assessment.unit_id, "explanation")
    return rules.can_explain(actor_for(user, year), unit_id=assessment.unit_id, phase=year.phase,
                             status=assessment.status, window=window, deadline=deadline, now=now)
