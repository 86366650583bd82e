"""Kết quả — pure rules of the results pages: who sees which result, when an approval is in force, and
the three readings of a unit's result besides its index:

- "where your points went" (điểm bị mất ở đâu): the items with the largest gap to their maximum, in
  the order of the points they would add;
- the honesty gap (chênh lệch tự chấm – thẩm định) per field: self-score points − final appraised points;
  positive means the unit claimed more than the council granted;
- the change against the previous year (index difference, places gained).

It also reads the year's settings screen (bands, tie-breakers, rewards, policy without a survey) into a
portal.scoring.YearSettings, and says when the results are out of date (INPUT_ACTIONS).

No Flask, no SQLAlchemy. The index, band and rank themselves come only from portal.scoring.
"""
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from portal.unitfile.domain import can_see_year_wide
from portal.scoring import Band, ScoringInputError, YearSettings, format_vi, parse_decimal, validate_bands
from portal.scoring.settings import NO_SURVEY_POLICIES
from portal.policy.decisions import ALLOWED, Decision, refuse
from portal.policy.roles import COUNCIL_ROLES, OVERSIGHT_ROLES, UNIT_ROLES, Actor, Role
from portal.years.domain import Phase, can_view_results, phase_index

GAP_LIMIT = 10

# What the results are computed from: audit rows of these objects or actions after the last computation
# mean the stored results are out of date (results_stale). Locking a set or reading a page changes nothing.
INPUT_OBJECTS = ("score_entry", "criterion")
INPUT_ACTIONS = ("survey_import", "survey_score_edit", "results_settings_update", "criteria_set_update",
                 "criteria_set_import", "demo_fill")


def approval_in_force(*, has_current_approval: bool, phase) -> bool:
    """Whether the year's results count as approved for the `approved` flag of the years domain.

    A recorded, not superseded approval counts while the year is in approval or later. A year moved back
    to synthesis (with a reason, on the year page) reopens its results: they may be recomputed, and the
    recomputation supersedes the old decision, so publishing again needs a new one.
    """
    return has_current_approval and phase_index(phase) >= phase_index(Phase.APPROVAL)


def can_view_year_results(actor: Actor, *, page: str, phase, published: bool) -> Decision:
    """The year's results pages (``page``: "results" — the ranking tables and charts —, "heatmap"): when
    the results may be seen at all (can_view_results) and the visibility policy lets the role see every
    unit's final points (can_see_year_wide): the admin and the chair from synthesis, a council member and
    everyone else only once published."""
    decision = can_view_results(actor, phase=phase, published=published)
    if decision and not can_see_year_wide(actor, page, str(phase)):
        return refuse("council_until_published")
    return decision


def can_view_unit_result(actor: Actor, *, unit_id: object, phase, published: bool) -> Decision:
    """A unit's result page with its gaps: admin and chair from synthesis on (can_view_results); a unit
    account only its own unit, only once published; nobody else — a council member never, since the honesty
    gap shows the unit's self-scores of every field (can_see_year_wide "unit_result")."""
    decision = can_view_results(actor, phase=phase, published=published)
    if not decision:
        return decision
    if actor.role in OVERSIGHT_ROLES and can_see_year_wide(actor, "unit_result", str(phase)):
        return ALLOWED
    if actor.role in COUNCIL_ROLES:
        return refuse("role")
    if actor.role in UNIT_ROLES and actor.unit_id is not None and actor.unit_id == unit_id:
        return ALLOWED
    return refuse("not_own_unit")


def sees_results_menu(actor: Actor) -> bool:
    """The results screens (list, heat map, approval) are for the secretariat and the council."""
    return actor.role == Role.ADMIN or actor.role in COUNCIL_ROLES


@dataclass(frozen=True)
class Leaf:
    """One scored item of a unit's final evaluation."""

    code: str
    title: str
    points: Decimal
    maximum: Decimal
    field_code: str | None = None


def point_gaps(leaves: Iterable[Leaf], limit: int = GAP_LIMIT) -> list[dict]:
    """Điểm bị mất — the items below their maximum, the largest gap first (then by code), at most
    `limit`. Items not applicable have no maximum and never appear. JSON-ready (decimals as strings)."""
    lost = [leaf for leaf in leaves if leaf.maximum > 0 and leaf.points < leaf.maximum]
    lost.sort(key=lambda leaf: (-(leaf.maximum - leaf.points), _code_key(leaf.code)))
    return [{"code": leaf.code, "title": leaf.title, "field": leaf.field_code, "points": str(leaf.points),
             "max": str(leaf.maximum), "gap": str(leaf.maximum - leaf.points)} for leaf in lost[:limit]]


@lru_cache(maxsize=4096)   # the same few hundred codes for every unit of a year
def _code_key(code: str) -> tuple:
    """1.2 before 1.10: numeric parts compare as numbers."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in code.split("."))


def honesty_gaps(self_points: Mapping[str, Decimal], final_points: Mapping[str, Decimal],
                 fields: Iterable[str]) -> dict[str, Decimal]:
    """Chênh lệch tự chấm – thẩm định per field: self − final (appraised items only; a field the unit
    never scored counts its self points as 0)."""
    zero = Decimal(0)
    return {code: self_points.get(code, zero) - final_points.get(code, zero) for code in fields}


def index_change(previous: Decimal | None, current: Decimal | None) -> Decimal | None:
    """Index points gained (+) or lost (−) since the previous year; None when either is missing."""
    if previous is None or current is None:
        return None
    return current - previous


def rank_change(previous: int | None, current: int | None) -> int | None:
    """Places gained (+) or lost (−) since the previous year (rank 5 → 2 is +3)."""
    if previous is None or current is None:
        return None
    return previous - current


def change_direction(value) -> str:
    """"up", "down" or "same" (for the arrow and its CSS class); "" when there is nothing to compare."""
    if value is None:
        return ""
    if value > 0:
        return "up"
    return "down" if value < 0 else "same"


_DECISION_NUMBER = re.compile(r"^[0-9]{1,6}/\S{1,60}$")


def decision_problems(number: str, decision_date: date, today: date,
                      year_number: int | None = None) -> list[str]:
    """What is wrong with an approval decision: "number_format" (not like 1234/QĐ-UBND), "date_future" (a
    decision cannot be dated after today) and "date_before_year" (the results of year N cannot be approved
    before 1 January of year N). Empty when it is fine."""
    problems = []
    if not _DECISION_NUMBER.match(number or ""):
        problems.append("number_format")
    if decision_date > today:
        problems.append("date_future")
    if year_number is not None and decision_date < date(year_number, 1, 1):
        problems.append("date_before_year")
    return problems


# ------------------------------------------------------------------------------ the year's settings

#: The orders of tie-breakers offered on the settings screen (form value → YearSettings.tie_breakers).
TIE_BREAKER_CHOICES: dict[str, tuple[str, ...]] = {
    "appraisal_survey": ("appraisal_points", "survey_points"),
    "survey_appraisal": ("survey_points", "appraisal_points"),
    "appraisal": ("appraisal_points",),
    "survey": ("survey_points",),
    "none": (),
}
MAX_REWARD_TOP = 999


def can_edit_settings(actor: Actor, *, phase, approved: bool) -> Decision:
    """Thiết lập tính kết quả (bands, tie-breakers, rewards, no-survey policy): admin, until the results are
    approved; never once published or archived (the published snapshot was computed under them)."""
    phase = Phase(phase)
    if actor.role != Role.ADMIN:
        return refuse("role")
    if phase in (Phase.PUBLISHED, Phase.ARCHIVED):
        return refuse("wrong_phase")
    return refuse("approved") if approved else ALLOWED


def tie_breaker_choice(tie_breakers: Iterable[str]) -> str:
    """The settings screen's value for a tuple of tie-breakers ("appraisal_survey" when unknown)."""
    wanted = tuple(tie_breakers)
    return next((key for key, value in TIE_BREAKER_CHOICES.items() if value == wanted), "appraisal_survey")


def settings_form_values(settings: YearSettings, rewards: Mapping[str, tuple[int, int]]) -> dict[str, str]:
    """A YearSettings and the types' reward rules ({type code: (top N, bottom N)}) as the settings form
    shows them (thresholds with a decimal comma)."""
    values = {f"band-{i}-label": band.label for i, band in enumerate(settings.bands)}
    values.update({f"band-{i}-min": format_vi(band.min_pct) for i, band in enumerate(settings.bands)})
    for kind, (top, bottom) in rewards.items():
        values[f"reward-{kind}"], values[f"bottom-{kind}"] = str(top), str(bottom)
    values["tie_breakers"] = tie_breaker_choice(settings.tie_breakers)
    values["no_survey_policy"] = settings.no_survey_policy
    return values


def read_settings(values: Mapping[str, str], current: YearSettings, type_codes: Iterable[str]
                  ) -> tuple[YearSettings | None, dict, dict]:
    """The settings form → (new YearSettings, {type code: (top N, bottom N)}, {}) or (None, {}, problems).

    The bands keep their keys and order (their colours and the stored results refer to them); the form
    changes labels and thresholds only, and the last band always starts at 0. Problems map a form field
    to (code, detail): "required", "number" (detail: the parser's Vietnamese message), "whole_number",
    "choice"; "bands" maps to a list of the scoring module's Vietnamese sentences about the bands as a
    whole (order, duplicates)."""
    problems: dict = {}
    bands = []
    for i, band in enumerate(current.bands):
        label = (values.get(f"band-{i}-label") or "").strip()
        if not label:
            problems[f"band-{i}-label"] = ("required", None)
        threshold = Decimal(0)
        if i < len(current.bands) - 1:
            try:
                threshold = parse_decimal(values.get(f"band-{i}-min") or "")
            except ScoringInputError as error:
                problems[f"band-{i}-min"] = ("number", error.message)
        bands.append(Band(band.key, label or band.label, threshold))
    rewards: dict[str, tuple[int, int]] = {}
    for kind in type_codes:
        counts = []
        for name in (f"reward-{kind}", f"bottom-{kind}"):
            text = (values.get(name) or "").strip() or ("0" if name.startswith("bottom-") else "")
            if not text.isascii() or not text.isdigit() or int(text) > MAX_REWARD_TOP:
                problems[name] = ("whole_number", None)
            else:
                counts.append(int(text))
        if len(counts) == 2:
            rewards[kind] = (counts[0], counts[1])
    choice = values.get("tie_breakers") or ""
    if choice not in TIE_BREAKER_CHOICES:
        problems["tie_breakers"] = ("choice", None)
    policy = values.get("no_survey_policy") or ""
    if policy not in NO_SURVEY_POLICIES:
        problems["no_survey_policy"] = ("choice", None)
    if not any(name.startswith("band-") for name in problems):  # the bands as a whole, once each one reads
        band_problems = validate_bands(bands)
        if band_problems:
            problems["bands"] = band_problems
    if problems:
        return None, {}, problems
    return YearSettings(bands=tuple(bands), tie_breakers=TIE_BREAKER_CHOICES[choice],
                        no_survey_policy=policy, grace_seconds=current.grace_seconds), rewards, {}
