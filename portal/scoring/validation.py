"""Kiểm tra bộ tiêu chí — validation of a criteria set before it is used for a year.

`validate_tree` returns every problem found, each as a SetError naming the item code (mã tiêu chí) and
saying in Vietnamese what to fix: maxima that do not add up, duplicate codes, unknown methods and
method configurations that cannot work (levels, bands, step, per/cap).
"""
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from portal.text import N_, as_msg

from .errors import ScoringInputError
from .methods import ADJUSTMENT_METHODS, METHODS, parse_bands, parse_levels, parse_per_cap, parse_step
from .numeric import ZERO, to_decimal
from .nodes import Node, iter_nodes

__all__ = ["SetError", "validate_tree"]

_HUNDRED = Decimal(100)


@dataclass(frozen=True)
class SetError:
    """One problem of a criteria set: the item code (None for the set as a whole) and the message."""

    code: str | None
    message: str


def validate_tree(fields: Sequence[Node], *, total: Decimal = Decimal("100"),
                  adjustments: Sequence[Node] = ()) -> list[SetError]:
    """Every problem of a criteria set; an empty list means the set can be used."""
    total = to_decimal(total, N_("tổng điểm"))
    errors: list[SetError] = []
    _check_unique_codes([*fields, *adjustments], errors)
    top_level = {id(f) for f in fields}
    for node in iter_nodes(fields):
        _check_node(node, errors, top_level=id(node) in top_level)
    field_maxima = [f.effective_max for f in fields]
    if None not in field_maxima and sum(field_maxima, ZERO) != total:
        errors.append(SetError(
            None, N_("Tổng điểm tối đa các lĩnh vực là %(sum)s, phải bằng %(total)s. Hãy điều chỉnh điểm "
                     "tối đa các lĩnh vực.", sum=sum(field_maxima, ZERO), total=total)))
    for adjustment in adjustments:
        _check_adjustment(adjustment, errors)
    return errors


def _check_unique_codes(nodes: Sequence[Node], errors: list[SetError]) -> None:
    seen: set[str] = set()
    reported: set[str] = set()
    for node in iter_nodes(nodes):
        if not node.code or not node.code.strip():
            errors.append(SetError(node.code, N_("Mục “%(title)s” chưa có mã. Hãy nhập mã tiêu chí.",
                                                 title=node.title)))
        elif node.code in seen and node.code not in reported:
            reported.add(node.code)
            errors.append(SetError(node.code, N_("Mã %(code)s bị trùng. Hãy đặt mỗi mục một mã riêng.",
                                                 code=node.code)))
        seen.add(node.code)


def _check_max(node: Node, errors: list[SetError]) -> None:
    maximum = node.max_points
    if maximum is None:
        if node.is_leaf:
            errors.append(SetError(node.code, N_("Mục %(code)s chưa có điểm tối đa. Hãy nhập điểm tối đa.",
                                                 code=node.code)))
        return
    if maximum <= 0:
        errors.append(SetError(node.code, N_("Điểm tối đa của mục %(code)s phải lớn hơn 0.", code=node.code)))
    elif maximum != maximum.quantize(Decimal("0.01"), rounding=ROUND_DOWN):
        errors.append(SetError(node.code, N_("Điểm tối đa của mục %(code)s chỉ được có tối đa 2 chữ số "
                                             "thập phân, ví dụ 1,25.", code=node.code)))


def _check_node(node: Node, errors: list[SetError], *, top_level: bool) -> None:
    if node.kind == "adjustment":
        errors.append(SetError(node.code, N_("Mục %(code)s là điểm cộng/trừ, không đặt trong cây tiêu "
                                             "chí. Hãy chuyển sang phần điểm cộng, điểm trừ.",
                                             code=node.code)))
        return
    if node.kind == "field" and not top_level:
        errors.append(SetError(node.code, N_("Lĩnh vực %(code)s phải ở cấp cao nhất của bộ tiêu chí.",
                                             code=node.code)))
    _check_max(node, errors)
    if node.children:
        _check_children_sum(node, errors)
        if node.method is not None and node.method not in METHODS:
            errors.append(_unknown_method(node))
        return
    if node.method is None:
        errors.append(SetError(
            node.code, N_("Mục %(code)s chưa chọn cách chấm điểm. Hãy chọn một cách chấm.", code=node.code)))
    elif node.method not in METHODS or node.method in ADJUSTMENT_METHODS:
        errors.append(_unknown_method(node))
    elif node.max_points is not None and node.max_points > 0:
        for message in _config_problems(node):
            errors.append(SetError(node.code, N_("Mục %(code)s: %(message)s",
                                                 code=node.code, message=as_msg(message))))


def _unknown_method(node: Node) -> SetError:
    allowed = ", ".join(m for m in METHODS if m not in ADJUSTMENT_METHODS)
    return SetError(node.code, N_("Mục %(code)s có cách chấm “%(method)s” không hợp lệ. Hãy chọn một "
                                  "trong: %(allowed)s.",
                                  code=node.code, method=node.method, allowed=allowed))


def _check_children_sum(node: Node, errors: list[SetError]) -> None:
    if node.max_points is None:
        return
    maxima = [child.effective_max for child in node.children]
    if None in maxima:
        return  # the child without a maximum is reported on its own
    children_sum = sum(maxima, ZERO)
    if children_sum != node.max_points:
        errors.append(SetError(
            node.code, N_("Tổng điểm tối đa các mục con của %(code)s là %(children_sum)s, phải bằng "
                          "%(max_points)s. Hãy điều chỉnh điểm tối đa.",
                          code=node.code, children_sum=children_sum, max_points=node.max_points)))


def _config_problems(node: Node) -> list[str]:
    maximum = node.max_points
    try:
        if node.method == "levels":
            return _levels_problems(parse_levels(node.config), maximum)
        if node.method == "percentage":
            return _bands_problems(node.config, maximum)
        if node.method == "number":
            step = parse_step(node.config)
            if maximum % step != 0:
                return [N_("điểm tối đa %(maximum)s phải là bội số của bước %(step)s. Hãy sửa bước điểm "
                           "hoặc điểm tối đa.", maximum=maximum, step=step)]
    except ScoringInputError as error:
        return [error.message]
    except TypeError:  # a float slipped into the stored JSON; the loader must write decimals as strings
        return [N_('các số trong cấu hình phải ghi dạng chuỗi, ví dụ "0.5". Hãy sửa cấu hình.')]
    return []


def _levels_problems(levels: list[tuple[str, Decimal]], maximum: Decimal) -> list[str]:
    problems = []
    if len(levels) < 2:
        problems.append(N_("cần ít nhất 2 mức đánh giá. Hãy thêm mức."))
    for label, points in levels:
        if not label.strip():
            problems.append(N_("có mức chưa có tên. Hãy đặt tên cho mức."))
        if points < 0 or points > maximum:
            problems.append(N_("điểm của mức “%(label)s” phải từ 0 đến %(maximum)s.",
                               label=label, maximum=maximum))
    if levels and not problems and max(points for _, points in levels) != maximum:
        problems.append(N_("không mức nào đạt điểm tối đa %(maximum)s. Hãy sửa điểm của mức cao nhất.",
                           maximum=maximum))
    return problems


def _bands_problems(config: dict, maximum: Decimal) -> list[str]:
    bands = parse_bands(config)  # sorted, and raises on malformed bands before we read them raw
    stored = [to_decimal(pair[0]) for pair in config["bands"]]
    problems = []
    if any(b > a for a, b in zip(stored, stored[1:])) or len(set(stored)) != len(stored):
        problems.append(N_("các khung tỷ lệ phải xếp theo tỷ lệ tối thiểu giảm dần, không trùng nhau."))
    if bands[-1][0] != 0:
        problems.append(N_("khung cuối phải bắt đầu từ 0%. Hãy thêm khung từ 0%."))
    for min_pct, points in bands:
        if not 0 <= min_pct <= _HUNDRED:
            problems.append(N_("tỷ lệ tối thiểu %(min_pct)s%% phải từ 0 đến 100.", min_pct=min_pct))
        if points < 0 or points > maximum:
            problems.append(N_("điểm của khung từ %(min_pct)s%% phải từ 0 đến %(maximum)s.",
                               min_pct=min_pct, maximum=maximum))
    return problems


def _check_adjustment(node: Node, errors: list[SetError]) -> None:
    if node.method not in ADJUSTMENT_METHODS:
        errors.append(SetError(
            node.code, N_("Mục %(code)s phải là điểm cộng (bonus) hoặc điểm trừ (deduction).",
                          code=node.code)))
        return
    try:
        parse_per_cap(node.config)
    except ScoringInputError as error:
        errors.append(SetError(node.code, N_("Mục %(code)s: %(message)s",
                                             code=node.code, message=as_msg(error.message))))
    except TypeError:
        errors.append(SetError(node.code, N_("Mục %(code)s: các số trong cấu hình phải ghi dạng chuỗi, "
                                             'ví dụ "0.5". Hãy sửa cấu hình.', code=node.code)))
