"""Các báo cáo chính thức — builds each official report: its data, its Decree 30 header, its print
template, and the PDF. Views and the background export call these; nothing here checks permissions.

Each function returns a `Report` (file name and PDF bytes). `today` is the issue date printed in the
place-and-date line, passed by the caller (the local date in Asia/Ho_Chi_Minh)."""
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app

from portal.reports import data, data_year, meta
from portal.reports.pdf import font_face_css, render_pdf, static_folder_of
from portal.results.correcting import correction_notes
from portal.text import fold_key
from portal.units.signers import signer_of
from portal.units.types import type_of

CHUNK_ROWS = 100  # long tables are split: xhtml2pdf slows down quadratically on one long table


@dataclass(frozen=True)
class Report:
    filename: str
    pdf: bytes


@dataclass(frozen=True)
class Visibility:
    """Which columns of a unit's appraisal result the reader may see (portal.unitfile.domain.can_see)."""

    round1: bool = True
    final: bool = True
    explanations: bool = True


def local_today(now: datetime) -> date:
    return now.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def slug(text: str) -> str:
    """An ASCII file-name part from a Vietnamese name: "UBND thành phố Châu Đốc" → "ubnd-thanh-pho-chau-doc"."""
    folded = fold_key(text)
    return "-".join("".join(ch if ch.isalnum() and ch.isascii() else " " for ch in folded).split()) or "don-vi"


def render_html(template: str, **context) -> str:
    """Render a print template straight from the Jinja environment: no request is needed (the background
    worker has none) and no web context processor runs."""
    static = static_folder_of(current_app)
    env = current_app.jinja_env
    return env.get_template(template).render(font_css=font_face_css(static), num=meta.vn_number,
                                             chunk_size=CHUNK_ROWS, **context)


def to_pdf(template: str, **context) -> bytes:
    return render_pdf(render_html(template, **context), static_folder=static_folder_of(current_app)).data


def _appraisal_max(report: data.UnitReport) -> Decimal:
    return sum((row.max_points or Decimal(0) for row in report.fields), Decimal(0))


def is_committee(assessment) -> bool:
    """Whether the unit is a People's Committee in that year (its type's `committee`)."""
    row = type_of(assessment.year_id, assessment.unit_type)
    return bool(row and row.committee)


def self_report(assessment, year, *, today: date) -> Report:
    """1. Báo cáo tự đánh giá of one unit, issued and signed by the unit itself."""
    r = data.unit_report(assessment, year)
    settings = meta.report_settings(year.report_settings)
    committee = is_committee(assessment)
    parent, agency = meta.unit_header(r.unit_name, committee, settings)
    signature = meta.unit_signature(signer_of(r.unit, year))
    doc = meta.DocMeta(
        title=f"Báo cáo tự đánh giá Chỉ số CCHC năm {year.year} — {r.unit_name}", doc_type="BÁO CÁO",
        subject=f"Kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm {year.year}",
        parent_agency=parent, agency_lines=agency, number_line=signature["number_line"],
        date_line=meta.date_line(signature["place"] or settings["place"], today),
        authority_lines=signature["authority_lines"], signer_name=signature["signer_name"],
        recipients=["Sở Nội vụ (Hội đồng thẩm định);", "Lưu: VT."])
    pdf = to_pdf("reports/self.html", doc=doc, r=r, appraisal_max=_appraisal_max(r))
    return Report(f"tu-danh-gia-{year.year}-{slug(r.unit_name)}.pdf", pdf)


def appraisal_report(assessment, year, *, today: date, visibility: Visibility = Visibility()) -> Report:
    """2. Kết quả thẩm định of one unit per item, with the council's comments sent to the unit."""
    r = data.unit_report(assessment, year)
    settings = meta.report_settings(year.report_settings)
    doc = meta.council_meta(
        settings, today=today, suffix="council_notice_suffix", landscape=True, doc_type="THÔNG BÁO",
        title=f"Kết quả thẩm định Chỉ số CCHC năm {year.year} — {r.unit_name}",
        subject=f"Kết quả thẩm định Chỉ số cải cách hành chính năm {year.year}", subtitle=f"của {r.unit_name}",
        recipients=[f"{r.unit_name};", "Thành viên Hội đồng thẩm định;", "Lưu: VT, Tổ giúp việc."])
    pdf = to_pdf("reports/appraisal.html", doc=doc, r=r, show=visibility, appraisal_max=_appraisal_max(r))
    return Report(f"ket-qua-tham-dinh-{year.year}-{slug(r.unit_name)}.pdf", pdf)


def printed_settings(year, snapshot: dict | None) -> dict:
    """The report settings a year-wide report prints: once a decision is in force, those kept in its
    snapshot (editing the settings later changes no approved document), else the year's current ones."""
    if snapshot and "report_settings" in snapshot:
        return meta.report_settings(snapshot["report_settings"])
    return meta.report_settings(year.report_settings)


def snapshot_names(snapshot: dict | None) -> dict[int, str]:
    """{unit_id: name} of the units as a decision's snapshot holds them (empty without a snapshot)."""
    return {u["unit_id"]: u["name"] for t in (snapshot or {}).get("types", []) for u in t.get("units", [])}


def correction_lines(document: dict | None) -> list[str]:
    """One sentence per correction of a results document (an approval's snapshot), as the year-wide
    reports print it: "Kết quả của … đã đính chính theo Quyết định số … ngày …"."""
    return [f"Kết quả của {', '.join(n['names'])} đã đính chính theo Quyết định số {n['number']} ngày "
            f"{date.fromisoformat(n['date']).strftime('%d/%m/%Y')}." for n in correction_notes(document or {})]


def council_report(year, *, today: date, snapshot: dict | None = None) -> Report:
    """3. Báo cáo thẩm định of the council: per unit type, units × fields of final appraised points.
    `snapshot`: the decision in force's, whose unit names and report settings are printed."""
    d = data_year.council_data(year, snapshot_names(snapshot))
    settings = printed_settings(year, snapshot)
    doc = meta.council_meta(
        settings, today=today, landscape=True, doc_type="BÁO CÁO",
        title=f"Báo cáo thẩm định Chỉ số CCHC năm {year.year}",
        subject=f"Kết quả thẩm định Chỉ số cải cách hành chính năm {year.year}",
        subtitle="của các sở, ban, ngành tỉnh và UBND các huyện, thị xã, thành phố",
        recipients=["Chủ tịch UBND tỉnh (để báo cáo);", "Sở Nội vụ (để tổng hợp);", "Thành viên Hội đồng;",
                    "Lưu: VT, Tổ giúp việc."])
    return Report(f"bao-cao-tham-dinh-{year.year}.pdf", to_pdf("reports/council.html", doc=doc, d=d))


def synthesis_report(year, document: dict, *, today: date) -> Report:
    """4. Báo cáo kết quả Chỉ số CCHC: rankings, field sub-indexes, bands, chart and reward proposals, from
    the year's computed results (`document`: portal.results.document.results_document, or the snapshot of
    the decision in force, whose report settings are then printed)."""
    settings = printed_settings(year, document)
    blocks = data_year.result_blocks(document)
    doc = meta.agency_meta(
        settings, today=today, landscape=True, doc_type="BÁO CÁO",
        title=f"Báo cáo kết quả Chỉ số CCHC năm {year.year}",
        subject=f"Kết quả xác định Chỉ số cải cách hành chính năm {year.year}",
        subtitle="của các sở, ban, ngành tỉnh và UBND các huyện, thị xã, thành phố",
        recipients=["UBND tỉnh (để báo cáo);", "Các sở, ban, ngành tỉnh;", "UBND các huyện, thị xã, thành phố;",
                    "Lưu: VT, CCHC."])
    return Report(f"bao-cao-ket-qua-chi-so-cchc-{year.year}.pdf",
                  to_pdf("reports/synthesis.html", doc=doc, year=year, blocks=blocks,
                         corrections=correction_lines(document),
                         unit_count=sum(len(b.units) for b in blocks), bands=document.get("bands") or []))


def annex_report(year, approval) -> Report:
    """5. Phụ lục of the approval decision: the approved ranking from the frozen Approval snapshot."""
    snapshot = approval.snapshot or {}
    settings = printed_settings(year, snapshot)
    doc = meta.DocMeta(title=f"Phụ lục Quyết định số {approval.decision_number}", doc_type="PHỤ LỤC", subject="",
                       agency_lines=meta.decision_issuer(settings))
    pdf = to_pdf("reports/annex.html", doc=doc, blocks=data_year.result_blocks(snapshot),
                 corrections=correction_lines(snapshot),
                 year_number=snapshot.get("year", year.year), decision_number=approval.decision_number,
                 decision_date=approval.decision_date.strftime("%d/%m/%Y"), place=settings["place"])
    return Report(f"phu-luc-quyet-dinh-{year.year}-{slug(approval.decision_number)}.pdf", pdf)
