"""Ai được tải báo cáo nào — who may download which official report or spreadsheet, when, and what a
unit's appraisal result may show. Pure: the Actor, phases and plain facts in, a Decision out (no Flask, no
SQLAlchemy).

- The admin (Sở Nội vụ secretariat) and the council chair: every report and spreadsheet of the year,
  each from the phase its content exists in; the bulk export (one PDF per unit, zipped) is the admin's.
- A council member: the council's appraisal report only, and only once the results are published: every
  year-wide document shows every unit's points, its own agency's and fields it does not appraise among
  them (portal.unitfile.domain.can_see_year_wide). Until then it sees its own fields on its pages.
- A unit account: only its own unit's self-assessment report, and its own appraisal result once round 1
  is closed (explanation phase or later), showing only what the unit may see
  (portal.unitfile.domain.can_see). Another unit's report is reported as missing (404), never as
  forbidden, so unit ids cannot be probed.

Refusal order: role → own unit → phase → content not there yet (results not computed, no approval).
"""
from dataclasses import dataclass

from portal.unitfile.domain import can_see, can_see_year_wide
from portal.policy.decisions import ALLOWED, Decision, refuse
from portal.policy.roles import UNIT_ROLES, Actor, Role
from portal.years.domain import PHASE_ORDER, Phase, as_phase, phase_index

UNIT_REPORTS = ("self", "appraisal")
YEAR_REPORTS = ("council", "synthesis", "annex", "scores_xlsx", "rankings_xlsx")
REPORTS = UNIT_REPORTS + YEAR_REPORTS
EXPORT_KINDS = {"unit_self": "self", "unit_appraisal": "appraisal"}  # bulk export kind → per-unit report

NOT_FOUND = "not_found"          # the view answers 404 for this refusal, never 403
NOT_COMPUTED = "not_computed"    # the synthesis needs computed results
NOT_APPROVED = "no_approval"     # the annex needs a recorded approval decision

_ALL = frozenset(REPORTS)
_BY_ROLE = {
    "admin": _ALL,
    "council_chair": _ALL,
    "council_member": frozenset({"council"}),
    "unit_staff": frozenset(UNIT_REPORTS),
    "unit_leader": frozenset(UNIT_REPORTS),
}
_RELATION = {"admin": "admin", "council_chair": "chair"}

# The first phase in which a report has content, for the secretariat and the council.
FIRST_PHASE = {
    "self": Phase.SELF_ASSESSMENT,
    "appraisal": Phase.REVIEW_1,
    "council": Phase.REVIEW_2,
    "synthesis": Phase.SYNTHESIS,
    "annex": Phase.APPROVAL,
    "scores_xlsx": Phase.SELF_ASSESSMENT,
    "rankings_xlsx": Phase.SYNTHESIS,
}
# A unit sees the council's round-1 result only once round 1 is closed.
UNIT_FIRST_PHASE = {"self": Phase.SELF_ASSESSMENT, "appraisal": Phase.EXPLANATION}


def _policy_first(actor: Actor, report: str) -> Phase | None:
    """The first phase in which the visibility policy lets this actor see a year-wide report (None: never)."""
    return next((phase for phase in PHASE_ORDER if can_see_year_wide(actor, report, str(phase))), None)


def first_phase(actor: Actor, report: str) -> Phase:
    """The phase from which the report has content for this reader: for a year-wide report, the later of
    the phase its content exists in and the phase the visibility policy lets the reader see it."""
    if actor.role in UNIT_ROLES and report in UNIT_FIRST_PHASE:
        return UNIT_FIRST_PHASE[report]
    first = FIRST_PHASE[report]
    if report in YEAR_REPORTS:
        seen = _policy_first(actor, report)
        if seen is not None and phase_index(seen) > phase_index(first):
            return seen
    return first


def _reached(phase, first: Phase) -> bool:
    return phase_index(as_phase(phase)) >= phase_index(first)


def can_download_report(actor: Actor, report: str, *, phase, own_unit: bool = False, computed: bool = False,
                        approved: bool = False, unit_status: str | None = None) -> Decision:
    """May this actor download this report now?

    `own_unit`: a per-unit report is of the reader's own unit (ignored for year-wide reports);
    `computed`: the year's results have been computed; `approved`: an approval decision is in force;
    `unit_status`: the status of that unit's file — a unit whose round 1 the chair closed early may read
    its appraisal result during review round 1 already (the same moment its pages show round 1)."""
    if report not in _ALL:
        raise ValueError(f"unknown report {report!r}")
    as_phase(phase)  # an unknown phase is a bug whoever asks
    allowed = _BY_ROLE.get(actor.role, frozenset())
    if actor.role in UNIT_ROLES and report in UNIT_REPORTS and not own_unit:
        return Decision(False, NOT_FOUND)
    if report not in allowed or (report in YEAR_REPORTS and _policy_first(actor, report) is None):
        return refuse("role")
    if not _reached(phase, first_phase(actor, report)) and not _round1_closed_early(actor, report, phase,
                                                                                   unit_status):
        return refuse("wrong_phase")
    if report in ("synthesis", "rankings_xlsx") and not computed:
        return Decision(False, NOT_COMPUTED)
    if report == "annex" and not approved:
        return Decision(False, NOT_APPROVED)
    return ALLOWED


def _round1_closed_early(actor: Actor, report: str, phase, unit_status: str | None) -> bool:
    return (actor.role in UNIT_ROLES and report == "appraisal" and unit_status is not None
            and can_see("own_unit", "round1_score", str(as_phase(phase)), unit_status=unit_status))


def can_export_all(actor: Actor, kind: str, *, phase) -> Decision:
    """The bulk export (one PDF per unit, zipped) is run from the admin's reports page, once the
    per-unit report it bundles has content."""
    if kind not in EXPORT_KINDS:
        raise ValueError(f"unknown export kind {kind!r}")
    if actor.role != Role.ADMIN:
        return refuse("role")
    return can_download_report(actor, EXPORT_KINDS[kind], phase=phase)


def can_edit_report_settings(actor: Actor) -> Decision:
    """The names printed on the reports (agency, signer, number suffixes) are the secretariat's."""
    return ALLOWED if actor.role == Role.ADMIN else refuse("role")


@dataclass(frozen=True)
class AppraisalColumns:
    """Which parts of a unit's appraisal result the reader may see."""

    round1: bool
    final: bool
    explanations: bool


def appraisal_columns(actor: Actor, *, phase, unit_status: str | None = None) -> AppraisalColumns:
    """The columns of the appraisal result for the reader: a unit sees round 1 once its round 1 is closed
    (`unit_status`) and the final scores only once the results are published; the admin and the chair see
    everything."""
    rel = _RELATION.get(actor.role, "own_unit" if actor.role in UNIT_ROLES else "anonymous")
    phase = str(as_phase(phase))
    return AppraisalColumns(round1=can_see(rel, "round1_score", phase, unit_status=unit_status),
                            final=can_see(rel, "final_score", phase, unit_status=unit_status),
                            explanations=can_see(rel, "explanation", phase, unit_status=unit_status))
