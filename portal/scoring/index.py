"""Chỉ số CCHC — the index formula and the result bands (xếp loại).

`compute_index` is the one index function: the unit's index and every component (sub-)index of a
field or criterion go through it, so they round and clamp the same way (domain.md §5):

    Index % = clamp((points + bonus − deductions) / applicable_max × 100, 0, 100), rounded half up to 2 dp.

`round2` is re-exported from `numeric` so callers find the rounding next to the formula.
"""
from collections.abc import Sequence
from decimal import Decimal

from portal.text import N_

from .errors import ScoringInputError
from .numeric import TWO_PLACES, ZERO, round2, to_decimal
from .settings import Band

__all__ = ["round2", "compute_index", "band_for"]

_HUNDRED = Decimal(100)
_MIN_INDEX = ZERO.quantize(TWO_PLACES)
_MAX_INDEX = _HUNDRED.quantize(TWO_PLACES)


def compute_index(points, bonus, deductions, applicable_max) -> Decimal | None:
    """Chỉ số (%) = (points + bonus − deductions) ÷ applicable_max × 100, clamped to [0, 100], 2 dp.

    Returns None when nothing applies (applicable_max ≤ 0, e.g. a field wholly "không áp dụng"):
    there is no index to show, and callers display "—". Sub-indexes pass bonus = deductions = 0.
    Accepts Decimal, int or str; floats raise TypeError.
    """
    maximum = applicable_max if type(applicable_max) is Decimal else to_decimal(applicable_max)
    if maximum <= 0:
        return None
    total = points if type(points) is Decimal else to_decimal(points)
    total += bonus if type(bonus) is Decimal else to_decimal(bonus)
    total -= deductions if type(deductions) is Decimal else to_decimal(deductions)
    index = round2(total * _HUNDRED / maximum)
    if index < _MIN_INDEX:
        return _MIN_INDEX
    if index > _MAX_INDEX:
        return _MAX_INDEX
    return index


def band_for(index: Decimal | None, bands: Sequence[Band]) -> Band | None:
    """Xếp loại — the band of an index: the highest band whose min_pct ≤ index.

    Bands are taken from the year's settings and may come in any order. Pass the rounded index (the one
    published): 89.995 rounds to 90.00 and is Xuất sắc. None (no applicable max) has no band.
    """
    if index is None:
        return None
    for band in sorted(bands, key=lambda b: b.min_pct, reverse=True):
        if band.min_pct <= index:
            return band
    raise ScoringInputError(
        "no_band", N_("Không có mức xếp loại cho chỉ số này. Hãy thêm mức xếp loại bắt đầu từ 0%."),
        index=index)
