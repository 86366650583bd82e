"""Use cases of a unit's self-assessment: load the workspace in a constant number of queries, save an item
(through the file's one versioned, audited write, :func:`portal.unitfile.entries.save_entry`) with the
deadline checked inside the write transaction, submit (chốt điểm tự chấm)."""
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from portal.assessments.domain import (
    UNIT_METHODS,
    Progress,
    honesty_flags,
    needs_explanation,
    read_item_form,
)
from portal.assessments.models import Assessment, ScoreEntry
from portal.audit.services import record
from portal.criteria.models import Criterion
from portal.criteria.nodes import build_nodes
from portal.criteria.snapshot import SetTree, set_tree
from portal.extensions import db
from portal.notifications.services import notify, portal_language, unit_user_ids
from portal.scoring import Evaluation, ItemState, YearSettings, evaluate
from portal.unitfile.entries import ItemInvalid, save_entry


@dataclass(slots=True)
class ItemView:
    """One node of the workspace as the template shows it."""

    criterion: Criterion
    depth: int
    entry: ScoreEntry | None = None
    documents: list = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    points: Decimal | None = None
    applicable_max: Decimal | None = None

    @property
    def is_leaf(self) -> bool:
        return self.criterion.kind in ("item", "adjustment")

    @property
    def unit_scored(self) -> bool:
        return self.criterion.method in UNIT_METHODS


@dataclass
class Workspace:
    assessment: Assessment
    fields: list[tuple[ItemView, list[ItemView]]]
    adjustments: list[ItemView]
    items: dict[int, ItemView]
    evaluation: Evaluation
    progress: Progress

    def leaves(self) -> list[ItemView]:
        return [v for _f, body in self.fields for v in body if v.is_leaf and v.unit_scored] + [
            v for v in self.adjustments if v.unit_scored]

    def unscored(self) -> list[ItemView]:
        """Items the unit has neither scored nor marked not applicable (counted 0 if submitted so)."""
        return [v for v in self.leaves() if v.criterion.kind == "item"
                and (v.entry is None or (v.entry.points is None and not v.entry.not_applicable))]

    def flagged(self) -> list[ItemView]:
        return [v for v in self.leaves() if v.flags]


def self_entries(assessment_id: int) -> dict[int, ScoreEntry]:
    rows = db.session.scalars(select(ScoreEntry).where(ScoreEntry.assessment_id == assessment_id,
                                                       ScoreEntry.stage == "self"))
    return {e.criterion_id: e for e in rows}


def set_criteria(set_id: int) -> list[Criterion]:
    return list(db.session.scalars(select(Criterion).where(Criterion.set_id == set_id)
                                   .order_by(Criterion.position, Criterion.id)))


def evaluate_self(criteria: list[Criterion], entries: dict[int, ScoreEntry], cset, settings: dict, *,
                  nodes: tuple | None = None) -> Evaluation:
    """The unit's own view of its index: survey items are left out and the rest rescaled (as the year's
    policy for a unit without a survey), since survey points only arrive at synthesis. `nodes`: the set's
    scoring tree when the caller has it (portal.criteria.snapshot), else built from `criteria`."""
    fields, adjustments = build_nodes(criteria) if nodes is None else nodes
    by_id = {c.id: c for c in criteria}
    states, counts = {}, {}
    for cid, entry in entries.items():
        crit = by_id.get(cid)
        if crit is None:
            continue
        if crit.kind == "adjustment":
            counts[crit.code] = int(entry.inputs.get("count", 0)) if not entry.not_applicable else 0
        else:
            states[crit.code] = ItemState(entry.points, entry.not_applicable)
    year_settings = YearSettings.from_dict(settings or {})
    return evaluate(fields, states, adjustments, counts, bonus_cap=cset.bonus_cap,
                    deduction_cap=cset.deduction_cap, settings=year_settings, survey_available=False)


def load_workspace(assessment: Assessment, year, evidence_by_item: dict[int, list], *,
                   entries: dict[int, ScoreEntry] | None = None, tree: SetTree | None = None) -> Workspace:
    """The whole tree with the self-scores (``entries``, if the caller has read them already). The criteria
    are the set's kept rows (portal.criteria.snapshot: read-only, shared by the process's requests)."""
    tree = set_tree(assessment.criteria_set_id) if tree is None else tree
    entries = self_entries(assessment.id) if entries is None else entries
    evaluation = evaluate_self(tree.rows, entries, assessment.criteria_set, year.settings, nodes=tree.nodes)
    results = evaluation.nodes
    explain = tree.derived.get("needs_explanation")
    if explain is None:     # the same for every file of the set: decided once per tree
        explain = tree.derived["needs_explanation"] = frozenset(
            c.id for c in tree.rows if needs_explanation(c.guidance, c.evidence))
    items: dict[int, ItemView] = {}
    scored = total = without_evidence = flagged = 0

    def view_of(crit, depth: int) -> ItemView:
        nonlocal scored, total, without_evidence, flagged
        result = results.get(crit.code)
        view = ItemView(crit, depth, entries.get(crit.id), evidence_by_item.get(crit.id, []),
                        points=result.points if result else None,
                        applicable_max=result.applicable_max if result else None)
        if crit.kind in ("item", "adjustment") and crit.method in UNIT_METHODS:
            entry = view.entry
            view.flags = honesty_flags(
                points=entry.points if entry else None, not_applicable=bool(entry and entry.not_applicable),
                evidence_dates=[d.issued_on for d in view.documents], year=year.year,
                explanation_needed=crit.id in explain, note=entry.note if entry else "")
            if crit.kind == "item":
                total += 1
                scored += entry is not None and (entry.points is not None or entry.not_applicable)
                without_evidence += "no_evidence" in view.flags
            flagged += bool(view.flags)
        items[crit.id] = view
        return view

    fields = []
    for root, body in tree.fields:
        head = view_of(root, 0)
        fields.append((head, [view_of(crit, depth) for crit, depth in body]))
    adjustments = [view_of(crit, depth) for crit, depth in tree.adjustments]
    return Workspace(assessment, fields, adjustments, items, evaluation,
                     Progress(scored, total, without_evidence, flagged))


def save_self_item(assessment: Assessment, criterion: Criterion, form, *, expected_version: int,
                   actor, now: datetime) -> ScoreEntry:
    """Save one item's self-score. The caller has already checked the permission and the deadline in this
    same transaction. Raises ItemInvalid or EditConflict; never overwrites a newer save silently."""
    item = read_item_form(criterion.method, criterion.max_points, criterion.config or {}, form,
                          na_allowed=criterion.na_allowed)
    if item.errors:
        raise ItemInvalid(item)
    return save_entry(assessment, criterion, "self", item, expected_version=expected_version, actor=actor,
                      now=now, action="self_score")


def submit_self(assessment: Assessment, *, actor, now: datetime) -> None:
    """Chốt điểm tự chấm: lock round 1 for the unit with a timestamp."""
    old = {"status": assessment.status}
    assessment.status = "submitted"
    assessment.self_submitted_at = now
    assessment.self_submitted_by_id = actor.id
    record("self_submit", "assessment", assessment.id, actor=actor, unit_id=assessment.unit_id,
           year_id=assessment.year_id, old=old, new={"status": "submitted", "at": now})


#: Why a file was locked without its leader (the audit row's reason).
AUTO_LOCK_REASON = "Tự động chốt khi kết thúc giai đoạn tự đánh giá (đơn vị chưa chốt)"


def unsubmitted(year) -> list[Assessment]:
    """Files of the year still in draft (their leader never submitted)."""
    return list(db.session.scalars(select(Assessment).where(
        Assessment.year_id == year.id, Assessment.status == "draft").order_by(Assessment.id)))


def lock_at_deadline(year, *, actor, now: datetime) -> int:
    """The self-assessment is over (the admin moved the year to review round 1): every file still in draft
    is locked as it stands, like a submission but without a leader (``self_submitted_by_id`` None), audited
    and the unit told. The council then appraises what the unit had entered by the deadline."""
    from flask_babel import gettext as _

    files = unsubmitted(year)
    for assessment in files:
        assessment.status, assessment.self_submitted_at, assessment.self_submitted_by_id = "submitted", now, None
        record("self_submit", "assessment", assessment.id, actor=actor, unit_id=assessment.unit_id,
               year_id=assessment.year_id, old={"status": "draft"},
               new={"status": "submitted", "at": now, "automatic": True}, reason=AUTO_LOCK_REASON)
        with portal_language():
            text = _("Giai đoạn tự đánh giá đã kết thúc; hồ sơ của đơn vị chưa được chốt nên đã được khóa tự động "
                     "như đang có. Hội đồng thẩm định sẽ thẩm định theo số liệu đơn vị đã nhập.")
        notify(unit_user_ids([assessment.unit_id]), "self_locked", text,
               f"/assessment/{assessment.id}", now=now)
    db.session.flush()
    return len(files)
