"""Kết quả — survey scores, computed results and the approvals that freeze them."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Points, UTCDateTime, utcnow
from portal.extensions import db


class SurveyImport(db.Model):
    """One upload of survey scores (điều tra xã hội học); a re-import supersedes the previous one."""

    __tablename__ = "survey_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("assessment_year.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(255))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    report: Mapped[dict] = mapped_column(JSON, default=dict)


class SurveyScore(db.Model):
    """Survey points of one unit on one survey item of its criteria set."""

    __tablename__ = "survey_score"
    __table_args__ = (UniqueConstraint("year_id", "unit_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("assessment_year.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id", ondelete="CASCADE"))
    points: Mapped[Decimal] = mapped_column(Points)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("survey_import.id"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class UnitResult(db.Model):
    """The computed result of one unit (recomputed at will before approval)."""

    __tablename__ = "unit_result"
    # The ranking page reads one page of a year's 2,000 results: it orders and counts by rank from the first
    # index alone (a row holds the JSON details and is large) and finds the time of the computation in the
    # second.
    __table_args__ = (UniqueConstraint("year_id", "unit_id"),
                      Index("ix_unit_result_year_id_rank", "year_id", "rank", "unit_id"),
                      Index("ix_unit_result_year_id_computed_at", "year_id", "computed_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("assessment_year.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    appraisal_points: Mapped[Decimal] = mapped_column(Points)
    survey_points: Mapped[Decimal] = mapped_column(Points)
    bonus: Mapped[Decimal] = mapped_column(Points)
    deductions: Mapped[Decimal] = mapped_column(Points)
    applicable_max: Mapped[Decimal] = mapped_column(Points)
    index: Mapped[Decimal | None] = mapped_column(Points)
    band: Mapped[str | None] = mapped_column(String(20))
    rank: Mapped[int | None] = mapped_column(Integer)
    field_indexes: Mapped[dict] = mapped_column(JSON, default=dict)
    # Everything else the result pages show: tie flag, survey availability, the largest gaps to the
    # maximum ("where your points went"), the engine's warnings (see results/services.py).
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Approval(db.Model):
    """Quyết định phê duyệt — an approval of the year's results, freezing a snapshot. A new approval
    supersedes the previous one, which is kept."""

    __tablename__ = "approval"

    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("assessment_year.id", ondelete="CASCADE"))
    decision_number: Mapped[str] = mapped_column(String(100))
    decision_date: Mapped[date] = mapped_column(Date)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # read only where used (a national year's is 8 MB of JSON): listing, finding or checking the decision in
    # force does not parse it
    snapshot: Mapped[dict] = mapped_column(JSON, deferred=True)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Correction(db.Model):
    """Đính chính — a correcting decision on a published year: its number, date and reason, and the units
    whose results it reopens. While "open", only those units' survey points may change and be recomputed;
    approving it writes a new Approval that supersedes the one in force (kept) with those units' results
    corrected and marked."""

    __tablename__ = "result_correction"

    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("assessment_year.id", ondelete="CASCADE"))
    decision_number: Mapped[str] = mapped_column(String(100))
    decision_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    unit_ids: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | approved
    base_approval_id: Mapped[int | None] = mapped_column(ForeignKey("approval.id"))
    approval_id: Mapped[int | None] = mapped_column(ForeignKey("approval.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recomputed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
