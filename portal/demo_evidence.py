"""Tệp kiểm chứng mẫu — the small PDF files behind the demo year's evidence documents, so that a council
member in a demo opens a real file: one A4 page in Vietnamese naming the unit, the document's number, date
and summary, and the items it backs, marked as a demo document.

Drawn with ReportLab (the engine under the portal's PDF exports) in the bundled Tinos font, so every
Vietnamese letter is embedded; `invariant` makes the bytes depend on the text only, so a re-seed stores the
same blobs, and a process that seeds the same year again (the tests do) reuses the bytes it drew. The files
go into the blob store as uploads do (portal.evidence.storage: content-addressed, read-only);
tests/web/test_demo_fill.py checks that they pass the upload checks (sniff.detect, the PDF scan).
"""
import functools
import hashlib
import io
import os
import tempfile
import unicodedata
from pathlib import Path

from flask import current_app

from portal.evidence import storage

FONT = "Tinos"
_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont
        path = Path(current_app.static_folder, "fonts", "Tinos-Regular.ttf")
        pdfmetrics.registerFont(TTFont(FONT, str(path)))
        _registered = True
    return FONT


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def _wrapped(text: str, width: float, size: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if line and stringWidth(trial, FONT, size) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    return lines + ([line] if line else [])


@functools.lru_cache(maxsize=2048)
def evidence_pdf(*, unit_name: str, symbol: str, issued_on, summary: str, item_codes: tuple[str, ...],
                 year: int) -> bytes:
    """One A4 page: the unit (as issuing body), the number and date, the summary as the title, the items
    the document backs and a line saying it is a demo file."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas
    font = _font()
    unit_name, summary = _nfc(unit_name), _nfc(summary)
    buf = io.BytesIO()
    page = canvas.Canvas(buf, pagesize=A4, invariant=1, pageCompression=1)
    page.setTitle(summary)
    page.setAuthor(unit_name)
    page.setSubject(_nfc(f"Tài liệu kiểm chứng Chỉ số CCHC năm {year}"))
    width, height = A4
    left, right = 72, width - 72
    y = height - 72
    page.setFont(font, 12)
    for line in _wrapped(unit_name.upper(), 250, 12):
        page.drawString(left, y, line)
        y -= 16
    page.drawString(left, y, _nfc(f"Số: {symbol}"))
    page.drawRightString(right, height - 72, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    page.drawRightString(right - 22, height - 88, "Độc lập - Tự do - Hạnh phúc")
    when = f"ngày {issued_on.day:02d} tháng {issued_on.month:02d} năm {issued_on.year}" if issued_on else ""
    page.drawRightString(right, height - 112, _nfc(f"An Giang, {when}"))
    y = min(y, height - 112) - 48
    page.setFont(font, 15)
    for line in _wrapped(summary.upper(), right - left, 15):
        page.drawCentredString(width / 2, y, line)
        y -= 20
    y -= 16
    page.setFont(font, 12)
    body = (f"{unit_name} gửi tài liệu này làm tài liệu kiểm chứng cho hồ sơ tự đánh giá Chỉ số cải cách "
            f"hành chính năm {year}.")
    for line in _wrapped(_nfc(body), right - left, 12):
        page.drawString(left, y, line)
        y -= 16
    codes = ", ".join(item_codes) if item_codes else "chưa gắn mục nào"
    for line in _wrapped(_nfc(f"Các mục được kiểm chứng: {codes}."), right - left, 12):
        page.drawString(left, y, line)
        y -= 16
    y -= 24
    page.setFont(font, 10)
    page.drawString(left, y, "Văn bản mẫu do Cổng Chỉ số CCHC tạo cho bản trình diễn; "
                             "không phải văn bản thật.")
    page.showPage()
    page.save()
    return buf.getvalue()


def store_pdf(data: bytes) -> tuple[str, int]:
    """Put the bytes in the blob store under their sha256 (a temp file moved atomically into place, read-only,
    as an upload is kept) unless the same blob is already there; returns (sha256, size). No fsync: demo data
    is drawn again by a new seed, and a seed writes hundreds of files."""
    sha256 = hashlib.sha256(data).hexdigest()
    target = storage.blob_path(sha256)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        folder = storage.temp_dir()
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix="demo-", dir=folder)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(name, 0o440)
        os.replace(name, target)
    return sha256, len(data)


def file_row(doc, codes: list[str], *, year: int, now) -> dict:
    """The EvidenceFile row (as a dict for a bulk insert) of a demo document: its PDF drawn and stored."""
    name = doc.symbol.replace("/", "-") + ".pdf"
    data = evidence_pdf(unit_name=doc.issuer, symbol=doc.symbol, issued_on=doc.issued_on, summary=doc.summary,
                        item_codes=tuple(codes), year=year)
    sha256, size = store_pdf(data)
    return {"document_id": doc.id, "original_name": name, "sha256": sha256, "size": size,
            "content_type": "application/pdf", "created_by_id": doc.created_by_id, "created_at": now}
