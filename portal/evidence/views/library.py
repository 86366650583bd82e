"""Thư viện tài liệu kiểm chứng — the library page of a unit's year and its document routes.

Shape of every view: load (404) → authorise (``can_*`` of :mod:`portal.evidence.domain`; another unit's
object is 404, a closed window is 403 with the reason) → validate → service → one commit → respond.
Each form is a real POST (303 after success); htmx swaps the document's own card (``#doc-<id>``), the
create form, or the list, and updates the quota bar out of band.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.db import utcnow
from portal.evidence import bp
from portal.evidence.domain import can_upload, can_view_library, outside_year
from portal.evidence.files import size_text
from portal.evidence.forms import DocumentForm
from portal.evidence.services import (
    EditingContext,
    EvidenceInUse,
    UploadRefused,
    actor_of,
    add_files,
    backed_items,
    create_document,
    delete_document,
    editing_context,
    load_document,
    quota_usage,
    search_documents,
    update_document,
)
from portal.extensions import db
from portal.policy.viewer import Viewer
from portal.units.models import Unit
from portal.web.filters import format_datetime
from portal.web.htmx import Refusal, is_htmx, redirect_after_post, render
from portal.web.permissions import authenticated
from portal.policy.decisions import REASON_MESSAGES, Decision
from portal.years.domain import PHASE_LABELS, as_phase
from portal.years.models import AssessmentYear
from portal.years.services import active_year

TEMPLATE = "evidence/library.html"
# What the file pickers offer; the server decides by content anyway.
ACCEPT = ".pdf,.doc,.docx,.xls,.xlsx,.odt,.ods,.jpg,.jpeg,.png"
#: The search box swaps the document list; any other htmx target gets the whole page.
SEARCH_TARGETS = {"document-list": "document_list"}


@bp.app_template_filter("filesize")
def _filesize(size) -> str:
    return size_text(int(size or 0))


@bp.app_template_filter("outside_year")
def _outside_year(document, year) -> bool:
    return outside_year(document.issued_on, year.year)


def reason_text(decision: Decision, phase) -> str:
    """The refusal message of a rule, in the user's language, with the phase and times filled in."""
    message = _(REASON_MESSAGES.get(decision.reason or "role", REASON_MESSAGES["role"]))
    return message.format(phase=_(PHASE_LABELS[as_phase(phase)]), until=format_datetime(decision.until),
                          opens_at=format_datetime(decision.opens_at))


@dataclass
class Library:
    """One unit's library of one year, with what the current user may do there."""

    unit: Unit
    year: AssessmentYear
    context: EditingContext
    upload: Decision

    @property
    def url(self) -> str:
        viewer = Viewer(actor_of(current_user))
        if viewer.is_unit and viewer.actor.unit_id == self.unit.id:
            return url_for("evidence.library")
        return url_for("evidence.unit_library", unit_id=self.unit.id)


def refusal(decision: Decision, phase, status: int = 403):
    """A 403 page (or htmx error fragment) that says why and what to do."""
    return render("errors/error.html", block="error_message" if is_htmx() else None, status=status,
                  code=status, title=_("Chưa thực hiện được"), message=reason_text(decision, phase),
                  request_id="")


def require_upload(lib: Library) -> None:
    """Stop with the reason (403) unless the user may change the library now."""
    if not lib.upload:
        raise Refusal(answer=lambda: refusal(lib.upload, lib.year.phase))


def open_library(unit_id: int, year: AssessmentYear | None) -> Library:
    """Load the library of ``unit_id`` for ``year``; 404 when the user may not see it."""
    unit = db.session.get(Unit, unit_id)
    if unit is None or year is None:
        abort(404)
    seen = can_view_library(actor_of(current_user), unit_id=unit.id, phase=year.phase)
    if not seen:  # the council is told when and where it reads evidence; anyone else sees nothing here
        abort(refusal(seen, year.phase) if seen.reason in ("wrong_phase", "evidence_by_item") else 404)
    context = editing_context(unit.id, year)
    upload = can_upload(actor_of(current_user), unit_id=unit.id, now=utcnow(), **context.rule_args())
    return Library(unit, year, context, upload)


def open_document(document_id: int):
    """A live document the user may see, and its library; 404 otherwise (another unit's id too)."""
    document = load_document(document_id)
    if document is None:
        abort(404)
    year = db.session.get(AssessmentYear, document.year_id)
    if not can_view_library(actor_of(current_user), unit_id=document.unit_id, phase=year.phase):
        abort(404)
    return document, open_library(document.unit_id, year)


def _context(lib: Library, **extra) -> dict:
    ctx = {
        "unit": lib.unit, "year": lib.year, "lib": lib, "can_edit": bool(lib.upload),
        "readonly_reason": None if lib.upload else reason_text(lib.upload, lib.year.phase),
        "used": quota_usage(lib.unit.id, lib.year.id), "quota": current_app.config.get("UNIT_QUOTA_BYTES"),
        "edit_id": None, "edit_form": None, "file_errors": {}, "row_errors": {}, "saved_id": None,
        "quota_oob": False, "list_oob": False, "created_message": None,
        "accept_types": ACCEPT, "upload_limit": current_app.config["UPLOAD_MAX_BYTES"],
    }
    ctx.update(extra)
    return ctx


def library_page(lib: Library, *, status: int = 200, targets: dict | None = None, q: str | None = None,
                 new_form: DocumentForm | None = None, files_error: str | None = None, **extra):
    q = request.args.get("q", "") if q is None else q
    documents = search_documents(lib.unit.id, lib.year.id, q)
    return render(TEMPLATE, targets=targets, status=status, q=q, documents=documents,
                  backing=backed_items(d.id for d in documents), files_error=files_error,
                  new_form=new_form or DocumentForm(formdata=None), **_context(lib, **extra))


def document_card(lib: Library, document, *, status: int = 200, **extra):
    """htmx: the document's card and the quota bar (out of band); otherwise the whole page."""
    if not is_htmx():
        return library_page(lib, status=status, q="", **extra)
    ctx = _context(lib, doc=document, backing=backed_items([document.id]), quota_oob=True, **extra)
    return render(TEMPLATE, block=("document_row", "library_quota"), status=status, **ctx)


# --------------------------------------------------------------------------------------------- pages


@bp.route("/")
@authenticated
def library():
    """Unit staff and leaders: their unit's library. Admin and council: the list of units."""
    year = active_year()
    actor = actor_of(current_user)
    if Viewer(actor).is_unit:
        lib = open_library(actor.unit_id, year)
        return library_page(lib, targets=SEARCH_TARGETS)
    units = list(db.session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.unit_type, Unit.name)))
    seen = year is not None and can_view_library(actor, unit_id=None, phase=year.phase)
    wait = year is not None and not seen and seen.reason == "wrong_phase"
    return render("evidence/units.html", units=units, year=year, wait=wait,
                  note=None if seen or year is None else reason_text(seen, year.phase))


@bp.route("/units/<int:unit_id>")
@authenticated
def unit_library(unit_id: int):
    lib = open_library(unit_id, active_year())
    return library_page(lib, targets=SEARCH_TARGETS)


@bp.route("/units/<int:unit_id>/documents", methods=["POST"])
@authenticated
def create(unit_id: int):
    lib = open_library(unit_id, active_year())
    require_upload(lib)
    form = DocumentForm()
    files_error = None
    if form.validate_on_submit():
        now = utcnow()
        document = create_document(unit_id=lib.unit.id, year_id=lib.year.id, symbol=form.symbol.data,
                                   issued_on=form.issued_date, issuer=form.issuer.data,
                                   summary=form.summary.data, actor=current_user, now=now)
        uploads = [u for u in request.files.getlist("files") if u and u.filename]
        try:
            if uploads:
                add_files(document, uploads, actor=current_user, now=now)
        except UploadRefused as err:
            files_error = err.message
        else:
            db.session.commit()
            return _created(lib, document)
    raise Refusal(answer=lambda: _not_created(lib, form, files_error))


def _not_created(lib: Library, form: DocumentForm, files_error: str | None):
    """The create form again (htmx) or the page, with what was typed and why it was not saved (422)."""
    if is_htmx():
        return render(TEMPLATE, block="new_document", status=422, new_form=form, files_error=files_error,
                      **_context(lib))
    return library_page(lib, status=422, q="", new_form=form, files_error=files_error)


def _created(lib: Library, document):
    message = _("Đã thêm tài liệu %(name)s.", name=document.symbol or document.summary[:60])
    if not is_htmx():
        flash(message, "success")
        return redirect_after_post(lib.url + f"#doc-{document.id}")
    documents = search_documents(lib.unit.id, lib.year.id, "")
    ctx = _context(lib, new_form=DocumentForm(formdata=None), files_error=None, created_message=message,
                   documents=documents, backing=backed_items(d.id for d in documents), q="",
                   quota_oob=True, list_oob=True, saved_id=document.id)
    return render(TEMPLATE, block=("new_document", "document_list", "library_quota"), **ctx)


# -------------------------------------------------------------------------------------------- a card


def _edit_form(document, formdata=None) -> DocumentForm:
    if formdata is not None:
        return DocumentForm(prefix="edit")
    return DocumentForm(formdata=None, prefix="edit", data={
        "symbol": document.symbol, "issuer": document.issuer, "summary": document.summary,
        "issued_on": document.issued_on.strftime("%d/%m/%Y") if document.issued_on else ""})


@bp.route("/documents/<int:document_id>")
@authenticated
def document(document_id: int):
    """The card in display mode (the Cancel of inline editing)."""
    doc, lib = open_document(document_id)
    return document_card(lib, doc)


@bp.route("/documents/<int:document_id>/edit", methods=["GET", "POST"])
@authenticated
def edit(document_id: int):
    doc, lib = open_document(document_id)
    require_upload(lib)
    if request.method == "GET":
        return document_card(lib, doc, edit_id=doc.id, edit_form=_edit_form(doc))
    form = _edit_form(doc, request.form)
    if form.validate_on_submit():
        update_document(doc, symbol=form.symbol.data, issued_on=form.issued_date, issuer=form.issuer.data,
                        summary=form.summary.data, actor=current_user, now=utcnow())
        db.session.commit()
        if not is_htmx():
            flash(_("Đã lưu tài liệu."), "success")
            return redirect_after_post(lib.url + f"#doc-{doc.id}")
        return document_card(lib, doc, saved_id=doc.id)
    raise Refusal(answer=lambda: document_card(lib, doc, status=422, edit_id=doc.id, edit_form=form))


@bp.route("/documents/<int:document_id>/delete", methods=["POST"])
@authenticated
def delete(document_id: int):
    doc, lib = open_document(document_id)
    require_upload(lib)
    try:
        delete_document(doc, actor=current_user, now=utcnow())
    except EvidenceInUse as err:
        message = _("Tài liệu đang là minh chứng cho tiêu chí %(codes)s. Hãy gỡ tài liệu khỏi các tiêu chí "
                    "đó trong hồ sơ tự đánh giá trước khi xóa.", codes=", ".join(err.codes))
        doc_id = doc.id
        raise Refusal(answer=lambda: document_card(lib, doc, status=409, row_errors={doc_id: message}))
    db.session.commit()
    if not is_htmx():
        flash(_("Đã xóa tài liệu. Nếu xóa nhầm, hãy liên hệ Sở Nội vụ để khôi phục."), "success")
        return redirect_after_post(lib.url)
    return render(TEMPLATE, block="library_quota", **_context(lib, quota_oob=True))
