"""Tài liệu kiểm chứng — evidence documents of a unit's year, their files, and the items they back."""
from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import UTCDateTime, utcnow
from portal.extensions import db


class EvidenceDocument(db.Model):
    """An evidence document: số ký hiệu (e.g. 123/KH-UBND), ngày ban hành, cơ quan ban hành, trích yếu."""

    __tablename__ = "evidence_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("assessment_year.id", ondelete="CASCADE"))
    symbol: Mapped[str] = mapped_column(String(100), default="")
    issued_on: Mapped[date | None] = mapped_column(Date)
    issuer: Mapped[str] = mapped_column(String(255), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    files: Mapped[list["EvidenceFile"]] = relationship(back_populates="document", order_by="EvidenceFile.id")

    def file_versions(self) -> list[tuple["EvidenceFile", list["EvidenceFile"]]]:
        """(current file, its earlier versions newest first) for every live file, in the order the
        first version of each was uploaded (a replaced file keeps its place).

        Works on the loaded ``files`` collection: no query per file."""
        return file_versions(self.files)


def file_versions(files) -> list[tuple]:
    """EvidenceDocument.file_versions of any files with ``id``, ``replaces_id`` and ``deleted_at``."""
    live = {f.id: f for f in files if f.deleted_at is None}
    replaced = {f.replaces_id for f in live.values() if f.replaces_id is not None}
    result = []
    for head in (f for f in live.values() if f.id not in replaced):
        history, current = [], head
        while current.replaces_id in live and len(history) < len(live):
            current = live[current.replaces_id]
            history.append(current)
        result.append((head, history))
    result.sort(key=lambda pair: (pair[1][-1] if pair[1] else pair[0]).id)
    return result


class EvidenceFile(db.Model):
    """A stored file of a document. The blob lives under its sha256 name outside static/; replacing a
    file adds a new row pointing at the one it replaces, and deletes are soft."""

    __tablename__ = "evidence_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("evidence_document.id", ondelete="CASCADE"), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(100))
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_file.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    document: Mapped[EvidenceDocument] = relationship(back_populates="files")

    @property
    def inline(self) -> bool:
        """PDF and images may be shown in the browser (sandboxed); everything else only downloads."""
        return self.content_type in ("application/pdf", "image/jpeg", "image/png")


class ItemEvidence(db.Model):
    """A document attached to an item of an assessment, at self-assessment or as added evidence in the
    explanation round (files bổ sung). One document can back many items."""

    __tablename__ = "item_evidence"
    __table_args__ = (UniqueConstraint("assessment_id", "criterion_id", "document_id", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id", ondelete="CASCADE"))
    document_id: Mapped[int] = mapped_column(ForeignKey("evidence_document.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(12), default="self")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
