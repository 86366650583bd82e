"""Sửa từng mục của cây tiêu chí — add (child or sibling), edit, move (up/down or under another parent)
and delete. Each works as a plain form post (303 back to the editor) and, with htmx, swaps the smallest
region that changed (the node, its parent, or the tree) with the validation summary out of band."""
from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.criteria import bp
from portal.criteria.domain import can_remove
from portal.criteria.forms import ItemForm, MoveForm, UnlockForm
from portal.criteria.items import ItemInvalid, add_item, delete_item, move_item, subtree, update_item
from portal.criteria.models import Criterion
from portal.criteria.safety import ChangeBreaksScores
from portal.criteria.services import referencing_count, set_rows
from portal.criteria.tree import config_text
from portal.criteria.views._shared import (
    editor_page,
    load_item,
    load_set,
    move_choices,
    refuse,
    removal_refusal,
    require,
    set_decision,
    widget,
)
from portal.extensions import db
from portal.scoring.numeric import format_vi
from portal.web.htmx import Refusal, hx_retarget, is_htmx, redirect_after_post
from portal.web.permissions import roles
from portal.years.domain import can_edit_criteria


def _editor_url(cset, node=None) -> str:
    return url_for("criteria.editor", set_id=cset.id) + (f"#node-{node.id}" if node is not None else "")


def _respond(cset, region, *, status=200, **kwargs):
    """htmx: the region (a node, or the tree for None); otherwise the whole editor page."""
    if is_htmx():
        return widget(cset, region, status=status, **kwargs)
    return editor_page(cset, status=status, unlock_form=UnlockForm(formdata=None), **kwargs)


def _editable(item_id: int):
    """The item and its set, when the set may be edited now (otherwise the refusal, 403, with the reason)."""
    node = load_item(item_id)
    require(can_edit_criteria, node.criteria_set)
    return node, node.criteria_set


def _done(cset, region, notice: str, *, saved: Criterion | None = None):
    """Commit, then the changed region (htmx; `saved` highlighted) or a 303 to the editor at `saved`
    (else at `region`) with the notice."""
    db.session.commit()
    if is_htmx():
        return widget(cset, region, mode={"saved_id": saved.id} if saved is not None else None)
    flash(notice, "success")
    return redirect_after_post(_editor_url(cset, saved if saved is not None else region))


def _form_for(node: Criterion) -> ItemForm:
    return ItemForm(formdata=None, prefix=f"i{node.id}", code=node.code, title=node.title,
                    max_points=format_vi(node.max_points) if node.max_points is not None else "",
                    method=node.method or "", config_text=config_text(node.method, node.config),
                    input_label=(node.config or {}).get("input_label", ""), na_allowed=node.na_allowed,
                    appraiser=node.appraiser or "", guidance=node.guidance, evidence=node.evidence, note=node.note)


def _typed_errors(form: ItemForm, err: ItemInvalid) -> None:
    for name, messages in err.errors.items():
        getattr(form, name).errors = list(getattr(form, name).errors or []) + messages


# ------------------------------------------------------------------------------------------------ view


@bp.route("/item/<int:item_id>")
@roles("admin")
def item(item_id: int):
    """A node in display mode (the Cancel of every inline form)."""
    node = load_item(item_id)
    return _respond(node.criteria_set, node)


# ------------------------------------------------------------------------------------------------ edit


@bp.route("/item/<int:item_id>/edit", methods=["GET", "POST"])
@roles("admin")
def edit_item(item_id: int):
    node, cset = _editable(item_id)
    if request.method == "GET":
        return _respond(cset, node, mode={"edit_id": node.id}, form=_form_for(node))
    form = ItemForm(prefix=f"i{node.id}")
    mode = {"edit_id": node.id}
    if form.validate_on_submit():
        try:
            update_item(node, form.values(), actor=current_user, migration=form.migration.data or None)
        except ItemInvalid as err:
            _typed_errors(form, err)
        except ChangeBreaksScores as err:
            mode["breaks"] = err
            form.migration.data = ""
        else:
            return _done(cset, node, _("Đã lưu mục %(code)s.", code=node.code), saved=node)
    status = 409 if "breaks" in mode else 422
    raise Refusal(answer=lambda: _respond_again(item_id, status=status, mode=mode, form=form))


def _respond_again(item_id: int, **kwargs):
    """The node's region as stored (after the rollback), with what the user typed and why it was refused."""
    node = load_item(item_id)
    return _respond(node.criteria_set, node, **kwargs)


# ------------------------------------------------------------------------------------------------- add


def _add_place(cset):
    """(parent, after, kind) from the query or form: a child of parent_id, after after_id, or top level."""
    source = request.form if request.method == "POST" else request.args
    parent = after = None
    if source.get("after_id"):
        after = load_item(int(source["after_id"])) if source["after_id"].isdigit() else None
        parent = after.parent if after is not None else None
    elif source.get("parent_id", "").isdigit():
        parent = load_item(int(source["parent_id"]))
    for node in (parent, after):
        if node is not None and node.set_id != cset.id:
            return None
    kind = "adjustment" if (after is not None and after.kind == "adjustment") or (
        parent is None and after is None and source.get("kind") == "adjustment") else None
    return parent, after, kind


@bp.route("/<int:set_id>/add", methods=["GET", "POST"])
@roles("admin")
def add(set_id: int):
    cset = load_set(set_id)
    require(can_edit_criteria, cset)
    place = _add_place(cset)
    if place is None or (place[0] is not None and place[0].kind == "adjustment"):
        return refuse(_("Không thêm được mục con vào điểm cộng/trừ."), 400)
    parent, after, kind = place
    scored = referencing_count([parent.id]) if parent is not None and parent.kind == "item" else 0
    if scored:
        return refuse(removal_refusal(set_decision(can_remove, cset, scored=scored), cset, [parent]), 409)
    mode = {"add_parent_id": parent.id if parent else None, "after_id": after.id if after else None,
            "add_kind": kind or ("field" if parent is None else "item")}
    if request.method == "GET":
        return _respond(cset, parent, mode=mode, form=ItemForm(formdata=None, prefix="new"))
    form = ItemForm(prefix="new")
    if form.validate_on_submit():
        try:
            node = add_item(cset, form.values(), parent=parent, after=after, adjustment=kind == "adjustment",
                            actor=current_user)
        except ItemInvalid as err:
            _typed_errors(form, err)
        else:
            return _done(cset, parent, _("Đã thêm mục %(code)s.", code=node.code), saved=node)
    raise Refusal(answer=lambda: _respond(load_set(set_id), parent, status=422, mode=mode, form=form))


# ------------------------------------------------------------------------------------------------ move


@bp.route("/item/<int:item_id>/move", methods=["GET", "POST"])
@roles("admin")
def move(item_id: int):
    node, cset = _editable(item_id)
    choices = move_choices(node, set_rows(cset))
    if request.method == "GET":
        return _respond(cset, node, mode={"move_id": node.id, "move_choices": choices})
    form = MoveForm()
    parent_before = node.parent
    if form.direction.data in ("up", "down"):
        if not form.validate_on_submit():
            return refuse(_("Biểu mẫu không hợp lệ. Hãy tải lại trang."), 400)
        move_item(node, direction=form.direction.data, actor=current_user)
        region = parent_before
    else:
        target = form.parent_id.data or ""
        if not form.validate_on_submit() or not target.isdigit() or int(target) not in dict(choices):
            mode = {"move_id": node.id, "move_choices": choices,
                    "move_error": _("Hãy chọn lĩnh vực hoặc nhóm tiêu chí để chuyển mục này vào.")}
            raise Refusal(answer=lambda: _respond(cset, node, status=422, mode=mode))
        move_item(node, parent=db.session.get(Criterion, int(target)), actor=current_user)
        region = None  # two parents changed: the whole tree
    return _done(cset, region, _("Đã chuyển mục %(code)s.", code=node.code), saved=node)


# ---------------------------------------------------------------------------------------------- delete


@bp.route("/item/<int:item_id>/delete", methods=["GET", "POST"])
@roles("admin")
def delete(item_id: int):
    node, cset = _editable(item_id)
    doomed = subtree(node, set_rows(cset))
    decision = set_decision(can_remove, cset, scored=referencing_count(r.id for r in doomed))
    mode = {"delete_id": node.id, "delete_count": len(doomed) - 1,
            "delete_error": None if decision else removal_refusal(decision, cset, doomed)}
    if request.method == "GET":
        return _respond(cset, node, mode=mode)
    if not decision:  # the confirmation targets the parent; the refusal belongs in the node itself
        response = _respond(cset, node, status=409, mode=mode)
        return hx_retarget(response, f"#node-{node.id}") if is_htmx() else response
    parent, notice = node.parent, _("Đã xóa mục %(code)s.", code=node.code)
    delete_item(node, actor=current_user)
    return _done(cset, parent, notice)
