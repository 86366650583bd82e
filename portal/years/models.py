"""Năm đánh giá — the assessment year, its phase windows and per-unit deadline changes."""
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import UTCDateTime, utcnow
from portal.extensions import db


class AssessmentYear(db.Model):
    """One yearly round of the PAR Index. `settings` holds the per-year choices of the methodology
    (bands, tie-breakers, rewards, policy without a survey) as portal.scoring.YearSettings.to_dict();
    `report_settings` the names printed on official reports (agency, signer, document numbers)."""

    __tablename__ = "assessment_year"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    title: Mapped[str] = mapped_column(String(255))
    phase: Mapped[str] = mapped_column(String(20), default="setup")
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    report_settings: Mapped[dict] = mapped_column(JSON, default=dict)
    # Set when the year was opened from another: its phase windows are last year's moved one year on,
    # shown as proposed on the year page until the admin confirms them.
    windows_proposed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    windows: Mapped[list["PhaseWindow"]] = relationship(back_populates="year", cascade="all, delete-orphan")

    def window(self, phase: str) -> "PhaseWindow | None":
        return next((w for w in self.windows if w.phase == phase), None)


class PhaseWindow(db.Model):
    """Opening and closing time of a working phase (self-assessment, appraisal, explanation)."""

    __tablename__ = "phase_window"
    __table_args__ = (UniqueConstraint("year_id", "phase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("assessment_year.id", ondelete="CASCADE"))
    phase: Mapped[str] = mapped_column(String(20))
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    grace_seconds: Mapped[int] = mapped_column(Integer, default=0)
    opened_notice_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closing_notice_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    year: Mapped[AssessmentYear] = relationship(back_populates="windows")


class UnitDeadline(db.Model):
    """Gia hạn / mở lại — a per-unit extension or reopening of one phase, with its reason."""

    __tablename__ = "unit_deadline"
    __table_args__ = (UniqueConstraint("year_id", "unit_id", "phase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("assessment_year.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    phase: Mapped[str] = mapped_column(String(20))
    extended_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopened: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
