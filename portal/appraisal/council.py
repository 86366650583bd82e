"""Phân công Hội đồng thẩm định — use cases of the council's assignments: the admin's grid of members ×
fields (the default mapping of the domain brief §4, editable), the conflicts of interest (a member's own
agency is itself an assessed unit: the member never appraises it, and the admin gives those fields to
someone else) and the reassignments of one unit's field. Every change is audited in the caller's
transaction; the view commits once."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from portal.appraisal.domain import (
    assign_choices,
    assignment_rows,
    assignment_value,
    field_appraisers,
    needs_reassignment,
)
from portal.appraisal.models import AppraisalOverride, CouncilAssignment
from portal.appraisal.rounds import council_fields
from portal.assessments.models import Assessment
from portal.audit.services import record
from portal.auth.models import User
from portal.criteria.models import CriteriaSet, Criterion
from portal.extensions import db
from portal.text import fold_key
from portal.unitfile.domain import ADJUSTMENTS
from portal.units.models import Unit
from portal.units.types import type_codes
from portal.policy.actors import actor_for
from portal.policy.refusals import Refused, check, refusal_message
from portal.policy.decisions import refuse
from portal.policy.roles import COUNCIL_ROLES, Role
from portal.years.domain import can_manage_year


class AssignmentError(ValueError):
    """``code``: not_member (the account is not an active council member), unknown_field, bad_value (not
    one of the grid's choices), not_assessed (the unit has no file this year)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def members(*, with_chair: bool = False) -> list[User]:
    """Active council accounts, by name."""
    roles = sorted(COUNCIL_ROLES) if with_chair else [Role.COUNCIL_MEMBER]
    users = list(db.session.scalars(select(User).where(User.role.in_(roles), User.active.is_(True))))
    users.sort(key=lambda u: (u.role != "council_chair", fold_key(u.full_name)))
    return users


def year_fields(year) -> list[tuple[str, str]]:
    """(code, title) of the fields the council appraises this year, across the year's criteria sets."""
    criteria = list(db.session.scalars(select(Criterion).join(CriteriaSet, CriteriaSet.id == Criterion.set_id)
                                       .where(CriteriaSet.year_id == year.id)))
    by_set = defaultdict(list)
    for crit in criteria:
        by_set[crit.set_id].append(crit)
    codes: list[str] = []
    for crits in by_set.values():
        for code in council_fields(crits):
            if code not in codes:
                codes.append(code)
    titles = {c.code: c.title for c in criteria if c.kind == "field"}
    titles[ADJUSTMENTS] = "Điểm cộng, điểm trừ"
    plain = sorted((c for c in codes if c != ADJUSTMENTS), key=lambda c: (len(c), c))
    return [(code, titles.get(code, code)) for code in plain + ([ADJUSTMENTS] if ADJUSTMENTS in codes else [])]


# ------------------------------------------------------------------------------------------------ grid


def grid(year) -> dict[tuple[int, str], str]:
    """{(user_id, field): "" | "all" | a type code} of the year's assignments."""
    kinds = defaultdict(set)
    for row in db.session.scalars(select(CouncilAssignment).where(CouncilAssignment.year_id == year.id)):
        kinds[(row.user_id, row.field_code)].add(row.unit_type)
    codes = type_codes(year)
    return {key: assignment_value(value, codes) for key, value in kinds.items()}


def save_grid(year, values: dict[tuple[int, str], str], *, user, now) -> int:
    """Store the admin's grid: for each (member, field) given, exactly the rows its value means. One audit
    row per member whose assignments changed (old → new). Returns the number of members changed."""
    check(can_manage_year(actor_for(user, year)))
    current = grid(year)
    allowed = {m.id for m in members()}
    codes = {code for code, _title in year_fields(year)}
    changed = defaultdict(lambda: ({}, {}))
    for (user_id, code), value in values.items():
        if user_id not in allowed:
            raise AssignmentError("not_member")
        if code not in codes:
            raise AssignmentError("unknown_field")
        if value not in assign_choices(type_codes(year)):
            raise AssignmentError("bad_value")
        old = current.get((user_id, code), "")
        if old == value:
            continue
        db.session.execute(delete(CouncilAssignment).where(
            CouncilAssignment.year_id == year.id, CouncilAssignment.user_id == user_id,
            CouncilAssignment.field_code == code))
        for kind in assignment_rows(value, type_codes(year)):
            db.session.add(CouncilAssignment(year_id=year.id, user_id=user_id, field_code=code, unit_type=kind))
        changed[user_id][0][code] = old
        changed[user_id][1][code] = value
    db.session.flush()
    for user_id, (old, new) in sorted(changed.items()):
        record("council_assign", "user", user_id, actor=user, year_id=year.id, old=old, new=new)
    return len(changed)


# ------------------------------------------------------------------------------------------- conflicts


@dataclass
class FieldConflict:
    """A field of a unit that nobody may appraise as assigned (the conflict rule)."""

    unit: Unit
    unit_name: str
    field_code: str
    conflicted: list[User]             # members assigned to it who belong to the unit itself
    candidates: list[User]             # who may take it (not of the unit's agency)


@dataclass
class Reassignment:
    row: AppraisalOverride
    unit_name: str
    member: User
    conflict: bool                     # (defensive) the member belongs to the unit: never allowed to stay


def _assessed_units(year) -> list[tuple[Unit, str, set[str]]]:
    """Each unit with a file this year, its type that year and the fields the council appraises for it."""
    pairs = db.session.execute(select(Unit, Assessment.unit_type, Assessment.criteria_set_id).join(
        Assessment, Assessment.unit_id == Unit.id).where(Assessment.year_id == year.id)
        .options(selectinload(Unit.names))).all()
    set_fields = {}
    for set_id in {s for _u, _k, s in pairs}:
        set_fields[set_id] = set(council_fields(list(db.session.scalars(
            select(Criterion).where(Criterion.set_id == set_id)))))
    units = [(unit, kind, set_fields[set_id]) for unit, kind, set_id in pairs]
    units.sort(key=lambda p: fold_key(p[0].name_in(year.id)))
    return units


@dataclass
class FieldAppraisers:
    """Who appraises one council field of one unit, as the grid and the reassignments make it."""
    field_code: str
    applies: bool                 # the unit's criteria set has this council field
    eligible: list                # member ids who appraise it
    conflicted: list              # member ids the conflict rule keeps from it (the unit's own agency)
    reassigned: bool = False
    conflict: bool = False        # must be given to another member


def field_appraisers_by_unit(year):
    """(the council, [(unit, its type, [FieldAppraisers per council field of the year])]) for every unit with a
    file this year, by name — the one walk behind the conflicts list and the assignments by unit."""
    council = members(with_chair=True)
    by_id = {u.id: u for u in council}
    agency = {u.id: u.unit_id for u in council}
    chair_units = {u.unit_id for u in council if u.role == "council_chair"}
    rows = [(r.user_id, r.field_code, r.unit_type) for r in db.session.scalars(
        select(CouncilAssignment).where(CouncilAssignment.year_id == year.id)) if r.user_id in by_id]
    overrides = defaultdict(dict)
    for o in db.session.scalars(select(AppraisalOverride).where(AppraisalOverride.year_id == year.id)):
        overrides[o.unit_id][o.field_code] = o.user_id
    codes = [code for code, _title in year_fields(year)]    # once, not once per unit
    out = []
    for unit, kind, fields in _assessed_units(year):
        cells = []
        for code in codes:
            if code not in fields:
                cells.append(FieldAppraisers(code, False, [], []))
                continue
            eligible, conflicted = field_appraisers(rows, overrides[unit.id], field_code=code, unit_id=unit.id,
                                                    unit_type=kind, agency=agency)
            cells.append(FieldAppraisers(code, True, list(eligible), list(conflicted),
                                         reassigned=code in overrides[unit.id],
                                         conflict=needs_reassignment(eligible, conflicted,
                                                                     chair_is_own_agency=unit.id in chair_units)))
        out.append((unit, kind, cells))
    return council, out


def conflicts(year) -> list[FieldConflict]:
    """Every (unit, field) whose assigned members all belong to that unit (or with nobody assigned while
    the chair belongs to it): the admin gives each to another member."""
    council, units = field_appraisers_by_unit(year)
    by_id = {u.id: u for u in council}
    return [FieldConflict(unit, unit.name_in(year.id), cell.field_code, [by_id[m] for m in cell.conflicted],
                          [u for u in council if u.unit_id != unit.id and u.role == "council_member"])
            for unit, _kind, cells in units for cell in cells if cell.conflict]


def reassignments(year) -> list[Reassignment]:
    rows = list(db.session.scalars(select(AppraisalOverride).where(AppraisalOverride.year_id == year.id)))
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_({r.user_id for r in rows})))}
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_({r.unit_id for r in rows})))}
    out = [Reassignment(r, units[r.unit_id].name_in(year.id), users[r.user_id], users[r.user_id].unit_id == r.unit_id)
           for r in rows]
    out.sort(key=lambda r: (fold_key(r.unit_name), r.row.field_code))
    return out


def reassign(year, unit: Unit, field_code: str, member: User, *, user, now) -> AppraisalOverride:
    """Give one unit's field to ``member`` (replacing whoever was assigned it for that unit)."""
    check(can_manage_year(actor_for(user, year)))
    if member.role != "council_member" or not member.active:
        raise AssignmentError("not_member")
    if member.unit_id == unit.id:
        raise Refused(refuse("own_agency"), refusal_message(refuse("own_agency")))
    if field_code not in {code for code, _t in year_fields(year)}:
        raise AssignmentError("unknown_field")
    if db.session.scalar(select(Assessment.id).where(Assessment.year_id == year.id,
                                                     Assessment.unit_id == unit.id)) is None:
        raise AssignmentError("not_assessed")
    row = db.session.scalar(select(AppraisalOverride).where(
        AppraisalOverride.year_id == year.id, AppraisalOverride.unit_id == unit.id,
        AppraisalOverride.field_code == field_code))
    old = {"field": field_code, "user_id": row.user_id} if row else None
    if row is None:
        row = AppraisalOverride(year_id=year.id, unit_id=unit.id, field_code=field_code, user_id=member.id)
        db.session.add(row)
    row.user_id = member.id
    db.session.flush()
    record("appraisal_reassign", "appraisal_override", row.id, actor=user, unit_id=unit.id, year_id=year.id,
           old=old, new={"field": field_code, "user_id": member.id})
    return row


def remove_reassignment(year, row: AppraisalOverride, *, user, now) -> None:
    """Back to the grid's assignment for that unit's field."""
    check(can_manage_year(actor_for(user, year)))
    record("appraisal_reassign_remove", "appraisal_override", row.id, actor=user, unit_id=row.unit_id,
           year_id=year.id, old={"field": row.field_code, "user_id": row.user_id})
    db.session.delete(row)
    db.session.flush()
