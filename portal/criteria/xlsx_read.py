"""Đọc bộ tiêu chí từ Excel — `load_set_xlsx` reads a workbook in the layout of
portal.criteria.xlsx_layout. It never raises on bad input: it returns (None, errors) with the row and code
of each problem, in Vietnamese. Numbers accept "0,5", "0.5" or a numeric cell. The file is opened by
portal.spreadsheet (no macro, no zip bomb); `read_settings` parses the "Các mức / khung" cell syntax for the
criteria editor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from portal.criteria.spec import (ADJUSTMENT_METHODS, APPRAISERS, LEAF_METHODS, MAX_TEXT_LENGTH,
    METHOD_LABELS, METHODS, MULTILINE_KEYS, OVER_100, UNIT_TYPE_LABELS, ItemSpec, SetSpec, SpecError,
    build_config, code_problem, generate_guidance, located, nfc, read_number)
from portal.criteria.xlsx_layout import COLUMNS, ITEMS_SHEET, KIND_LABELS, META_ROWS, META_SHEET, NO, YES
from portal.spreadsheet import (
    MACRO,
    TOO_LARGE,
    UNZIPPED_TOO_LARGE,
    UnreadableWorkbook,
    open_workbook,
    unescape_text,
)
from portal.text import N_, as_msg

REQUIRED_COLUMNS = ("code", "parent", "kind", "title", "max", "method")
MAX_XLSX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 5000
NOT_XLSX = (
    "Tệp tải lên không phải là bảng tính Excel (.xlsx) đọc được. Hãy mở tệp bằng Excel, chọn "
    "Lưu thành → “Sổ làm việc Excel (*.xlsx)” rồi tải lên lại."
)
REFUSALS = {  # portal.spreadsheet's reasons for not opening a file, in the words of this page
    TOO_LARGE: "Tệp Excel quá lớn (tối đa 10 MB). Hãy xoá các trang, hình ảnh không cần thiết rồi tải lên lại.",
    MACRO: "Tệp Excel có chứa macro. Hãy lưu lại dưới dạng “Sổ làm việc Excel (*.xlsx)” không có macro.",
    UNZIPPED_TOO_LARGE: "Tệp Excel quá lớn khi giải nén. Hãy chỉ giữ lại hai trang “Tiêu chí” và “Thông tin”.",
}


def _key(text: object) -> str:
    """Comparison key for labels typed by people: NFC, case-folded, no spaces, dashes or slashes."""
    return re.sub(r"[\s\-–—/_]+", "", nfc(str(text)).casefold())


_KIND_BY_KEY = {_key(v): k for k, v in KIND_LABELS.items()} | {_key(k): k for k in KIND_LABELS}
_KIND_BY_KEY |= {_key("Điểm cộng"): "adjustment", _key("Điểm trừ"): "adjustment"}
_METHOD_BY_KEY = {_key(v): k for k, v in METHOD_LABELS.items()} | {_key(k): k for k in METHODS}
_APPRAISER_BY_KEY = {_key(k): k for k in APPRAISERS} | {_key(v): k for k, v in APPRAISERS.items()}
_UNIT_BY_KEY = {_key(k): k for k in UNIT_TYPE_LABELS} | {_key(v): k for k, v in UNIT_TYPE_LABELS.items()}
_YES = {_key(w) for w in (YES, "x", "yes", "true", "1", "co")}
_NO = {_key(w) for w in (NO, "", "no", "false", "0", "khong")}


def _text(value: object, multiline: bool = False) -> str:
    """A cell as text: NFC, stripped, formula neutralisation undone; numbers as written ("1.1", "2")."""
    if value is None:
        return ""
    if isinstance(value, float):
        value = str(int(value)) if value.is_integer() else repr(value)
    text = nfc(str(value), multiline=multiline)
    return unescape_text(text)


@dataclass
class _Row:
    row: int
    cells: dict

    def text(self, key: str) -> str:
        return _text(self.cells.get(key), multiline=key in MULTILINE_KEYS)


class _Reader:
    def __init__(self) -> None:
        self.errors: list[SpecError] = []

    def err(self, row: int | None, code: str | None, text: str, sheet: str = ITEMS_SHEET) -> None:
        where = N_("Trang “%(sheet)s”, hàng %(row)s", sheet=sheet, row=row) if row else \
            N_("Trang “%(sheet)s”", sheet=sheet)
        self.errors.append(SpecError(row, code, located(where, code, text)))

    def number(self, row: _Row, key: str, code: str | None, required: bool) -> Decimal | None:
        value = row.cells.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.err(row.row, code, N_("thiếu “%(name)s”; hãy nhập số, ví dụ 1 hoặc 0,5",
                                           name=COLUMNS[key]))
            return None
        try:
            return read_number(_text(value) if isinstance(value, str) else value)
        except ValueError as exc:
            self.err(row.row, code, N_("cột “%(name)s”: %(exc)s", name=COLUMNS[key], exc=as_msg(exc)))
            return None

    def lookup(self, row: _Row, key: str, table: dict, code: str | None, choices: str) -> str | None:
        text = row.text(key)
        if not text:
            return None
        found = table.get(_key(text))
        if found is None:
            self.err(
                row.row, code, N_("“%(text)s” ở cột “%(name)s” không hợp lệ; hãy chọn một trong: "
                                  "%(choices)s", text=text, name=COLUMNS[key], choices=choices)
            )
        return found

    def settings(self, row: _Row, method: str, code: str | None) -> dict:
        """Parse "Các mức / khung" for the method into build_config parts."""
        text, parts = row.text("settings"), {"input_label": row.text("input")}
        segments = [segment for segment in re.split(r"[;\n]", text) if segment.strip()]
        if any(_key(segment) == _key(OVER_100) for segment in segments):
            parts["over_100"] = True
            text = "; ".join(s for s in segments if _key(s) != _key(OVER_100))
        pairs = [segment.rpartition("=") for segment in re.split(r"[;\n]", text) if segment.strip()]
        if not text:
            return parts
        if any(not sep for _, sep, _ in pairs):
            self.err(
                row.row,
                code,
                N_("cột “%(name)s” phải có dạng “tên=điểm; tên=điểm”, ví dụ “Đúng hạn=1; Chậm hạn=0,5; "
                   "Không ban hành=0”", name=COLUMNS['settings']),
            )
            return parts
        try:
            values = [(nfc(left), read_number(right.strip())) for left, _, right in pairs]
            if method == "levels":
                parts["levels"] = values
            elif method == "percentage":
                parts["bands"] = [
                    (read_number(re.sub(r"^(≥|>=)|%$", "", left).strip()), points) for left, points in values
                ]
            else:
                named = {_key(left): value for left, value in values}
                if method == "number":
                    parts["step"] = named.pop(_key("bước"), None)
                else:
                    parts["per"], parts["cap"] = (
                        named.pop(_key("mỗi lần"), None),
                        named.pop(_key("tối đa"), None),
                    )
                    if method == "deduction":
                        parts = {k: abs(v) if isinstance(v, Decimal) else v for k, v in parts.items()}
                if named:
                    self.err(
                        row.row,
                        code,
                        N_("cột “%(name)s” có mục không dùng cho phương pháp “%(name2)s”; hãy xoá hoặc "
                           "sửa", name=COLUMNS['settings'], name2=METHOD_LABELS[method]),
                    )
        except ValueError as exc:
            self.err(row.row, code, N_("cột “%(name)s”: %(exc)s", name=COLUMNS['settings'], exc=as_msg(exc)))
        return parts


def read_settings(method: str, text: str, input_label: str) -> tuple[dict, list[SpecError]]:
    """The build_config parts of a "Các mức / khung" cell and its "Số liệu kê khai" label, read exactly as
    a workbook row is read, with the problems found (their place: the items sheet, no row)."""
    reader = _Reader()
    parts = reader.settings(_Row(0, {"settings": text or "", "input": input_label or ""}), method, None)
    return parts, reader.errors


def load_set_xlsx(data: bytes) -> tuple[SetSpec | None, list[SpecError]]:
    """Read a set from .xlsx bytes. Returns (spec, []) or (None, errors); never raises on bad input."""
    try:
        workbook = open_workbook(data, max_bytes=MAX_XLSX_BYTES)
    except UnreadableWorkbook as refused:
        return None, [SpecError(None, None, REFUSALS.get(refused.reason, NOT_XLSX))]
    reader = _Reader()
    try:
        names = {_key(name): name for name in workbook.sheetnames}
        items_sheet = workbook[names.get(_key(ITEMS_SHEET), workbook.sheetnames[0])]
        rows = _read_rows(reader, items_sheet)
        meta = _read_meta(reader, workbook[names[_key(META_SHEET)]] if _key(META_SHEET) in names else None)
    except Exception:  # noqa: BLE001 - a broken part inside a valid zip
        return None, [SpecError(None, None, NOT_XLSX)]
    finally:
        workbook.close()
    items = _build(reader, rows) if rows is not None else []
    if reader.errors:
        return None, sorted(
            reader.errors, key=lambda e: (e.message.startswith(f"Trang “{META_SHEET}”"), e.line or 0)
        )
    return SetSpec(meta, items), []


def _read_rows(reader: _Reader, sheet) -> list[_Row] | None:  # noqa: ANN001 - openpyxl worksheet
    iterator = sheet.iter_rows(values_only=True)
    header = next(iterator, None) or ()
    by_header = {_key(label): key for key, label in COLUMNS.items()}
    columns = {
        by_header[_key(v)]: index for index, v in enumerate(header) if v is not None and _key(v) in by_header
    }
    missing = [COLUMNS[key] for key in REQUIRED_COLUMNS if key not in columns]
    if missing:
        reader.err(
            1,
            None,
            N_("thiếu cột %(choices)s ở hàng tiêu đề; hãy dùng tệp mẫu xuất từ Cổng",
               choices=', '.join(f'“{m}”' for m in missing)),
        )
        return None
    rows = []
    for number, values in enumerate(iterator, start=2):
        if number > MAX_ROWS:
            reader.err(number, None, N_("bảng có quá %(max)s hàng; hãy kiểm tra lại tệp",
                                        max=MAX_ROWS))
            break
        cells = {key: values[index] if index < len(values) else None for key, index in columns.items()}
        if any(_text(v) for v in cells.values()):
            rows.append(_Row(number, cells))
    return rows


def _read_meta(reader: _Reader, sheet) -> dict:  # noqa: ANN001 - openpyxl worksheet
    meta: dict = {}
    if sheet is None:
        reader.err(
            None,
            None,
            N_("thiếu trang “%(sheet)s” (mã bộ, loại đơn vị, tổng điểm…); hãy dùng tệp mẫu xuất từ "
               "Cổng", sheet=META_SHEET),
            sheet=META_SHEET,
        )
        return meta
    by_label = {_key(label): key for key, label in META_ROWS.items()}
    lines: dict[str, int] = {}
    for number, values in enumerate(sheet.iter_rows(max_col=2, values_only=True), start=1):
        key = by_label.get(_key(values[0])) if values and values[0] is not None else None
        if key is None:
            continue
        lines[key] = number
        value = values[1] if len(values) > 1 else None
        if key in ("set", "unit_type"):
            meta[key] = _text(value)
        else:
            try:
                amount = read_number(_text(value) if isinstance(value, str) else value)
            except ValueError as exc:
                reader.err(number, None, N_("“%(name)s”: %(exc)s", name=META_ROWS[key], exc=as_msg(exc)),
                           sheet=META_SHEET)
                continue
            if key == "deduction_cap":  # a deduction cap may be typed negative, as in the YAML adjustments
                amount = abs(amount)
            elif amount < 0:
                reader.err(number, None, N_("“%(name)s” không được âm", name=META_ROWS[key]),
                           sheet=META_SHEET)
            meta[key] = amount
    for key, label in META_ROWS.items():
        if key not in lines:
            reader.err(
                None, None, N_("thiếu hàng “%(label)s”; hãy thêm hàng này với giá trị ở cột B", label=label),
                sheet=META_SHEET
            )
        elif key in ("set", "unit_type") and not meta[key]:
            reader.err(lines[key], None, N_("chưa nhập “%(label)s” ở cột B", label=label), sheet=META_SHEET)
    if meta.get("unit_type"):
        # A 2022 name ("Sở, ban, ngành") or a type's code; any other text is kept for the importer, which
        # compares it with the names of the year's type.
        meta["unit_type"] = _UNIT_BY_KEY.get(_key(meta["unit_type"]), str(meta["unit_type"]).strip())
    return {key: meta.get(key) for key in META_ROWS}


def _build(reader: _Reader, rows: list[_Row]) -> list[ItemSpec]:
    """Rows → items (each checked alone), then the tree: parents, children, order, inheritance."""
    items, first_row = [], {}
    for row in rows:
        code = row.text("code")
        if not code:
            reader.err(row.row, None, N_("thiếu mã ở cột “%(name)s”; hãy nhập mã, ví dụ 1.1",
                                         name=COLUMNS['code']))
        elif code in first_row:
            reader.err(
                row.row, code, N_("mã %(code)s bị trùng với hàng %(row)s; mỗi mục phải có một mã riêng",
                                  code=code, row=first_row[code])
            )
        else:
            first_row[code] = row.row
            items.append(_item(reader, row, code))
    by_code = {item.code: item for item in items}
    children: dict[str, list[ItemSpec]] = {item.code: [] for item in items}
    for item in items:
        parent = _check_parent(reader, item, by_code, first_row)
        if parent is not None:
            children[parent.code].append(item)
    for item in items:
        if item.kind in ("field", "group") and not children[item.code]:
            reader.err(
                item.line,
                item.code,
                N_("%(name)s %(code)s chưa có mục con nào; hãy thêm mục con hoặc đổi “%(name2)s” thành "
                   "“Tiêu chí”", name=KIND_LABELS[item.kind], code=item.code, name2=COLUMNS['kind']),
            )
    out: list[ItemSpec] = []
    for position, field in enumerate(item for item in items if item.kind == "field"):
        _walk(reader, field, None, position, children, out, depth=1)
    for position, adjustment in enumerate(item for item in items if item.kind == "adjustment"):
        adjustment.position = position
        out.append(adjustment)
    return out


def _item(reader: _Reader, row: _Row, code: str) -> ItemSpec:
    problem = code_problem(code)
    if problem:
        reader.err(row.row, code, problem)
    kind = reader.lookup(row, "kind", _KIND_BY_KEY, code, ", ".join(KIND_LABELS.values()))
    if not row.text("kind"):
        reader.err(
            row.row, code, N_("thiếu “%(name)s”; hãy chọn một trong: %(choices)s",
                              name=COLUMNS['kind'], choices=', '.join(KIND_LABELS.values()))
        )
    title = row.text("title")
    if not title:
        reader.err(row.row, code, N_("thiếu “%(name)s”; hãy nhập nội dung tiêu chí", name=COLUMNS['title']))
    for key in ("title", "input", "guidance", "evidence", "note"):
        if len(row.text(key)) > MAX_TEXT_LENGTH:
            reader.err(row.row, code, N_("cột “%(name)s” dài quá %(max)s ký tự; hãy rút gọn",
                                         name=COLUMNS[key], max=MAX_TEXT_LENGTH))
    na = _key(row.text("na"))
    if na not in _YES and na not in _NO:
        reader.err(row.row, code, N_("cột “%(name)s” chỉ ghi “%(yes)s” hoặc “%(no)s”",
                                     name=COLUMNS['na'], yes=YES, no=NO))
    item = ItemSpec(
        code=code,
        title=title,
        kind=kind or "item",
        max_points=None,
        method=None,
        config={},
        na_allowed=na in _YES and kind != "adjustment",
        parent_code=row.text("parent") or None,
        appraiser=reader.lookup(row, "ap", _APPRAISER_BY_KEY, code, ", ".join(APPRAISERS)),
        guidance=row.text("guidance"),
        evidence=row.text("evidence"),
        note=row.text("note"),
        line=row.row,
    )
    if kind is None:
        return item
    method = reader.lookup(row, "method", _METHOD_BY_KEY, code, ", ".join(METHOD_LABELS.values()))
    if kind == "adjustment":
        _adjustment(reader, row, item, method)
        return item
    item.max_points = reader.number(row, "max", code, required=kind == "item")
    if item.max_points is not None and item.max_points <= 0:
        reader.err(row.row, code, N_("“%(name)s” phải lớn hơn 0", name=COLUMNS['max']))
    if kind != "item":
        if row.text("settings") or row.text("input"):
            reader.err(
                row.row,
                code,
                N_("%(name)s không dùng cột “%(name2)s” và “%(name3)s”; hãy xoá hoặc đổi “%(name4)s” "
                   "thành “Tiêu chí”",
                   name=KIND_LABELS[kind], name2=COLUMNS['settings'], name3=COLUMNS['input'],
                   name4=COLUMNS['kind']),
            )
        return item
    if method is None or method not in LEAF_METHODS:
        if method is not None or not row.text("method"):
            reader.err(
                row.row,
                code,
                N_("tiêu chí cần “%(name)s” là một trong: %(choices)s",
                   name=COLUMNS['method'], choices=', '.join(METHOD_LABELS[m] for m in LEAF_METHODS)),
            )
        return item
    item.method = method
    report = lambda text: reader.err(row.row, code, text)  # noqa: E731
    before = len(reader.errors)
    parts = reader.settings(row, method, code)
    if len(reader.errors) > before:  # a malformed cell is already reported; do not add "missing"
        return item
    item.config = build_config(method, item.max_points, parts, report)
    item.guidance = item.guidance or generate_guidance(method, item.max_points, item.config)
    return item


def _adjustment(reader: _Reader, row: _Row, item: ItemSpec, method: str | None) -> None:
    if method not in ADJUSTMENT_METHODS:
        if method is not None or not row.text("method"):
            reader.err(
                row.row, item.code, N_("điểm cộng-trừ cần “%(name)s” là “Điểm cộng” hoặc “Điểm trừ”",
                                       name=COLUMNS['method'])
            )
        return
    if row.text("max"):
        reader.err(
            row.row,
            item.code,
            N_("điểm cộng-trừ không dùng cột “%(name)s”; hãy ghi mức điểm ở cột “%(name2)s”, ví dụ “mỗi "
               "lần=1; tối đa=2”", name=COLUMNS['max'], name2=COLUMNS['settings']),
        )
    item.method = method
    report = lambda text: reader.err(row.row, item.code, text)  # noqa: E731
    before = len(reader.errors)
    parts = reader.settings(row, method, item.code)
    if len(reader.errors) > before:
        return
    item.config = build_config(method, None, parts, report)
    item.guidance = item.guidance or generate_guidance(method, None, item.config)


def _check_parent(reader: _Reader, item: ItemSpec, by_code: dict, first_row: dict) -> ItemSpec | None:
    code, parent_code = item.code, item.parent_code
    if item.kind in ("field", "adjustment"):
        if parent_code:
            reader.err(
                item.line,
                code,
                N_("%(name)s không có mã cha; hãy xoá ô “%(name2)s” hoặc sửa “%(name3)s”",
                   name=KIND_LABELS[item.kind], name2=COLUMNS['parent'], name3=COLUMNS['kind']),
            )
        return None
    if not parent_code:
        reader.err(item.line, code, N_("cần “%(name)s” (mã của lĩnh vực hoặc nhóm chứa mục này)",
                                       name=COLUMNS['parent']))
        return None
    parent = by_code.get(parent_code)
    if parent is None:
        reader.err(
            item.line,
            code,
            N_("mã cha %(parent_code)s không có trong bảng; hãy sửa mã cha hoặc thêm hàng cho mục "
               "%(parent_code)s", parent_code=parent_code),
        )
    elif parent.kind not in ("field", "group"):
        reader.err(
            item.line,
            code,
            N_("mã cha %(parent_code)s là một “%(name)s”, không chứa được mục con; hãy đổi “%(name2)s” "
               "của hàng %(row)s thành “Nhóm tiêu chí”",
               parent_code=parent_code, name=KIND_LABELS[parent.kind], name2=COLUMNS['kind'],
               row=first_row[parent_code]),
        )
    elif first_row[parent_code] > (item.line or 0):
        reader.err(
            item.line,
            code,
            N_("mục cha %(parent_code)s (hàng %(row)s) phải nằm phía trên mục con; hãy chuyển hàng này "
               "xuống dưới", parent_code=parent_code, row=first_row[parent_code]),
        )
    else:
        return parent
    return None


def _walk(
    reader: _Reader,
    item: ItemSpec,
    parent: ItemSpec | None,
    position: int,
    children: dict[str, list[ItemSpec]],
    out: list[ItemSpec],
    depth: int,
) -> None:
    """Pre-order: position, field code, inherited appraiser; a group's max defaults to its children's sum."""
    item.position = position
    item.field_code = parent.field_code if parent else item.code
    item.appraiser = item.appraiser or (parent.appraiser if parent else None)
    out.append(item)
    kids = children[item.code]
    if not kids:
        return
    if depth >= 6:
        reader.err(item.line, item.code, N_("cây tiêu chí sâu quá 6 cấp; hãy kiểm tra lại cột “Mã cha”"))
        return
    for index, child in enumerate(kids):
        _walk(reader, child, item, index, children, out, depth + 1)
    if item.max_points is None and all(kid.max_points is not None for kid in kids):
        item.max_points = sum((kid.max_points for kid in kids), Decimal(0))
