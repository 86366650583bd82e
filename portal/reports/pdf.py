"""Xuất PDF — HTML print templates → PDF with xhtml2pdf, safely and with Vietnamese text intact.

The traps of xhtml2pdf 0.2.28 (../shared/stack.md §2) are handled here, once:
- a missing font draws Vietnamese letters blank with err=0, and a missing bold face makes bold silently
  regular: all four Tinos faces are declared with @font-face by absolute path (`font_face_css`), and a
  render whose status has any error or warning raises `PdfRenderError`;
- combining marks of NFD text land on the next letter: the whole HTML is NFC-normalised before rendering;
- the markup decides what the renderer fetches: `link_callback` maps only the four bundled font files
  and refuses every other URL or path, and the resource policy forbids the network and confines local
  reads to the fonts folder, so no template or user text can make the server fetch anything (no SSRF).
"""
import io
import logging
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

FONT_FAMILY = "Tinos"
FONT_FACES = (  # (file, weight, style) — the four faces xhtml2pdf needs to draw b/i/bi for real
    ("Tinos-Regular.ttf", "normal", "normal"),
    ("Tinos-Bold.ttf", "bold", "normal"),
    ("Tinos-Italic.ttf", "normal", "italic"),
    ("Tinos-BoldItalic.ttf", "bold", "italic"),
)
REFUSED = "refused:"  # an unknown scheme: the resource policy refuses it and the render gets a warning


class PdfRenderError(RuntimeError):
    """xhtml2pdf reported errors or warnings: the PDF may have blank letters or a missing resource."""


@dataclass(frozen=True)
class PdfResult:
    data: bytes
    err: int
    warn: int
    log: tuple[str, ...] = ()


def fonts_dir(static_folder: str) -> Path:
    return Path(static_folder, "fonts").resolve()


def font_paths(static_folder: str) -> dict[str, Path]:
    folder = fonts_dir(static_folder)
    return {name: folder / name for name, _w, _s in FONT_FACES}


def font_face_css(static_folder: str) -> str:
    """@font-face rules of the four Tinos faces, by absolute path (a relative one resolves against the
    process's working directory and silently falls back to Helvetica)."""
    rules = []
    for name, weight, style in FONT_FACES:
        path = font_paths(static_folder)[name].as_posix()
        rules.append(f"@font-face {{ font-family: {FONT_FAMILY}; src: url('{path}'); "
                     f"font-weight: {weight}; font-style: {style}; }}")
    return "\n".join(rules)


def make_link_callback(static_folder: str):
    """Resolve only the bundled font files; everything else (http, file:, data:, other paths) is refused."""
    allowed = {str(p) for p in font_paths(static_folder).values()}

    def link_callback(uri, _rel=None) -> str:
        text = str(uri or "")
        if "://" in text or text.startswith(("data:", "file:")):
            return REFUSED + "remote"
        try:
            resolved = str(Path(text).resolve())
        except (OSError, ValueError):
            return REFUSED + "invalid"
        return resolved if resolved in allowed else REFUSED + "not-allowed"

    return link_callback


def resource_policy(static_folder: str) -> ResourceAccessPolicy:
    """No network at all; local reads only inside static/fonts; bounded size and time."""
    return ResourceAccessPolicy.server(fonts_dir(static_folder), allow_remote=False,
                                       max_render_seconds=600, max_document_bytes=50 * 1024 * 1024,
                                       max_resources=10)


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def render_pdf(html: str, *, static_folder: str, strict: bool = True) -> PdfResult:
    """Render print HTML to PDF bytes. With `strict`, any xhtml2pdf error or warning raises PdfRenderError
    (a warning usually means a letter drawn blank or a resource refused)."""
    html = unicodedata.normalize("NFC", html)
    out = io.BytesIO()
    capture = _Capture()
    logger = logging.getLogger("xhtml2pdf")
    logger.addHandler(capture)
    try:
        status = pisa.CreatePDF(html, dest=out, encoding="utf-8",
                                link_callback=make_link_callback(static_folder),
                                resource_policy=resource_policy(static_folder))
    finally:
        logger.removeHandler(capture)
    result = PdfResult(out.getvalue(), int(status.err), int(status.warn), tuple(capture.messages))
    if strict and (result.err or result.warn):
        raise PdfRenderError(f"xhtml2pdf: {result.err} error(s), {result.warn} warning(s): "
                             + "; ".join(result.log[:5]))
    return result


def static_folder_of(app) -> str:
    return os.path.abspath(app.static_folder)
