"""Tự đánh giá — pure rules of a unit's self-assessment: reading what a person typed for an item into the
inputs of its scoring method, the honesty checks, and the progress line. No Flask, no SQLAlchemy."""
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from portal.scoring import ScoringInputError, compute_points, parse_decimal, round2
from portal.scoring.methods import ENTERED_METHODS
from portal.text import N_, clean_text


# Words in an item's guidance or evidence requirement that ask the unit to write an explanation.
_EXPLAIN_WORDS = ("giải trình", "thuyết minh", "ghi rõ", "nêu rõ", "giai trinh", "thuyet minh")
UNIT_METHODS = ENTERED_METHODS  # the unit scores every method whose points people enter


@dataclass
class ItemInput:
    """What the form of one item carried, after checking: the method's inputs, N/A and the note."""

    inputs: dict
    points: Decimal | None
    not_applicable: bool
    na_reason: str
    note: str
    errors: dict[str, str] = field(default_factory=dict)  # form field → Vietnamese message


def read_item_form(method: str, max_points: Decimal | None, config: Mapping, form: Mapping[str, str], *,
                   na_allowed: bool) -> ItemInput:
    """Turn the submitted fields of one item into inputs and points, collecting every error by field.

    Numbers are stored canonically ("0,5" → "0.5"), so the saved inputs never depend on how they were typed."""
    note = clean_text(form.get("note"), multiline=True)  # NFC, no control or bidi characters
    errors: dict[str, str] = {}
    if form.get("not_applicable") in ("1", "on", "true"):
        reason = clean_text(form.get("na_reason"))
        if not na_allowed:
            errors["not_applicable"] = N_("Mục này không được chọn “không áp dụng”. Hãy chấm điểm theo hướng dẫn.")
        elif not reason:
            errors["na_reason"] = N_("Hãy ghi lý do không áp dụng, ví dụ: đơn vị không có đơn vị trực thuộc.")
        return ItemInput({}, None, True, reason, note, errors)
    inputs: dict = {}
    if method == "levels":
        raw = (form.get("level") or "").strip()
        if raw.isascii() and raw.isdigit():
            inputs["level"] = int(raw)
        else:
            errors["level"] = N_("Hãy chọn một mức.")
    elif method in ("percentage", "ratio"):
        for key in ("numerator", "denominator"):
            try:
                inputs[key] = str(parse_decimal(form.get(key) or ""))
            except ScoringInputError as err:
                errors[key] = err.message
    elif method == "yes_no":
        raw = form.get("yes")
        if raw in ("1", "0"):
            inputs["yes"] = raw == "1"
        else:
            errors["yes"] = N_("Hãy chọn Có hoặc Không.")
    elif method == "number":
        try:
            inputs["value"] = str(parse_decimal(form.get("value") or ""))
        except ScoringInputError as err:
            errors["value"] = err.message
    elif method in ("bonus", "deduction"):
        inputs["count"] = (form.get("count") or "").strip()
    else:
        errors["_"] = N_("Mục này không do đơn vị tự chấm.")
    points = None
    if not errors:
        try:
            points = round2(compute_points(method, config, max_points, inputs))  # as stored: 2 decimals
        except ScoringInputError as err:
            errors[str(err.params.get("field") or _main_field(method))] = err.message
        if method in ("bonus", "deduction") and not errors:
            inputs["count"] = int(inputs["count"])
    return ItemInput(inputs, points, False, "", note, errors)


def _main_field(method: str) -> str:
    return {"levels": "level", "percentage": "numerator", "ratio": "numerator", "yes_no": "yes",
            "number": "value", "bonus": "count", "deduction": "count"}.get(method, "_")


def needs_explanation(guidance: str, evidence: str) -> bool:
    """The guidance or the evidence requirement asks the unit to explain in writing."""
    text = f"{guidance} {evidence}".casefold()
    return any(word in text for word in _EXPLAIN_WORDS)


def honesty_flags(*, points: Decimal | None, not_applicable: bool, evidence_dates: list[date | None],
                  year: int, explanation_needed: bool, note: str) -> list[str]:
    """Codes of what an honest reviewer would question on one item (shown on the item and at submit):
    no_evidence (scored above 0 with no evidence), outside_year (a document dated outside the assessed
    year), missing_note (the guidance asks for an explanation and there is none)."""
    flags = []
    if not not_applicable and points is not None and points > 0 and not evidence_dates:
        flags.append("no_evidence")
    if any(d is not None and d.year != year for d in evidence_dates):
        flags.append("outside_year")
    if explanation_needed and not not_applicable and points is not None and not note.strip():
        flags.append("missing_note")
    return flags


@dataclass(frozen=True)
class Progress:
    scored: int
    total: int
    without_evidence: int
    flagged: int

    @property
    def complete(self) -> bool:
        return self.scored == self.total
