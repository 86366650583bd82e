"""Nội dung tự chạy trong tệp Word/Excel — active content in Office files, found with oletools.

Pure (oletools, olefile and the standard library; no Flask). Runs only after
:mod:`portal.evidence.containers` has passed the file (zip-bomb limits, no ``vbaProject.bin``, no macro
storage), so opening its parts is safe. ``check_office(path, kind)`` returns quietly or raises
:class:`~portal.evidence.kinds.Refused`:

* ``macro`` — VBA or Excel 4 (XLM) macros (olevba), or a ribbon ``customUI`` with an ``onLoad`` callback;
* ``office_external`` — a relationship with ``TargetMode="External"`` other than a hyperlink: a remote
  template (``attachedTemplate`` to a .dotm), a remote image, a linked OLE object, a frame, an external
  workbook link … (Word and Excel fetch these when the file opens; a hyperlink waits for a click);
  in .xls, an external or DDE link of the workbook (msodde);
* ``office_dde`` — a DDE or DDEAUTO field (msodde, fields of type DDE only);
* ``office_ole`` — an embedded OLE object: an ``oleObject`` relationship or an OLE compound file among
  the parts (OOXML), an ``ObjectPool``/``MBD…`` storage or an ``Ole10Native`` stream (DOC, XLS);
* ``corrupt`` — oletools cannot read a file our own checks took for Word/Excel (fail closed).

OpenDocument files are not read here: their macros are refused from the package listing.
"""
from __future__ import annotations

import logging
import zipfile

import olefile
from oletools import msodde, oleobj, ooxml
from oletools.olevba import VBA_Parser

from portal.evidence.kinds import Refused

CHECKED_KINDS = frozenset({"docx", "xlsx", "doc", "xls"})
_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_TARGET_SHOWN = 80

for _name in ("olevba", "msodde", "oleobj", "ooxml", "olefile", "xls_parser"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)  # their warnings about odd files are noise here


def check_office(path: str, kind: str) -> None:
    """Refuse the Word/Excel file at ``path`` (already identified as ``kind``) if it carries active content."""
    try:
        if kind in ("docx", "xlsx"):
            _check_ooxml(path)
        else:
            _check_ole(path, kind)
        _check_macros(path)
        _check_dde(path)
    except Refused:
        raise
    except Exception:  # noqa: BLE001  (oletools could not read it: not read, not taken)
        raise Refused("corrupt", {"kind": "Word/Excel"}) from None


def _check_ooxml(path: str) -> None:
    with zipfile.ZipFile(path) as package:
        names = package.namelist()
    parser = ooxml.XmlParser(path)
    rels = [n for n in names if n.lower().endswith(".rels")]  # relationships live only in .rels parts
    for _subfile, elem, _depth in parser.iter_xml(rels, False, oleobj.OOXML_RELATIONSHIP_TAG):
        kind = elem.attrib.get("Type", "").rsplit("/", 1)[-1]
        if kind == "oleObject":
            raise Refused("office_ole")
        if elem.attrib.get("TargetMode", "").lower() == "external" and kind != "hyperlink":
            target = elem.attrib.get("Target", "")
            raise Refused("office_external", {"target": f"{kind}: {target[:_TARGET_SHOWN]}"})
    custom_ui = [n for n in names if n.lower().startswith("customui/")]
    tags = (oleobj.TAG_CUSTOMUI_2007, oleobj.TAG_CUSTOMUI_2010)
    for _subfile, elem, _depth in (parser.iter_xml(custom_ui, False, tags) if custom_ui else ()):
        if elem.get("onLoad"):  # a ribbon callback: runs a macro (or a remote one) when the file opens
            raise Refused("macro")
    with zipfile.ZipFile(path) as package:
        for info in package.infolist():
            if info.file_size >= 8 and not info.is_dir():
                with package.open(info) as part:
                    if part.read(8) == _OLE_MAGIC:
                        raise Refused("office_ole")


def _check_ole(path: str, kind: str) -> None:
    with olefile.OleFileIO(path) as ole:
        entries = ole.listdir(streams=True, storages=True)
    for entry in entries:
        first, last = entry[0].lower(), entry[-1].lower()
        if first == "objectpool" or first.startswith("mbd") or last == "\x01ole10native":
            raise Refused("office_ole")


def _check_macros(path: str) -> None:
    parser = VBA_Parser(path)
    try:
        if parser.detect_macros():
            raise Refused("macro")
    finally:
        parser.close()


def _check_dde(path: str) -> None:
    links = msodde.process_file(path, field_filter_mode=msodde.FIELD_FILTER_DDE).strip()
    if not links:
        return
    if olefile.isOleFile(path) and not msodde.FIELD_DDE_REGEX.match(links):
        raise Refused("office_external", {"target": links.splitlines()[0][:_TARGET_SHOWN]})
    raise Refused("office_dde")
