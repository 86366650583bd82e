"""Ý kiến — threaded comments on an item of an assessment. Council comments are internal until a
member sends them to the unit; units reply to what was sent to them.

`from_unit` marks a unit's reply (trả lời của đơn vị), decided from the author's role when it is written,
so a later change of that account's role never turns a reply into a council comment. A unit reply is
visible to the council and the unit from the start (visibility 'unit', never `sent_at`).
`CommentRead` keeps, per person, which comments they have opened: the unread badges of the board."""
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import UTCDateTime, utcnow
from portal.extensions import db


class Comment(db.Model):
    __tablename__ = "comment"
    __table_args__ = (CheckConstraint("visibility in ('internal', 'unit')", name="visibility"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    body: Mapped[str] = mapped_column(Text)
    round: Mapped[int] = mapped_column(Integer, default=1)
    visibility: Mapped[str] = mapped_column(String(10), default="internal")
    from_unit: Mapped[bool] = mapped_column(Boolean, default=False)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    seen_by_unit_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author = relationship("User", foreign_keys=[author_id])
    sent_by = relationship("User", foreign_keys=[sent_by_id])
    resolved_by = relationship("User", foreign_keys=[resolved_by_id])


class CommentRead(db.Model):
    """Đã đọc — one person has opened one comment (for the per-person unread counts)."""

    __tablename__ = "comment_read"
    __table_args__ = (UniqueConstraint("user_id", "comment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), index=True)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
