"""Nội dung tự chạy trong PDF — active content in an uploaded PDF, found with a real PDF parser (pypdf).

Pure (pypdf and the standard library, no Flask). ``check_pdf(path, size)`` returns quietly for a PDF
that only shows pages, or raises :class:`~portal.evidence.kinds.Refused`:

* ``pdf_active`` with ``found`` naming what was seen: JavaScript (``/JS``, ``/JavaScript``), an action
  that launches a program, sends or imports form data (``/Launch``, ``/SubmitForm``, ``/ImportData``,
  ``/GoToE``), an ``/OpenAction`` that runs a script or opens a URI, additional actions (``/AA``), an XFA
  form, embedded files (``/EmbeddedFile``, ``/EmbeddedFiles``, ``/EF``) or rich media;
* ``encrypted`` when the PDF cannot be opened without a password (a PDF with only an owner password —
  "print/copy restricted" — is decrypted with the empty password and scanned);
* ``scan_budget`` when a budget runs out (decoded bytes, objects, seconds): we refuse rather than accept
  what we could not read to the end;
* ``corrupt`` when pypdf cannot read the file at all, even with its cross-reference rebuilt.

Every object is visited whatever the cross-reference table says: every ``N G obj`` of every revision in
the file, then every object packed in every object stream (``/Type /ObjStm``), whose data pypdf decodes
through any chain of standard filters (Flate, LZW, ASCIIHex, ASCII85, RunLength …). Indirect references
are not followed — each object is visited on its own; the action type of an ``/OpenAction`` target is
checked once every object has been seen. As a second net, for syntax that a lenient parser may skip
(a key written twice keeps only its first value in pypdf), the file's bytes outside stream data, every
decoded stream (images and fonts apart) and every object pypdf cannot read (up to its ``endobj``) are
searched for the names of active content. Raw image data is never searched that way: random bytes of a
photo spell ``/JS`` now and then.
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

from portal.evidence.kinds import Refused

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
_STREAM_START = re.compile(rb"(?<![A-Za-z])stream\r?\n")
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


def _byte_net(data: bytes) -> None:
    """Names of active content in the file's bytes outside stream data: dictionaries as written, a key
    written twice included."""
    pieces, position = [], 0
    while (start := _STREAM_START.search(data, position)) is not None:
        pieces.append(data[position:start.start()])
        end = data.find(b"endstream", start.end())
        if end < 0:
            break
        position = end + len(b"endstream")
    else:
        pieces.append(data[position:])
    found = active_name(b" ".join(pieces))
    if found:
        raise Refused("pdf_active", {"found": found})


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
    try:
        with apply_configuration(zlib_maximum_output_length=PER_STREAM, lzw_maximum_output_length=PER_STREAM,
                                 run_length_maximum_output_length=PER_STREAM,
                                 array_based_stream_maximum_output_length=PER_STREAM):
            # A cross-reference that points to the wrong place (a file edited by a naive tool) is rebuilt
            # from the objects, as PDF readers do: pypdf does it when told the table is at offset 0.
            reader = _open(data) or _open(data + b"\nstartxref\n0\n%%EOF\n")
            _Walk(reader, budget).run(data)
    except Refused:
        raise
    except LimitReachedError:
        raise Refused("scan_budget") from None
    except Exception:  # noqa: BLE001  (PdfReadError, a filter pypdf cannot decode …: not read, not taken)
        _byte_net(data)
        raise Refused("corrupt", {"kind": "PDF"}) from None
    _byte_net(data)
    if reader is None:  # walked what could be read to name any active content; still not a readable PDF
        raise Refused("corrupt", {"kind": "PDF"})


def _open(data: bytes) -> PdfReader | None:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
    except LimitReachedError:
        raise
    except Exception:  # noqa: BLE001  (no usable cross-reference)
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


_BLANKS = re.compile(rb"\s*")
_NUMBERS_BEFORE = re.compile(rb"(?<![0-9])([0-9]{1,10})[\0\t\n\f\r ]+([0-9]{1,5})[\0\t\n\f\r ]+$")


def _headers(data: bytes):
    """(number, generation, start, body) of every "N G obj" written in the file: every object of every
    revision, listed or not in a cross-reference. Found from each ``obj`` keyword (a fast byte search)."""
    position = 0
    while (found := data.find(b"obj", position)) >= 0:
        position = found + 3
        if data[position:position + 1].isalpha():
            continue  # "objstm", a name: not the keyword
        numbers = _NUMBERS_BEFORE.search(data, max(0, found - 32), found)
        if numbers is not None:
            yield int(numbers.group(1)), int(numbers.group(2)), numbers.start(), _BLANKS.match(data, position).end()


class _Walk:
    """One pass over every object; remembers the action type of each object and the targets of
    ``/OpenAction`` references, checked at the end (an action may sit before or after the catalog)."""

    def __init__(self, reader: PdfReader | None, budget: Budget):
        self.reader, self.budget = reader, budget
        self.actions: dict[int, str] = {}
        self.open_targets: set[int] = set()

    def run(self, data: bytes) -> None:
        if self.reader is not None:
            self.inspect(self.reader.trailer)
        source = io.BytesIO(data)
        for number, generation, start, body in _headers(data):
            self.budget.spend(objects=1)
            try:
                if self.reader is not None and self.reader.is_encrypted:  # decrypted by get_object
                    obj = self.reader.get_object(IndirectObject(number, generation, self.reader))
                else:
                    source.seek(body)
                    obj = read_object(source, self.reader)
            except (LimitReachedError, RecursionError):
                raise
            except Exception:  # noqa: BLE001  (unreadable: the byte net reads it up to its endobj)
                self.unreadable(data, start)
                continue
            self.visit(number, obj)
        for target in self.open_targets:
            if self.actions.get(target) in _OPEN_ACTIONS:
                raise Refused("pdf_active", {"found": f"/OpenAction {self.actions[target]}"})

    def unreadable(self, data: bytes, offset: int) -> None:
        end = data.find(b"endobj", offset)
        found = active_name(data[offset:end if end > 0 else len(data)])
        if found:
            raise Refused("pdf_active", {"found": found})

    def visit(self, number: int, obj) -> None:
        if isinstance(obj, DictionaryObject) and "/S" in obj:
            self.actions[number] = str(obj["/S"])
        self.inspect(obj)
        if isinstance(obj, StreamObject):
            self.scan_stream(obj)

    def scan_stream(self, obj: StreamObject) -> None:
        if obj.get("/Subtype") in _NOT_SYNTAX or "/Length1" in obj or "/Length2" in obj:
            return  # images and embedded fonts: no PDF syntax inside, nothing to decode
        decoded = obj.get_data()  # every filter of the chain; this object is not cached by the reader
        if isinstance(decoded, str):
            decoded = decoded.encode("latin-1", "replace")
        self.budget.spend(decoded=len(decoded))
        found = active_name(decoded)
        if found:
            raise Refused("pdf_active", {"found": found})
        if obj.get("/Type") == "/ObjStm":
            self.walk_object_stream(obj, decoded)

    def walk_object_stream(self, obj: StreamObject, decoded: bytes) -> None:
        """Every object packed in an object stream: its header lists ``number offset`` pairs from /First."""
        first, count = int(obj.get("/First", 0)), int(obj.get("/N", 0))
        header = decoded[:first].split()
        buffer = io.BytesIO(decoded)
        for index in range(min(count, len(header) // 2)):
            self.budget.spend(objects=1)
            buffer.seek(_BLANKS.match(decoded, first + int(header[2 * index + 1])).end())
            try:
                inner = read_object(buffer, self.reader)
            except (LimitReachedError, RecursionError):
                raise
            except Exception:  # noqa: BLE001, S112  (a bad offset: the decoded bytes were searched above)
                continue
            self.visit(int(header[2 * index]), inner)

    def inspect(self, obj, depth: int = 0) -> None:
        """Refuse on active content in ``obj`` and its direct children (dictionaries, arrays)."""
        if depth > 64:
            raise Refused("scan_budget")
        if isinstance(obj, DictionaryObject):
            self.check_dictionary(obj)
            children = obj.values()
        elif isinstance(obj, ArrayObject):
            children = obj
        else:
            return
        for child in children:
            if isinstance(child, (DictionaryObject, ArrayObject)):
                self.inspect(child, depth + 1)

    def check_dictionary(self, obj: DictionaryObject) -> None:
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
            if isinstance(action, IndirectObject):
                self.open_targets.add(action.idnum)  # checked once every object has been seen
            elif isinstance(action, DictionaryObject) and action.get("/S") in _OPEN_ACTIONS:
                raise Refused("pdf_active", {"found": f"/OpenAction {action['/S']}"})
