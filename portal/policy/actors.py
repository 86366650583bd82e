"""Ai đang thao tác — the :class:`~portal.policy.roles.Actor` of the signed-in user, as every ``can_*`` rule
takes it: unit staff and leaders with their unit, council members with their own agency and the fields
assigned to them in a year."""
from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.policy.roles import COUNCIL_ROLES, UNIT_ROLES, Actor


def actor_for(user, year=None, *, unit_type: str | None = None) -> Actor:
    """The domain :class:`Actor` of a logged-in user (anonymous if ``user`` is None or not logged in).

    Unit staff and leaders get their unit; council members their own agency (the conflict rule) and, when
    ``year`` is given, the fields assigned to them that year (for ``unit_type`` if given, else all)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Actor("anonymous")
    role = user.role
    if role in UNIT_ROLES:
        return Actor(role, user_id=user.id, unit_id=user.unit_id)
    if role in COUNCIL_ROLES:
        return Actor(role, user_id=user.id, agency_unit_id=user.unit_id,
                     assigned_fields=_assigned_fields(user.id, year, unit_type))
    return Actor(role, user_id=user.id)


def _assigned_fields(user_id: int, year, unit_type: str | None) -> frozenset[str]:
    if year is None:
        return frozenset()
    from portal.appraisal.models import CouncilAssignment  # appraisal owns the assignments and imports policy
    stmt = select(CouncilAssignment.field_code, CouncilAssignment.unit_type).where(
        CouncilAssignment.year_id == year.id, CouncilAssignment.user_id == user_id)
    return frozenset(code for code, kind in db.session.execute(stmt)
                     if unit_type is None or kind is None or kind == unit_type)
