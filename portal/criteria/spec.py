"""Bộ tiêu chí dạng dữ liệu thuần — the criteria set as plain data, shared by the YAML and Excel readers.

`SetSpec` / `ItemSpec` are what the YAML and Excel readers (yaml_read, xlsx_read) produce and the writers (yaml_write, xlsx_write) consume; the database layer and the
scoring engine convert from them. This module also holds the rules both formats share: the method
names, how a number in a criteria file is read (through the scoring core's one parser), how a method's
`config` is checked and built, and the readable "cách tính điểm" text generated when a file gives none.
Pure: no Flask, no SQLAlchemy.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from portal.scoring.errors import ScoringInputError
from portal.scoring.methods import ADJUSTMENT_METHODS, LEAF_METHODS, METHOD_LABELS, METHODS  # noqa: F401  (the set's vocabulary)
from portal.scoring.numeric import format_vi, parse_decimal
from portal.seed_data.unit_types import FILE_ALIAS_LABELS, FILE_ALIASES
from portal.text import N_, as_msg, clean_text

KINDS = ("field", "group", "item", "adjustment")


# A set file names its unit type by the type's code (any code of the year), or by the 2022 names below.
UNIT_TYPE_FROM_YAML = FILE_ALIASES
UNIT_TYPE_LABELS = FILE_ALIAS_LABELS
UNIT_TYPE_CODE = re.compile(r"^[a-z0-9_-]{1,20}$")

# Cơ quan thẩm định: the council members' agencies that appraise a field (domain.md §6).
APPRAISERS = {
    "SNV": "Sở Nội vụ",
    "STP": "Sở Tư pháp",
    "VPUB": "Văn phòng UBND tỉnh",
    "STC": "Sở Tài chính",
    "STTTT": "Sở Thông tin và Truyền thông",
    "SKHCN": "Sở Khoa học và Công nghệ",
}

# Meta keys every loaded set carries (all but "set" and "unit_type" are Decimals, caps positive).
META_NUMBERS = ("total", "appraisal", "survey", "bonus_cap", "deduction_cap")
#: The setting (Excel cell, editor, guidance) that lets a percentage or ratio item take results above 100 %
#: (thu ngân sách vượt dự toán…): the result then counts as 100 %.
OVER_100 = "cho phép trên 100%"
MAX_CODE_LENGTH = 20
MAX_TEXT_LENGTH = 4000


@dataclass
class ItemSpec:
    """One node of the criteria tree: lĩnh vực, nhóm tiêu chí, tiêu chí (scored) or điểm cộng/trừ."""

    code: str
    title: str
    kind: str
    max_points: Decimal | None
    method: str | None
    config: dict
    na_allowed: bool = False
    field_code: str | None = None
    appraiser: str | None = None
    guidance: str = ""
    evidence: str = ""
    note: str = ""
    parent_code: str | None = None
    position: int = 0
    # Where the item came from, for messages only: two specs are equal whatever their source lines.
    line: int | None = field(default=None, compare=False)


@dataclass
class SetSpec:
    """Bộ tiêu chí: meta (set, unit_type, total, appraisal, survey, bonus_cap, deduction_cap) and the
    items flattened parents-first in document order, adjustments last."""

    meta: dict
    items: list[ItemSpec]


@dataclass(frozen=True)
class SpecError:
    """One problem found in a criteria file. `message` is complete Vietnamese (it names the line or row
    and the code itself); `line` and `code` are there for sorting and highlighting."""

    line: int | None
    code: str | None
    message: str

    def __str__(self) -> str:
        return self.message


Report = Callable[[str], None]


def code_problem(code: str) -> str | None:
    """Why an item code cannot be used (too long, a blank, ';' or '='), or None: the same in every reader."""
    if len(code) > MAX_CODE_LENGTH or any(ch.isspace() or ch in ";=" for ch in code):
        return N_("mã không hợp lệ; mã dài tối đa %(max)s ký tự, không có khoảng trắng, dấu ';' hay '='",
                  max=MAX_CODE_LENGTH)
    return None


def located(where: str, code: str | None, text: str) -> str:
    """“Dòng 12, mã 1.1: …” — a problem of a criteria file with its place (line or row, item code); the
    message ends with one full stop whether or not `text` had one."""
    if code:
        where = N_("%(where)s, mã %(code)s", where=as_msg(where), code=code)
    text = as_msg(text)
    if text.endswith("."):
        return N_("%(where)s: %(text)s", where=as_msg(where), text=text)
    return N_("%(where)s: %(text)s.", where=as_msg(where), text=text)


MULTILINE_KEYS = ("guidance", "evidence", "note")


def nfc(text: str, *, multiline: bool = False) -> str:
    """Chuẩn hoá văn bản — NFC, stripped, no control or bidi characters (the project's one text cleaner);
    single-line text (codes, titles, labels) also loses line breaks and repeated blanks."""
    return clean_text(text, multiline=multiline)


def dec_str(value: Decimal) -> str:
    """The canonical stored form of a decimal: dot, no exponent, no trailing zeros ("0.5", "100")."""
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)) + 0)  # "+ 0" turns -0 into 0
    return format(value.normalize(), "f")


def canonical(value: Decimal) -> Decimal:
    return Decimal(dec_str(value))


def read_number(value: object) -> Decimal:
    """Read a number from a criteria file: Decimal/int (YAML), float (an Excel numeric cell) or text
    typed by a person ("0,5" or "0.5"). Typed text goes through the scoring core's one parser, so
    "1.000" (thousands or decimals?) is refused there; a number that is already a number (YAML, numeric
    cell) is refused here when it has more than 2 decimals.

    Raises ValueError with a Vietnamese message.
    """
    if isinstance(value, (float, Decimal)) and not isinstance(value, bool):
        number = Decimal(repr(value)) if isinstance(value, float) else value
        if not number.is_finite():
            raise ValueError(N_("phải là một số, ví dụ 1 hoặc 0,5"))
        text = format(number, "f")
        if number.as_tuple().exponent < -2:
            raise ValueError(
                N_("giá trị %(value)s có quá 2 chữ số thập phân; hãy làm tròn tới tối đa 2 chữ số, "
                   "ví dụ 0,25",
                   value=text.replace(".", ","))
            )
    elif isinstance(value, (int, str)) and not isinstance(value, bool):
        text = str(value)
    else:
        raise ValueError(N_("phải là một số, ví dụ 1 hoặc 0,5"))
    try:
        return canonical(parse_decimal(unicodedata.normalize("NFC", text)))
    except ScoringInputError as exc:
        named = exc.code in ("too_many_decimals", "too_large")  # these messages do not quote the value
        message = N_("“%(value)s”: %(message)s", value=text.strip(), message=as_msg(exc.message)) if named \
            else exc.message
        raise ValueError(message) from None


def pts(value: Decimal) -> str:
    """Points for a Vietnamese sentence: "0,5 điểm"."""
    return f"{format_vi(value)} điểm"


def check_levels(levels: list[tuple[str, Decimal]], max_points: Decimal | None, report: Report) -> None:
    """Các mức: at least two, distinct non-empty labels, points within 0..max."""
    if len(levels) < 2:
        report(N_("cần ít nhất 2 mức (ví dụ Đúng hạn = 1; Không thực hiện = 0)"))
    seen: set[str] = set()
    for label, points in levels:
        if not label:
            report(N_("có một mức chưa có tên"))
        elif ";" in label or "=" in label:
            report(N_("tên mức “%(label)s” không được chứa dấu ';' hoặc '='", label=label))
        elif label.casefold() in seen:
            report(N_("mức “%(label)s” bị lặp", label=label))
        seen.add(label.casefold())
        if points < 0 or (max_points is not None and points > max_points):
            report(N_("điểm của mức “%(label)s” (%(points)s) phải nằm trong khoảng 0 đến điểm tối đa",
                      label=label, points=points))


def check_bands(bands: list[tuple[Decimal, Decimal]], max_points: Decimal | None, report: Report) -> None:
    """Khung tỷ lệ: thresholds strictly decreasing, the last one 0 %, points within 0..max."""
    if not bands:
        report(N_("cần ít nhất một khung tỷ lệ, ví dụ ≥100% = 1; ≥0% = 0"))
        return
    thresholds = [threshold for threshold, _ in bands]
    if any(t < 0 for t in thresholds):
        report(N_("ngưỡng tỷ lệ không được âm"))
    if any(a <= b for a, b in zip(thresholds, thresholds[1:], strict=False)):
        report(N_("các ngưỡng tỷ lệ phải xếp từ cao xuống thấp và không trùng nhau"))
    elif thresholds[-1] != 0:
        report(N_("khung cuối cùng phải bắt đầu từ 0% để mọi tỷ lệ đều có điểm"))
    for threshold, points in bands:
        if points < 0 or (max_points is not None and points > max_points):
            report(
                N_("điểm của khung ≥%(threshold)s%% (%(points)s) phải nằm trong khoảng 0 đến điểm tối đa",
                   threshold=threshold, points=points)
            )


def build_config(method: str, max_points: Decimal | None, parts: dict, report: Report) -> dict:
    """Check the method's settings and return its JSON-safe config (decimals as strings).

    `parts` may hold: levels [(label, Decimal)], bands [(Decimal, Decimal)], input_label str,
    step Decimal, per Decimal, cap Decimal (magnitudes; the caller has taken signs into account).
    Settings that do not belong to the method are reported, so nothing the author wrote is lost silently.
    """
    allowed = {
        "levels": {"levels"},
        "percentage": {"bands", "input_label", "over_100"},
        "ratio": {"input_label", "over_100"},
        "number": {"step"},
        "bonus": {"per", "cap"},
        "deduction": {"per", "cap"},
    }.get(method, set())
    for key in parts:
        if key not in allowed and parts[key] not in (None, "", []):
            report(
                N_("phương pháp “%(name)s” (%(method)s) không dùng thiết lập “%(name2)s”; hãy xoá nó "
                   "hoặc đổi phương pháp",
                   name=as_msg(METHOD_LABELS[method]), method=method, name2=SETTING_NAMES[key])
            )
    config: dict = {}
    if method == "levels":
        levels = parts.get("levels")
        if levels is None:
            report(N_("phương pháp “Chọn mức” (levels) cần danh sách các mức và điểm của từng mức"))
        else:
            check_levels(levels, max_points, report)
            config["levels"] = [[label, dec_str(points)] for label, points in levels]
    elif method == "percentage":
        bands = parts.get("bands")
        if bands is None:
            report(N_("phương pháp “Tỷ lệ theo khung” (percentage) cần các khung tỷ lệ và điểm của từng "
                      "khung"))
        else:
            check_bands(bands, max_points, report)
            config["bands"] = [[dec_str(t), dec_str(p)] for t, p in bands]
    elif method == "number" and parts.get("step") is not None:
        step = parts["step"]
        if step <= 0 or (max_points is not None and step > max_points):
            report(N_("bước nhập điểm phải lớn hơn 0 và không vượt điểm tối đa"))
        config["step"] = dec_str(step)
    elif method in ADJUSTMENT_METHODS:
        for key, label in (("per", N_("số điểm mỗi lần")), ("cap", N_("mức tối đa"))):
            value = parts.get(key)
            if value is None:
                report(N_("điểm cộng/trừ cần %(label)s", label=as_msg(label)))
            elif value == 0:
                report(N_("%(label)s phải khác 0", label=as_msg(label)))
            elif value < 0:
                report(N_("%(label)s của điểm cộng phải là số dương", label=as_msg(label)))
            else:
                config[key] = dec_str(value)
    if method in ("percentage", "ratio") and parts.get("input_label"):
        config["input_label"] = parts["input_label"]
    if method in ("percentage", "ratio") and parts.get("over_100"):
        config["over_100"] = True
    return config


SETTING_NAMES = {
    "levels": "các mức",
    "bands": "khung tỷ lệ",
    "input_label": "số liệu kê khai",
    "step": "bước",
    "over_100": OVER_100,
    "per": "mỗi lần",
    "cap": "tối đa",
}


def generate_guidance(method: str | None, max_points: Decimal | None, config: dict) -> str:
    """Cách tính điểm sinh tự động — readable Vietnamese text from the method, decimal comma."""
    if method is None:
        return ""
    if method == "levels":
        return "; ".join(f"{label}: {pts(Decimal(p))}" for label, p in config.get("levels", []))
    if method == "percentage":
        return _bands_guidance(config)
    top = pts(max_points) if max_points is not None else "điểm tối đa"
    if method == "ratio":
        label = config.get("input_label")
        what = f"tỷ lệ ({label})" if label else "tỷ lệ đạt được"
        return f"Điểm = {top} × {what}" + _over_100_words(config)
    if method == "yes_no":
        return f"Có: {top}; Không: 0 điểm"
    if method == "number":
        step = f", bước {format_vi(Decimal(config['step']))}" if "step" in config else ""
        return f"Nhập số điểm từ 0 đến {top}{step}"
    if method == "survey":
        return f"Điểm = {top} × kết quả điều tra xã hội học (%)"
    per, cap = (format_vi(Decimal(config.get(k, "0"))) for k in ("per", "cap"))
    verb = "Cộng" if method == "bonus" else "Trừ"
    return f"{verb} {per} điểm mỗi lần; tổng {verb.lower()} tối đa {cap} điểm"


def _bands_guidance(config: dict) -> str:
    bands = [(Decimal(t), Decimal(p)) for t, p in config.get("bands", [])]
    parts = []
    for index, (threshold, points) in enumerate(bands):
        upper = bands[index - 1][0] if index else None
        if upper is None and threshold == 0:
            parts.append(f"mọi tỷ lệ: {pts(points)}")
        elif upper is None:
            parts.append(f"tỷ lệ ≥ {format_vi(threshold)}%: {pts(points)}")
        elif threshold == 0:
            parts.append(f"dưới {format_vi(upper)}%: {pts(points)}")
        else:
            parts.append(f"từ {format_vi(threshold)}% đến dưới {format_vi(upper)}%: {pts(points)}")
    text = "; ".join(parts)
    text = text[:1].upper() + text[1:]
    label = config.get("input_label")
    return text + (f" (tỷ lệ = {label})" if label else "") + _over_100_words(config)


def _over_100_words(config: dict) -> str:
    return "; tỷ lệ trên 100% được tính là 100%" if config.get("over_100") else ""
