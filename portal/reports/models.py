"""Xuất báo cáo hàng loạt — a background export job (one PDF per unit, zipped). Its state lives in the
database, so the job page survives a reload and a separate worker process (`flask reports worker`) can
run it."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import UTCDateTime, utcnow
from portal.extensions import db

JOB_KINDS = ("unit_self", "unit_appraisal")
JOB_STATUSES = ("queued", "running", "done", "failed")


class ExportJob(db.Model):
    __tablename__ = "export_job"
    __table_args__ = (
        CheckConstraint("status in ('queued', 'running', 'done', 'failed')", name="status"),
        CheckConstraint("kind in ('unit_self', 'unit_appraisal')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    year_id: Mapped[int] = mapped_column(ForeignKey("assessment_year.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    result_path: Mapped[str | None] = mapped_column(String(255))  # file name inside <instance>/exports
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")

    @property
    def percent(self) -> int:
        if self.status == "done":
            return 100
        return int(self.done * 100 / self.total) if self.total else 0
