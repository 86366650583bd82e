"""Vietnamese text at the boundary: NFC normalisation, control/bidi stripping, and folded search keys.

Pure (no Flask): used by forms, imports and services alike, so text is canonicalised once (security.md §5.4–5.5).
"""
import re
import unicodedata


def N_(message: str) -> str:
    """Mark a message for the translation catalogue (Babel's ``N_`` keyword) without translating it: the pure
    modules cannot import Flask-Babel, and the web layer passes these strings through ``gettext`` when it
    shows them (Excel files keep the Vietnamese)."""
    return message

# C0 controls except tab and newline, DEL, C1 controls, and the bidi embedding/override/isolate marks.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Look-alikes that users type by mistake: Icelandic Eth is not Vietnamese Đ.
_LOOKALIKES = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111"})


def clean_text(value: str | None, *, multiline: bool = False) -> str:
    """NFC, no control or bidi characters, no surrounding blanks; single-line text loses its line breaks."""
    if value is None:
        return ""
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    value = _UNSAFE.sub("", value)
    if not multiline:
        value = " ".join(value.split())
    return value.strip()


def has_lookalike(value: str) -> bool:
    """True when the text contains a letter that only looks Vietnamese (e.g. Ð U+00D0 for Đ)."""
    return value != value.translate(_LOOKALIKES)


def fold_key(value: str | None) -> str:
    """Accent-less, case-less key for search and uniqueness: 'Đồng Tháp' → 'dong thap', 'hoà' ≡ 'hòa'."""
    if not value:
        return ""
    value = unicodedata.normalize("NFC", value).translate(_LOOKALIKES).casefold()
    value = value.replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())
