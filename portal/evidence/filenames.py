"""Tên tệp hiển thị — the user's file name, kept as display metadata only. Pure (standard library).

A blob is stored under its sha256, never under this name; the name is only shown in the library and
given back as the download name. ``display_name`` makes it safe to show and to save on any desktop:
NFC; no path parts (``/`` or ``\\``), control, bidi or zero-width characters; no characters Windows
forbids; no reserved device names (CON, PRN, AUX, NUL, COM1–9, LPT1–9); no leading or trailing dots
and blanks; at most 200 characters with the extension kept; the extension is the detected type's
(``werkzeug.secure_filename`` is ASCII-only and loses Vietnamese names, so it is not used).
"""
from __future__ import annotations

import re
import unicodedata

from portal.evidence.kinds import KINDS, OFFICE_EXTENSIONS, Detected, Refused

MAX_NAME = 200
FALLBACK_STEM = "tai-lieu"

# C0/C1 controls (NUL included), bidi embeddings/overrides/isolates and marks, zero-width characters,
# line/paragraph separators and the byte-order mark.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069\ufeff]")
_BLANKS = re.compile("[\t\n\r\x0b\x0c]+")
_WINDOWS_FORBIDDEN = re.compile(r'[<>:"|?*]')
_SEPARATORS = re.compile(r"[/\\]")
RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
                     | {f"{dev}{n}" for dev in ("COM", "LPT") for n in range(10)})

#: Final extensions refused whatever the content: programs, scripts, and pages a browser would run.
DANGEROUS_EXTENSIONS = frozenset("""
    exe com bat cmd scr pif msi msp mst msc cpl dll sys ocx vb vbs vbe js jse mjs jar wsf wsh wsc ps1
    psm1 psd1 hta lnk reg inf sh bash zsh csh ksh command run bin elf out app dmg pkg deb rpm apk py
    pyc pyw pl rb php php3 php4 php5 php7 phtml phar asp aspx ashx jsp jspx cgi htm html xhtml shtml
    svg svgz mht mhtml url website desktop iso img vhd vhdx appx msix gadget application
""".split())
MACRO_EXTENSIONS = frozenset("docm dotm xlsm xltm xlam pptm potm ppsm ppam sldm".split())

# Extensions within one family may stand in for each other (a .doc that is really .docx is common).
_FAMILIES = (
    frozenset({"pdf"}),
    frozenset({"doc", "docx", "odt"}),
    frozenset({"xls", "xlsx", "ods"}),
    frozenset({"jpg", "jpeg", "jpe", "jfif", "png"}),
)


def clean_name(raw: str | None) -> str:
    """The last path part of ``raw``, NFC, without unsafe characters or surrounding dots and blanks."""
    name = unicodedata.normalize("NFC", raw or "")
    name = _BLANKS.sub(" ", name)  # a tab or line break was a word gap; other controls just vanish
    name = _UNSAFE.sub("", name)
    name = _SEPARATORS.split(name)[-1]
    name = _WINDOWS_FORBIDDEN.sub("_", name)
    name = " ".join(name.split())
    return name.strip(" .")  # Windows drops trailing dots: "x.exe." is x.exe; leading dots hide files


def extension_of(name: str) -> str:
    """Lower-case final extension of a cleaned name ('' when there is none)."""
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


def check_name(raw: str | None) -> None:
    """Refuse names ending in an executable or macro extension (``x.pdf.exe``, ``bao-cao.docm``)."""
    ext = extension_of(clean_name(raw))
    if ext in DANGEROUS_EXTENSIONS:
        raise Refused("dangerous_name", {"ext": ext})
    if ext in MACRO_EXTENSIONS:
        raise Refused("macro_name", {"ext": ext})


def _family(ext: str) -> frozenset[str] | None:
    return next((family for family in _FAMILIES if ext in family), None)


def check_name_matches(raw: str | None, found: Detected) -> None:
    """An office or image extension must fit the content (a PDF named .docx is refused; .doc ↔ .docx
    or .jpg ↔ .png pass and are corrected). Other extensions are simply part of the name."""
    ext = extension_of(clean_name(raw))
    if ext in OFFICE_EXTENSIONS and found.extension not in (_family(ext) or ()):
        raise Refused("mismatch", {"ext": ext, "kind": KINDS[found.kind].label})


def display_name(raw: str | None, found: Detected) -> str:
    """The safe display and download name, ending in the detected type's extension."""
    name = clean_name(raw)
    ext = extension_of(name)
    stem = name[: -(len(ext) + 1)] if ext in OFFICE_EXTENSIONS else name
    stem = stem.strip(" .")
    if stem.split(".")[0].strip().upper() in RESERVED:
        stem = "_" + stem
    stem = stem[: MAX_NAME - len(found.extension) - 1].rstrip(" .")
    return f"{stem or FALLBACK_STEM}.{found.extension}"
