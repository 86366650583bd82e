"""Số trong chấm điểm — the exact-number rules of the scoring core.

Every number is a `decimal.Decimal`. This module holds the three number functions everything else
calls: `to_decimal` (stored or programmatic values: str/int/Decimal, never float), `parse_decimal`
(the one parser of numbers a person typed, "0,5" or "0.5") and `round2` (the one place that rounds,
ROUND_HALF_UP to 2 decimals, as the methodology publishes scores and indexes with 2 decimals).
"""
import re
from functools import lru_cache
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from portal.text import N_, as_msg

from .errors import ScoringInputError

TWO_PLACES = Decimal("0.01")
ZERO = Decimal("0")
MAX_INTEGER_DIGITS = 6

# One accepted typed format: ASCII digits, optionally one separator ("," or ".") and 1-2 digits.
# An optional leading "-" is accepted so that "-0" reads as 0; the domain refuses real negatives.
_TYPED = re.compile(r"(-?)([0-9]+)(?:([.,])([0-9]+))?", re.ASCII)
# Stored decimals (JSON config, DB strings) are written with a dot and no exponent.
_STORED = re.compile(r"-?[0-9]+(?:\.[0-9]+)?", re.ASCII)



def round2(d: Decimal) -> Decimal:
    """Làm tròn 2 chữ số thập phân — round half up to 2 decimals; the only rounding in the core."""
    return d.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def to_decimal(value: object, what: str = N_("giá trị")) -> Decimal:
    """Convert a stored or programmatic number (str, int or Decimal) to a finite Decimal.

    A float is refused with TypeError: it cannot represent 0.1 exactly, so accepting it would let
    binary rounding leak into scores. Strings must be plain stored decimals ("0.25", "-1", "100").
    """
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ScoringInputError(
                "bad_number", N_("%(what)s không phải là số. Hãy nhập số dạng 0,5 hoặc 0.5.",
                                 what=as_msg(_sentence(what))), text=str(value))
        return value
    if isinstance(value, (bool, float)):
        raise TypeError(f"scoring numbers must be str, int or Decimal, not {type(value).__name__}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        number = _stored_decimal(value)
        if number is None:
            raise ScoringInputError(
                "bad_number", N_("%(what)s “%(value)s” không phải là số. Hãy nhập số dạng 0,5 hoặc 0.5.",
                                 what=as_msg(_sentence(what)), value=value), text=value)
        return number
    raise TypeError(f"scoring numbers must be str, int or Decimal, not {type(value).__name__}")


def _sentence(words: str) -> str:
    return str(words)[:1].upper() + str(words)[1:]  # not str.capitalize(), which lowercases the rest


@lru_cache(maxsize=4096)
def _stored_decimal(value: str) -> Decimal | None:
    # Cached: configs repeat the same few strings ("0.5", "100") across thousands of entries, and a
    # Decimal is immutable, so sharing one is safe.
    text = value.strip()
    return Decimal(text) if _STORED.fullmatch(text) else None


def parse_decimal(text: str) -> Decimal:
    """Đọc số người dùng gõ — the one parser of a typed number.

    Accepts ASCII digits with at most one separator, "," or ".", followed by 1 or 2 digits: "0,5",
    " 0,5 ", "0.5", "2", "-0" (→ 0). Refuses everything else with a Vietnamese ScoringInputError:
    "bad_number" (empty, letters, exponents, NaN/inf, "+5", "5.", ".5", two separators, full-width or
    non-ASCII digits), "ambiguous_number" (exactly 3 digits after one separator, "1.000": a thousands
    separator or a decimal point?), "too_many_decimals" (4 or more decimals) and "too_large" (more than
    6 integer digits).
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_decimal expects str, not {type(text).__name__}")
    stripped = text.strip()
    if not stripped:
        raise ScoringInputError("bad_number", N_("Chưa nhập số. Hãy nhập số dạng 0,5 hoặc 0.5."), text=text)
    match = _TYPED.fullmatch(stripped)
    if match is None:
        raise ScoringInputError(
            "bad_number", N_("“%(text)s” không phải là số hợp lệ. Hãy nhập số dạng 0,5 hoặc 0.5.",
                             text=stripped),
            text=text)
    sign, whole, separator, fraction = match.groups()
    if fraction is not None and len(fraction) == 3:
        raise ScoringInputError(
            "ambiguous_number",
            N_("Không rõ “%(text)s” là số nghìn hay số thập phân. "
               "Hãy nhập không dùng dấu phân cách hàng nghìn, ví dụ 1000 hoặc 1,5.", text=stripped),
            text=text)
    if fraction is not None and len(fraction) > 2:
        raise ScoringInputError(
            "too_many_decimals", N_("Chỉ được có tối đa 2 chữ số thập phân. Hãy nhập lại, ví dụ 0,25."),
            text=text)
    if len(whole.lstrip("0")) > MAX_INTEGER_DIGITS:
        raise ScoringInputError(
            "too_large", N_("Số quá lớn (tối đa 6 chữ số phần nguyên). Hãy kiểm tra lại số đã nhập."),
            text=text)
    try:
        number = Decimal(f"{sign}{whole}.{fraction}" if fraction is not None else f"{sign}{whole}")
    except InvalidOperation:  # unreachable with the pattern above; kept so no raw error escapes
        raise ScoringInputError(
            "bad_number", N_("“%(text)s” không phải là số hợp lệ. Hãy nhập số dạng 0,5 hoặc 0.5.",
                             text=stripped),
            text=text) from None
    return abs(number) if number.is_zero() else number


def format_vi(d: Decimal) -> str:
    """Write a Decimal the Vietnamese way for messages: decimal comma, no trailing zeros (1,5; 10)."""
    return format(d.normalize() + 0, "f").replace(".", ",")  # + 0: never "-0"


def decimal_text(value, places: int | None = None, sep: str = ",") -> str:
    """A number as people read it: no trailing zeros (or exactly `places` decimals), `sep` as the decimal
    mark — 8.50 → "8,5"; with places=2 → "8,50". The one writer behind the screens' and the reports' numbers."""
    value = Decimal(str(value))
    if places is None:
        text = format(value.normalize(), "f") if value != 0 else "0"
    else:  # "+ 0" turns a negative zero (-0.001 quantized) into 0: an index never reads "-0,00"
        text = format(value.quantize(Decimal(1).scaleb(-places)) + 0, "f")
    return text.replace(".", sep)
