"""Thiết lập của năm đánh giá — the per-year choices of the methodology, never hidden constants.

Stored as JSON on the assessment year (`YearSettings.to_dict()`, decimals as strings) and read back
with `YearSettings.from_dict()`, which refuses bad values with a Vietnamese ScoringInputError.

Defaults, and why:

- `bands` (xếp loại) = DEFAULT_BANDS: Xuất sắc ≥ 90, Tốt ≥ 80, Khá ≥ 70, Trung bình ≥ 50, Yếu ≥ 0.
  The labels are the ones provinces publish (domain.md §5, S:R22,R23); 90/80/70 match the national
  A/B/C groups (S:R7); 50 for Trung bình is our assumption. A band is chosen on the rounded index.
- `tie_breakers` = ("appraisal_points", "survey_points"): equal indexes are separated by the appraised
  points, then the survey points, then share a rank (domain.md §5, "Ranking").
- Reward counts are not here: each unit type of the year carries its own (portal.units.models.UnitType;
  the 2022 plan rewards the top 5 departments and the top 3 districts, QĐ 342/QĐ-UBND).
- `no_survey_policy` = "rescale": when a unit has no survey, its survey items leave both score and
  maximum, so the appraisal part is rescaled to 100 (Hanoi's framework, S:R24). "zero" counts them 0.
- `grace_seconds` = 0: no silent tolerance after a deadline unless the year says so.
"""
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from portal.text import N_

from .errors import ScoringInputError
from .numeric import to_decimal

__all__ = ["Band", "DEFAULT_BANDS", "NO_SURVEY_POLICIES", "TIE_BREAKERS", "YearSettings", "validate_bands"]

NO_SURVEY_POLICIES = ("rescale", "zero")
_KEYS = frozenset({"bands", "tie_breakers", "no_survey_policy", "grace_seconds"})
TIE_BREAKERS = ("appraisal_points", "survey_points")
_HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Band:
    """Xếp loại — a result band: units whose index is ≥ `min_pct` (and below the next band) get `label`."""

    key: str
    label: str
    min_pct: Decimal

    def __post_init__(self) -> None:
        object.__setattr__(self, "min_pct", to_decimal(self.min_pct, N_("ngưỡng xếp loại")))


DEFAULT_BANDS: tuple[Band, ...] = (
    Band("xuat_sac", "Xuất sắc", Decimal("90")),
    Band("tot", "Tốt", Decimal("80")),
    Band("kha", "Khá", Decimal("70")),
    Band("trung_binh", "Trung bình", Decimal("50")),
    Band("yeu", "Yếu", Decimal("0")),
)


def validate_bands(bands) -> list[str]:
    """Problems with a list of bands (Vietnamese); empty when the bands cover 0–100 % exactly once.

    The bands must be in descending order of min_pct, each within 0–100, without duplicate keys or
    thresholds, and the last must start at 0 so every index has a band.
    """
    problems: list[str] = []
    if not bands:
        return [N_("Chưa có mức xếp loại nào. Hãy thêm ít nhất một mức bắt đầu từ 0%.")]
    keys = [band.key for band in bands]
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        problems.append(N_("Mã xếp loại “%(key)s” bị trùng. Hãy đặt mỗi mức một mã riêng.", key=key))
    for band in bands:
        if not band.key.strip() or not band.label.strip():
            problems.append(N_("Mỗi mức xếp loại cần có mã và tên. Hãy điền đủ."))
        if not 0 <= band.min_pct <= _HUNDRED:
            problems.append(N_("Ngưỡng của mức “%(label)s” phải từ 0 đến 100.", label=band.label))
    for higher, lower in zip(bands, bands[1:]):
        if lower.min_pct == higher.min_pct:
            problems.append(
                N_("Hai mức “%(label)s” và “%(label2)s” có cùng ngưỡng. Hãy sửa một ngưỡng.",
                   label=higher.label, label2=lower.label))
        elif lower.min_pct > higher.min_pct:
            problems.append(N_("Các mức xếp loại phải xếp theo ngưỡng giảm dần. Hãy sắp xếp lại."))
    if bands[-1].min_pct != 0:
        problems.append(N_("Mức xếp loại cuối cùng phải bắt đầu từ 0%. Hãy sửa ngưỡng của mức cuối."))
    return problems


@dataclass(frozen=True)
class YearSettings:
    """Các lựa chọn của năm — bands, tie-breakers, no-survey policy and deadline grace.

    Constructing one validates it, so a YearSettings in hand is always usable.
    """

    bands: tuple[Band, ...] = DEFAULT_BANDS
    tie_breakers: tuple[str, ...] = TIE_BREAKERS
    no_survey_policy: str = "rescale"
    grace_seconds: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "bands", tuple(self.bands))
        object.__setattr__(self, "tie_breakers", tuple(self.tie_breakers))
        problems = validate_bands(self.bands)
        if problems:
            raise ScoringInputError("bad_bands", " ".join(problems), problems=problems)
        unknown = [t for t in self.tie_breakers if t not in TIE_BREAKERS]
        if unknown or len(set(self.tie_breakers)) != len(self.tie_breakers):
            raise ScoringInputError(
                "bad_tie_breakers",
                N_("Tiêu chí phụ để xếp hạng chỉ được chọn trong: điểm thẩm định (appraisal_points), "
                   "điểm điều tra (survey_points), mỗi tiêu chí một lần."),
                tie_breakers=list(self.tie_breakers))
        if self.no_survey_policy not in NO_SURVEY_POLICIES:
            raise ScoringInputError(
                "bad_no_survey_policy", N_("Cách tính khi không có điều tra XHH phải là “rescale” (quy "
                                           "đổi về thang 100) hoặc “zero” (tính 0 điểm)."),
                policy=str(self.no_survey_policy))
        if isinstance(self.grace_seconds, bool) or not isinstance(self.grace_seconds, int) \
                or self.grace_seconds < 0:
            raise ScoringInputError(
                "bad_grace", N_("Thời gian gia hạn phải là số giây nguyên từ 0 trở lên. Hãy nhập lại."))

    @classmethod
    def from_dict(cls, data: Mapping | None) -> "YearSettings":
        """Read settings stored as JSON; missing keys take the defaults, unknown keys are refused."""
        data = dict(data or {})
        unknown = sorted(set(data) - _KEYS)
        if unknown:
            raise ScoringInputError(
                "unknown_setting", N_("Không có thiết lập “%(keys)s”. Hãy xóa hoặc sửa tên.",
                                      keys=", ".join(unknown)),
                keys=unknown)
        kwargs: dict = {}
        if "bands" in data:
            kwargs["bands"] = tuple(_band_from_dict(item) for item in data["bands"] or ())
        for key in ("tie_breakers", "no_survey_policy", "grace_seconds"):
            if key in data:
                kwargs[key] = data[key]
        if not isinstance(kwargs.get("tie_breakers", ()), (list, tuple)):
            raise ScoringInputError("bad_tie_breakers", N_("Tiêu chí phụ để xếp hạng phải là một danh "
                                                           "sách."))
        return cls(**kwargs)

    def to_dict(self) -> dict:
        """JSON-safe form: decimals as strings, tuples as lists."""
        return {
            "bands": [{"key": b.key, "label": b.label, "min_pct": str(b.min_pct)} for b in self.bands],
            "tie_breakers": list(self.tie_breakers),
            "no_survey_policy": self.no_survey_policy,
            "grace_seconds": self.grace_seconds,
        }


def _band_from_dict(item: object) -> Band:
    if not isinstance(item, Mapping) or not {"key", "label", "min_pct"} <= set(item):
        raise ScoringInputError(
            "bad_bands", N_("Mỗi mức xếp loại cần có mã (key), tên (label) và ngưỡng (min_pct). Hãy điền "
                            "đủ."))
    try:
        return Band(str(item["key"]), str(item["label"]), to_decimal(item["min_pct"], N_("ngưỡng xếp loại")))
    except TypeError:
        raise ScoringInputError(
            "bad_bands", N_('Ngưỡng xếp loại phải ghi bằng chữ số, ví dụ "90".')) from None
