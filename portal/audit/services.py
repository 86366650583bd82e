"""Write audit rows in the caller's transaction, chained by hash so that a row altered later is found.

`record` is called by every service that changes a score, comment, file, phase, role or account; it only
adds to the session, so the change and its audit row commit (or roll back) together.
"""
import hashlib
import json
from decimal import Decimal

from flask import g, has_request_context, request
from sqlalchemy import select, text

from portal.audit.models import AuditLog
from portal.db import utcnow
from portal.extensions import db


def _json_default(value):
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _plain(value):
    """JSON-safe copy (Decimal and dates as strings) so that what is hashed is what is stored."""
    if value is None:
        return None
    return json.loads(json.dumps(value, default=_json_default, ensure_ascii=False))


def row_digest(row, prev_hash: str | None) -> str:
    """sha256 of every column of an audit row (an AuditLog or a plain result row) and the previous hash."""
    payload = {
        "at": row.at.isoformat(), "actor_id": row.actor_id, "action": row.action,
        "object_type": row.object_type, "object_id": row.object_id, "unit_id": row.unit_id,
        "year_id": row.year_id, "old": row.old, "new": row.new, "reason": row.reason,
        "request_id": row.request_id, "ip": row.ip, "prev": prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _last_hash() -> str | None:
    if db.session.get_bind().dialect.name == "postgresql":
        # One chain: concurrent writers take their turn for the tail of the log.
        db.session.execute(text("SELECT pg_advisory_xact_lock(7310001)"))
    return db.session.scalar(select(AuditLog.hash).order_by(AuditLog.id.desc()).limit(1))


def record(action: str, object_type: str, object_id=None, *, actor=None, unit_id=None, year_id=None,
           old=None, new=None, reason: str | None = None) -> AuditLog:
    """Add one audit row (who, when, what, old → new, why) to the current transaction."""
    db.session.flush()
    prev = _last_hash()
    row = AuditLog(
        at=utcnow().replace(microsecond=0),
        actor_id=getattr(actor, "id", actor),
        action=action, object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        unit_id=unit_id, year_id=year_id, old=_plain(old), new=_plain(new), reason=reason,
        request_id=g.get("request_id") if has_request_context() else None,
        ip=request.remote_addr if has_request_context() else None,
        prev_hash=prev,
    )
    row.hash = row_digest(row, prev)
    db.session.add(row)
    db.session.flush()
    return row


def chain_problems(batch: int = 2000) -> list[tuple[int, str]]:
    """(id, 'content' | 'link') of every audit row altered after it was written: 'content' when the row's
    own hash no longer matches what it holds, 'link' when it no longer follows the row before it (a row
    deleted or inserted in between). Reads the log in batches, so a long log needs little memory."""
    problems, prev, last_id = [], None, 0
    while True:
        table = AuditLog.__table__
        rows = db.session.execute(select(table).where(table.c.id > last_id).order_by(table.c.id).limit(batch)).all()
        if not rows:
            return problems
        for row in rows:
            if row.hash != row_digest(row, row.prev_hash):
                problems.append((row.id, "content"))
            elif row.prev_hash != prev:
                problems.append((row.id, "link"))
            prev, last_id = row.hash, row.id


def export_hashes(path, batch: int = 2000) -> int:
    """Append (id, hash) of every audit row not yet in ``path`` (JSON lines) and return how many: the copy
    to ship to a separate store, so that even a chain rewritten from end to end is caught (A5 16.4.3)."""
    import os
    last = 0
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    last = max(last, json.loads(line)["id"])
    table = AuditLog.__table__
    written = 0
    with open(path, "a", encoding="utf-8") as out:
        while True:
            rows = db.session.execute(select(table.c.id, table.c.hash).where(table.c.id > last)
                                      .order_by(table.c.id).limit(batch)).all()
            if not rows:
                break
            for row in rows:
                out.write(json.dumps({"id": row.id, "hash": row.hash}) + "\n")
            last, written = rows[-1].id, written + len(rows)
        out.flush()
        os.fsync(out.fileno())
    return written


def compare_with_copy(path) -> list[tuple[int, str]]:
    """(id, 'changed' | 'missing') of every row of the shipped copy that the database no longer holds as it was."""
    table = AuditLog.__table__
    shipped = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                item = json.loads(line)
                shipped[item["id"]] = item["hash"]
    now = dict(db.session.execute(select(table.c.id, table.c.hash).where(table.c.id.in_(list(shipped)))).all()) \
        if shipped else {}
    return [(row_id, "missing" if row_id not in now else "changed")
            for row_id, digest in sorted(shipped.items()) if now.get(row_id) != digest]
