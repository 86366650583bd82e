"""Office containers of evidence files — ZIP (DOCX, XLSX, ODT, ODS) and OLE2 (DOC, XLS) — checked from
their directories before anything is unpacked. Pure (standard library only).

ZIP: the entry count is read from the end-of-central-directory record first (so a ZIP with millions of
entries is refused before Python builds its list), then the declared sizes of the central directory
give the total uncompressed size and the compression ratio (zip-bomb limits, security.md §6.4). Only
two tiny parts are ever read: ``[Content_Types].xml`` (OOXML) and ``mimetype`` (ODF), each capped.
Macros are refused: ``vbaProject.bin`` or a macro-enabled content type (OOXML), ``Basic/`` or
``Scripts/`` (ODF), a ``Macros``/``_VBA_PROJECT_CUR`` storage (OLE2).
"""
from __future__ import annotations

import struct
import zipfile
import zlib

from portal.evidence.kinds import Refused

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
MAX_ENTRIES = 10_000
MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RATIO = 100
# The ratio only matters once the unpacked size could hurt: a 300 kB part that compresses 200:1 is
# ordinary XML, not a bomb.
RATIO_FLOOR = 1024 * 1024
SMALL_PART = 1024 * 1024
_OFFICE = "Word/Excel"


def _corrupt() -> Refused:
    return Refused("corrupt", {"kind": _OFFICE})


# ----------------------------------------------------------------------------------------------- ZIP


def _eocd_entries(fh, size: int) -> int:
    """Entry count from the end-of-central-directory record (ZIP64 aware), without reading entries."""
    span = min(size, 65535 + 22)
    fh.seek(size - span)
    tail = fh.read(span)
    pos = tail.rfind(b"PK\x05\x06")
    if pos < 0 or len(tail) - pos < 22:
        raise _corrupt()
    entries = struct.unpack_from("<H", tail, pos + 10)[0]
    if entries == 0xFFFF and pos >= 20 and tail[pos - 20:pos - 16] == b"PK\x06\x07":
        record_at = struct.unpack_from("<Q", tail, pos - 12)[0]
        if record_at + 56 > size:
            raise _corrupt()
        fh.seek(record_at)
        record = fh.read(56)
        if record[:4] != b"PK\x06\x06":
            raise _corrupt()
        entries = struct.unpack_from("<Q", record, 32)[0]
    return entries


def _check_bomb(infos: list[zipfile.ZipInfo], size: int) -> None:
    if len(infos) > MAX_ENTRIES:
        raise Refused("zip_bomb")
    unpacked = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    if unpacked > MAX_UNCOMPRESSED or packed > size:  # packed > size: entries overlap (a crafted bomb)
        raise Refused("zip_bomb")
    if unpacked > RATIO_FLOOR and unpacked > MAX_RATIO * max(packed, 1):
        raise Refused("zip_bomb")


def _read_small(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    if info.file_size > SMALL_PART:
        raise Refused("zip_bomb")
    try:
        with zf.open(info) as part:
            data = part.read(SMALL_PART + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError):
        raise _corrupt() from None
    if len(data) > SMALL_PART:
        raise Refused("zip_bomb")
    return data


def check_zip(fh, size: int) -> str:
    """'docx', 'xlsx', 'odt' or 'ods' for a clean package; :class:`Refused` otherwise."""
    if _eocd_entries(fh, size) > MAX_ENTRIES:
        raise Refused("zip_bomb")
    fh.seek(0)
    try:
        zf = zipfile.ZipFile(fh)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise _corrupt() from None
    with zf:
        infos = zf.infolist()
        _check_bomb(infos, size)
        if any(i.flag_bits & 0x1 for i in infos):
            raise Refused("encrypted")
        names = {i.filename.lower() for i in infos}
        if "[content_types].xml" in names:
            return _ooxml(zf, names)
        if infos and infos[0].filename == "mimetype":
            return _odf(zf, infos[0], names)
    raise Refused("unknown_type")


_OOXML_MAIN = (
    ("word/document.xml", "wordprocessingml.document.main+xml", "docx"),
    ("xl/workbook.xml", "spreadsheetml.sheet.main+xml", "xlsx"),
)


def _ooxml(zf: zipfile.ZipFile, names: set[str]) -> str:
    if any(n.endswith(("vbaproject.bin", "vbadata.xml", "vbaprojectsignature.bin")) for n in names):
        raise Refused("macro")
    types = _read_small(zf, zf.getinfo(_exact(zf, "[content_types].xml"))).decode("utf-8", "replace").lower()
    if "macroenabled" in types or "vbaproject" in types:
        raise Refused("macro")
    for part, content_type, kind in _OOXML_MAIN:
        if part in names and content_type in types:
            return kind
    raise Refused("unknown_type")  # PowerPoint, templates, other packages


def _exact(zf: zipfile.ZipFile, lowered: str) -> str:
    return next(i.filename for i in zf.infolist() if i.filename.lower() == lowered)


_ODF_TYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}


def _odf(zf: zipfile.ZipFile, first: zipfile.ZipInfo, names: set[str]) -> str:
    """OpenDocument: ``mimetype`` is the first entry, stored uncompressed, with the right value."""
    if first.compress_type != zipfile.ZIP_STORED:
        raise _corrupt()
    kind = _ODF_TYPES.get(_read_small(zf, first).strip())
    if kind is None:
        raise Refused("unknown_type")
    if "content.xml" not in names:
        raise _corrupt()
    if any(n.startswith(("basic/", "scripts/")) for n in names):
        raise Refused("macro")
    return kind


# ---------------------------------------------------------------------------------------------- OLE2

_MAXREGSECT = 0xFFFFFFFA
_MACRO_STORAGES = frozenset({"macros", "_vba_project_cur", "vba", "_vba_project"})


def _sector(fh, sector: int, sector_size: int) -> bytes:
    if sector >= _MAXREGSECT:
        raise _corrupt()
    fh.seek((sector + 1) * sector_size)
    data = fh.read(sector_size)
    if len(data) < sector_size:
        raise _corrupt()
    return data


def _fat(fh, header: bytes, sector_size: int, max_sectors: int) -> list[int]:
    n_fat, first_difat = struct.unpack_from("<I", header, 44)[0], struct.unpack_from("<I", header, 68)[0]
    if n_fat > max_sectors:
        raise _corrupt()
    fat_sectors = list(struct.unpack_from("<109I", header, 76))[:n_fat]
    sector, hops = first_difat, 0
    while len(fat_sectors) < n_fat and sector < _MAXREGSECT:
        values = struct.unpack(f"<{sector_size // 4}I", _sector(fh, sector, sector_size))
        fat_sectors.extend(values[:-1])
        sector, hops = values[-1], hops + 1
        if hops > max_sectors:
            raise _corrupt()
    fat: list[int] = []
    for sector in fat_sectors[:n_fat]:
        fat.extend(struct.unpack(f"<{sector_size // 4}I", _sector(fh, sector, sector_size)))
    return fat


def ole_entry_names(fh, size: int) -> set[str]:
    """Lower-case names of every storage and stream in an OLE2 compound file (its directory)."""
    fh.seek(0)
    header = fh.read(512)
    if len(header) < 512 or not header.startswith(OLE_MAGIC):
        raise _corrupt()
    shift = struct.unpack_from("<H", header, 30)[0]
    if shift not in (9, 12):
        raise _corrupt()
    sector_size = 1 << shift
    max_sectors = size // sector_size + 1
    fat = _fat(fh, header, sector_size, max_sectors)
    names: set[str] = set()
    sector, hops = struct.unpack_from("<I", header, 48)[0], 0
    while sector < _MAXREGSECT:
        if hops > max_sectors or sector >= len(fat):
            raise _corrupt()
        block = _sector(fh, sector, sector_size)
        for offset in range(0, sector_size, 128):
            length, kind = struct.unpack_from("<H", block, offset + 64)[0], block[offset + 66]
            if kind in (1, 2, 5) and 2 <= length <= 64:
                names.add(block[offset:offset + length - 2].decode("utf-16-le", "replace").lower())
        sector, hops = fat[sector], hops + 1
    return names


def check_ole(fh, size: int) -> str:
    """'doc' or 'xls' for a legacy Word/Excel file without macros; :class:`Refused` otherwise."""
    names = ole_entry_names(fh, size)
    if names & {"encryptedpackage", "encryptioninfo"}:
        raise Refused("encrypted")  # a password-protected DOCX/XLSX is stored inside OLE2
    if names & _MACRO_STORAGES:
        raise Refused("macro")
    if "worddocument" in names:
        return "doc"
    if names & {"workbook", "book"}:
        return "xls"
    raise Refused("unknown_type")  # PowerPoint, Outlook messages, installers (.msi) …
