"""Cây tiêu chí giữa các dạng — a set's rows as the scoring engine's tree, as a SetSpec (for export,
copy and comparison), and a method's settings in the Excel cell syntax ("Đúng hạn=1; Chậm hạn=0,5").

Rows are read by attribute (Criterion or anything shaped like it), so this module needs no database.
The cell syntax is parsed by the very code that reads the "Các mức / khung" column of an .xlsx file, so a
setting typed in the editor means exactly what it means in a workbook.
"""
from __future__ import annotations

from decimal import Decimal

from portal.criteria.nodes import build_nodes, children_of, top_level, walk
from portal.criteria.spec import (
    ADJUSTMENT_METHODS,
    METHODS,
    UNIT_TYPE_FROM_YAML,
    ItemSpec,
    SetSpec,
    build_config,
    canonical,
    generate_guidance,
)
from portal.criteria.xlsx_layout import ITEMS_SHEET
from portal.criteria.xlsx_read import read_settings
from portal.criteria.xlsx_write import settings_text
from portal.scoring import SetError, validate_tree
from portal.scoring.tree import Node, iter_nodes
from portal.text import Msg, Sentence

UNIT_TYPE_TO_YAML = {value: key for key, value in UNIT_TYPE_FROM_YAML.items()}
META_ATTRS = {"total": "total", "appraisal": "appraisal_points", "survey": "survey_points",
              "bonus_cap": "bonus_cap", "deduction_cap": "deduction_cap"}

__all__ = ["rows_to_nodes", "rows_to_spec", "ordered", "validate_rows", "spec_nodes", "config_text",
           "parse_config_text", "config_words", "row_tuple"]

rows_to_nodes = build_nodes


def _dec(value: Decimal | None) -> Decimal | None:
    return None if value is None else canonical(value)


def ordered(rows) -> list:
    """Rows parents-first in document order (each parent's children by position), adjustments last."""
    children = children_of(rows)
    return [row for row, _depth in walk(top_level(children), children)]


def rows_to_spec(cset, rows) -> SetSpec:
    """The set as plain data, as the YAML and Excel readers and writers see it (decimals canonical: 0.5, 100)."""
    by_id = {row.id: row for row in rows}
    meta = {"set": cset.code, "unit_type": UNIT_TYPE_TO_YAML.get(cset.unit_type, cset.unit_type),
            "title": cset.title}
    meta |= {key: _dec(getattr(cset, attr)) for key, attr in META_ATTRS.items()}
    items = [
        ItemSpec(code=row.code, title=row.title, kind=row.kind, max_points=_dec(row.max_points),
                 method=row.method, config=dict(row.config or {}), na_allowed=bool(row.na_allowed),
                 field_code=row.field_code, appraiser=row.appraiser, guidance=row.guidance or "",
                 evidence=row.evidence or "", note=row.note or "",
                 parent_code=by_id[row.parent_id].code if row.parent_id else None, position=row.position)
        for row in ordered(rows)
    ]
    return SetSpec(meta, items)


def row_tuple(item) -> tuple:
    """One node as comparable values (no ids), for "nothing changed" and "identical copy" checks."""
    return (item.code, item.title, item.kind, item.position, _dec(item.max_points), item.method,
            dict(item.config or {}), bool(item.na_allowed), item.field_code, item.appraiser,
            item.guidance or "", item.evidence or "", item.note or "")


def validate_rows(cset, rows) -> list[SetError]:
    fields, adjustments = rows_to_nodes(rows)
    return validate_tree(fields, total=cset.total, adjustments=adjustments)


def spec_nodes(spec: SetSpec) -> tuple[list[Node], list[Node]]:
    """A parsed file as the scoring engine's tree, to validate it before anything is stored."""
    children = children_of(spec.items, parent=lambda item: item.parent_code, order=None)

    def make(item: ItemSpec) -> Node:
        return Node(code=item.code, title=item.title, max_points=item.max_points, method=item.method,
                    config=dict(item.config), children=tuple(make(c) for c in children[item.code]),
                    na_allowed=item.na_allowed, field_code=item.field_code, kind=item.kind)

    roots = children[None]
    return ([make(i) for i in roots if i.kind != "adjustment"],
            [make(i) for i in roots if i.kind == "adjustment"])


def survey_max(fields: list[Node]) -> Decimal:
    """Σ maxima of the survey leaves (điều tra XHH) of a tree."""
    return sum((n.max_points or Decimal(0) for n in iter_nodes(fields)
                if n.is_leaf and n.method == "survey"), Decimal(0))


# ------------------------------------------------------------------------- method settings as text


def config_text(method: str | None, config: dict) -> str:
    """The settings in the Excel cell syntax: "Đúng hạn=1; Chậm hạn=0,5", "≥100%=1; ≥0%=0", "bước=0,25"."""
    if method not in METHODS:
        return ""
    item = ItemSpec(code="", title="", kind="adjustment" if method in ADJUSTMENT_METHODS else "item",
                    max_points=None, method=method, config=dict(config or {}))
    return settings_text(item)


def parse_config_text(method: str, text: str, input_label: str,
                      max_points: Decimal | None) -> tuple[dict, list[str]]:
    """(config, problems) from the cell syntax, read by the Excel reader and checked by build_config.

    Problems are Vietnamese sentences without the workbook's "sheet, row" prefix.
    """
    parts, errors = read_settings(method, text, input_label)
    problems = [_without_sheet(error.message) for error in errors]
    if problems:
        return {}, problems
    found: list[str] = []
    config = build_config(method, max_points, parts, found.append)
    return config, [Sentence(p) for p in found]


def _without_sheet(message: str) -> str:
    prefix = f"Trang “{ITEMS_SHEET}”: "
    if isinstance(message, Msg) and message.startswith(prefix) and "text" in message.params:
        text = message.params["text"]  # the reader's clause, without its place (portal.criteria.spec.located)
    else:
        text = message[len(prefix):] if message.startswith(prefix) else message
    return Sentence(text, vi=str(text).replace("cột “", "ô “"))


def config_words(method: str | None, max_points: Decimal | None, config: dict) -> str:
    """The settings in words, as the unit's guidance would generate them ("Đúng hạn: 1 điểm; …")."""
    if method not in METHODS:
        return ""
    try:
        return generate_guidance(method, _dec(max_points), dict(config or {}))
    except (KeyError, ValueError, ArithmeticError):  # a hand-edited config: show nothing rather than fail
        return ""
