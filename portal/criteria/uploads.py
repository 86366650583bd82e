"""Tệp nhập chờ xác nhận — an uploaded criteria or survey file kept on the server between preview and
"Xác nhận nhập", in the one store of pending uploads (`portal.web.pending`: a random token in the browser,
the file and its metadata in <instance>/imports/, expiring after an hour). This module only names the
metadata these imports keep: who uploaded the file, for which year and unit type, under which name.
"""
from dataclasses import dataclass
from datetime import datetime

from portal.web import pending

LIFETIME = pending.LIFETIME


@dataclass(frozen=True)
class PendingImport:
    token: str
    data: bytes
    filename: str
    unit_type: str
    year_id: int
    user_id: int
    created_at: datetime


def save_upload(instance_path: str, data: bytes, *, filename: str, unit_type: str, year_id: int,
                user_id: int, now: datetime) -> str:
    """Keep the file and return its token; expired files of earlier uploads are removed on the way."""
    meta = {"filename": filename, "unit_type": unit_type, "year_id": year_id, "user_id": user_id}
    return pending.keep(instance_path, data, meta=meta, now=now)


def load_upload(instance_path: str, token: str, *, now: datetime) -> PendingImport | None:
    """The pending import of this token, or None (unknown, malformed, expired, or another kind of upload)."""
    found = pending.read(instance_path, token, now=now)
    if found is None:
        return None
    data, meta = found
    try:
        return PendingImport(token, data, meta["filename"], meta["unit_type"], meta["year_id"], meta["user_id"],
                             datetime.fromisoformat(meta["created_at"]))
    except (KeyError, TypeError, ValueError):
        return None


discard_upload = pending.discard
purge_expired = pending.purge
