"""Search boxes: the typed text is looked for literally.

In SQL ``LIKE`` the characters ``%`` and ``_`` are wildcards, so a search for ``10%`` or ``so_tu_phap`` would
match far more than what was typed (and ``%`` alone would list everything). Every ``LIKE``/``ILIKE`` of the
portal goes through :func:`contains`, which escapes them (and the escape character itself) the same way on
SQLite and PostgreSQL.
"""
from sqlalchemy import ColumnElement

ESCAPE = "\\"


def like_literal(text: str) -> str:
    """``text`` with the LIKE wildcards and the escape character made literal."""
    return text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")


def contains(column, text: str, *, ignore_case: bool = False) -> ColumnElement[bool]:
    """``column`` contains ``text`` literally (case-insensitively with ``ignore_case``)."""
    pattern = f"%{like_literal(text)}%"
    return column.ilike(pattern, escape=ESCAPE) if ignore_case else column.like(pattern, escape=ESCAPE)
