"""Kiểm tra nội dung tệp kiểm chứng — what an uploaded evidence file really is, decided by its bytes.

Pure (standard library only, no Flask): ``detect(path, name)`` opens the file written to the upload
temp folder and returns :class:`~portal.evidence.kinds.Detected` (kind, mime type, extension) or raises
:class:`~portal.evidence.kinds.Refused` with a stable code and a Vietnamese message template (the kinds and
the messages are in :mod:`portal.evidence.kinds`).

Allowed kinds: PDF, DOC, XLS (OLE2), DOCX, XLSX (OOXML), ODT, ODS (OpenDocument), JPG, PNG. The
user's file name never decides the kind; it can only cause a refusal (an executable or macro
extension, or an office extension that contradicts the content). Containers (ZIP, OLE2) are checked
in :mod:`portal.evidence.containers` before anything is unpacked (zip-bomb limits from the central
directory). PDFs are then read object by object with a real parser (:mod:`portal.evidence.pdf_scan`),
Office files with oletools (:mod:`portal.evidence.office`), and the EICAR test string is refused wherever
it sits in the bytes.
"""
from __future__ import annotations

from portal.evidence import containers, filenames, office
from portal.evidence.kinds import Detected, Refused, detected
from portal.evidence.pdf_scan import check_pdf


def detect(path: str, name: str | None = None) -> Detected:
    """The kind of the file at ``path``, checked against the user's ``name``; or :class:`Refused`."""

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
