"""Lưu một mục — the one answer to saving one item of a unit's file, whoever saves it: the unit's self-score
(workspace), the unit's explanation (giải trình) and the council's round score (appraisal page) all go

    refused now → 409, the item with the reason and what was typed
    save(expected version) → ItemInvalid: 422, the item with each field's error and what was typed
                           → EditConflict: 409, the item with the colleague's saved value
    saved → without JavaScript: commit, flash, 303 to the item's anchor
          → htmx: the item's fragment drawn from this transaction's flushed rows, then the one commit

Each view gives the pieces: the reason it may not save (None if it may), the save, and ``respond`` — the item
(htmx) or the page, drawn with ``status``, ``errors``, ``typed``, ``conflict`` and ``saved`` — plus the flash
text and the address to come back to. Failures are :class:`~portal.web.htmx.Refusal`: the handler rolls back,
then draws ``respond`` with what the person typed. It sits in the unit file's core, beside the versioned write
whose errors it answers (entries.py), because both sides of the file use it.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import flash, request

from portal.extensions import db
from portal.unitfile.entries import EditConflict, ItemInvalid
from portal.web.htmx import Refusal, is_htmx, redirect_after_post
from portal.web.messages import tr


def expected_version() -> int:
    """The version of the item the form was drawn from (-1, never a stored version, if it is garbled)."""
    try:
        return int(request.form.get("version", "0"))
    except ValueError:
        return -1


def save_item(item_id: int, *, refusal: str | None, save: Callable[[int], object], respond: Callable[..., object],
              back: str, notice: str | None = None, conflict: Callable[[EditConflict], dict] | None = None,
              keep_typed: bool = True):
    """Save one item and answer (see the module's docstring).

    ``refusal``: why the person may not save now, or None. ``save(expected_version)`` writes and flushes, or
    raises ItemInvalid / EditConflict. ``respond(status=, errors=, typed=, conflict=, saved=)`` draws the item
    or the page. ``conflict(err)``: the keyword arguments ``respond`` takes for a conflict (drawn after the
    rollback); by default ``conflict={"criterion_id", "theirs"}``. ``keep_typed``: whether what was typed comes
    back after a failed save (False when nothing was typed, e.g. the council's "agree"). ``notice``: the flash
    after a plain post; ``back``: where it lands."""
    typed = {item_id: request.form}
    if refusal:
        raise Refusal(answer=lambda: respond(status=409, errors={item_id: {"_": refusal}}, typed=typed,
                                             conflict=None, saved=None))
    kept = typed if keep_typed else {}
    try:
        save(expected_version())
    except ItemInvalid as err:
        errors = {item_id: {k: tr(v) for k, v in err.item.errors.items()}}
        raise Refusal(answer=lambda: respond(status=422, errors=errors, typed=kept, conflict=None, saved=None))
    except EditConflict as err:
        raise _conflicted(err, respond, conflict or _their_entry(item_id), kept)
    if not is_htmx():
        db.session.commit()
        if notice:
            flash(notice, "success")
        return redirect_after_post(back)
    # The fragment is drawn from the flushed rows of this transaction, then the request commits once: drawing
    # it after the commit would reload every row the commit expired. A failed commit raises, and the error
    # handler answers instead of this fragment.
    response = respond(status=200, errors={}, typed={}, conflict=None, saved=item_id)
    db.session.commit()
    return response


def _conflicted(err: EditConflict, respond, conflict: Callable[[EditConflict], dict], typed) -> Refusal:
    # A function of its own: the answer is drawn after the except block, which unbinds its ``err``.
    return Refusal(answer=lambda: respond(**{"status": 409, "errors": {}, "typed": typed, "conflict": None,
                                             "saved": None, **conflict(err)}))


def _their_entry(item_id: int) -> Callable[[EditConflict], dict]:
    return lambda err: {"conflict": {"criterion_id": item_id, "theirs": err.entry}}
