"""Tài liệu kiểm chứng để hiển thị — an item's evidence as a page draws it, read as plain rows.

The unit's workspace lists the documents of every item (and their files) on each request; it only shows
them, so they are read with two queries of tuples instead of ORM objects (the services keep the
:class:`~portal.evidence.models.EvidenceDocument` for everything that changes or checks them)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import bindparam, select

from portal.evidence.models import EvidenceDocument, EvidenceFile, ItemEvidence, file_versions
from portal.extensions import db


@dataclass(slots=True, eq=False)
class FileRow:
    id: int
    original_name: str
    content_type: str
    replaces_id: int | None
    deleted_at: datetime | None

    @property
    def inline(self) -> bool:
        return EvidenceFile.inline.fget(self)


@dataclass(slots=True, eq=False)
class DocumentRow:
    """The columns of an EvidenceDocument a page shows, and its files."""

    id: int
    symbol: str
    issued_on: date | None
    issuer: str
    summary: str
    files: list[FileRow] = field(default_factory=list)

    def file_versions(self) -> list[tuple[FileRow, list[FileRow]]]:
        return file_versions(self.files)


# Built once (every workspace page and save reads it): parameters file, and stage.
_ALL = (select(ItemEvidence.criterion_id, EvidenceDocument.id, EvidenceDocument.symbol,
               EvidenceDocument.issued_on, EvidenceDocument.issuer, EvidenceDocument.summary,
               EvidenceFile.id, EvidenceFile.original_name, EvidenceFile.content_type,
               EvidenceFile.replaces_id, EvidenceFile.deleted_at)
        .join(EvidenceDocument, EvidenceDocument.id == ItemEvidence.document_id)
        .outerjoin(EvidenceFile, EvidenceFile.document_id == EvidenceDocument.id)
        .where(ItemEvidence.assessment_id == bindparam("file"), EvidenceDocument.deleted_at.is_(None))
        .order_by(ItemEvidence.criterion_id, ItemEvidence.id, EvidenceFile.id))
_OF_STAGE = _ALL.where(ItemEvidence.stage == bindparam("stage"))


def documents_by_item(assessment_id: int, stage: str | None = None) -> dict[int, list[DocumentRow]]:
    """portal.evidence.services.evidence_by_item as display rows: {criterion_id: documents in attach order},
    each with its files (one query)."""
    stmt, params = (_ALL, {"file": assessment_id}) if stage is None else \
        (_OF_STAGE, {"file": assessment_id, "stage": stage})
    result: dict[int, list[DocumentRow]] = {}
    documents: dict[int, DocumentRow] = {}
    files: set[int] = set()     # a document attached to several items repeats its files: each is kept once
    for criterion_id, doc_id, symbol, issued_on, issuer, summary, *file in db.session.execute(stmt, params):
        doc = documents.get(doc_id)
        if doc is None:
            doc = documents[doc_id] = DocumentRow(doc_id, symbol, issued_on, issuer, summary)
        listed = result.setdefault(criterion_id, [])
        if all(d is not doc for d in listed):
            listed.append(doc)
        if file[0] is not None and file[0] not in files:
            files.add(file[0])
            doc.files.append(FileRow(*file))
    return result
