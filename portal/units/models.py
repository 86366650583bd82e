"""Đơn vị — the assessed units, and the unit types (loại đơn vị) each year ranks separately.

A unit type is the year's data: 2022 ranked departments (cấp sở) and district People's Committees (cấp
huyện); since the two-tier local government of 1 July 2025 a province ranks departments and commune-level
committees (cấp xã). No code names a type: every ranking, list and report iterates over the year's types
in their order. The roster of a year (which units take part, under which type and name) is the year's
assessment files (portal.assessments.models.Assessment, whose `unit_type` is the unit's type that year)."""
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import UTCDateTime, utcnow
from portal.extensions import db

class UnitType(db.Model):
    """Loại đơn vị — a group of units a year ranks separately (sở, ban, ngành; UBND cấp xã …), with its
    names, the short label reports use ("cấp sở"), the group heading of report tables and the plural used
    when counting its units ("14 sở, ban, ngành tỉnh"), whether its units
    are People's Committees (their own documents are issued by the committee: no parent agency line,
    BC-UBND), and the reward rule: the top N proposed for rewards, and where the year asks for it the
    bottom N listed for the province's attention."""

    __tablename__ = "unit_type"
    __table_args__ = (UniqueConstraint("year_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("assessment_year.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120), default="")
    short_label: Mapped[str] = mapped_column(String(40), default="")
    heading: Mapped[str] = mapped_column(String(160), default="")   # "Các sở, ban, ngành tỉnh"
    plural: Mapped[str] = mapped_column(String(160), default="")    # "14 sở, ban, ngành tỉnh"
    committee: Mapped[bool] = mapped_column(Boolean, default=False)
    reward_top: Mapped[int] = mapped_column(Integer, default=0)
    reward_bottom: Mapped[int] = mapped_column(Integer, default=0)
    position: Mapped[int] = mapped_column(Integer, default=0)

    def label(self, lang: str = "vi") -> str:
        return (self.name_en or self.name) if lang == "en" else self.name


class Unit(db.Model):
    """An assessed unit. Its name can change between years (huyện Tịnh Biên → thị xã Tịnh Biên, 2023):
    the name used in a given year lives in UnitName; `name` is the current one. `unit_type` is the type
    code the unit had when it last joined a year (the default when it joins the next); the type of a
    given year is its assessment's."""

    __tablename__ = "unit"

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


class UnitLineage(db.Model):
    """Đơn vị tiền thân — one predecessor of a unit in a year after a reorganisation (Decree 45/2025/NĐ-CP
    merged departments; communes began on 1 July 2025): the predecessor unit of this portal, or, when it
    is outside it (a department of the former Kiên Giang), its name and code as text; the kind of change
    (portal.units.lineage_rules.LINEAGE_KINDS) and the legal basis (decision number and date)."""

    __tablename__ = "unit_lineage"
    __table_args__ = (UniqueConstraint("unit_id", "year_id", "predecessor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("assessment_year.id", ondelete="CASCADE"), index=True)
    predecessor_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), nullable=True)
    outside_code: Mapped[str] = mapped_column(String(40), default="")
    outside_name: Mapped[str] = mapped_column(String(255), default="")
    kind: Mapped[str] = mapped_column(String(20))
    decision_number: Mapped[str] = mapped_column(String(60), default="")
    decision_date: Mapped[date | None] = mapped_column(Date, nullable=True)

    predecessor: Mapped[Unit | None] = relationship(foreign_keys=[predecessor_id])
