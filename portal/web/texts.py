"""Chữ dịch một lần — texts a template draws many times per page, translated once per language and kept by the
process, as Flask-Babel keeps the catalogues themselves.

A page that repeats the same few words on every item (the workspace's item widget, an item's change list)
spent more on translating them again at each drawing than on the item itself. `kept_per_language(build)` gives
a function returning ``build(translations)`` for the request's language, built on the first request in that
language. By convention a text with a parameter is kept as its translated pattern (a Markup, filled in the
template with ``%``, which escapes the value as ``_()`` does) and a plural as (None, one, other), picked with
``|plural_n`` as ``ngettext`` would pick it (:func:`plural`)."""
from collections.abc import Callable

from flask_babel import get_locale, get_translations
from markupsafe import Markup


def kept_per_language(build: Callable[[object], dict]) -> Callable[[], dict]:
    """A function returning ``build(translations)`` in the request's language, built once per language."""
    kept: dict[str, dict] = {}

    def texts() -> dict:
        language = str(get_locale() or "vi")
        found = kept.get(language)
        if found is None:
            found = kept[language] = build(get_translations())
        return found
    texts.__doc__ = build.__doc__
    return texts


def plural(t, singular: str, plural_form: str) -> tuple:
    """(None, one, other) of a text with a plural, for ``texts[key][value|plural_n]``."""
    return (None, Markup(t.ungettext(singular, plural_form, 1)), Markup(t.ungettext(singular, plural_form, 2)))
