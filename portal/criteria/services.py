"""Use cases of criteria sets: store a parsed set (from YAML/XLSX or a copy), read a set and its checks,
edit its meta, replace it by an import, copy last year's, lock and unlock. Item edits are in items.py.

Services write, flush and record the audit row; the view commits once. The actor is passed explicitly.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select

from portal.audit.models import AuditLog
from portal.audit.services import record
from portal.criteria.domain import meta_changes, meta_problems
from portal.criteria.models import CriteriaSet, Criterion
from portal.criteria.spec import SetSpec
from portal.criteria.tree import META_ATTRS, ordered, rows_to_nodes, rows_to_spec, survey_max
from portal.criteria.yaml_write import dump_set_yaml
from portal.extensions import db
from portal.scoring import SetError, validate_tree
from portal.years.models import AssessmentYear


def create_set_from_spec(year, unit_type: str, spec: SetSpec, *, actor=None) -> CriteriaSet:
    """Create the year's set for a unit type from a parsed spec (parents are listed before children)."""
    meta = spec.meta
    cset = CriteriaSet(
        year_id=year.id, unit_type=unit_type, code=str(meta.get("set") or meta.get("code") or f"{unit_type}-{year.year}"),
        title=str(meta.get("title") or meta.get("set") or ""), total=Decimal(str(meta.get("total", "100"))),
        appraisal_points=_dec(meta.get("appraisal")), survey_points=_dec(meta.get("survey")),
        bonus_cap=_dec(meta.get("bonus_cap")), deduction_cap=_dec(meta.get("deduction_cap")),
    )
    db.session.add(cset)
    db.session.flush()
    _insert_items(cset, spec)
    record("criteria_set_create", "criteria_set", cset.id, actor=actor, year_id=year.id,
           new={"code": cset.code, "unit_type": unit_type, "items": len(spec.items)})
    return cset


def _insert_items(cset: CriteriaSet, spec: SetSpec) -> None:
    by_code: dict[str, Criterion] = {}
    for item in spec.items:
        node = Criterion(
            set_id=cset.id, parent_id=by_code[item.parent_code].id if item.parent_code else None,
            code=item.code, title=item.title, kind=item.kind, position=item.position,
            max_points=item.max_points, method=item.method, config=dict(item.config or {}),
            na_allowed=item.na_allowed, field_code=item.field_code, appraiser=item.appraiser,
            guidance=item.guidance or "", evidence=item.evidence or "", note=item.note or "",
        )
        db.session.add(node)
        db.session.flush()
        by_code[item.code] = node


def _dec(value) -> Decimal | None:
    if value is None:
        return None
    return abs(Decimal(str(value)))


def set_for(year_id: int, unit_type: str) -> CriteriaSet | None:
    return db.session.scalar(select(CriteriaSet).where(CriteriaSet.year_id == year_id,
                                                       CriteriaSet.unit_type == unit_type))


# ------------------------------------------------------------------------------------------- reading


def set_rows(cset: CriteriaSet) -> list[Criterion]:
    """Every node of the set, parents first in document order, adjustments last."""
    return ordered(db.session.scalars(select(Criterion).where(Criterion.set_id == cset.id)))


@dataclass
class SetCheck:
    """Kiểm tra bộ tiêu chí: validate_tree's errors plus the meta checks, and the counts shown."""

    errors: list[SetError]
    counts: dict = field(default_factory=dict)
    field_total: Decimal = Decimal(0)

    @property
    def valid(self) -> bool:
        return not self.errors


def check_set(cset: CriteriaSet, rows: list[Criterion]) -> SetCheck:
    fields, adjustments = rows_to_nodes(rows)
    errors = validate_tree(fields, total=cset.total, adjustments=adjustments)
    errors += [SetError(None, text) for text in meta_problems(
        total=cset.total, appraisal=cset.appraisal_points, survey=cset.survey_points,
        survey_max=survey_max(fields))]
    counts = {kind: sum(1 for r in rows if r.kind == kind) for kind in ("field", "group", "item", "adjustment")}
    total = sum((f.effective_max or Decimal(0) for f in fields), Decimal(0))
    return SetCheck(errors, counts, total)


def previous_year(year: AssessmentYear) -> AssessmentYear | None:
    return db.session.scalar(select(AssessmentYear).where(AssessmentYear.year < year.year)
                             .order_by(AssessmentYear.year.desc()).limit(1))


def referencing_count(criterion_ids) -> int:
    """Rows of other tables (score entries, explanations, comments, evidence links, results) that point
    at these nodes: deleting the nodes would delete them too (ON DELETE CASCADE)."""
    ids = list(criterion_ids)
    if not ids:
        return 0
    total = 0
    for table in db.metadata.sorted_tables:
        for key in table.foreign_keys:
            if key.column.table.name == "criterion" and table.name != "criterion":
                total += db.session.scalar(select(func.count()).select_from(table).where(key.parent.in_(ids)))
    return total


# ------------------------------------------------------------------------------------------ changing


def meta_values(cset: CriteriaSet) -> dict:
    return {"title": cset.title, **{key: getattr(cset, attr) for key, attr in META_ATTRS.items()}}


def update_meta(cset: CriteriaSet, values: dict, *, actor) -> bool:
    """Set title, total, appraisal/survey split and the caps; True when something changed."""
    old = meta_values(cset)
    cset.title = values["title"]
    for key, attr in META_ATTRS.items():
        setattr(cset, attr, values[key])
    db.session.flush()
    before, after = meta_changes(old, meta_values(cset))
    if after:
        record("criteria_set_update", "criteria_set", cset.id, actor=actor, year_id=cset.year_id,
               old=before, new=after)
    return bool(after)


def replace_set_from_spec(cset: CriteriaSet, spec: SetSpec, *, actor, source: str = "") -> CriteriaSet:
    """Nhập đè — replace every node and the meta numbers of an existing set (kept: its id, title, the
    units' assessments pointing at it). The audit row keeps the old set as YAML, so it can be restored."""
    rows = set_rows(cset)
    old_yaml = dump_set_yaml(rows_to_spec(cset, rows))
    old = {"code": cset.code, "items": len(rows), **{k: getattr(cset, a) for k, a in META_ATTRS.items()}}
    for row in reversed(rows):  # children before parents
        db.session.delete(row)
    db.session.flush()  # the old codes must be gone before the new rows reuse them
    db.session.expire(cset, ["criteria"])
    cset.code = str(spec.meta.get("set") or cset.code)
    for key, attr in META_ATTRS.items():
        if spec.meta.get(key) is not None:
            setattr(cset, attr, _dec(spec.meta[key]))
    _insert_items(cset, spec)
    new = {"code": cset.code, "items": len(spec.items), **{k: getattr(cset, a) for k, a in META_ATTRS.items()}}
    record("criteria_set_import", "criteria_set", cset.id, actor=actor, year_id=cset.year_id,
           old={**old, "yaml": old_yaml}, new={**new, "source": source})
    return cset


def copy_from_previous(year: AssessmentYear, unit_type: str, *, actor) -> CriteriaSet:
    """Sao chép từ năm trước — a deep copy of last year's set of this unit type, as this year's set."""
    return copy_set(set_for(previous_year(year).id, unit_type), year, actor=actor)


def copy_set(source: CriteriaSet, year: AssessmentYear, *, actor) -> CriteriaSet:
    """A deep copy of `source` (another year's set) as `year`'s set of the same unit type: new rows, not
    locked, the year in its code and title moved on; audited. The source is not touched."""
    source_year = db.session.get(AssessmentYear, source.year_id)
    unit_type = source.unit_type
    spec = rows_to_spec(source, set_rows(source))
    old_label = str(source_year.year)
    spec.meta["set"] = _renamed(source.code, old_label, year.year)
    spec.meta["title"] = _renamed(source.title, old_label, year.year)
    cset = create_set_from_spec(year, unit_type, spec, actor=actor)
    record("criteria_set_copy", "criteria_set", cset.id, actor=actor, year_id=year.id,
           old={"set_id": source.id, "code": source.code, "year": source_year.year},
           new={"set_id": cset.id, "code": cset.code, "year": year.year, "items": len(spec.items)})
    return cset


def _renamed(text: str, old_year: str, new_year: int) -> str:
    return text.replace(old_year, str(new_year)) if old_year in text else f"{text}-{new_year}"


def lock_set(cset: CriteriaSet, *, actor, now) -> None:
    """Khóa lại: an explicit lock; a previous unlock no longer counts."""
    old = {"locked": cset.locked, "unlocked_reason": cset.unlocked_reason}
    cset.locked, cset.locked_at, cset.locked_by_id = True, now, getattr(actor, "id", actor)
    cset.unlocked_at = cset.unlocked_by_id = cset.unlocked_reason = None
    record("criteria_set_lock", "criteria_set", cset.id, actor=actor, year_id=cset.year_id,
           old=old, new={"locked": True})


def unlock_set(cset: CriteriaSet, reason: str, *, actor, now) -> None:
    """Mở khóa with a reason: the set can be edited after self-assessment opened (audited, shown)."""
    old = {"locked": cset.locked, "explicitly_unlocked": cset.explicitly_unlocked}
    cset.locked = False
    cset.unlocked_at, cset.unlocked_by_id, cset.unlocked_reason = now, getattr(actor, "id", actor), reason
    record("criteria_set_unlock", "criteria_set", cset.id, actor=actor, year_id=cset.year_id,
           old=old, new={"locked": False, "explicitly_unlocked": True}, reason=reason)


def lock_history(cset: CriteriaSet, limit: int = 10) -> list[AuditLog]:
    """The latest lock/unlock decisions on the set, newest first (who, when, why)."""
    return list(db.session.scalars(
        select(AuditLog).where(AuditLog.object_type == "criteria_set", AuditLog.object_id == str(cset.id),
                               AuditLog.action.in_(("criteria_set_lock", "criteria_set_unlock")))
        .order_by(AuditLog.id.desc()).limit(limit)))
