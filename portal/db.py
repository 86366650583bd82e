"""Database plumbing: SQLite pragmas and write transactions, column types for exact scores and UTC times.

SQLite (the embedded default) gets, on every connection, WAL, foreign keys, a busy timeout and
synchronous=FULL (security.md §10.1). Transactions of requests that write (POST and the like) and of CLI
commands start with BEGIN IMMEDIATE, so a read-then-write never fails with SQLITE_BUSY_SNAPSHOT (§10.2);
GET requests use a deferred BEGIN and never block writers. Once a writing request has committed, what it
still reads runs in a deferred transaction too, so the write lock is held only while the change is made.
"""
import contextvars
from contextlib import contextmanager
from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import DateTime, Numeric, event
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator

write_transaction = contextvars.ContextVar("write_transaction", default=True)

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
    "PRAGMA synchronous=FULL",
)


def configure_engine(engine: Engine) -> None:
    """Install the SQLite connection and transaction hooks (no-op for other databases)."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write_transaction.get() else "BEGIN")

    @event.listens_for(engine, "commit")
    def _on_commit(conn):
        # The request's change is committed; what it still reads (the page or fragment it renders) needs no
        # write lock, so other writers need not wait for the rendering. Code that writes again after a
        # commit says so explicitly (write_transaction.set(True), as comments.web.record_visit does).
        if write_transaction.get():
            write_transaction.set(False)


class Points(TypeDecorator):
    """A score: Decimal with two decimals, stored as NUMERIC(8, 2). A float is refused."""

    impl = Numeric(8, 2, asdecimal=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("scores are Decimal, never float")
        value = Decimal(value)
        if not value.is_finite():
            raise ValueError("a score must be a finite number")
        return value.quantize(Decimal("0.01"))

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return Decimal(str(value)).quantize(Decimal("0.01"))


class UTCDateTime(TypeDecorator):
    """Timezone-aware datetime, stored in UTC (naive on SQLite), returned aware in UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("datetimes must be timezone-aware")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


_frozen_at: list[datetime] = []  # set only by frozen_clock() (tests and drills)


def utcnow() -> datetime:
    """The current UTC time: the one clock of the portal (deadlines, sessions, audit rows)."""
    if _frozen_at:
        return _frozen_at[-1]
    return datetime.now(timezone.utc)


@contextmanager
def frozen_clock(at: datetime):
    """Stop the portal's clock at ``at`` (timezone-aware) inside the block, so deadline and session-timeout
    rules are tested at T−1 s, T and T+1 s without waiting. ``set(new)`` on the yielded object moves it."""
    if at.tzinfo is None:
        raise ValueError("the frozen time must be timezone-aware")

    class _Clock:
        def set(self, new: datetime) -> None:
            _frozen_at[-1] = new

    _frozen_at.append(at)
    try:
        yield _Clock()
    finally:
        _frozen_at.pop()
