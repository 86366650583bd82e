"""Kiểm tra nội dung tệp kiểm chứng — what an uploaded evidence file really is, decided by its bytes.

Pure (standard library only, no Flask): ``detect(path, name)`` opens the file written to the upload
temp folder and returns :class:`Detected` (kind, mime type, extension) or raises :class:`Refused` with
a stable code and a Vietnamese message template (marked with ``N_``; the web layer translates it).

Allowed kinds: PDF, DOC, XLS (OLE2), DOCX, XLSX (OOXML), ODT, ODS (OpenDocument), JPG, PNG. The
user's file name never decides the kind; it can only cause a refusal (an executable or macro
extension, or an office extension that contradicts the content). Containers (ZIP, OLE2) are checked
in :mod:`portal.evidence.containers` before anything is unpacked (zip-bomb limits from the central
directory). PDFs are then read object by object with a real parser (:mod:`portal.evidence.pdf_scan`),
Office files with oletools (:mod:`portal.evidence.office`), and the EICAR test string is refused wherever
it sits in the bytes.
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


def detect(path: str, name: str | None = None) -> Detected:
    """The kind of the file at ``path``, checked against the user's ``name``; or :class:`Refused`."""
    from portal.evidence import containers, filenames, office

    filenames.check_name(name or "")  # executable or macro extensions are refused whatever the content
    with open(path, "rb") as fh:
        head = fh.read(16)
        fh.seek(0, 2)
        size = fh.tell()
        if size == 0:
            raise Refused("empty")
        _check_eicar(fh)
        if head.startswith(b"%PDF-"):
            _check_pdf(path, fh, size)
            result = detected("pdf")
        elif head.startswith(b"\x89PNG\r\n\x1a\n"):
            _check_png(fh, size)
            result = detected("png")
        elif head.startswith(b"\xff\xd8\xff"):
            _check_jpeg(fh, size)
            result = detected("jpg")
        elif head.startswith(b"PK\x03\x04"):
            result = detected(containers.check_zip(fh, size))
        elif head.startswith(containers.OLE_MAGIC):
            result = detected(containers.check_ole(fh, size))
        else:
            raise Refused("unknown_type")
    if result.kind in office.CHECKED_KINDS:  # the container is known safe to open: now read its parts
        office.check_office(path, result.kind)
    filenames.check_name_matches(name or "", result)
    return result


# -------------------------------------------------------------------------------------------- images


def _check_png(fh, size: int) -> None:
    """Walk the chunks: IHDR first, IEND reached before the end of the file (a truncated PNG fails)."""
    fh.seek(8)
    first = True
    while True:
        header = fh.read(8)
        if len(header) < 8:
            raise Refused("corrupt", {"kind": "PNG"})
        length, ctype = int.from_bytes(header[:4], "big"), header[4:]
        if (first and ctype != b"IHDR") or length > size:
            raise Refused("corrupt", {"kind": "PNG"})
        first = False
        if ctype == b"IEND":
            return
        fh.seek(length + 4, 1)  # data and CRC
        if fh.tell() > size:
            raise Refused("corrupt", {"kind": "PNG"})


def _check_jpeg(fh, size: int) -> None:
    """Walk the segments up to the scan, then find the end-of-image marker after it."""
    fh.seek(2)
    while True:
        marker = fh.read(2)
        if len(marker) < 2 or marker[0] != 0xFF:
            raise Refused("corrupt", {"kind": "JPG"})
        if marker[1] == 0xFF:
            fh.seek(-1, 1)  # fill byte before a marker
            continue
        if marker[1] in (0xD8, 0x01) or 0xD0 <= marker[1] <= 0xD7:
            continue  # markers without a length
        length_bytes = fh.read(2)
        if len(length_bytes) < 2:
            raise Refused("corrupt", {"kind": "JPG"})
        length = int.from_bytes(length_bytes, "big")
        if marker[1] == 0xDA:  # start of scan: entropy-coded data follows, ended by FFD9
            break
        fh.seek(length - 2, 1)
        if fh.tell() >= size:
            raise Refused("corrupt", {"kind": "JPG"})
    tail = b""
    while chunk := fh.read(1 << 20):
        if b"\xff\xd9" in tail[-1:] + chunk:
            return
        tail = chunk
    raise Refused("corrupt", {"kind": "JPG"})


# ----------------------------------------------------------------------------------------------- PDF


def _check_pdf(path: str, fh, size: int) -> None:
    fh.seek(max(0, size - 2048))
    if b"%%EOF" not in fh.read():
        raise Refused("corrupt", {"kind": "PDF"})
    from portal.evidence.pdf_scan import check_pdf
    check_pdf(path, size)


# --------------------------------------------------------------------------------------------- EICAR

#: The anti-virus test file of EICAR: every scanner flags it, so must we, wherever it sits in the bytes.
#: Written in two halves so that a virus scanner on a server does not quarantine this source file.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def _check_eicar(fh) -> None:
    fh.seek(0)
    tail = b""
    while chunk := fh.read(1 << 20):
        if EICAR in tail + chunk:
            raise Refused("virus", {"name": "EICAR-Test-File"})
        tail = chunk[-(len(EICAR) - 1):]
    fh.seek(0)
