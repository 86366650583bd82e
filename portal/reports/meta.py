"""Thể thức văn bản — what the Decree 30/2020 header and footer of each report say: issuing body, number
line, place and date, document type and subject, signature block and recipients. Pure: plain values in,
a DocMeta out; the names come from AssessmentYear.report_settings (defaults below)."""
import re
from dataclasses import dataclass, field
from datetime import date

from portal.scoring.numeric import decimal_text

DEFAULT_REPORT_SETTINGS = {
    "parent_agency": "UBND TỈNH AN GIANG",
    "agency": "SỞ NỘI VỤ",
    "council": "HỘI ĐỒNG THẨM ĐỊNH CHỈ SỐ CCHC TỈNH",
    "place": "An Giang",
    "signer_authority": "",
    "signer_title": "GIÁM ĐỐC",
    "signer_name": "",
    "number_suffix": "BC-SNV",
    "council_number_suffix": "BC-HĐTĐ",
    "council_notice_suffix": "TB-HĐTĐ",
    "council_signer_title": "CHỦ TỊCH",
    "council_signer_name": "",
}

_UBND = re.compile(r"^(?:UBND|[UỦ][yỷ] ban nhân dân)\s+(.+)$", re.IGNORECASE)


@dataclass
class DocMeta:
    """Everything base_nd30.html prints around the body of a report."""

    title: str
    doc_type: str
    subject: str
    subtitle: str = ""
    landscape: bool = False
    parent_agency: str = ""
    agency_lines: list[str] = field(default_factory=list)
    number_line: str = ""
    date_line: str = ""
    authority_lines: list[str] = field(default_factory=list)
    signer_name: str = ""
    recipients: list[str] = field(default_factory=list)


def report_settings(stored: dict | None) -> dict:
    """The year's report settings with defaults for missing or empty keys."""
    merged = dict(DEFAULT_REPORT_SETTINGS)
    merged.update({k: v for k, v in (stored or {}).items() if v not in (None, "")})
    if not merged["council_signer_name"]:
        merged["council_signer_name"] = merged["signer_name"]
    return merged


def date_line(place: str, day: date) -> str:
    """"An Giang, ngày 05 tháng 02 năm 2026": days below 10 and the months 1 and 2 take a leading zero
    (Decree 30/2020, Appendix I)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def number_line(suffix: str) -> str:
    """"Số:      /BC-SNV" — the number itself is given by the records office (văn thư) when issued."""
    return "Số: \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/" + suffix if suffix else ""


def vn_number(value, places: int | None = None) -> str:
    """Numbers of official documents always use the Vietnamese decimal comma: 8.50 → "8,5"."""
    return "" if value is None or value == "" else decimal_text(value, places, ",")


def unit_signature(signer) -> dict:
    """The number line, place, authority lines and name a unit's own document prints, from the unit's
    signer of the year (portal.units.domain.Signer: its record, or the defaults by kind of unit)."""
    return {"number_line": number_line(signer.symbol), "place": signer.place,
            "authority_lines": signer.authority_lines, "signer_name": signer.name}


def unit_header(unit_name: str, committee: bool, settings: dict) -> tuple[str, list[str]]:
    """(parent agency, agency lines) of a unit's own document: a People's Committee has no parent line."""
    if committee:
        match = _UBND.match(unit_name)
        if match:
            return "", ["ỦY BAN NHÂN DÂN", match.group(1).upper()]
        return "", [unit_name.upper()]
    return upper(settings["parent_agency"]), [unit_name.upper()]


def upper(text: str) -> str:
    """Header and signature lines are printed in capitals (Decree 30/2020); str.upper keeps the marks."""
    return (text or "").upper()


def agency_meta(settings: dict, *, today: date, **kwargs) -> DocMeta:
    """A document of the Department of Home Affairs (Sở Nội vụ), signed by its director, or by a deputy
    "KT. GIÁM ĐỐC" when the settings name that authority."""
    authority = [upper(line) for line in (settings["signer_authority"], settings["signer_title"]) if line]
    return DocMeta(parent_agency=upper(settings["parent_agency"]), agency_lines=[upper(settings["agency"])],
                   number_line=number_line(settings["number_suffix"]),
                   date_line=date_line(settings["place"], today),
                   authority_lines=authority, signer_name=settings["signer_name"], **kwargs)


def council_meta(settings: dict, *, today: date, suffix: str = "council_number_suffix", **kwargs) -> DocMeta:
    """A document of the appraisal council, signed by its chair on behalf of the council; `suffix` names
    the setting of its symbol: a report (BC-HĐTĐ) or a notice (council_notice_suffix, TB-HĐTĐ)."""
    return DocMeta(parent_agency=upper(settings["parent_agency"]), agency_lines=[upper(settings["council"])],
                   number_line=number_line(settings[suffix]),
                   date_line=date_line(settings["place"], today),
                   authority_lines=["TM. HỘI ĐỒNG", upper(settings["council_signer_title"])],
                   signer_name=settings["council_signer_name"], **kwargs)


def decision_issuer(settings: dict) -> list[str]:
    """The issuing body of the Chairman's approval decision, from the parent agency line:
    "UBND TỈNH AN GIANG" → ["ỦY BAN NHÂN DÂN", "TỈNH AN GIANG"]."""
    parent = settings["parent_agency"]
    match = _UBND.match(parent)
    if match:
        return ["ỦY BAN NHÂN DÂN", upper(match.group(1))]
    return [upper(parent)] if parent else ["ỦY BAN NHÂN DÂN", upper(f"tỉnh {settings['place']}")]
