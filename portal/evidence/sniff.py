"""Kiểm tra nội dung tệp kiểm chứng — what an uploaded evidence file really is, decided by its bytes.

Pure (standard library only, no Flask): ``detect(path, name)`` opens the file written to the upload
temp folder and returns :class:`Detected` (kind, mime type, extension) or raises :class:`Refused` with
a stable code and a Vietnamese message template (marked with ``N_``; the web layer translates it).

Allowed kinds: PDF, DOC, XLS (OLE2), DOCX, XLSX (OOXML), ODT, ODS (OpenDocument), JPG, PNG. The
user's file name never decides the kind; it can only cause a refusal (an executable or macro
extension, or an office extension that contradicts the content). Containers (ZIP, OLE2) are checked
in :mod:`portal.evidence.containers` before anything is unpacked (zip-bomb limits from the central
directory). PDFs are scanned, including their Flate-compressed streams, for active content.
"""
from __future__ import annotations

import re
import zlib
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
        "Tệp PDF có chứa nội dung tự chạy (JavaScript, lệnh mở chương trình hoặc tệp đính kèm bên "
        "trong) nên không được nhận. Hãy in lại tài liệu ra PDF (chọn máy in \"Microsoft Print to "
        "PDF\" hoặc \"Lưu dưới dạng PDF\") rồi tải lên."),
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
    from portal.evidence import containers, filenames

    filenames.check_name(name or "")  # executable or macro extensions are refused whatever the content
    with open(path, "rb") as fh:
        head = fh.read(16)
        fh.seek(0, 2)
        size = fh.tell()
        if size == 0:
            raise Refused("empty")
        fh.seek(0)
        if head.startswith(b"%PDF-"):
            _check_pdf(fh, size)
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

# Names that make a PDF act on its own: scripts, launching programs, embedded files, rich media.
_ACTIVE_NAMES = frozenset({b"JavaScript", b"JS", b"Launch", b"EmbeddedFile", b"EmbeddedFiles", b"RichMedia"})
_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]{1,64})")
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM = re.compile(rb"stream\r?\n")
_INFLATE_PER_STREAM = 8 * 1024 * 1024
_INFLATE_TOTAL = 64 * 1024 * 1024
_CHUNK = 1 << 20


def _active_name(data: bytes) -> bytes | None:
    for match in _NAME.finditer(data):
        raw = match.group(1)
        # /J#61vaScript is /JavaScript: names may hide letters as #xx escapes.
        name = _HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw) if b"#" in raw else raw
        if name in _ACTIVE_NAMES:
            return name
    return None


def _check_pdf(fh, size: int) -> None:
    fh.seek(max(0, size - 2048))
    if b"%%EOF" not in fh.read():
        raise Refused("corrupt", {"kind": "PDF"})
    fh.seek(0)
    data = fh.read()  # bounded by the upload limit (20 MB by default)
    if _active_name(data):
        raise Refused("pdf_active")
    _scan_streams(data)


def _scan_streams(data: bytes) -> None:
    """Inflate Flate streams (object streams can hide dictionaries) within a budget and scan them."""
    budget = _INFLATE_TOTAL
    for match in _STREAM.finditer(data):
        if budget <= 0:
            return
        start = match.end()
        end = data.find(b"endstream", start)
        if end < 0:
            return
        inflater = zlib.decompressobj()
        try:
            out = inflater.decompress(data[start:end], min(_INFLATE_PER_STREAM, budget))
        except zlib.error:
            continue  # not Flate (images, fonts in other filters): nothing to read as PDF syntax
        budget -= len(out)
        if _active_name(out):
            raise Refused("pdf_active")
