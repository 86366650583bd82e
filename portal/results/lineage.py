"""Kết quả của đơn vị tiền thân — what a results document shows of a unit's predecessors.

A renamed unit compares with its predecessor's result; a merged, split, new or outside-rooted unit is
"không so sánh được" and carries its predecessors' published results side by side (index, rank, band,
exactly as published), never a change or an average. The predecessors' results are those of the latest
earlier year whose results are published (2025 follows 2022 in the demo: no year in between).
"""
from sqlalchemy import select

from portal.extensions import db
from portal.results.snapshots import ranking_snapshot
from portal.units.lineage_rules import comparable, lineage_kind
from portal.units.lineage import as_rules, predecessors_of
from portal.years.models import AssessmentYear


def earlier_published(year, published_approval) -> tuple[int | None, dict[int, dict]]:
    """(year number, {unit_id: unit entry}) of the latest earlier year with published results."""
    rows = db.session.scalars(select(AssessmentYear).where(AssessmentYear.year < year.year)
                              .order_by(AssessmentYear.year.desc()))
    for row in rows:
        approval = published_approval(row)
        if approval is not None:
            snapshot = ranking_snapshot(approval)  # names and figures only, parsed once per process
            return row.year, {u["unit_id"]: u for t in snapshot.get("types", []) for u in t.get("units", [])}
    return None, {}


def _predecessor(row, year_number, earlier: dict[int, dict]) -> dict:
    if row.predecessor_id is None:
        return {"unit_id": None, "code": row.outside_code, "name": row.outside_name, "outside": True,
                "kind": row.kind, "index": None, "rank": None, "band": None, "band_label": None}
    before = earlier.get(row.predecessor_id) or {}
    unit = row.predecessor
    return {"unit_id": unit.id, "code": unit.code, "name": before.get("name") or unit.name_in(None),
            "outside": False, "kind": row.kind, "year": year_number if before else None,
            "index": before.get("index"), "rank": before.get("rank"), "band": before.get("band"),
            "band_label": before.get("band_label")}


def lineage_entries(year, published_approval) -> dict[int, dict]:
    """{unit_id: lineage entry} of the year's units that record predecessors:
    {kind, comparable, from_year, basis: [{number, date}], predecessors: [{code, name, outside, index,
    rank, band, band_label}]}."""
    by_unit = predecessors_of(year.id)
    if not by_unit:
        return {}
    year_number, earlier = earlier_published(year, published_approval)
    out = {}
    for unit_id, rows in by_unit.items():
        rules = as_rules(rows)
        basis = []
        for row in rows:
            item = {"number": row.decision_number, "date": row.decision_date.strftime("%d/%m/%Y") if row.decision_date else None}
            if row.decision_number and item not in basis:
                basis.append(item)
        out[unit_id] = {"kind": lineage_kind(rules), "comparable": comparable(rules), "from_year": year_number,
                        "basis": basis, "predecessors": [_predecessor(r, year_number, earlier) for r in rows]}
    return out
