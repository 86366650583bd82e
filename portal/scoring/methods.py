"""Phương pháp chấm điểm — the scoring methods of a sub-criterion (tiêu chí thành phần).

Each method is a small pure function from the item's configuration (as stored in JSON, decimals as
strings), its maximum (điểm tối đa) and what the person entered, to the points. `compute_points`
dispatches by method name. Methods (domain.md §5):

- levels (mức độ): a list of [label, points]; input {"level": index}.
- percentage (tỷ lệ % theo khung): numerator/denominator mapped to bands [[min_pct, points], ...].
- ratio (tỷ lệ thuận): points = max × numerator / denominator, rounded to 2 decimals.
  Both refuse a numerator above the denominator unless the config says ``over_100: true`` (thu ngân sách
  vượt dự toán…): then the result may exceed 100 % and reaches the top band / the maximum.
- yes_no (có/không): max or 0.
- number (nhập điểm): a typed score within [0, max], on the declared step grid or else to 2 decimals.
- survey (điều tra xã hội học): points imported from a survey, within [0, max].
- bonus (điểm cộng) and deduction (điểm trừ): per occurrence, capped; both return a positive magnitude.

Strings in *inputs* are what a person typed and are read with `parse_decimal` ("0,5" or "0.5");
strings in *config* are stored decimals and are read with `to_decimal`.
"""
from collections.abc import Callable, Mapping
from decimal import Decimal

from portal.text import N_, as_msg

from .errors import ScoringInputError
from .numeric import ZERO, parse_decimal, round2, to_decimal

__all__ = [
    "METHODS", "DEFAULT_STEP", "ScoringInputError", "compute_points", "parse_decimal",
    "parse_levels", "parse_bands", "parse_per_cap", "parse_step",
]

LEAF_METHODS = ("levels", "percentage", "ratio", "yes_no", "number", "survey")
ADJUSTMENT_METHODS = ("bonus", "deduction")
METHODS = LEAF_METHODS + ADJUSTMENT_METHODS
#: The methods whose points people enter (the unit, then the council); a survey's points are imported.
ENTERED_METHODS = tuple(method for method in METHODS if method != "survey")
#: Vietnamese names of the methods, as officials write them in Excel and read them in messages: the one table.
METHOD_LABELS = {
    "levels": N_("Chọn mức"),
    "percentage": N_("Tỷ lệ theo khung"),
    "ratio": N_("Tỷ lệ thuận"),
    "yes_no": N_("Có/Không"),
    "number": N_("Nhập số"),
    "survey": N_("Điều tra XHH"),
    "bonus": N_("Điểm cộng"),
    "deduction": N_("Điểm trừ"),
}
DEFAULT_STEP = Decimal("0.01")  # no declared step: any value to 2 decimals, as officials write them
HUNDRED = Decimal(100)

# Methods whose points are a share of the item's maximum, so they cannot work without one.
_NEEDS_MAX = frozenset({"levels", "percentage", "ratio", "yes_no", "number", "survey"})


def _bad_config(detail: str) -> ScoringInputError:
    return ScoringInputError(
        "bad_config", N_("Cấu hình cách chấm điểm chưa đúng: %(detail)s. Hãy sửa trong bộ tiêu chí.",
                         detail=as_msg(detail)), detail=detail)


# --- configuration parsers (also used by validation.py) -------------------------------------------

def parse_levels(config: Mapping) -> list[tuple[str, Decimal]]:
    """The [label, points] pairs of a levels item, in stored order."""
    raw = config.get("levels")
    if not isinstance(raw, (list, tuple)) or not raw:
        raise _bad_config(N_("chưa khai báo các mức đánh giá"))
    levels = []
    for pair in raw:
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise _bad_config(N_("mỗi mức phải gồm tên mức và số điểm"))
        levels.append((str(pair[0]), _config_number(pair[1], N_("điểm của mức"))))
    return levels


def parse_bands(config: Mapping) -> list[tuple[Decimal, Decimal]]:
    """The (min_pct, points) bands of a percentage item, sorted by min_pct descending."""
    raw = config.get("bands")
    if not isinstance(raw, (list, tuple)) or not raw:
        raise _bad_config(N_("chưa khai báo các khung tỷ lệ"))
    bands = []
    for pair in raw:
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise _bad_config(N_("mỗi khung phải gồm tỷ lệ tối thiểu và số điểm"))
        bands.append((_config_number(pair[0], N_("tỷ lệ tối thiểu")),
                      _config_number(pair[1], N_("điểm của khung"))))
    return sorted(bands, key=lambda band: band[0], reverse=True)


def parse_step(config: Mapping) -> Decimal:
    """The step (bước điểm) of a number item; without one, any score to 2 decimals (step 0.01)."""
    step = _config_number(config.get("step", DEFAULT_STEP), N_("bước điểm"))
    if step <= 0:
        raise _bad_config(N_("bước điểm phải lớn hơn 0"))
    return step


def parse_per_cap(config: Mapping) -> tuple[Decimal, Decimal]:
    """The (per occurrence, cap) magnitudes of a bonus or deduction; both must be positive."""
    per = _config_number(config.get("per"), N_("số điểm mỗi lần"))
    cap = _config_number(config.get("cap"), N_("mức tối đa"))
    if per <= 0 or cap <= 0:
        raise _bad_config(N_("số điểm mỗi lần và mức tối đa phải là số dương"))
    return per, cap


def _config_number(value: object, what: str) -> Decimal:
    if value is None:
        raise _bad_config(N_("thiếu %(what)s", what=as_msg(what)))
    try:
        return to_decimal(value, what)
    except ScoringInputError:
        raise _bad_config(N_("%(what)s “%(value)s” không phải là số",
                              what=as_msg(what), value=str(value))) from None


# --- reading what a person entered ---------------------------------------------------------------

def _entered(inputs: Mapping, key: str, what: str) -> object:
    value = inputs.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ScoringInputError("missing_input", N_("Chưa nhập %(what)s. Hãy nhập %(what)s rồi lưu lại.",
                                                    what=as_msg(what)),
                                field=key)
    return value


def _number(inputs: Mapping, key: str, what: str) -> Decimal:
    value = _entered(inputs, key, what)
    return parse_decimal(value) if isinstance(value, str) else to_decimal(value, what)


def _count(inputs: Mapping, key: str = "count") -> int:
    value = _entered(inputs, key, N_("số lần"))
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ScoringInputError(
            "bad_count", N_("Số lần phải là số nguyên từ 0 trở lên. Hãy nhập lại, ví dụ 2."),
            value=str(value))
    return value


def _within_max(value: Decimal, max_points: Decimal) -> Decimal:
    if value < 0:
        raise ScoringInputError("negative", N_("Điểm không được âm. Hãy nhập điểm từ 0 trở lên."),
                                value=value)
    if value > max_points:
        raise ScoringInputError(
            "above_max", N_("Điểm không được vượt quá điểm tối đa %(max)s. Hãy nhập điểm từ 0 đến %(max)s.",
                            max=max_points),
            value=value, max=max_points)
    return value


def _fraction(config: Mapping, inputs: Mapping) -> tuple[Decimal, Decimal]:
    """Numerator and denominator (tử số / mẫu số) checked: 0 ≤ numerator ≤ denominator, denominator > 0."""
    label = str(config.get("input_label") or config.get("input") or "")
    num_label, _, den_label = (part.strip() for part in label.partition("/"))
    numerator = _number(inputs, "numerator", N_("tử số"))
    denominator = _number(inputs, "denominator", N_("mẫu số"))
    if denominator <= 0:
        message = N_("Mẫu số phải lớn hơn 0. Hãy nhập số %(den)s.", den=den_label) if den_label else \
            N_("Mẫu số phải lớn hơn 0. Hãy nhập tổng số dùng để tính tỷ lệ.")
        raise ScoringInputError("den_zero", message, denominator=denominator)
    if numerator < 0:
        raise ScoringInputError(
            "negative", N_("Tử số không được âm. Hãy nhập số từ 0 trở lên."), numerator=numerator)
    if numerator > denominator and config.get("over_100") is not True:
        message = N_("Mục này không cho phép kết quả trên 100%%: tử số không được lớn hơn mẫu số (số %(num)s "
                     "không thể nhiều hơn số %(den)s). Hãy kiểm tra lại hai số đã nhập.",
                     num=num_label, den=den_label) if num_label and den_label else \
            N_("Mục này không cho phép kết quả trên 100%: tử số không được lớn hơn mẫu số. "
               "Hãy kiểm tra lại hai số đã nhập.")
        raise ScoringInputError(
            "num_above_den", message,
            numerator=numerator, denominator=denominator)
    return numerator, denominator


# --- the methods -----------------------------------------------------------------------------------

def score_levels(config: Mapping, max_points: Decimal, inputs: Mapping) -> Decimal:
    """Mức độ: the points of the chosen level."""
    levels = parse_levels(config)
    level = _entered(inputs, "level", N_("mức đánh giá"))
    if isinstance(level, str) and level.strip().isascii() and level.strip().isdigit():
        level = int(level.strip())
    if isinstance(level, bool) or not isinstance(level, int) or not 0 <= level < len(levels):
        raise ScoringInputError(
            "unknown_level", N_("Mức đánh giá không hợp lệ. Hãy chọn một mức trong danh sách."),
            level=str(level))
    return levels[level][1]


def score_percentage(config: Mapping, max_points: Decimal, inputs: Mapping) -> Decimal:
    """Tỷ lệ % theo khung: the points of the first band (highest min first) with min_pct ≤ pct."""
    numerator, denominator = _fraction(config, inputs)
    for min_pct, points in parse_bands(config):
        # pct = num / den × 100 ≥ min_pct, compared without dividing so 2/3 is never rounded first
        if numerator * HUNDRED >= min_pct * denominator:
            return points
    return ZERO


def score_ratio(config: Mapping, max_points: Decimal, inputs: Mapping) -> Decimal:
    """Tỷ lệ thuận: max × numerator / denominator, rounded half up to 2 decimals; a result above 100 %
    (only where the item allows it) counts as 100 %."""
    numerator, denominator = _fraction(config, inputs)
    return round2(max_points * min(numerator, denominator) / denominator)


def score_yes_no(config: Mapping, max_points: Decimal, inputs: Mapping) -> Decimal:
    """Có/Không: the maximum for yes, 0 for no."""
    answer = _entered(inputs, "yes", N_("câu trả lời Có/Không"))
    if not isinstance(answer, bool):
        raise ScoringInputError("bad_choice", N_("Hãy chọn “Có” hoặc “Không”."), value=str(answer))
    return max_points if answer else ZERO


def score_number(config: Mapping, max_points: Decimal, inputs: Mapping) -> Decimal:
    """Nhập điểm: a typed score in [0, max] that is a multiple of the step."""
    step = parse_step(config)
    value = _within_max(_number(inputs, "value", N_("điểm")), max_points)
    if value % step != 0:
        raise ScoringInputError(
            "off_step",
            N_("Điểm phải là bội số của %(step)s (ví dụ 0; %(step)s; %(twice)s). Hãy nhập lại.",
               step=step, twice=step * 2),
            value=value, step=step)
    return value


def score_survey(config: Mapping, max_points: Decimal, inputs: Mapping) -> Decimal:
    """Điểm điều tra XHH: imported points in [0, max], rounded to 2 decimals like every stored score."""
    return round2(_within_max(_number(inputs, "points", N_("điểm điều tra")), max_points))


def score_adjustment(config: Mapping, max_points: Decimal | None, inputs: Mapping) -> Decimal:
    """Điểm cộng / điểm trừ: min(per × count, cap), as a positive magnitude."""
    per, cap = parse_per_cap(config)
    return min(per * _count(inputs), cap)


_SCORERS: dict[str, Callable[[Mapping, Decimal, Mapping], Decimal]] = {
    "levels": score_levels,
    "percentage": score_percentage,
    "ratio": score_ratio,
    "yes_no": score_yes_no,
    "number": score_number,
    "survey": score_survey,
    "bonus": score_adjustment,
    "deduction": score_adjustment,
}


def compute_points(method: str, config: Mapping, max_points: Decimal | None, inputs: Mapping) -> Decimal:
    """Tính điểm — the points of one item from its method, config, maximum and the entered inputs.

    Raises ScoringInputError for anything a person can fix (unknown method, missing maximum, values out
    of range). The result never exceeds `max_points` when a maximum is given.
    """
    scorer = _SCORERS.get(method)
    if scorer is None:
        raise ScoringInputError(
            "unknown_method",
            N_("Cách chấm “%(method)s” không được hỗ trợ. Hãy chọn một trong: %(methods)s.",
               method=str(method), methods=", ".join(METHODS)),
            method=str(method))
    maximum = None if max_points is None else to_decimal(max_points, N_("điểm tối đa"))
    if maximum is None and method in _NEEDS_MAX:
        raise ScoringInputError(
            "missing_max", N_("Mục này chưa có điểm tối đa. Hãy khai báo điểm tối đa trong bộ tiêu chí."))
    points = scorer(config or {}, maximum, inputs or {})
    if maximum is not None and points > maximum:
        points = maximum
    return points
