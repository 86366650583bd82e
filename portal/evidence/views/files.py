"""Files of an evidence document: upload, replace, delete, and the only ways to read a blob back —
download (attachment) and "Xem" (inline, PDF and images only, sandboxed).

Downloads go through ``can_download``: the library's readers, and a council member for the documents
backing items of the fields it appraises for that unit; another unit's file id is 404.
The response carries the detected mime type (never text/html or image/svg+xml), ``nosniff``, and the
exact NFC display name (Werkzeug writes ``filename*`` for non-ASCII names).
"""
from __future__ import annotations

import logging

from flask import abort, flash, send_file
from flask import request as flask_request
from flask_babel import gettext as _
from flask_login import current_user

from portal.db import utcnow
from portal.evidence import bp, storage
from portal.evidence.domain import can_download
from portal.evidence.services import (
    UploadRefused,
    add_files,
    backed_fields,
    delete_file,
    is_current,
    load_document,
    load_file,
    reader_of,
    replace_file,
)
from portal.evidence.kinds import MIME_TYPES
from portal.evidence.views.library import document_card, open_document, require_upload
from portal.extensions import db
from portal.web.htmx import Refusal, is_htmx, redirect_after_post
from portal.web.permissions import authenticated
from portal.years.models import AssessmentYear

log = logging.getLogger("portal.evidence")


def _uploaded(lib, doc, count: int):
    if not is_htmx():
        flash(_("Đã tải lên %(count)d tệp.", count=count), "success")
        return redirect_after_post(lib.url + f"#doc-{doc.id}")
    return document_card(lib, load_document(doc.id), saved_id=doc.id)


def _refused(lib, doc_id: int, message: str, status: int = 422) -> Refusal:
    """The refusal answered, after the rollback, by the document's card with the reason under its files."""
    return Refusal(answer=lambda: document_card(lib, load_document(doc_id), status=status,
                                                file_errors={doc_id: message}))


@bp.route("/documents/<int:document_id>/files", methods=["POST"])
@authenticated
def upload(document_id: int):
    doc, lib = open_document(document_id)
    require_upload(lib)
    try:
        rows = add_files(doc, flask_request.files.getlist("files"), actor=current_user, now=utcnow())
    except UploadRefused as err:
        raise _refused(lib, doc.id, err.message)
    db.session.commit()
    return _uploaded(lib, doc, len(rows))


def _open_file(file_id: int):
    row = load_file(file_id)
    if row is None:
        abort(404)
    doc, lib = open_document(row.document_id)  # 404 for a document the user may not see
    return row, doc, lib


def _current_or_conflict(row, lib, doc) -> None:
    """A file replaced meanwhile: 409, the card with the reason."""
    if is_current(row):
        return
    message = _("Tệp này đã có phiên bản mới hơn. Hãy tải lại trang rồi thao tác trên phiên bản mới nhất.")
    raise _refused(lib, doc.id, message, status=409)


@bp.route("/files/<int:file_id>/replace", methods=["POST"])
@authenticated
def replace(file_id: int):
    row, doc, lib = _open_file(file_id)
    require_upload(lib)
    _current_or_conflict(row, lib, doc)
    try:
        replace_file(row, flask_request.files.get("file"), actor=current_user, now=utcnow())
    except UploadRefused as err:
        raise _refused(lib, doc.id, err.message)
    db.session.commit()
    if not is_htmx():
        flash(_("Đã thay thế tệp; bản cũ vẫn được lưu trong mục phiên bản trước."), "success")
        return redirect_after_post(lib.url + f"#doc-{doc.id}")
    return document_card(lib, load_document(doc.id), saved_id=doc.id)


@bp.route("/files/<int:file_id>/delete", methods=["POST"])
@authenticated
def remove(file_id: int):
    row, doc, lib = _open_file(file_id)
    require_upload(lib)
    _current_or_conflict(row, lib, doc)
    delete_file(row, actor=current_user, now=utcnow())
    db.session.commit()
    if not is_htmx():
        flash(_("Đã xóa tệp %(name)s.", name=row.original_name), "success")
        return redirect_after_post(lib.url + f"#doc-{doc.id}")
    return document_card(lib, load_document(doc.id))


# ------------------------------------------------------------------------------------------- reading


def _readable(file_id: int):
    """A file row (any version) the user may download, and its blob path; 404 otherwise."""
    row = load_file(file_id)
    if row is None:
        abort(404)
    year = db.session.get(AssessmentYear, row.document.year_id)
    if not can_download(reader_of(current_user, row.document, year), unit_id=row.document.unit_id, phase=year.phase,
                        backed_fields=backed_fields(row.document_id)):
        abort(404)
    path = storage.blob_path(row.sha256)
    if not path.is_file():
        log.error("evidence file %s: blob %s is missing", row.id, row.sha256)
        abort(404)
    return row, path


def _send(row, path, *, inline: bool):
    mimetype = row.content_type if row.content_type in MIME_TYPES else "application/octet-stream"
    response = send_file(path, mimetype=mimetype, as_attachment=not inline, download_name=row.original_name,
                         conditional=True, etag=row.sha256, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Shown in the browser or not, the file is a stranger's content: no scripts, no same-origin rights.
    response.headers["Content-Security-Policy"] = ("sandbox; default-src 'none'; img-src 'self' data:; "
                                                   "object-src 'self'; frame-ancestors 'self'; base-uri 'none'; "
                                                   "form-action 'none'")
    return response


@bp.route("/files/<int:file_id>/download")
@authenticated
def download(file_id: int):
    row, path = _readable(file_id)
    return _send(row, path, inline=False)


@bp.route("/files/<int:file_id>/view")
@authenticated
def view(file_id: int):
    """"Xem": PDF, JPG and PNG open in the browser, sandboxed; other kinds only download."""
    row, path = _readable(file_id)
    if not row.inline:
        abort(404)
    return _send(row, path, inline=True)
