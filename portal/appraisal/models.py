"""Hội đồng thẩm định — which council member appraises which field, and reassignments of one unit's field
when the assigned member belongs to that unit's agency."""
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import UTCDateTime, utcnow
from portal.extensions import db


class CouncilAssignment(db.Model):
    """A member is assigned a field (F1…F9) for a year, for one unit type or both (unit_type None)."""

    __tablename__ = "council_assignment"
    __table_args__ = (UniqueConstraint("year_id", "user_id", "field_code", "unit_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("assessment_year.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    field_code: Mapped[str] = mapped_column(String(20))
    unit_type: Mapped[str | None] = mapped_column(String(20))

    user = relationship("User")


class AppraisalOverride(db.Model):
    """The admin gives one unit's field to another member (the conflict rule: nobody appraises the unit
    of its own agency)."""

    __tablename__ = "appraisal_override"
    __table_args__ = (UniqueConstraint("year_id", "unit_id", "field_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("assessment_year.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    field_code: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))


class FieldReview(db.Model):
    """A member's "field done" mark for one unit's field in one round (đã thẩm định xong lĩnh vực)."""

    __tablename__ = "field_review"
    __table_args__ = (UniqueConstraint("assessment_id", "field_code", "round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    field_code: Mapped[str] = mapped_column(String(20))
    round: Mapped[int] = mapped_column(Integer)
    done_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
