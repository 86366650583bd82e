"""Bộ tiêu chí — the criteria set of a year and unit type: fields → criteria → sub-criteria."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Points, UTCDateTime, utcnow
from portal.extensions import db


class CriteriaSet(db.Model):
    """The criteria of one year for one unit type. Locked once self-assessment opens."""

    __tablename__ = "criteria_set"
    __table_args__ = (UniqueConstraint("year_id", "unit_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("assessment_year.id", ondelete="CASCADE"))
    unit_type: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(String(255))
    total: Mapped[Decimal] = mapped_column(Points, default=Decimal("100"))
    appraisal_points: Mapped[Decimal | None] = mapped_column(Points)
    survey_points: Mapped[Decimal | None] = mapped_column(Points)
    bonus_cap: Mapped[Decimal | None] = mapped_column(Points)
    deduction_cap: Mapped[Decimal | None] = mapped_column(Points)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Khóa / mở khóa: the admin's last explicit decision. An unlock (with its reason) lets the set be
    # edited after self-assessment opened; locking again clears it. The audit log keeps the history.
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    unlocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unlocked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    unlocked_reason: Mapped[str | None] = mapped_column(Text)

    criteria: Mapped[list["Criterion"]] = relationship(
        back_populates="criteria_set", cascade="all, delete-orphan", order_by="Criterion.position"
    )
    locked_by = relationship("User", foreign_keys=[locked_by_id])
    unlocked_by = relationship("User", foreign_keys=[unlocked_by_id])

    @property
    def explicitly_unlocked(self) -> bool:
        return self.unlocked_at is not None


class Criterion(db.Model):
    """Tiêu chí — one node of the tree: a field (lĩnh vực), a group (tiêu chí), a scored item
    (tiêu chí thành phần) or a bonus/deduction (điểm cộng / điểm trừ). `config` is the method's
    settings (levels, bands, step, per/cap) as JSON with decimals written as strings."""

    __tablename__ = "criterion"
    __table_args__ = (
        UniqueConstraint("set_id", "code"),
        CheckConstraint("kind in ('field', 'group', 'item', 'adjustment')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("criteria_set.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("criterion.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(12))
    position: Mapped[int] = mapped_column(Integer, default=0)
    max_points: Mapped[Decimal | None] = mapped_column(Points)
    method: Mapped[str | None] = mapped_column(String(20))
    config: Mapped[dict] = mapped_column(JSON, default=dict)
    na_allowed: Mapped[bool] = mapped_column(Boolean, default=False)
    field_code: Mapped[str | None] = mapped_column(String(20))
    appraiser: Mapped[str | None] = mapped_column(String(20))
    guidance: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")

    criteria_set: Mapped[CriteriaSet] = relationship(back_populates="criteria")
    parent: Mapped["Criterion | None"] = relationship(remote_side=[id])
