"""Đính chính — the pure rules of a correction of published results: who may open, recompute and approve
one, which survey points may change while it is open, what a correcting decision must say, and how the
corrected figures enter a new snapshot.

A published year is final: its results change only through a correcting decision (number, date,
reason, the units concerned). The new snapshot is the old one with those units' figures replaced, each
marked with the correcting decision and keeping the figures it replaces in its history; ranks, ties and
the reward proposal are re-derived (portal.scoring), nothing else about the other units moves. The old
snapshot itself is never touched: its Approval row is kept, superseded.

No Flask, no SQLAlchemy.
"""
import copy
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from portal.results.domain import decision_problems, rank_change
from portal.scoring import RankInput, propose_bottom, propose_rewards, rank_units
from portal.policy.decisions import ALLOWED, Decision, refuse
from portal.policy.roles import Actor, Role
from portal.years.domain import FINAL_PHASES, as_phase, can_import_survey

#: The figures of a unit's results entry a correction replaces (name, code and unit id stay).
FIGURES = ("index", "band", "band_label", "appraisal_points", "survey_points", "bonus", "deductions",
           "applicable_max", "survey_available", "fields", "gaps", "prev_index", "prev_rank", "index_change",
           "trend")
#: What the history of a corrected unit keeps of the figures a correction replaced.
HISTORY = ("index", "rank", "band", "band_label", "appraisal_points", "survey_points", "bonus", "deductions")


def _admin_on_final(actor: Actor, phase) -> Decision | None:
    if actor.role != Role.ADMIN:
        return refuse("role")
    if as_phase(phase) not in FINAL_PHASES:
        return refuse("not_published")
    return None


def can_open_correction(actor: Actor, *, phase, published: bool, open_correction: bool) -> Decision:
    """Ghi nhận quyết định đính chính: admin, published (or archived) results, one correction at a time."""
    refusal = _admin_on_final(actor, phase)
    if refusal is not None:
        return refusal
    if not published:
        return refuse("not_published")
    return refuse("correction_open") if open_correction else ALLOWED


def can_work_on_correction(actor: Actor, *, phase, open_correction: bool) -> Decision:
    """Recompute the units of the open correction, or approve it: admin, while a correction is open."""
    refusal = _admin_on_final(actor, phase)
    if refusal is not None:
        return refusal
    return ALLOWED if open_correction else refuse("no_correction")


def can_edit_unit_survey(actor: Actor, *, phase, in_open_correction: bool) -> Decision:
    """Type one unit's survey points: in synthesis as usual (can_import_survey); once published, only for
    a unit named in the open correction."""
    decision = can_import_survey(actor, phase=phase)
    if decision or actor.role != Role.ADMIN or as_phase(phase) not in FINAL_PHASES:
        return decision
    return ALLOWED if in_open_correction else refuse("not_in_correction")


def correction_problems(number: str, decision_date: date, today: date, year_number: int,
                        unit_ids: Iterable, reason: str) -> list[str]:
    """What is wrong with a correcting decision: decision_problems' codes, plus "units_required" (no unit
    picked) and "reason_required" (a blank reason)."""
    problems = decision_problems(number, decision_date, today, year_number)
    if not list(unit_ids):
        problems.append("units_required")
    if not (reason or "").strip():
        problems.append("reason_required")
    return problems


def _dec(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def apply_correction(snapshot: dict, fresh: Mapping[object, dict], correction: dict, *,
                     tie_breakers: Iterable[str]) -> dict:
    """The snapshot after a correction: each unit in `fresh` ({unit_id: its recomputed results entry})
    gets the recomputed figures, the mark `correction` ({"number", "date"}, the date ISO) and, appended to
    its `history`, the figures replaced with the decision they were approved under. Ranks, ties and
    rewards are derived again for every unit (as many rewards per type as the snapshot proposed);
    `corrections` lists the correcting decisions. The given snapshot is not modified."""
    new = copy.deepcopy(snapshot)
    for type_entry in new.get("types", []):
        for unit in type_entry.get("units", []):
            recomputed = fresh.get(unit["unit_id"])
            if recomputed is None:
                continue
            replaced = {key: unit.get(key) for key in HISTORY}
            replaced["decision"] = unit.get("correction") or snapshot.get("decision")
            unit["history"] = list(unit.get("history", [])) + [replaced]
            unit.update({key: copy.deepcopy(recomputed[key]) for key in FIGURES if key in recomputed})
            unit["correction"] = {"number": correction["number"], "date": correction["date"]}
    _rank_again(new, tuple(tie_breakers))
    new["corrections"] = list(snapshot.get("corrections", [])) + [dict(correction)]
    return new


def _rank_again(document: dict, tie_breakers: tuple) -> None:
    types = document.get("types", [])
    reward_top = {t["unit_type"]: int((t.get("rewards") or {}).get("top") or 0) for t in types}
    rows = [RankInput(u["unit_id"], _dec(u.get("index")), _dec(u.get("appraisal_points")) or Decimal(0),
                      _dec(u.get("survey_points")) or Decimal(0), t["unit_type"]) for t in types for u in t["units"]]
    ranked = rank_units(rows, tie_breakers)
    by_id = {r.unit_id: r for r in ranked}
    proposals = propose_rewards(ranked, reward_top)
    bottoms = propose_bottom(ranked, {t["unit_type"]: int((t.get("bottom") or {}).get("count") or 0) for t in types})
    for type_entry in types:
        proposal = proposals.get(type_entry["unit_type"])
        chosen = [r.unit_id for r in proposal] if proposal is not None else []
        for unit in type_entry["units"]:
            result = by_id[unit["unit_id"]]
            unit.update(rank=result.rank, tied=result.tied, reward=unit["unit_id"] in chosen,
                        rank_change=rank_change(unit.get("prev_rank"), result.rank))
        type_entry["units"].sort(key=lambda u: (u["rank"] is None, u["rank"] or 0, u["code"]))
        type_entry["rewards"] = {"top": proposal.top if proposal is not None else 0,
                                 "tie_at_edge": bool(proposal and proposal.tie_at_edge), "unit_ids": chosen}
        if "bottom" in type_entry:  # the year's bottom-N list, as many as the snapshot listed
            lowest = bottoms.get(type_entry["unit_type"])
            type_entry["bottom"] = {"count": type_entry["bottom"].get("count", 0),
                                    "tie_at_edge": bool(lowest and lowest.tie_at_edge),
                                    "unit_ids": [r.unit_id for r in lowest] if lowest is not None else []}


def correction_notes(document: dict) -> list[dict]:
    """The corrections of a results document, oldest first, each with the names of its units in ranking
    order: [{"number", "date" (ISO), "reason", "names": [...]}] (empty for a document never corrected)."""
    names = {u["unit_id"]: u["name"] for t in document.get("types", []) for u in t.get("units", [])}
    order = [u["unit_id"] for t in document.get("types", []) for u in t.get("units", [])]
    notes = []
    for correction in document.get("corrections", []):
        picked = set(correction.get("unit_ids", []))
        notes.append({"number": correction["number"], "date": correction["date"],
                      "reason": correction.get("reason", ""),
                      "names": [names[unit_id] for unit_id in order if unit_id in picked]})
    return notes
