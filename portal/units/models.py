"""Đơn vị — the assessed units: departments (cấp sở) and district People's Committees (UBND cấp huyện)."""
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import UTCDateTime, utcnow
from portal.extensions import db

UNIT_TYPES = ("department", "district")


class Unit(db.Model):
    """An assessed unit. Its name can change between years (huyện Tịnh Biên → thị xã Tịnh Biên, 2023):
    the name used in a given year lives in UnitName; `name` is the current one."""

    __tablename__ = "unit"
    __table_args__ = (CheckConstraint("unit_type in ('department', 'district')", name="unit_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    unit_type: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(255))
    name_key: Mapped[str] = mapped_column(String(255), index=True)  # folded, accent-less, for search
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    names: Mapped[list["UnitName"]] = relationship(back_populates="unit", cascade="all, delete-orphan")

    def name_in(self, year_id: int | None) -> str:
        for entry in self.names:
            if entry.year_id == year_id:
                return entry.name
        return self.name


class UnitName(db.Model):
    """The name a unit carries in one assessment year (tên đơn vị theo năm đánh giá)."""

    __tablename__ = "unit_name"
    __table_args__ = (UniqueConstraint("unit_id", "year_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    year_id: Mapped[int] = mapped_column(ForeignKey("assessment_year.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(255))

    unit: Mapped[Unit] = relationship(back_populates="names")


class UnitSigner(db.Model):
    """Người ký văn bản của đơn vị theo năm — who signs the unit's own documents in one assessment year:
    name, position (the signing authority is computed from it, portal.units.domain), the collective body
    signed for (TM.), the document symbol (ký hiệu, BC-SNV) and the place name of the date line."""

    __tablename__ = "unit_signer"
    __table_args__ = (UniqueConstraint("unit_id", "year_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    year_id: Mapped[int] = mapped_column(ForeignKey("assessment_year.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80), default="")
    position: Mapped[str] = mapped_column(String(60))
    collective: Mapped[str] = mapped_column(String(60), default="")
    symbol: Mapped[str] = mapped_column(String(30))
    place: Mapped[str] = mapped_column(String(60))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
