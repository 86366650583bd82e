"""Nội dung tự chạy trong PDF — active content in an uploaded PDF, found with a real PDF parser (pypdf).

Pure (pypdf and the standard library, no Flask). ``check_pdf(path, size)`` returns quietly for a PDF
that only shows pages, or raises :class:`~portal.evidence.sniff.Refused`:

* ``pdf_active`` with ``found`` naming what was seen: JavaScript (``/JS``, ``/JavaScript``), an action
  that launches a program, sends or imports form data (``/Launch``, ``/SubmitForm``, ``/ImportData``,
  ``/GoToE``), an ``/OpenAction`` that runs a script or opens a URI, additional actions (``/AA``), an XFA
  form, embedded files (``/EmbeddedFile``, ``/EmbeddedFiles``, ``/EF``) or rich media;
* ``encrypted`` when the PDF cannot be opened without a password (a PDF with only an owner password —
  "print/copy restricted" — is decrypted with the empty password and scanned);
* ``scan_budget`` when a budget runs out (decoded bytes, objects, seconds): we refuse rather than accept
  what we could not read to the end;
* ``corrupt`` when pypdf cannot read the file at all.

Every object is visited whatever the cross-reference table says: every ``N G obj`` of every revision in
the file, then every object packed in every object stream (``/Type /ObjStm``), whose data pypdf decodes
through any chain of standard filters (Flate, LZW, ASCIIHex, ASCII85, RunLength …). Indirect references
are not followed — each object is visited on its own — except an ``/OpenAction`` target, resolved to
read its action type. As a second net, for syntax that a lenient parser may skip, the raw bytes and
every decoded stream (images and fonts apart) are searched for the names of active content.
"""
from __future__ import annotations

import io
import logging
import re
import time
from dataclasses import dataclass, field

from pypdf import PdfReader, apply_configuration
from pypdf.errors import LimitReachedError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject, read_object

from portal.evidence.sniff import Refused

#: Decoded bytes of all streams of one file together; per stream pypdf's own limit applies.
INFLATE_BUDGET = 160 * 1024 * 1024
PER_STREAM = 96 * 1024 * 1024
OBJECT_BUDGET = 300_000
SECONDS_BUDGET = 20.0

_ACTIONS = frozenset({"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToE"})
_OPEN_ACTIONS = frozenset({"/JavaScript", "/URI", "/Launch", "/SubmitForm", "/ImportData", "/GoToE"})
_KEYS = {"/JS": "JavaScript", "/JavaScript": "JavaScript", "/AA": "/AA", "/XFA": "XFA",
         "/EmbeddedFiles": "/EmbeddedFiles", "/EF": "/EmbeddedFile", "/RichMediaContent": "/RichMedia"}
_TYPES = {"/EmbeddedFile": "/EmbeddedFile", "/RichMedia": "/RichMedia"}
_NOT_SYNTAX = frozenset({"/Image", "/Type1C", "/CIDFontType0C", "/OpenType"})

# The second net: names of active content in raw or decoded bytes, #xx escapes undone.
_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]{1,64})")
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_ACTIVE_NAMES = {b"JavaScript": "JavaScript", b"JS": "JavaScript", b"Launch": "/Launch",
                 b"EmbeddedFile": "/EmbeddedFile", b"EmbeddedFiles": "/EmbeddedFiles",
                 b"RichMedia": "/RichMedia", b"SubmitForm": "/SubmitForm", b"ImportData": "/ImportData",
                 b"XFA": "XFA"}

logging.getLogger("pypdf").setLevel(logging.ERROR)  # broken files are expected here; their warnings are noise


def active_name(data: bytes) -> str | None:
    """The first name of active content written anywhere in ``data`` (PDF syntax), or None."""
    for match in _NAME.finditer(data):
        raw = match.group(1)
        name = _HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw) if b"#" in raw else raw
        if name in _ACTIVE_NAMES:
            return _ACTIVE_NAMES[name]
    return None


@dataclass
class Budget:
    """What one scan may spend; ``spend`` refuses (fail closed) once any part runs out."""

    inflate: int = INFLATE_BUDGET
    objects: int = OBJECT_BUDGET
    seconds: float = SECONDS_BUDGET
    started: float = field(default_factory=time.monotonic)

    def spend(self, *, decoded: int = 0, objects: int = 0) -> None:
        self.inflate -= decoded
        self.objects -= objects
        if self.inflate < 0 or self.objects < 0 or time.monotonic() - self.started > self.seconds:
            raise Refused("scan_budget")


def check_pdf(path: str, size: int, budget: Budget | None = None) -> None:
    """Refuse the PDF at ``path`` if it carries active content or cannot be read within the budget."""
    budget = budget or Budget()
    with open(path, "rb") as fh:
        data = fh.read()  # bounded by the upload limit (20 MB by default)
    found = active_name(data)
    if found:
        raise Refused("pdf_active", {"found": found})
    try:
        with apply_configuration(zlib_maximum_output_length=PER_STREAM, lzw_maximum_output_length=PER_STREAM,
                                 run_length_maximum_output_length=PER_STREAM,
                                 array_based_stream_maximum_output_length=PER_STREAM):
            reader = _open(data)
            _walk(reader, data, budget)
    except Refused:
        raise
    except LimitReachedError:
        raise Refused("scan_budget") from None
    except Exception:  # noqa: BLE001  (PdfReadError, a filter pypdf cannot decode …: not read, not taken)
        raise Refused("corrupt", {"kind": "PDF"}) from None
    if reader is None:  # walked what could be read to name any active content; still not a readable PDF
        raise Refused("corrupt", {"kind": "PDF"})


def _open(data: bytes) -> PdfReader | None:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
    except LimitReachedError:
        raise
    except Exception:  # noqa: BLE001  (no usable cross-reference at all: walk the objects without it)
        return None
    _unlock(reader)
    return reader


def _unlock(reader: PdfReader) -> None:
    if not reader.is_encrypted:
        return
    try:
        opened = reader.decrypt("")
    except Exception:  # noqa: BLE001  (an unknown or unsupported encryption: cannot be scanned)
        raise Refused("encrypted") from None
    if not opened:
        raise Refused("encrypted")


_HEADER = re.compile(rb"\d+\s+\d+\s+obj\s*")


def _walk(reader: PdfReader | None, data: bytes, budget: Budget) -> None:
    if reader is not None:
        _inspect(reader, reader.trailer, budget)
    stream = io.BytesIO(data)
    for number, generation, offset in PdfReader._find_pdf_objects(data):
        budget.spend(objects=1)
        header = _HEADER.match(data, offset)
        try:
            if reader is not None and reader.is_encrypted:  # strings and streams need get_object's decryption
                obj = reader.get_object(IndirectObject(number, generation, reader))
            elif header is None:
                continue
            else:
                stream.seek(header.end())
                obj = read_object(stream, reader)
        except (LimitReachedError, RecursionError):
            raise
        except Exception:  # noqa: BLE001  ("N G obj" inside binary data; the byte net covers it)
            continue
        _inspect(reader, obj, budget)
        if isinstance(obj, StreamObject):
            _scan_stream(reader, obj, budget)


def _scan_stream(reader: PdfReader, obj: StreamObject, budget: Budget) -> None:
    if obj.get("/Subtype") in _NOT_SYNTAX or "/Length1" in obj or "/Length2" in obj:
        return  # images and embedded fonts: no PDF syntax inside, nothing to decode
    decoded = obj.get_data()  # every filter of the chain; this object is not cached by the reader
    if isinstance(decoded, str):
        decoded = decoded.encode("latin-1", "replace")
    budget.spend(decoded=len(decoded))
    found = active_name(decoded)
    if found:
        raise Refused("pdf_active", {"found": found})
    if obj.get("/Type") == "/ObjStm":
        _walk_object_stream(reader, obj, decoded, budget)


def _walk_object_stream(reader: PdfReader, obj: StreamObject, decoded: bytes, budget: Budget) -> None:
    """Every object packed in an object stream: the header lists ``number offset`` pairs from /First."""
    first, count = int(obj.get("/First", 0)), int(obj.get("/N", 0))
    header = decoded[:first].split()
    buffer = io.BytesIO(decoded)
    for index in range(min(count, len(header) // 2)):
        budget.spend(objects=1)
        buffer.seek(first + int(header[2 * index + 1]))
        while buffer.read(1).isspace():
            pass
        buffer.seek(-1, 1)
        try:
            inner = read_object(buffer, reader)
        except (LimitReachedError, RecursionError):
            raise
        except Exception:  # noqa: BLE001  (a bad offset: the decoded bytes were searched above)
            continue
        _inspect(reader, inner, budget)


def _inspect(reader: PdfReader, obj, budget: Budget, depth: int = 0) -> None:
    """Refuse on active content in ``obj`` and its direct children (dictionaries, arrays)."""
    if depth > 64:
        raise Refused("scan_budget")
    if isinstance(obj, DictionaryObject):
        _check_dictionary(reader, obj)
        children = obj.values()
    elif isinstance(obj, ArrayObject):
        children = obj
    else:
        return
    for child in children:
        if isinstance(child, (DictionaryObject, ArrayObject)):
            _inspect(reader, child, budget, depth + 1)


def _check_dictionary(reader: PdfReader, obj: DictionaryObject) -> None:
    for key, label in _KEYS.items():
        if key in obj:
            raise Refused("pdf_active", {"found": label})
    for key in ("/Type", "/Subtype"):
        if obj.get(key) in _TYPES:
            raise Refused("pdf_active", {"found": _TYPES[obj[key]]})
    if obj.get("/S") in _ACTIONS:
        raise Refused("pdf_active", {"found": str(obj["/S"])})
    if "/OpenAction" in obj:
        action = obj.raw_get("/OpenAction")
        if isinstance(action, IndirectObject) and reader is not None:
            action = reader.get_object(action)
        if isinstance(action, DictionaryObject) and action.get("/S") in _OPEN_ACTIONS:
            raise Refused("pdf_active", {"found": f"/OpenAction {action['/S']}"})
