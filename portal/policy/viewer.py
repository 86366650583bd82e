"""Người đang xem — what a page asks about the signed-in user, answered from the role sets the ``can_*``
rules use (:mod:`portal.policy.roles`), so a template never tests a role string. Pure, standard library
only; :func:`portal.web.context.init_context` gives every template ``viewer``, a :class:`Viewer` of the
signed-in user (``{% if viewer.oversees %}``)."""
from __future__ import annotations

from dataclasses import dataclass

from portal.policy.roles import COUNCIL_ROLES, OVERSIGHT_ROLES, SUBMITTER_ROLES, UNIT_ROLES, Actor, Role


@dataclass(frozen=True)
class Viewer:
    """The questions the pages ask about who is looking, each named for what it decides on the page."""

    actor: Actor

    @property
    def role(self) -> str:
        """The role, for its label (``role_label(viewer.role)``), never for a decision."""
        return str(self.actor.role)

    @property
    def is_secretariat(self) -> bool:
        """Sở Nội vụ (the admin): runs the year, the units, the accounts and the assignments."""
        return self.actor.role == Role.ADMIN

    @property
    def is_unit(self) -> bool:
        """A unit's staff or leader: works on the unit's own file."""
        return self.actor.role in UNIT_ROLES

    @property
    def is_council(self) -> bool:
        """A member or the chair of the appraisal council."""
        return self.actor.role in COUNCIL_ROLES

    @property
    def oversees(self) -> bool:
        """The secretariat or the chair: closes a unit's appraisal rounds, records the approval
        (years.domain.can_close_round1, can_finalize_unit, can_approve_results)."""
        return self.actor.role in OVERSIGHT_ROLES

    @property
    def sees_assigned_fields_only(self) -> bool:
        """A council member (not the chair): the council's pages show only the fields assigned to them."""
        return self.actor.role in COUNCIL_ROLES and self.actor.role not in OVERSIGHT_ROLES

    @property
    def prepares_only(self) -> bool:
        """Unit staff: score and explain, but the leader locks (years.domain.can_submit_self)."""
        return self.actor.role in UNIT_ROLES and self.actor.role not in SUBMITTER_ROLES

    @property
    def deadline_audience(self) -> str:
        """Whose words the deadline banner speaks (templates/macros/deadline.html): unit, admin or council."""
        if self.is_unit:
            return "unit"
        return "admin" if self.is_secretariat else "council"
