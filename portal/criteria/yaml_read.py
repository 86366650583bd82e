"""Đọc bộ tiêu chí YAML — read a criteria set in the format of shared/criteria/*.yaml.

`load_set_yaml` never raises on bad input: it returns (None, errors), every error in Vietnamese with the
line and the item code. Numbers are read as Decimal straight from the YAML text (a float never exists),
text is NFC-normalised, and a set that `inherits` another one is resolved against the base set given by
the caller. Writing is portal.criteria.yaml_write: `load_set_yaml(dump_set_yaml(x)) == x`.
"""

from __future__ import annotations

import copy
import difflib
from decimal import Decimal, InvalidOperation

import yaml

from portal.criteria.spec import (
    ADJUSTMENT_METHODS,
    APPRAISERS,
    LEAF_METHODS,
    MAX_TEXT_LENGTH,
    META_NUMBERS,
    MULTILINE_KEYS,
    UNIT_TYPE_CODE,
    UNIT_TYPE_FROM_YAML,
    ItemSpec,
    SetSpec,
    SpecError,
    build_config,
    code_problem,
    generate_guidance,
    located,
    nfc,
    read_number,
)
from portal.text import N_, as_msg

MAX_YAML_CHARS = 1_000_000
MAX_DEPTH = 6  # field → group → … → item; deeper trees are a mistake, not a real criteria set

TOP_KEYS = {"meta", "fields", "adjustments", "replace", "note"}
META_KEYS = {"set", "unit_type", "inherits", *META_NUMBERS}
ITEM_KEYS = {
    "code",
    "title",
    "max",
    "m",
    "lv",
    "bands",
    "input",
    "step",
    "over_100",
    "na",
    "ap",
    "guidance",
    "evidence",
    "note",
    "items",
}
ADJ_KEYS = {"code", "title", "m", "per", "cap", "ap", "guidance", "evidence", "note"}
# Long or English spellings people reach for; they are not silently ignored.
ALIASES = {
    "method": "m",
    "levels": "lv",
    "level": "lv",
    "max_points": "max",
    "appraiser": "ap",
    "na_allowed": "na",
    "children": "items",
    "input_label": "input",
    "band": "bands",
}
# The key whose line a problem with a method's settings points to.
SETTING_KEY = {"levels": "lv", "percentage": "bands", "number": "step"}
# Keys that are real in one kind of node but a mistake in another.
GROUP_FOREIGN = {"lv", "bands", "input", "step", "over_100", "per", "cap"}
LEAF_FOREIGN = {"per", "cap"}
ADJ_FOREIGN = {"max", "lv", "bands", "input", "step", "over_100", "na", "items"}
KEY_NAMES = {
    "title": N_("nội dung"),
    "max": N_("điểm tối đa"),
    "m": N_("phương pháp chấm"),
    "per": N_("số điểm mỗi lần"),
    "cap": N_("mức tối đa"),
    "set": N_("mã bộ tiêu chí"),
    "unit_type": N_("loại đơn vị"),
    "total": N_("tổng điểm"),
    "appraisal": N_("điểm thẩm định"),
    "survey": N_("điểm điều tra"),
    "bonus_cap": N_("trần điểm cộng"),
    "deduction_cap": N_("trần điểm trừ"),
}


FLAG_NAMES = {"na": N_("cho phép không áp dụng"), "over_100": N_("cho phép kết quả trên 100%")}


# --- reading YAML with line numbers and Decimals -------------------------------------------------------


class _Map(dict):
    """A YAML mapping that remembers its line and the line of each key."""

    line: int = 0
    key_lines: dict


class _Loader(yaml.SafeLoader):
    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicate_keys: list[tuple[int, object, _Map]] = []

    def compose_node(self, parent, index):  # noqa: ANN001 - PyYAML signature
        # Aliases (*x) make "billion laughs" documents possible and no criteria file needs them.
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(None, None, "alias", self.peek_event().start_mark)
        return super().compose_node(parent, index)


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> _Map:
    loader.flatten_mapping(node)
    result = _Map()
    result.line, result.key_lines = node.start_mark.line + 1, {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, (list, dict)):
            raise yaml.constructor.ConstructorError(None, None, "unhashable key", key_node.start_mark)
        if key in result:
            loader.duplicate_keys.append((key_node.start_mark.line + 1, key, result))
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_float(loader: _Loader, node: yaml.ScalarNode) -> Decimal | str:
    text = loader.construct_scalar(node)
    try:
        value = Decimal(text.replace("_", ""))
    except InvalidOperation:
        return text  # .inf, .nan, 1:30.5 — kept as text; read_number refuses it with a message
    return value if value.is_finite() else text


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)


def _syntax_error(exc: yaml.YAMLError) -> SpecError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    problem = getattr(exc, "problem", None) or str(exc)
    where = N_("Dòng %(line)s", line=line) if line else N_("Tệp YAML")
    if problem == "alias":
        return SpecError(
            line,
            None,
            N_("%(where)s: tệp dùng tham chiếu YAML (*...). Hãy viết đầy đủ nội dung thay cho tham chiếu.",
               where=as_msg(where)),
        )
    return SpecError(
        line,
        None,
        N_("%(where)s: tệp YAML sai cú pháp. Hãy kiểm tra dấu ngoặc, dấu phẩy, dấu hai chấm, dấu nháy và "
           "thụt lề ở dòng này (chi tiết kỹ thuật: %(problem)s).",
           where=as_msg(where), problem=problem),
    )


# --- the reader ------------------------------------------------------------------------------------------


class _Reader:
    def __init__(self) -> None:
        self.errors: list[SpecError] = []

    def err(self, line: int | None, code: str | None, text: str) -> None:
        self.errors.append(SpecError(line, code, located(N_("Dòng %(line)s", line=line) if line else
                                                          N_("Tệp YAML"), code, text)))

    def reporter(self, raw: _Map, key: str, code: str | None):
        return lambda text: self.err(raw.key_lines.get(key, raw.line), code, text)

    def check_keys(self, raw: _Map, code: str | None, known: set, foreign: frozenset | set = frozenset()):
        for key in raw:
            name, line = str(key), raw.key_lines.get(key, raw.line)
            if name in foreign:
                self.err(line, code, N_("khóa “%(name)s” không dùng ở mục này; hãy xoá hoặc chuyển nó đi",
                                        name=name))
                continue
            if name in known:
                continue
            guess = _suggest(name, known)
            if guess:
                self.err(
                    line,
                    code,
                    N_("khóa “%(name)s” không hợp lệ — có phải ý bạn là “%(guess)s”? Hãy sửa lại tên khóa",
                       name=name, guess=guess),
                )

    def text(self, raw: _Map, key: str, code: str | None, required: bool = False) -> str:
        value = raw.get(key)
        line = raw.key_lines.get(key, raw.line)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.err(line, code, N_("thiếu %(name)s (khóa “%(key)s”); hãy bổ sung",
                                        name=as_msg(KEY_NAMES.get(key, key)), key=key))
            return ""
        if isinstance(value, (bool, list, dict)):
            self.err(line, code, N_("“%(key)s” phải là một đoạn văn bản", key=key))
            return ""
        text = nfc(str(value), multiline=key in MULTILINE_KEYS)
        if len(text) > MAX_TEXT_LENGTH:
            self.err(line, code, N_("“%(key)s” dài quá %(max)s ký tự; hãy rút gọn",
                                    key=key, max=MAX_TEXT_LENGTH))
        return text

    def code(self, raw: _Map) -> str | None:
        value = raw.get("code")
        text = nfc(str(value)) if value is not None and not isinstance(value, (bool, list, dict)) else ""
        if not text:
            self.err(raw.line, None, N_('mục này thiếu mã (khóa “code”), ví dụ code: "1.1"; hãy bổ sung'))
            return None
        problem = code_problem(text)
        if problem:
            self.err(raw.line, text, problem)
        return text

    def number(self, raw: _Map, key: str, code: str | None, required: bool = False) -> Decimal | None:
        line = raw.key_lines.get(key, raw.line)
        if raw.get(key) is None:
            if required:
                self.err(line, code, N_("thiếu %(name)s (khóa “%(key)s”); hãy bổ sung",
                                        name=as_msg(KEY_NAMES.get(key, key)), key=key))
            return None
        try:
            return read_number(raw[key])
        except ValueError as exc:
            self.err(line, code, N_("%(name)s (“%(key)s”): %(exc)s",
                                    name=as_msg(KEY_NAMES.get(key, key)), key=key, exc=as_msg(exc)))
            return None

    def flag(self, raw: _Map, code: str | None, key: str = "na") -> bool:
        value = raw.get(key, False)
        if value is None or isinstance(value, bool):
            return bool(value)
        what = FLAG_NAMES[key]
        self.err(raw.key_lines.get(key, raw.line), code, N_("“%(key)s” (%(what)s) phải là true hoặc false",
                                                            key=key, what=as_msg(what)))
        return False

    def appraiser(self, raw: _Map, code: str | None) -> str | None:
        ap = self.text(raw, "ap", code)
        if ap and ap.upper() not in APPRAISERS:
            self.err(
                raw.key_lines.get("ap", raw.line),
                code,
                N_("cơ quan thẩm định “%(ap)s” không có; hãy dùng một trong: %(choices)s",
                   ap=ap, choices=', '.join(APPRAISERS)),
            )
        return ap.upper() or None

    def pairs(self, raw: _Map, key: str, code: str | None, label_first: bool):
        """lv: [[label, points], …] or bands: [[threshold, points], …] → list of tuples or None."""
        value = raw.get(key)
        if value is None:
            return None
        line = raw.key_lines.get(key, raw.line)
        shape = N_('["tên mức", điểm]') if label_first else N_("[ngưỡng %, điểm]")
        if not isinstance(value, list):
            self.err(line, code, N_("“%(key)s” phải là danh sách, mỗi phần tử dạng %(shape)s",
                                    key=key, shape=as_msg(shape)))
            return None
        result = []
        for entry in value:
            if not isinstance(entry, list) or len(entry) != 2:
                self.err(line, code, N_("mỗi phần tử của “%(key)s” phải có dạng %(shape)s",
                                        key=key, shape=as_msg(shape)))
                return None
            if label_first and (entry[0] is None or isinstance(entry[0], (bool, list, dict))):
                self.err(
                    line, code, N_("tên mức phải là văn bản; tên như Yes, No, On, Off hãy đặt trong dấu "
                                   "nháy")
                )
                return None
            try:
                first = nfc(str(entry[0])) if label_first else read_number(entry[0])
                result.append((first, read_number(entry[1])))
            except ValueError as exc:
                self.err(line, code, N_("“%(key)s” có giá trị sai: %(exc)s", key=key, exc=as_msg(exc)))
                return None
        return result

    # -- nodes --

    def node(
        self,
        raw: object,
        *,
        parent: ItemSpec | None,
        position: int,
        depth: int,
        at: tuple[int | None, str | None],
    ) -> list[ItemSpec]:
        """Parse a field (parent None), a group or a leaf item; return it and its descendants."""
        if not isinstance(raw, _Map):
            self.err(at[0], at[1], N_("mỗi tiêu chí phải là một khối dạng {code: ..., title: ..., ...}"))
            return []
        code = self.code(raw)
        is_group = parent is None or "items" in raw
        self.check_keys(raw, code, ITEM_KEYS, GROUP_FOREIGN if is_group else LEAF_FOREIGN)
        own_ap = self.appraiser(raw, code)
        item = ItemSpec(
            code=code or "",
            title=self.text(raw, "title", code, required=True),
            kind="field" if parent is None else ("group" if is_group else "item"),
            max_points=self.number(raw, "max", code, required=not is_group),
            method=None,
            config={},
            na_allowed=self.flag(raw, code),
            field_code=parent.field_code if parent else code,
            appraiser=own_ap or (parent.appraiser if parent else None),
            guidance=self.text(raw, "guidance", code),
            evidence=self.text(raw, "evidence", code),
            note=self.text(raw, "note", code),
            parent_code=parent.code if parent else None,
            position=position,
            line=raw.line,
        )
        if item.max_points is not None and item.max_points <= 0:
            self.err(raw.key_lines.get("max", raw.line), code, N_("điểm tối đa phải lớn hơn 0"))
        if is_group:
            return self.group(raw, item, depth)
        self.leaf(raw, item)
        return [item]

    def group(self, raw: _Map, item: ItemSpec, depth: int) -> list[ItemSpec]:
        method = raw.get("m")
        if method is not None and method not in LEAF_METHODS:  # a group's own "m" is informative only
            self.err(raw.key_lines.get("m", raw.line), item.code, _unknown_method(method))
        children = raw.get("items")
        if not isinstance(children, list) or not children:
            what = N_("Lĩnh vực") if item.kind == "field" else N_("Nhóm tiêu chí")
            self.err(
                raw.key_lines.get("items", raw.line),
                item.code,
                N_("%(what)s cần danh sách tiêu chí con (khóa “items”) có ít nhất một tiêu chí",
                   what=as_msg(what)),
            )
            return [item]
        if depth >= MAX_DEPTH:
            self.err(raw.line, item.code, N_("cây tiêu chí sâu quá %(max)s cấp; hãy kiểm tra lại "
                                             "thụt lề", max=MAX_DEPTH))
            return [item]
        out, direct = [item], []
        for index, child in enumerate(children):
            sub = self.node(child, parent=item, position=index, depth=depth + 1, at=(raw.line, item.code))
            out += sub
            direct += sub[:1]
        if item.max_points is None and direct and all(c.max_points is not None for c in direct):
            item.max_points = sum((c.max_points for c in direct), Decimal(0))
        return out

    def leaf(self, raw: _Map, item: ItemSpec) -> None:
        method = raw.get("m")
        line = raw.key_lines.get("m", raw.line)
        if method is None:
            self.err(
                line, item.code, N_("thiếu phương pháp chấm (khóa “m”), một trong: %(choices)s",
                                    choices=', '.join(LEAF_METHODS))
            )
            return
        if method in ADJUSTMENT_METHODS:
            self.err(line, item.code, N_("điểm cộng/điểm trừ phải khai báo trong phần “adjustments”"))
            return
        if method not in LEAF_METHODS:
            self.err(line, item.code, _unknown_method(method))
            return
        before = len(self.errors)
        parts = {
            "levels": self.pairs(raw, "lv", item.code, True),
            "bands": self.pairs(raw, "bands", item.code, False),
            "input_label": self.text(raw, "input", item.code),
            "step": self.number(raw, "step", item.code),
            "over_100": self.flag(raw, item.code, "over_100") or None,
        }
        item.method = method
        if len(self.errors) > before:  # a malformed setting is already reported; do not add "missing"
            return
        item.config = build_config(
            method, item.max_points, parts, self.reporter(raw, SETTING_KEY.get(method, "m"), item.code)
        )
        item.guidance = item.guidance or generate_guidance(method, item.max_points, item.config)

    def adjustment(self, raw: object, position: int, at: tuple[int | None, str | None]) -> list[ItemSpec]:
        if not isinstance(raw, _Map):
            self.err(at[0], at[1], N_("mỗi điểm cộng/trừ phải là một khối dạng {code: ..., title: ..., "
                                      "m: ...}"))
            return []
        code = self.code(raw)
        self.check_keys(raw, code, ADJ_KEYS, ADJ_FOREIGN)
        item = ItemSpec(
            code=code or "",
            title=self.text(raw, "title", code, required=True),
            kind="adjustment",
            max_points=None,
            method=None,
            config={},
            appraiser=self.appraiser(raw, code),
            guidance=self.text(raw, "guidance", code),
            evidence=self.text(raw, "evidence", code),
            note=self.text(raw, "note", code),
            position=position,
            line=raw.line,
        )
        method = raw.get("m")
        if method not in ADJUSTMENT_METHODS:
            self.err(
                raw.key_lines.get("m", raw.line),
                code,
                N_("điểm cộng/trừ phải có “m: bonus” (điểm cộng) hoặc “m: deduction” (điểm trừ)"),
            )
            return [item]
        per, cap = (self.number(raw, key, code, required=True) for key in ("per", "cap"))
        if method == "deduction":  # written negative in the file (per: -0.5); stored as magnitudes
            per, cap = (abs(v) if v is not None else None for v in (per, cap))
        item.method = method
        item.config = build_config(method, None, {"per": per, "cap": cap}, self.reporter(raw, "per", code))
        item.guidance = item.guidance or generate_guidance(method, None, item.config)
        return [item]


def _suggest(key: str, known: set) -> str | None:
    low = key.casefold()
    if ALIASES.get(low) in known:
        return ALIASES[low]
    if low in known:
        return low
    if len(low) < 2:
        return None
    match = difflib.get_close_matches(low, sorted(known), n=1, cutoff=0.75)
    return match[0] if match else None


def _unknown_method(method: object) -> str:
    guess = difflib.get_close_matches(str(method), LEAF_METHODS, n=1, cutoff=0.6)
    hint = N_(" — có phải ý bạn là “%(name)s”?", name=guess[0]) if guess else ""
    return N_("phương pháp chấm “%(method)s” không có%(hint)s Hãy dùng một trong: %(choices)s",
              method=method, hint=as_msg(hint), choices=', '.join(LEAF_METHODS))


# --- the set: meta, fields, adjustments, inheritance ---------------------------------------------------


def load_set_yaml(text: str, *, base: SetSpec | None = None) -> tuple[SetSpec | None, list[SpecError]]:
    """Parse a criteria set. Returns (spec, []) or (None, errors); never raises on bad input.

    A set whose meta has `inherits: <code>` is the base set (pass it as `base`, already loaded) with the
    items listed under `replace` swapped in place, each keeping its position and parent.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None, [
                SpecError(
                    None,
                    None,
                    N_("Tệp YAML không phải văn bản UTF-8. Hãy lưu lại tệp với bảng mã UTF-8 rồi tải lên "
                       "lại."),
                )
            ]
    if len(text) > MAX_YAML_CHARS:
        return None, [SpecError(None, None, N_("Tệp YAML quá lớn (quá 1 triệu ký tự); hãy kiểm tra lại "
                                               "tệp."))]
    text = text.lstrip("\ufeff")
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:  # a control character: refused before parsing starts
        line = text.count("\n", 0, exc.position) + 1
        message = N_("Dòng %(line)s: tệp có ký tự điều khiển không hợp lệ (mã #x%(char)s); hãy xoá ký tự đó.",
                     line=line, char=f"{exc.character:04x}")
        return None, [SpecError(line, None, message)]
    try:
        doc = loader.get_single_data()
    except yaml.YAMLError as exc:
        return None, [_syntax_error(exc)]
    except RecursionError:
        return None, [SpecError(None, None, N_("Tệp YAML lồng nhau quá sâu; hãy kiểm tra lại dấu ngoặc."))]
    finally:
        loader.dispose()
    reader = _Reader()
    for line, key, owner in loader.duplicate_keys:
        code = owner.get("code")
        reader.err(
            line,
            str(code) if code is not None else None,
            N_("khóa “%(key)s” xuất hiện hai lần trong cùng một mục; hãy giữ lại một", key=key),
        )
    spec = _read_set(reader, doc, base)
    if reader.errors:
        return None, sorted(reader.errors, key=lambda e: e.line or 0)
    return spec, []


def _read_set(reader: _Reader, doc: object, base: SetSpec | None) -> SetSpec | None:
    if not isinstance(doc, _Map):
        reader.err(1, None, N_("tệp phải gồm các phần “meta:”, “fields:” và “adjustments:” (hoặc "
                               "“replace:”)"))
        return None
    reader.check_keys(doc, None, TOP_KEYS)
    raw_meta = doc.get("meta")
    if not isinstance(raw_meta, _Map):
        reader.err(
            doc.key_lines.get("meta", 1),
            None,
            N_("thiếu phần “meta:” (mã bộ tiêu chí, loại đơn vị, tổng điểm…); hãy bổ sung"),
        )
        return None
    inherits = raw_meta.get("inherits")
    if inherits is None:
        if "replace" in doc:
            reader.err(doc.key_lines["replace"], None, N_("phần “replace” chỉ dùng được khi meta có "
                                                          "“inherits”"))
        return SetSpec(_read_meta(reader, raw_meta, None), _read_items(reader, doc))
    inherits = nfc(str(inherits))
    line = raw_meta.key_lines["inherits"]
    for key in ("fields", "adjustments"):
        if key in doc:
            reader.err(
                doc.key_lines[key],
                None,
                N_("bộ kế thừa bộ “%(inherits)s” không được có phần “%(key)s”; hãy ghi các tiêu chí khác "
                   "bộ gốc trong phần “replace”", inherits=inherits, key=key),
            )
    if base is None:
        reader.err(
            line,
            None,
            N_("bộ tiêu chí này kế thừa bộ “%(inherits)s”; hãy nạp bộ “%(inherits)s” trước rồi nạp lại "
               "tệp này", inherits=inherits),
        )
        return None
    if base.meta.get("set") != inherits:
        reader.err(
            line,
            None,
            N_("bộ tiêu chí này kế thừa bộ “%(inherits)s” nhưng bộ gốc được chọn là “%(set)s”; hãy chọn "
               "đúng bộ gốc", inherits=inherits, set=base.meta.get('set')),
        )
        return None
    meta = _read_meta(reader, raw_meta, base.meta)
    return SetSpec(
        meta,
        _replace(
            reader,
            copy.deepcopy(base.items),
            doc.get("replace"),
            inherits,
            doc.key_lines.get("replace", line),
        ),
    )


def _read_meta(reader: _Reader, raw: _Map, base_meta: dict | None) -> dict:
    reader.check_keys(raw, None, META_KEYS)
    meta: dict = {"set": reader.text(raw, "set", None, required=True)}
    unit_type = reader.text(raw, "unit_type", None, required=True)
    if unit_type and unit_type not in UNIT_TYPE_FROM_YAML and not UNIT_TYPE_CODE.match(unit_type):
        reader.err(
            raw.key_lines.get("unit_type"),
            None,
            N_("loại đơn vị “%(unit_type)s” không hợp lệ; hãy ghi mã loại đơn vị của năm (chữ thường "
               "không dấu, ví dụ commune) hoặc %(choices)s",
               unit_type=unit_type, choices=' hoặc '.join(UNIT_TYPE_FROM_YAML)),
        )
    meta["unit_type"] = unit_type
    for key in META_NUMBERS:
        inherited = base_meta is not None and key in base_meta and key not in raw
        value = base_meta[key] if inherited else reader.number(raw, key, None, required=True)
        if value is not None and key == "deduction_cap":
            value = abs(value)
        elif value is not None and value < 0:
            reader.err(raw.key_lines.get(key), None, N_("%(name)s (“%(key)s”) không được âm",
                                                        name=as_msg(KEY_NAMES[key]), key=key))
        meta[key] = value
    return meta


def _read_items(reader: _Reader, doc: _Map) -> list[ItemSpec]:
    fields, adjustments = doc.get("fields"), doc.get("adjustments", [])
    items: list[ItemSpec] = []
    if not isinstance(fields, list) or not fields:
        reader.err(
            doc.key_lines.get("fields", 1), None, N_("thiếu danh sách lĩnh vực (phần “fields:”); hãy bổ "
                                                     "sung")
        )
    else:
        for index, raw in enumerate(fields):
            items += reader.node(
                raw, parent=None, position=index, depth=1, at=(doc.key_lines["fields"], None)
            )
    if not isinstance(adjustments, list):
        reader.err(doc.key_lines.get("adjustments"), None, N_("phần “adjustments” phải là một danh sách"))
    else:
        for index, raw in enumerate(adjustments):
            items += reader.adjustment(raw, index, at=(doc.key_lines["adjustments"], None))
    _check_unique(reader, items)
    return items


def _replace(
    reader: _Reader, items: list[ItemSpec], entries: object, base_code: str, line: int
) -> list[ItemSpec]:
    if entries is None:
        return items
    if not isinstance(entries, list):
        reader.err(line, None, N_("phần “replace” phải là một danh sách tiêu chí"))
        return items
    replaced: set[str] = set()
    for entry in entries:
        code = reader.code(entry) if isinstance(entry, _Map) else None
        if code is None:
            if not isinstance(entry, _Map):
                reader.err(
                    line, None, N_("mỗi mục trong “replace” phải là một khối dạng {code: ..., title: ...}")
                )
            continue
        if code in replaced:
            reader.err(entry.line, code, N_("mã này được thay thế hai lần trong “replace”; hãy giữ lại "
                                            "một"))
            continue
        replaced.add(code)
        by_code = {item.code: item for item in items}
        old = by_code.get(code)
        if old is None:
            reader.err(
                entry.line,
                code,
                N_("không có mục mã %(code)s trong bộ gốc “%(base_code)s” để thay thế; hãy kiểm tra lại "
                   "mã", code=code, base_code=base_code),
            )
            continue
        start = items.index(old)
        end = start + 1
        while end < len(items) and _descends(items[end], code, by_code):
            end += 1
        if old.kind == "adjustment":
            new = reader.adjustment(entry, old.position, at=(entry.line, code))
        else:
            parent = by_code.get(old.parent_code) if old.parent_code else None
            new = reader.node(
                entry, parent=parent, position=old.position, depth=_depth(old, by_code), at=(entry.line, code)
            )
        items[start:end] = new
    _check_unique(reader, items)
    return items


def _descends(item: ItemSpec, ancestor: str, by_code: dict[str, ItemSpec]) -> bool:
    parent = item.parent_code
    while parent is not None:
        if parent == ancestor:
            return True
        parent = by_code[parent].parent_code if parent in by_code else None
    return False


def _depth(item: ItemSpec, by_code: dict[str, ItemSpec]) -> int:
    depth, parent = 1, item.parent_code
    while parent is not None and parent in by_code:
        depth, parent = depth + 1, by_code[parent].parent_code
    return depth


def _check_unique(reader: _Reader, items: list[ItemSpec]) -> None:
    first_line: dict[str, int | None] = {}
    for item in items:
        if not item.code:
            continue
        if item.code in first_line:
            where = N_(" ở dòng %(line)s", line=first_line[item.code]) if first_line[item.code] else ""
            reader.err(
                item.line,
                item.code,
                N_("mã %(code)s bị trùng với mục đã có%(where)s; mỗi mục phải có một mã riêng",
                   code=item.code, where=as_msg(where)),
            )
        else:
            first_line[item.code] = item.line
