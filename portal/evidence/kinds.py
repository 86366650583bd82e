"""Loại tệp kiểm chứng — the kinds of file the evidence library accepts, what a checked file is, and the
refusal (a stable code and its Vietnamese message template, marked with ``N_``; the web layer translates it).

Pure (standard library only, no Flask). The byte-level checks that decide a kind live in
:mod:`portal.evidence.sniff` and its helpers (containers, office, pdf_scan, filenames), which all raise
:class:`Refused` from here.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from portal.text import N_


@dataclass(frozen=True)
class Detected:
    """What the content is: ``kind`` (pdf, docx …), the mime type served, the extension given."""

    kind: str
    mime: str
    extension: str

    @property
    def inline(self) -> bool:
        """May be shown in the browser ("Xem"): PDF and images only."""
        return self.kind in INLINE_KINDS


class Refused(ValueError):
    """A refused upload: a stable ``code``, a Vietnamese message template and its parameters."""

    def __init__(self, code: str, params: dict | None = None):
        super().__init__(code)
        self.code = code
        self.params = params or {}

    @property
    def message(self) -> str:
        return MESSAGES[self.code]

    def __str__(self) -> str:
        return self.message % self.params if self.params else self.message


MESSAGES: dict[str, str] = {
    "empty": N_("Tệp rỗng (0 byte). Hãy chọn lại đúng tệp cần tải lên."),
    "unknown_type": N_(
        "Chỉ nhận tệp PDF, Word (.doc, .docx), Excel (.xls, .xlsx), OpenDocument (.odt, .ods) hoặc ảnh "
        "JPG, PNG. Hãy lưu tài liệu ở một trong các định dạng này (ví dụ in ra PDF) rồi tải lên lại."),
    "dangerous_name": N_(
        "Tên tệp có đuôi .%(ext)s là loại tệp chạy được nên không được tải lên. Hãy kiểm tra lại: tài "
        "liệu kiểm chứng là tệp PDF, Word, Excel hoặc ảnh."),
    "macro_name": N_(
        "Tệp .%(ext)s có thể chứa macro nên không được nhận. Hãy lưu lại thành .docx, .xlsx (không "
        "macro) hoặc in ra PDF rồi tải lên."),
    "macro": N_(
        "Tệp có chứa macro (VBA hoặc mã lệnh) nên không được nhận. Hãy lưu lại thành .docx, .xlsx "
        "(không macro) hoặc in ra PDF rồi tải lên."),
    "mismatch": N_(
        "Tên tệp có đuôi .%(ext)s nhưng nội dung là tệp %(kind)s. Hãy kiểm tra xem có chọn nhầm tệp "
        "không, hoặc đặt lại đúng đuôi rồi tải lên."),
    "zip_bomb": N_(
        "Tệp có cấu trúc nén bất thường (quá lớn khi giải nén hoặc quá nhiều thành phần) nên không được "
        "nhận. Hãy mở tệp, lưu lại hoặc in ra PDF rồi tải lên."),
    "corrupt": N_(
        "Tệp %(kind)s bị hỏng hoặc chưa tải về trọn vẹn. Hãy mở thử tệp trên máy, lưu lại rồi tải "
        "lên lại."),
    "encrypted": N_("Tệp được đặt mật khẩu nên không kiểm tra được. Hãy gỡ mật khẩu rồi tải lên lại."),
    "pdf_active": N_(
        "Tệp PDF có nội dung tự chạy khi mở (%(found)s) nên không được nhận. Hãy lưu lại tệp dưới dạng "
        "PDF không có mã lệnh: mở tệp, chọn In rồi chọn máy in \"Microsoft Print to PDF\" (hoặc \"Lưu "
        "dưới dạng PDF\"), sau đó tải tệp mới lên."),
    "scan_budget": N_(
        "Tệp quá phức tạp nên không kiểm tra hết được trong giới hạn cho phép (dung lượng giải nén, số "
        "thành phần hoặc thời gian kiểm tra) và không được nhận. Hãy lưu lại tệp dưới dạng PDF không có "
        "mã lệnh (chọn In, máy in \"Microsoft Print to PDF\") hoặc chia tài liệu thành nhiều tệp nhỏ "
        "rồi tải lên."),
    "virus": N_(
        "Tệp bị phần mềm diệt virus phát hiện là độc hại (%(name)s) nên không được nhận. Hãy quét virus "
        "trên máy, lấy lại bản gốc sạch của tài liệu rồi tải lên; nếu nghi máy bị nhiễm, báo cán bộ "
        "công nghệ thông tin của đơn vị."),
    "scan_unavailable": N_(
        "Chưa kiểm tra virus được cho tệp này vì dịch vụ quét virus đang không trả lời, nên tệp chưa "
        "được lưu. Hãy thử tải lên lại sau ít phút; nếu vẫn lỗi, báo quản trị hệ thống."),
    "office_external": N_(
        "Tệp Word/Excel có liên kết tự tải nội dung từ bên ngoài (%(target)s) nên không được nhận. Hãy "
        "lưu lại tệp dưới dạng PDF không có mã lệnh (chọn In, máy in \"Microsoft Print to PDF\") hoặc "
        "gỡ liên kết, mẫu (template) ngoài rồi tải lên."),
    "office_dde": N_(
        "Tệp Word/Excel có trường DDE (lệnh tự chạy chương trình khác khi mở) nên không được nhận. Hãy "
        "lưu lại tệp dưới dạng PDF không có mã lệnh (chọn In, máy in \"Microsoft Print to PDF\") rồi "
        "tải lên."),
    "office_ole": N_(
        "Tệp Word/Excel có đối tượng nhúng (OLE) — một tệp hoặc chương trình khác gắn bên trong — nên "
        "không được nhận. Hãy xóa đối tượng nhúng hoặc lưu lại tệp dưới dạng PDF không có mã lệnh "
        "(chọn In, máy in \"Microsoft Print to PDF\") rồi tải lên."),
    "too_large": N_(
        "Tệp lớn hơn %(limit)s. Hãy giảm độ phân giải khi quét, nén ảnh hoặc chia tài liệu thành "
        "nhiều tệp rồi tải lên."),
    "quota": N_(
        "Đơn vị đã dùng %(used)s trên hạn mức %(quota)s, không đủ chỗ cho tệp này (%(size)s). Hãy xóa "
        "các tệp không còn cần hoặc liên hệ Sở Nội vụ để được nâng hạn mức."),
    "no_file": N_("Chưa chọn tệp nào. Hãy bấm \"Chọn tệp\" rồi chọn tài liệu trên máy."),
}


@dataclass(frozen=True)
class Kind:
    mime: str
    extension: str
    label: str
    aliases: frozenset[str] = field(default_factory=frozenset)


KINDS: dict[str, Kind] = {
    "pdf": Kind("application/pdf", "pdf", "PDF", frozenset({"pdf"})),
    "doc": Kind("application/msword", "doc", "Word (.doc)", frozenset({"doc"})),
    "xls": Kind("application/vnd.ms-excel", "xls", "Excel (.xls)", frozenset({"xls"})),
    "docx": Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx",
                 "Word (.docx)", frozenset({"docx"})),
    "xlsx": Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx",
                 "Excel (.xlsx)", frozenset({"xlsx"})),
    "odt": Kind("application/vnd.oasis.opendocument.text", "odt", "OpenDocument (.odt)", frozenset({"odt"})),
    "ods": Kind("application/vnd.oasis.opendocument.spreadsheet", "ods", "OpenDocument (.ods)",
                frozenset({"ods"})),
    "jpg": Kind("image/jpeg", "jpg", "ảnh JPG", frozenset({"jpg", "jpeg", "jpe", "jfif"})),
    "png": Kind("image/png", "png", "ảnh PNG", frozenset({"png"})),
}
INLINE_KINDS = frozenset({"pdf", "jpg", "png"})
MIME_TYPES = frozenset(k.mime for k in KINDS.values())
#: Every extension that names an allowed kind: such a name must match the content.
OFFICE_EXTENSIONS = frozenset().union(*(k.aliases for k in KINDS.values()))


def detected(kind: str) -> Detected:
    spec = KINDS[kind]
    return Detected(kind, spec.mime, spec.extension)
