"""Shared set-up of the criteria editor tests: the demo year, an admin client, row snapshots, form data."""
from sqlalchemy import select

from portal.criteria.models import CriteriaSet, Criterion
from portal.criteria.services import set_for, set_rows
from portal.criteria.tree import row_tuple
from portal.db import utcnow
from portal.extensions import db
from portal.seed import seed_demo
from portal.years.models import AssessmentYear

def seed(phase: str = "setup") -> AssessmentYear:
    """The demo year (two sets, 31 units, accounts), moved to `phase` (setup = sets editable)."""
    year = seed_demo(now=utcnow())["year"]
    year.phase = phase
    db.session.commit()
    return year


def dept() -> CriteriaSet:
    return set_for(db.session.scalar(select(AssessmentYear.id).where(AssessmentYear.year == 2022)), "department")


def node(code: str, cset: CriteriaSet | None = None) -> Criterion:
    cset = cset or dept()
    return db.session.scalar(select(Criterion).where(Criterion.set_id == cset.id, Criterion.code == code))


def snapshot(cset: CriteriaSet) -> list[tuple]:
    """Every row of the set as comparable values (with the parent's code, without ids)."""
    db.session.expire_all()
    rows = set_rows(db.session.get(CriteriaSet, cset.id))
    codes = {r.id: r.code for r in rows}
    return [(codes.get(r.parent_id),) + row_tuple(r) for r in rows]


def meta_snapshot(cset: CriteriaSet) -> tuple:
    db.session.expire_all()
    cset = db.session.get(CriteriaSet, cset.id)
    return (cset.code, cset.title, cset.total, cset.appraisal_points, cset.survey_points, cset.bonus_cap,
            cset.deduction_cap)


def item_form(prefix: str, **values) -> dict:
    """Form data of the item editor with its prefix ("new" or "i<id>")."""
    defaults = {"code": "", "title": "", "max_points": "", "method": "", "config_text": "", "input_label": "",
                "appraiser": "", "guidance": "", "evidence": "", "note": ""}
    data = {**defaults, **values}
    if data.pop("na_allowed", False):
        data["na_allowed"] = "y"
    return {f"{prefix}-{key}": value for key, value in data.items()}


def form_of(item: Criterion, **changes) -> dict:
    """The edit form of an item as the page fills it, with some values changed."""
    from portal.criteria.tree import config_text
    from portal.scoring.numeric import format_vi
    values = {"code": item.code, "title": item.title,
              "max_points": format_vi(item.max_points) if item.max_points is not None else "",
              "method": item.method or "", "config_text": config_text(item.method, item.config),
              "input_label": (item.config or {}).get("input_label", ""), "appraiser": item.appraiser or "",
              "guidance": item.guidance, "evidence": item.evidence, "note": item.note,
              "na_allowed": item.na_allowed}
    values.update(changes)
    return item_form(f"i{item.id}", **values)
