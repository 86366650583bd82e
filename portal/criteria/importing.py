"""Xem trước khi nhập — read an uploaded criteria file (YAML or XLSX, told apart by content) and list
every problem with its line or row and item code, before anything is stored. Pure: no database.

Problems come from three places, in this order: the file reader (yaml_read / xlsx_read: syntax, keys,
numbers, method settings), the unit type of the file against the set it is meant to replace, and
:func:`portal.scoring.validate_tree` on the tree the file describes (maxima that do not add up…).
"""
from dataclasses import dataclass, field

from portal.criteria.domain import meta_problems
from portal.text import N_, fold_key
from portal.criteria.spec import UNIT_TYPE_FROM_YAML, UNIT_TYPE_LABELS, SetSpec, located
from portal.criteria.tree import UNIT_TYPE_TO_YAML, spec_nodes, survey_max
from portal.criteria.xlsx_layout import ITEMS_SHEET
from portal.criteria.xlsx_read import load_set_xlsx
from portal.criteria.yaml_read import load_set_yaml
from portal.scoring import validate_tree

YAML, XLSX = "yaml", "xlsx"


@dataclass
class ImportPreview:
    """What a file would store: the parsed set (None when unreadable) and every problem, in Vietnamese."""

    fmt: str
    spec: SetSpec | None
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.spec is not None and not self.errors


def detect_format(data: bytes) -> str:
    """XLSX is a ZIP (it starts with "PK"); anything else is read as YAML text."""
    return XLSX if data[:2] == b"PK" else YAML


def preview_import(data: bytes, unit_type: str, *, base: SetSpec | None = None,
                   type_names: tuple[str, ...] = ()) -> ImportPreview:
    """Parse and check `data` as the set of the year's type `unit_type` (its code). The file names its type
    by that code, by one of `type_names` (the type's names), or by its 2022 name. A file may inherit
    (`inherits:`) from `base`, the set of the year's first type."""
    fmt = detect_format(data)
    spec, problems = load_set_xlsx(data) if fmt == XLSX else load_set_yaml(data, base=base)
    if spec is None:
        return ImportPreview(fmt, None, [p.message for p in problems])
    errors = []
    found = spec.meta.get("unit_type") or ""
    accepted = {_folded(name) for name in (unit_type, UNIT_TYPE_TO_YAML.get(unit_type), *type_names) if name}
    if _folded(found) not in accepted and _folded(UNIT_TYPE_FROM_YAML.get(found, "")) not in accepted:
        wanted = type_names[0] if type_names else UNIT_TYPE_LABELS.get(UNIT_TYPE_TO_YAML.get(unit_type), unit_type)
        errors.append(N_(
            "Tệp là bộ tiêu chí cho “%(found)s” nhưng đang nhập cho “%(wanted)s”. Hãy chọn đúng tệp hoặc sửa "
            "loại đơn vị trong tệp (mã “%(code)s”).", found=UNIT_TYPE_LABELS.get(found, found), wanted=wanted,
            code=unit_type))
    spec.meta["unit_type"] = unit_type
    fields, adjustments = spec_nodes(spec)
    lines = {item.code: item.line for item in spec.items}
    for error in validate_tree(fields, total=spec.meta.get("total"), adjustments=adjustments):
        line = lines.get(error.code)
        errors.append(located(_place(fmt, line), error.code, error.message) if line or error.code else error.message)
    errors += meta_problems(total=spec.meta["total"], appraisal=spec.meta.get("appraisal"),
                            survey=spec.meta.get("survey"), survey_max=survey_max(fields))
    return ImportPreview(fmt, spec, errors)


def _place(fmt: str, line: int | None) -> str:
    if fmt == XLSX:
        return N_("Trang “%(sheet)s”, hàng %(row)s", sheet=ITEMS_SHEET, row=line) if line else \
            N_("Trang “%(sheet)s”", sheet=ITEMS_SHEET)
    return N_("Dòng %(line)s", line=line) if line else N_("Tệp YAML")


def depths(spec: SetSpec) -> dict[str, int]:
    """Depth of each item (0 = field or adjustment), to indent the preview."""
    parent = {item.code: item.parent_code for item in spec.items}
    out = {}
    for item in spec.items:
        depth, up = 0, item.parent_code
        while up is not None and depth < 10:
            depth, up = depth + 1, parent.get(up)
        out[item.code] = depth
    return out


def _folded(text: str) -> str:
    return fold_key(text or "").replace(" ", "")
