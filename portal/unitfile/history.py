"""Lịch sử chấm điểm — the history of each item of a unit's file: the self-score, round 1, the unit's
explanation, round 2 and the final appraised score, each with who and when, and every audited change
before them (old → new). Nothing is overwritten: each stage is its own row and each save writes an audit
row, so the history is read, never reconstructed.

What a reader gets is filtered by the one policy table (:func:`portal.unitfile.domain.can_see`): a unit
sees its own self-scores and explanations, its round-1 scores once round 1 is closed for it, round 2 and
the final score only once published; and it reads "Hội đồng thẩm định" where the council acted, never a
member's name (as in the comment threads). The unit's workspace and explanation page, the council's
appraisal page and its XLSX export of a unit's history (:mod:`portal.appraisal.history_xlsx`) read the
same rows.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import bindparam, func, select

from portal.assessments.models import COUNCIL_STAGES, Explanation, ScoreEntry
from portal.audit.models import AuditLog
from portal.auth.models import User
from portal.extensions import db
from portal.unitfile.domain import can_see, final_entry
from portal.unitfile.entries import entries_by_stage
from portal.unitfile.explanations import explanations_of
from portal.web.filters import format_points, plural_n
from portal.years.domain import N_

#: The five steps of an item's history, in order, with the policy object that decides who sees each.
STEPS = (
    ("self", N_("Tự chấm"), "self_score"),
    ("round1", N_("Thẩm định vòng 1"), "round1_score"),
    ("explanation", N_("Giải trình"), "explanation"),
    ("round2", N_("Thẩm định vòng 2"), "final_score"),
    ("final", N_("Kết quả cuối cùng"), "final_score"),
)
STEP_OBJECT = {key: obj for key, _label, obj in STEPS}
#: Audit actions of an item's changes → the step they belong to.
ACTION_STEP = {"self_score": "self", "appraise_round1": "round1", "explanation": "explanation",
               "appraise_round2": "round2"}
COUNCIL_STEPS = frozenset({*COUNCIL_STAGES, "final"})
COUNCIL_READERS = frozenset({"assigned_member", "chair", "admin"})
#: An item's page lists its latest changes only, so that the item (and the fragment a save returns) keeps
#: the same size however often it was saved; the item's history page lists them all.
CHANGES_SHOWN = 5


@dataclass
class Step:
    """One step of an item's history as one reader may see it (``visible`` False: shown as "—")."""

    key: str
    label: str
    visible: bool
    entry: ScoreEntry | None = None
    explanation: Explanation | None = None
    who: str | None = None
    when: datetime | None = None
    source: str | None = None           # for "final": which round it comes from (round1 | round2 | self)

    @property
    def present(self) -> bool:
        return self.visible and (self.entry is not None or self.explanation is not None)


@dataclass
class Change:
    """One audited change of an item: who, when, which step, old → new points (or stance)."""

    step: str
    label: str
    who: str | None
    when: datetime
    old: dict | None
    new: dict | None


@dataclass
class ItemHistory:
    steps: list[Step]
    changes: list[Change] = field(default_factory=list)
    change_count: int = 0               # all the changes this reader may see (``changes``: the latest)
    more_url: str | None = None         # the page with every change, when ``changes`` is cut


def user_names(ids) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.full_name).where(User.id.in_(ids))).all())


def _visible(rel: str, step: str, phase: str, status: str) -> bool:
    return can_see(rel, STEP_OBJECT[step], phase, unit_status=status)


def _who(step: str, user_id, names, rel: str) -> str | None:
    if user_id is None:
        return None
    if step in COUNCIL_STEPS and rel not in COUNCIL_READERS:
        return _("Hội đồng thẩm định")  # a unit never reads a council member's name
    return names.get(user_id)


def item_steps(stages: dict, explanation: Explanation | None, *, names: dict, rel: str, phase: str,
               status: str) -> list[Step]:
    """The five steps of one item for one reader (``stages``: {stage: ScoreEntry})."""
    self_e, r1, r2 = stages.get("self"), stages.get("round1"), stages.get("round2")
    final = final_entry(r1, r2)
    if final is None and status == "finalized":
        final = self_e  # never re-scored by the council: the self-score stands as declared
    steps = []
    for key, label, _obj in STEPS:
        step = Step(key, _(label), _visible(rel, key, phase, status))
        if key == "explanation":
            step.explanation = explanation
            row = explanation
        else:
            row = {"self": self_e, "round1": r1, "round2": r2, "final": final}[key]
            step.entry = row
        if key == "final" and final is not None:
            step.source = final.stage
        if row is not None and step.visible:
            step.who = _who(key, row.updated_by_id, names, rel)
            step.when = row.updated_at
        if not step.visible:
            step.entry = step.explanation = None
        steps.append(step)
    return steps


class AuditRow(NamedTuple):
    """The columns of an audit row an item's history shows (read as a tuple: display only)."""

    id: int
    action: str
    actor_id: int | None
    at: datetime
    old: dict | None
    new: dict | None


def audit_changes(assessment, codes=None) -> dict[str, list[AuditRow]]:
    """{criterion code: audit rows of its score and explanation changes, oldest first} — one query
    (with `codes`, of those items only: the rows of the file's other items are not decoded)."""
    stmt = select(AuditLog.id, AuditLog.action, AuditLog.actor_id, AuditLog.at, AuditLog.old,
                  AuditLog.new).where(
        AuditLog.unit_id == assessment.unit_id, AuditLog.year_id == assessment.year_id,
        AuditLog.action.in_(tuple(ACTION_STEP)))
    if codes is not None:
        stmt = stmt.where(AuditLog.new["criterion"].as_string().in_(list(codes)))
    rows = db.session.execute(stmt.order_by(AuditLog.id))
    out: dict[str, list[AuditRow]] = defaultdict(list)
    for row in rows:
        code = (row[5] or {}).get("criterion")
        if code:
            out[code].append(AuditRow(*row))
    return out


def _latest_statements():
    """The three reads of latest_changes, built once: a workspace page and each save run one of them, and
    building a windowed statement cost more than running it. Parameters: unit, year, actions (a list),
    keep, and code (one item) or codes (a list)."""
    code = AuditLog.new["criterion"].as_string()
    where = (AuditLog.unit_id == bindparam("unit"), AuditLog.year_id == bindparam("year"),
             AuditLog.action.in_(bindparam("actions", expanding=True)))
    one = (select(AuditLog.id, AuditLog.action, AuditLog.actor_id, AuditLog.at, AuditLog.old, AuditLog.new,
                  func.count().over().label("total"))
           .where(*where, code == bindparam("code")).order_by(AuditLog.id.desc()).limit(bindparam("keep")))

    def ranked(*only):
        rows = select(AuditLog.id, AuditLog.action, AuditLog.actor_id, AuditLog.at, AuditLog.old, AuditLog.new,
                      code.label("code"),
                      func.row_number().over(partition_by=code, order_by=AuditLog.id.desc()).label("latest"),
                      func.count().over(partition_by=code).label("total")).where(*where, *only).subquery()
        return select(rows).where(rows.c.latest <= bindparam("keep")).order_by(rows.c.id)
    return one, ranked(), ranked(code.in_(bindparam("codes", expanding=True)))


_ONE_ITEM, _EVERY_ITEM, _THESE_ITEMS = _latest_statements()


def latest_changes(assessment, codes, *, rel: str, phase: str, keep: int) -> tuple[dict[str, list[AuditRow]],
                                                                                dict[str, int]]:
    """({code: the latest `keep` changes of that item this reader may see, oldest first}, {code: how many it
    may see}) for these items (every item of the file with `codes` None), in one query: an item saved a
    thousand times decodes five rows, not all."""
    actions = [a for a, step in ACTION_STEP.items() if _visible(rel, step, phase, assessment.status)]
    codes = None if codes is None else list(codes)
    if not actions or codes == []:
        return {}, {}
    params = {"unit": assessment.unit_id, "year": assessment.year_id, "actions": actions, "keep": keep}
    if codes is not None and len(codes) == 1:     # a save's fragment: one item, no partition to rank
        (only,) = codes
        rows = db.session.execute(_ONE_ITEM, params | {"code": only}).all()
        if not rows:
            return {}, {}
        return {only: [AuditRow(*row[:6]) for row in reversed(rows)]}, {only: rows[0].total}
    out: dict[str, list[AuditRow]] = defaultdict(list)
    totals: dict[str, int] = {}
    statement, params = (_EVERY_ITEM, params) if codes is None else (_THESE_ITEMS, params | {"codes": codes})
    for row in db.session.execute(statement, params):
        out[row.code].append(AuditRow(row.id, row.action, row.actor_id, row.at, row.old, row.new))
        totals[row.code] = row.total
    return out, totals


def item_changes(rows, *, names: dict, rel: str, phase: str, status: str,
                 keep: int | None = None) -> tuple[list[Change], int]:
    """(the latest ``keep`` changes this reader may see — all with None —, how many it may see)."""
    seen = [row for row in rows if _visible(rel, ACTION_STEP[row.action], phase, status)]
    if not seen:
        return [], 0    # most items of a page: no label to translate
    labels = {key: _(label) for key, label, _obj in STEPS}
    changes = []
    for row in (seen if keep is None else seen[-keep:]):
        step = ACTION_STEP[row.action]
        changes.append(Change(step, labels[step], _who(step, row.actor_id, names, rel), row.at, row.old, row.new))
    return changes, len(seen)


def shown_steps(rel: str, phase: str, status: str) -> int:
    """How many of the five steps this reader sees (the same for every item of a file)."""
    return sum(_visible(rel, key, phase, status) for key, _label, _obj in STEPS)


#: Up to this many items, an item history reads the audit rows of those items only (else the file's).
FEW_ITEMS = 10


def histories(assessment, criteria, *, rel: str, phase: str, stages: dict | None = None, min_steps: int = 1,
              all_changes: bool = False) -> dict[int, ItemHistory]:
    """{criterion_id: ItemHistory} of these items of one file for one reader, in three queries (two when
    the caller passes the file's ``stages``: {criterion_id: {stage: ScoreEntry}}).

    Only what the page shows is built: when the reader sees fewer than ``min_steps`` steps (the page then
    draws no table of steps), the steps are not built and items without a change are left out. Each item
    keeps its latest CHANGES_SHOWN changes and their count (every change with ``all_changes``)."""
    from flask import url_for
    if stages is None:
        stages = entries_by_stage([assessment.id]).get(assessment.id, {})
    with_steps = shown_steps(rel, phase, assessment.status) >= min_steps
    explanations = explanations_of(assessment.id) if with_steps else {}
    criteria = list(criteria)
    keep = None if all_changes else CHANGES_SHOWN
    totals = None
    few = [c.code for c in criteria] if len(criteria) <= FEW_ITEMS else None
    if keep is None:
        audit = audit_changes(assessment, few)
    else:
        audit, totals = latest_changes(assessment, few, rel=rel, phase=phase, keep=keep)
    ids = {row.actor_id for rows in audit.values() for row in rows}
    if with_steps:
        ids |= {e.updated_by_id for items in stages.values() for e in items.values()}
        ids |= {e.updated_by_id for e in explanations.values()}
    names = user_names(ids)
    result = {}
    for crit in criteria:
        changes, count = item_changes(audit.get(crit.code, []), names=names, rel=rel, phase=phase,
                                      status=assessment.status, keep=keep)
        if totals is not None:
            count = totals.get(crit.code, 0)
        if not with_steps and not changes:
            continue
        steps = item_steps(stages.get(crit.id, {}), explanations.get(crit.id), names=names, rel=rel, phase=phase,
                           status=assessment.status) if with_steps else []
        history = ItemHistory(steps, changes, count)
        if count > len(changes):
            history.more_url = url_for("assessments.item_history", assessment_id=assessment.id,
                                       criterion_id=crit.id)
        result[crit.id] = history
    return result


def describe_change(values: dict | None) -> str:
    """'1,5 điểm', 'Không áp dụng', 'Không đồng ý: …' — the readable side of one audited change."""
    if not values:
        return "—"
    if "stance" in values:
        stance = _("Đồng ý") if values.get("stance") == "agree" else _("Không đồng ý")
        return f"{stance}: {values.get('text')}" if values.get("text") else stance
    if values.get("not_applicable"):
        return _("Không áp dụng")
    points = values.get("points")
    if points in (None, ""):
        return "—"
    return ngettext("%(p)s điểm", "%(p)s điểm", plural_n(points), p=format_points(points))
