"""Who asks — the roles of the portal and the :class:`Actor` every ``can_*`` rule takes. Pure, standard
library only.

The role sets are declared here once: :data:`UNIT_ROLES` (a unit's staff and leader),
:data:`COUNCIL_ROLES` (the appraisal council's members and chair), :data:`OVERSIGHT_ROLES` (the secretariat
and the chair) and :data:`SUBMITTER_ROLES` (the unit's leader). Each area's ``can_*`` rules live in its
own ``domain.py`` and take an :class:`Actor`; :func:`portal.policy.actors.actor_for` builds one for the
signed-in user.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Role(enum.StrEnum):
    ADMIN = "admin"  # Sở Nội vụ secretariat (Tổ giúp việc)
    UNIT_STAFF = "unit_staff"  # chuyên viên của đơn vị được đánh giá
    UNIT_LEADER = "unit_leader"  # lãnh đạo đơn vị: chốt điểm, chốt giải trình
    COUNCIL_MEMBER = "council_member"  # thành viên Hội đồng thẩm định
    COUNCIL_CHAIR = "council_chair"  # Chủ tịch Hội đồng thẩm định
    ANONYMOUS = "anonymous"


#: The roles an account can have (every role but anonymous), in this order on the account forms.
ROLES: tuple[str, ...] = tuple(str(role) for role in Role if role != Role.ANONYMOUS)
UNIT_ROLES = frozenset({Role.UNIT_STAFF, Role.UNIT_LEADER})
COUNCIL_ROLES = frozenset({Role.COUNCIL_MEMBER, Role.COUNCIL_CHAIR})
#: The secretariat and the council's chair: every unit and field in sight, they close a unit's appraisal
#: rounds and record the approval of the results.
OVERSIGHT_ROLES = frozenset({Role.ADMIN, Role.COUNCIL_CHAIR})
#: Who locks (chốt) a unit's self-assessment and its explanation: the unit's leader; the staff prepare.
SUBMITTER_ROLES = frozenset({Role.UNIT_LEADER})

#: In ``Actor.assigned_fields``: assigned to every field. The chair appraises every field anyway.
ALL_FIELDS = "*"


@dataclass(frozen=True)
class Actor:
    """The person asking: a role plus the units and fields that role is tied to.

    ``unit_id`` is the unit a unit_staff/unit_leader belongs to; ``agency_unit_id`` is a council
    member's own agency, itself an assessed unit (conflict rule, brief §4).
    """

    role: str
    user_id: object = None
    unit_id: object = None
    agency_unit_id: object = None
    assigned_fields: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        object.__setattr__(self, "role", Role(self.role))  # unknown role: ValueError
        if isinstance(self.assigned_fields, str):
            raise TypeError("assigned_fields must be a collection of field codes, not a string")
        object.__setattr__(self, "assigned_fields", frozenset(self.assigned_fields))
