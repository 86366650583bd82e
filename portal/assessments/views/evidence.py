"""Gắn tài liệu kiểm chứng vào mục — attach a document of the unit's evidence library to an item, or take
it off, from the self-assessment workspace (stage "self") or the explanation page (stage "explanation":
tài liệu bổ sung). One document can back many items. The rule is the evidence module's ``can_upload``
(own unit, the phase's window, the file's status); the write goes through its ``attach``/``detach``
services, audited. htmx gets the item's widget back (with the totals and the progress line out of band on
the workspace, whose count of items without evidence changes); without JavaScript a 303 back to the item.
"""
from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.assessments import bp
from portal.assessments.views._shared import PHASE, load_file
from portal.assessments.views.workspace import item_response
from portal.criteria.models import Criterion
from portal.db import utcnow
from portal.evidence.domain import can_upload, stage_for_phase
from portal.evidence.services import (
    EvidenceNotFound,
    actor_of,
    attach,
    detach,
    documents_for,
    editing_context,
    evidence_by_item,
    load_document,
)
from portal.extensions import db
from portal.web.htmx import Refusal, is_htmx, redirect_after_post, render
from portal.web.permissions import authenticated
from portal.years.windows import page_refusal


def _target(assessment_id: int, criterion_id: int):
    assessment, year = load_file(assessment_id)
    criterion = db.session.get(Criterion, criterion_id)
    if criterion is None or criterion.set_id != assessment.criteria_set_id or \
            criterion.kind not in ("item", "adjustment"):
        abort(404)
    return assessment, year, criterion


def _respond(assessment, year, criterion, *, status=200, error=None, notice=None):
    now = utcnow()
    if year.phase == "explanation":
        from portal.assessments.views.explain import explain_item_response
        return explain_item_response(assessment, year, criterion, now, status=status, error=error, notice=notice)
    errors = {criterion.id: {"evidence": error}} if error else None
    return item_response(assessment, year, criterion, now, status=status, errors=errors,
                          saved=criterion.id if notice else None, notice=notice)


def _back(assessment, criterion, year) -> str:
    page = "assessments.explain" if year.phase == "explanation" else "assessments.workspace"
    return url_for(page, assessment_id=assessment.id) + f"#item-{criterion.id}"


def _decision(assessment, year, criterion):
    """May the current user change this item's evidence now, and at which stage?"""
    stage = stage_for_phase(year.phase)
    decision = can_upload(actor_of(current_user), unit_id=assessment.unit_id, now=utcnow(),
                          **editing_context(assessment.unit_id, year).rule_args())
    if decision and stage == "explanation":
        from portal.assessments.views.explain import explainable
        if criterion not in explainable(assessment):
            abort(404)  # only flagged or contested items take added evidence
    return decision, stage


def _change(assessment_id: int, criterion_id: int, document_id: int | None, service, notice):
    assessment, year, criterion = _target(assessment_id, criterion_id)
    decision, stage = _decision(assessment, year, criterion)
    if not decision:  # the item (htmx) or the whole page, with the reason next to the item's evidence
        message = page_refusal(decision, phase=year.phase if stage else PHASE, year=year)
        raise Refusal(answer=lambda: _respond(assessment, year, criterion, status=409, error=message))
    document = load_document(document_id) if document_id else None
    if document is None:
        raise Refusal(answer=lambda: _respond(assessment, year, criterion, status=422,
                                              error=_("Hãy chọn một tài liệu trong thư viện của đơn vị.")))
    try:
        service(assessment, criterion, document, stage=stage, actor=current_user, now=utcnow())
    except EvidenceNotFound:
        raise Refusal(status=404)  # another unit's or another year's document looks missing
    db.session.commit()
    text = notice(document)
    if not is_htmx():
        flash(text, "success")
        return redirect_after_post(_back(assessment, criterion, year))
    return _respond(assessment, year, criterion, notice=text)


def _doc_label(document) -> str:
    return document.symbol or document.summary[:40] or _("(không số)")


@bp.route("/<int:assessment_id>/items/<int:criterion_id>/evidence", methods=["GET"])
@authenticated
def evidence_picker(assessment_id: int, criterion_id: int):
    """The picker of the unit's library for one item: htmx swaps it into the item's evidence box; without
    JavaScript it is a small page whose form posts and comes back to the item."""
    assessment, year, criterion = _target(assessment_id, criterion_id)
    decision, stage = _decision(assessment, year, criterion)
    refusal = None if decision else page_refusal(decision, phase=year.phase if stage else PHASE, year=year)
    stage = stage or "self"
    attached = evidence_by_item(assessment.id, stage=stage).get(criterion.id, [])
    return render("assessments/attach.html", block="picker" if is_htmx() else None,
                  status=200 if decision else 409, assessment=assessment, year=year, criterion=criterion,
                  view={"criterion": criterion, "documents": attached}, stage=stage,
                  library=documents_for(assessment.unit_id, year.id) if decision else [],
                  editable=bool(decision), refusal=refusal, errors={criterion.id: {"evidence": refusal}}
                  if refusal else {}, notice=None, saved=None, back=_back(assessment, criterion, year),
                  unit_name=assessment.unit.name_in(year.id))


@bp.route("/<int:assessment_id>/items/<int:criterion_id>/evidence", methods=["POST"])
@authenticated
def attach_evidence(assessment_id: int, criterion_id: int):
    try:
        document_id = int(request.form.get("document_id", ""))
    except ValueError:
        document_id = None
    return _change(assessment_id, criterion_id, document_id, attach,
                   lambda d: _("Đã gắn tài liệu %(doc)s vào mục.", doc=_doc_label(d)))


@bp.route("/<int:assessment_id>/items/<int:criterion_id>/evidence/<int:document_id>/detach", methods=["POST"])
@authenticated
def detach_evidence(assessment_id: int, criterion_id: int, document_id: int):
    return _change(assessment_id, criterion_id, document_id, detach,
                   lambda d: _("Đã bỏ tài liệu %(doc)s khỏi mục.", doc=_doc_label(d)))
