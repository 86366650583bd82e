"""Vietnamese text at the boundary: NFC normalisation, control/bidi stripping, and folded search keys.

Pure (no Flask): used by forms, imports and services alike, so text is canonicalised once (security.md §5.4–5.5).
"""
import re
import unicodedata
from decimal import Decimal
from functools import lru_cache


def N_(message: str, /, **params: object) -> str:
    """Mark a message for the translation catalogue (Babel's ``N_`` keyword) without translating it: the pure
    modules cannot import Flask-Babel, and the web layer passes these strings through ``gettext`` when it
    shows them (Excel files keep the Vietnamese).

    With parameters (``N_("Điểm tối đa %(max)s", max=Decimal("10.5"))``) it returns a :class:`Msg`: the
    Vietnamese sentence, which also remembers its catalogue id and parameters so the web layer
    (``portal.web.messages.tr``) can show it in the user's language."""
    return Msg(message, **params) if params else message


def _vi_param(value: object) -> object:
    if isinstance(value, Decimal):  # a number in a Vietnamese sentence: decimal comma, no trailing zeros
        return format(value.normalize() + 0, "f").replace(".", ",")  # + 0: never "-0"
    return value


class Msg(str):
    """A Vietnamese message (it *is* the Vietnamese text, so callers that print, join or compare it keep
    working) that also carries `msgid` (Babel python-format, ``%(name)s``) and `params`. A parameter may
    itself be a Msg (a word or a clause, translated too) or a Decimal (written with the reader's decimal
    mark); any other parameter (codes, names, what a person typed) is shown as it is.
    ``Msg(N_("tử số"))`` wraps a single marked word so that it is translated when used as a parameter."""

    msgid: str
    params: dict

    def __new__(cls, msgid: str, /, **params: object) -> "Msg":
        text = msgid % {k: _vi_param(v) for k, v in params.items()} if params else msgid
        self = super().__new__(cls, text)
        self.msgid = msgid
        self.params = params
        return self

    def __reduce__(self):  # copy and pickle keep the id and the parameters
        return (_rebuild, (self.msgid, self.params))


def as_msg(text: object) -> "Msg":
    """`text` as a parameter that the web layer translates: a Msg stays itself, a marked string becomes one."""
    if isinstance(text, BaseException) and text.args and isinstance(text.args[0], Msg):
        return text.args[0]  # ValueError(N_(…)) raised by a checker keeps its message
    return text if isinstance(text, Msg) else Msg(str(text))


class Sentence(Msg):
    """A clause written as a sentence: capital first letter, one full stop. Its Vietnamese text may be given
    (`vi`) when the Vietnamese wording differs slightly from the clause's ("cột" → "ô" in the editor)."""

    def __new__(cls, text: object, /, vi: str | None = None) -> "Sentence":
        inner = as_msg(text)
        self = str.__new__(cls, capitalised_sentence(vi if vi is not None else str(inner)))
        self.msgid, self.params = "%(text)s", {"text": inner}
        return self

    def __reduce__(self):
        return (Sentence, (self.params["text"], str(self)))


def capitalised_sentence(text: str) -> str:
    text = text.strip().rstrip(".")
    return text[:1].upper() + text[1:] + "."


def _rebuild(msgid: str, params: dict) -> "Msg":
    return Msg(msgid, **params)

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


@lru_cache(maxsize=8192)  # a search folds every unit name of a national year (2,000) on each request
def fold_key(value: str | None) -> str:
    """Accent-less, case-less key for search and uniqueness: 'Đồng Tháp' → 'dong thap', 'hoà' ≡ 'hòa'."""
    if not value:
        return ""
    value = unicodedata.normalize("NFC", value).translate(_LOOKALIKES).casefold()
    value = value.replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())
