"""Tài liệu kiểm chứng — use cases of the evidence library, and the services the workspace calls.

Every service takes the actor (a User) and ``now`` explicitly, writes, flushes and records an audit row
in the caller's transaction; the request commits once. Authorisation is the caller's job (views call
the ``can_*`` rules of :mod:`portal.evidence.domain`); these services check object consistency.

For the self-assessment workspace (portal/assessments):

``documents_for(unit_id, year_id) -> list[EvidenceDocument]``
    The unit's live documents of the year, files loaded, newest issue date first (the picker).
``attach(assessment, criterion, document, *, stage="self", actor, now) -> ItemEvidence``
    Link a document to an item (idempotent). Raises :class:`EvidenceNotFound` — answer 404 — when the
    document is deleted or belongs to another unit or year, when the criterion is not an item of the
    assessment's criteria set, or for an unknown stage ("self" or "explanation": use
    ``domain.stage_for_phase(phase)``); authorise first with ``domain.can_upload``.
``detach(assessment, criterion, document, *, stage="self", actor, now) -> bool``
    Remove the link; False when there was none.
``evidence_by_item(assessment_id, stage=None) -> dict[criterion_id, list[EvidenceDocument]]``
    Live documents per item, files loaded — one query whatever the number of items.
``create_document(*, unit_id, year_id, symbol, issued_on, issuer, summary, actor, now)``
``add_file(document, upload, *, actor, now) -> EvidenceFile`` (or ``add_files`` for several)
    Store a werkzeug FileStorage; raises :class:`UploadRefused` (``.message`` in the user's language)
    when the content, the size or the unit's quota refuses it. Re-exported from
    :mod:`portal.evidence.files` with ``replace_file``, ``delete_file`` and ``quota_usage``.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from portal.assessments.models import Assessment
from portal.audit.services import record
from portal.criteria.models import Criterion
from portal.evidence.domain import STAGES
from portal.evidence.files import (  # noqa: F401  (re-exported: the public API)
    UploadRefused,
    add_file,
    add_files,
    delete_file,
    is_current,
    quota_usage,
    replace_file,
)
from portal.evidence.models import EvidenceDocument, EvidenceFile, ItemEvidence
from portal.extensions import db
from portal.text import fold_key
from portal.unitfile.domain import field_of
from portal.unitfile.readers import appraisal_actor
from portal.policy.roles import COUNCIL_ROLES, Actor
from portal.years import domain as years
from portal.years.models import PhaseWindow
from portal.years.models import UnitDeadline as UnitDeadlineRow


class EvidenceNotFound(LookupError):
    """The object does not exist for this purpose (deleted, another unit or year): the view says 404."""


class EvidenceInUse(ValueError):
    """A document still backs items; ``codes`` are the criterion codes to detach it from first."""

    def __init__(self, codes: list[str]):
        super().__init__(", ".join(codes))
        self.codes = codes


def actor_of(user) -> Actor:
    """The rules' view of a logged-in user (a council member's unit is its own agency)."""
    council = user.role in COUNCIL_ROLES
    return Actor(role=user.role, user_id=user.id, unit_id=None if council else user.unit_id,
                       agency_unit_id=user.unit_id if council else None)


def reader_of(user, document: EvidenceDocument, year) -> Actor:
    """The rules' view of a user reading a document's files: for a council member, with the fields it
    appraises for the document's unit that year — the same ones its appraisal pages show (its assignments
    for the unit's type, with the admin's per-unit reassignments)."""
    actor = actor_of(user)
    if user.role != "council_member":
        return actor
    assessment = db.session.scalar(select(Assessment).where(
        Assessment.year_id == document.year_id, Assessment.unit_id == document.unit_id))
    if assessment is None:
        return actor
    fields = appraisal_actor(user, year, assessment).assigned_fields
    return Actor(role=actor.role, user_id=actor.user_id, agency_unit_id=actor.agency_unit_id,
                       assigned_fields=fields)


def backed_fields(document_id: int) -> frozenset[str]:
    """The appraisal fields of the items a document backs (ADJ for a bonus or deduction item)."""
    rows = db.session.execute(select(Criterion.kind, Criterion.field_code).join(
        ItemEvidence, ItemEvidence.criterion_id == Criterion.id).where(ItemEvidence.document_id == document_id))
    return frozenset(field for field in (field_of(kind, code) for kind, code in rows) if field)


@dataclass(frozen=True)
class EditingContext:
    """What the rules need about one unit's year: phase, the unit's file status, window, deadline."""

    phase: str
    status: str
    window: years.Window
    deadline: years.UnitDeadline | None

    def rule_args(self) -> dict:
        return {"phase": self.phase, "status": self.status, "window": self.window, "deadline": self.deadline}


def editing_context(unit_id: int, year) -> EditingContext:
    status = db.session.scalar(select(Assessment.status).where(
        Assessment.year_id == year.id, Assessment.unit_id == unit_id)) or "draft"
    row = db.session.scalar(select(PhaseWindow).where(PhaseWindow.year_id == year.id,
                                                      PhaseWindow.phase == year.phase))
    window = (years.Window(row.opens_at, row.closes_at, row.grace_seconds or 0) if row
              else years.Window(None, None))
    extension = db.session.scalar(select(UnitDeadlineRow).where(
        UnitDeadlineRow.year_id == year.id, UnitDeadlineRow.unit_id == unit_id,
        UnitDeadlineRow.phase == year.phase))
    deadline = (years.UnitDeadline(extension.extended_until, bool(extension.reopened))
                if extension else None)
    return EditingContext(year.phase, status, window, deadline)


# --------------------------------------------------------------------------------------------- reads


def load_document(document_id: int) -> EvidenceDocument | None:
    """A live document with its files, or None (missing or deleted)."""
    document = db.session.scalar(select(EvidenceDocument).where(EvidenceDocument.id == document_id)
                                 .options(selectinload(EvidenceDocument.files)))
    return document if document is not None and document.deleted_at is None else None


def load_file(file_id: int) -> EvidenceFile | None:
    """A file that is not deleted, of a live document, or None."""
    row = db.session.get(EvidenceFile, file_id)
    if row is None or row.deleted_at is not None or row.document.deleted_at is not None:
        return None
    return row


def documents_for(unit_id: int, year_id: int) -> list[EvidenceDocument]:
    documents = list(db.session.scalars(
        select(EvidenceDocument).where(EvidenceDocument.unit_id == unit_id, EvidenceDocument.year_id == year_id,
                                       EvidenceDocument.deleted_at.is_(None))
        .options(selectinload(EvidenceDocument.files))))
    documents.sort(key=lambda d: (d.issued_on is None, -(d.issued_on.toordinal() if d.issued_on else 0), -d.id))
    return documents


def _haystack(document: EvidenceDocument) -> str:
    names = " ".join(f.original_name for f, _ in document.file_versions())
    issued = document.issued_on.strftime("%d/%m/%Y") if document.issued_on else ""
    return fold_key(" ".join((document.symbol or "", issued, document.issuer or "", document.summary or "", names)))


def search_documents(unit_id: int, year_id: int, query: str = "") -> list[EvidenceDocument]:
    """Documents whose number, date, issuer, summary or file names contain every word of ``query``,
    ignoring accents and case ('ke hoach ubnd' finds 'Kế hoạch … UBND')."""
    documents = documents_for(unit_id, year_id)
    words = fold_key(query).split()
    if not words:
        return documents
    return [d for d in documents if all(word in _haystack(d) for word in words)]


def backed_items(document_ids) -> dict[int, list[tuple[str, str]]]:
    """(criterion code, stage) of the items each document backs, in one query."""
    ids = list(document_ids)
    result: dict[int, list[tuple[str, str]]] = {}
    if not ids:
        return result
    rows = db.session.execute(
        select(ItemEvidence.document_id, Criterion.code, ItemEvidence.stage)
        .join(Criterion, Criterion.id == ItemEvidence.criterion_id)
        .where(ItemEvidence.document_id.in_(ids))
        .order_by(Criterion.position, Criterion.code, ItemEvidence.stage.desc()))
    for document_id, code, stage in rows:
        if (code, stage) not in result.setdefault(document_id, []):
            result[document_id].append((code, stage))
    return result


def evidence_by_item(assessment_id: int, stage: str | None = None) -> dict[int, list[EvidenceDocument]]:
    stmt = (select(ItemEvidence.criterion_id, EvidenceDocument)
            .join(EvidenceDocument, EvidenceDocument.id == ItemEvidence.document_id)
            .where(ItemEvidence.assessment_id == assessment_id, EvidenceDocument.deleted_at.is_(None))
            .options(joinedload(EvidenceDocument.files))
            .order_by(ItemEvidence.criterion_id, ItemEvidence.id))
    if stage is not None:
        stmt = stmt.where(ItemEvidence.stage == stage)
    result: dict[int, list[EvidenceDocument]] = {}
    for criterion_id, document in db.session.execute(stmt).unique():
        documents = result.setdefault(criterion_id, [])
        if document not in documents:
            documents.append(document)
    return result


# -------------------------------------------------------------------------------------------- writes


def _fields(document: EvidenceDocument) -> dict:
    return {"symbol": document.symbol, "issued_on": document.issued_on, "issuer": document.issuer,
            "summary": document.summary}


def _audit(action: str, document: EvidenceDocument, *, actor, old=None, new=None):
    record(action, "evidence_document", document.id, actor=actor, unit_id=document.unit_id,
           year_id=document.year_id, old=old, new=new)


def create_document(*, unit_id, year_id, symbol="", issued_on=None, issuer="", summary="", actor, now):
    document = EvidenceDocument(unit_id=unit_id, year_id=year_id, symbol=symbol or "", issued_on=issued_on,
                                issuer=issuer or "", summary=summary or "", created_by_id=actor.id,
                                created_at=now, files=[])
    db.session.add(document)
    db.session.flush()
    _audit("evidence_document_create", document, actor=actor, new=_fields(document))
    return document


def update_document(document, *, symbol="", issued_on=None, issuer="", summary="", actor, now):
    old = _fields(document)
    document.symbol, document.issued_on = symbol or "", issued_on
    document.issuer, document.summary = issuer or "", summary or ""
    if _fields(document) != old:
        _audit("evidence_document_update", document, actor=actor, old=old, new=_fields(document))
    return document


def delete_document(document, *, actor, now):
    """Soft delete. Refused (:class:`EvidenceInUse`) while the document backs an item: what the
    council has seen must not vanish silently; detach it in the workspace first."""
    codes = [code for code, _stage in backed_items([document.id]).get(document.id, [])]
    if codes:
        raise EvidenceInUse(codes)
    document.deleted_at = now
    _audit("evidence_document_delete", document, actor=actor, old=_fields(document))


def _check_link(assessment: Assessment, criterion: Criterion, document: EvidenceDocument, stage: str):
    if stage not in STAGES:
        raise EvidenceNotFound("stage")
    if (document.deleted_at is not None or document.unit_id != assessment.unit_id
            or document.year_id != assessment.year_id):
        raise EvidenceNotFound("document")
    if criterion.set_id != assessment.criteria_set_id or criterion.kind not in ("item", "adjustment"):
        raise EvidenceNotFound("criterion")


def _link(assessment, criterion, document, stage):
    return db.session.scalar(select(ItemEvidence).where(
        ItemEvidence.assessment_id == assessment.id, ItemEvidence.criterion_id == criterion.id,
        ItemEvidence.document_id == document.id, ItemEvidence.stage == stage))


def attach(assessment, criterion, document, *, stage="self", actor, now) -> ItemEvidence:
    _check_link(assessment, criterion, document, stage)
    link = _link(assessment, criterion, document, stage)
    if link is not None:
        return link
    link = ItemEvidence(assessment_id=assessment.id, criterion_id=criterion.id, document_id=document.id,
                        stage=stage, created_by_id=actor.id, created_at=now)
    db.session.add(link)
    db.session.flush()
    record("evidence_attach", "item_evidence", link.id, actor=actor, unit_id=assessment.unit_id,
           year_id=assessment.year_id,
           new={"criterion": criterion.code, "document_id": document.id, "stage": stage})
    return link


def detach(assessment, criterion, document, *, stage="self", actor, now) -> bool:
    _check_link(assessment, criterion, document, stage)
    link = _link(assessment, criterion, document, stage)
    if link is None:
        return False
    record("evidence_detach", "item_evidence", link.id, actor=actor, unit_id=assessment.unit_id,
           year_id=assessment.year_id,
           old={"criterion": criterion.code, "document_id": document.id, "stage": stage})
    db.session.delete(link)
    db.session.flush()
    return True
