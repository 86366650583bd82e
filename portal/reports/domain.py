"""Ai được tải báo cáo nào — who may download which official report, and what a unit's appraisal result
may show. Pure: roles, phases and plain facts in, a Decision out (no Flask, no SQLAlchemy).

- The admin (Sở Nội vụ secretariat) and the council chair: every report, the XLSX and the bulk export
  (the export page is the admin's).
- A council member: the council's appraisal report only.
- A unit account: only its own unit's self-assessment report, and its own appraisal result once round 1
  is closed (explanation phase or later), showing only what the unit may see
  (portal.appraisal.domain.can_see). Another unit's report is reported as missing (404), never as
  forbidden, so unit ids cannot be probed.
"""
from dataclasses import dataclass

from portal.appraisal.domain import can_see
from portal.years.domain import ALLOWED, Decision, Phase, as_phase, phase_index, refuse

UNIT_REPORTS = ("self", "appraisal")
YEAR_REPORTS = ("council", "synthesis", "annex", "scores_xlsx")
NOT_FOUND = "not_found"  # the view answers 404 for this refusal, never 403

_ALL = frozenset(UNIT_REPORTS + YEAR_REPORTS)
_BY_ROLE = {
    "admin": _ALL,
    "council_chair": _ALL,
    "council_member": frozenset({"council"}),
    "unit_staff": frozenset(UNIT_REPORTS),
    "unit_leader": frozenset(UNIT_REPORTS),
}
_UNIT_ROLES = ("unit_staff", "unit_leader")
_RELATION = {"admin": "admin", "council_chair": "chair"}


def can_download_report(role: str, report: str, *, phase, own_unit: bool = False) -> Decision:
    """May this role download this report now? `own_unit` tells whether a per-unit report is of the
    reader's own unit (ignored for year-wide reports)."""
    if report not in _ALL:
        raise ValueError(f"unknown report {report!r}")
    allowed = _BY_ROLE.get(role, frozenset())
    if role in _UNIT_ROLES and report in UNIT_REPORTS and not own_unit:
        return Decision(False, NOT_FOUND)
    if report not in allowed:
        return refuse("role")
    if role in _UNIT_ROLES and report == "appraisal" \
            and phase_index(as_phase(phase)) < phase_index(Phase.EXPLANATION):
        return refuse("not_ready")
    return ALLOWED


def can_export_all(role: str) -> Decision:
    """The bulk export (one PDF per unit, zipped) is run from the admin's export page."""
    return ALLOWED if role == "admin" else refuse("role")


@dataclass(frozen=True)
class AppraisalColumns:
    """Which parts of a unit's appraisal result the reader may see."""

    round1: bool
    final: bool
    explanations: bool


def appraisal_columns(role: str, *, phase) -> AppraisalColumns:
    """The columns of the appraisal result for the reader: a unit sees round 1 once round 1 is closed
    and the final scores only once the results are published; the admin and the chair see everything."""
    rel = _RELATION.get(role, "own_unit" if role in _UNIT_ROLES else "anonymous")
    phase = str(as_phase(phase))
    return AppraisalColumns(round1=can_see(rel, "round1_score", phase), final=can_see(rel, "final_score", phase),
                            explanations=can_see(rel, "explanation", phase))
