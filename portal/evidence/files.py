"""Tệp của tài liệu kiểm chứng — adding, replacing and deleting the files of an evidence document.

All or nothing per request: every upload is received into the temp folder and checked (size,
content, and a ClamAV scan when CLAMD_SOCKET or CLAMD_HOST is set) first; then the unit's quota is
checked for the total *inside the write transaction* (the unit row is locked with SELECT … FOR UPDATE
on PostgreSQL; on SQLite the write request already holds the database's write lock from BEGIN
IMMEDIATE), so parallel uploads cannot pass it together; only then the blobs are moved into the store
and the rows added, each with an audit row.

The quota counts, per unit and assessment year, the bytes of every file row not deleted — earlier
versions of a replaced file included, since they stay stored and downloadable.
"""
from __future__ import annotations

import logging
import os

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.audit.services import record
from portal.evidence import antivirus, storage
from portal.evidence.domain import human_size, quota_allows
from portal.evidence.filenames import display_name
from portal.evidence.models import EvidenceDocument, EvidenceFile
from portal.evidence.kinds import Detected, Refused
from portal.evidence.sniff import detect
from portal.extensions import db
from portal.units.models import Unit

log = logging.getLogger("portal.evidence")


class UploadRefused(ValueError):
    """An upload the portal does not take; ``message`` says why and what to do, in the user's language."""

    def __init__(self, message: str, code: str = "refused"):
        super().__init__(message)
        self.message, self.code = message, code


def size_text(size: int) -> str:
    locale = get_locale()
    return human_size(size, "." if locale is not None and locale.language == "en" else ",")


def _refused(err: Refused, filename: str | None = None) -> UploadRefused:
    reason = _(err.message, **err.params) if err.params else _(err.message)
    if filename:
        reason = _("Tệp «%(name)s»: %(reason)s", name=filename, reason=reason)
    return UploadRefused(reason, err.code)


def quota_usage(unit_id: int, year_id: int) -> int:
    """Bytes of the unit's live files in the year (documents and files not deleted)."""
    return int(db.session.scalar(
        select(func.coalesce(func.sum(EvidenceFile.size), 0))
        .join(EvidenceDocument, EvidenceDocument.id == EvidenceFile.document_id)
        .where(EvidenceDocument.unit_id == unit_id, EvidenceDocument.year_id == year_id,
               EvidenceDocument.deleted_at.is_(None), EvidenceFile.deleted_at.is_(None))) or 0)


def _lock_unit(unit_id: int) -> None:
    # PostgreSQL: uploads of one unit queue here until the holder commits. SQLite renders no FOR UPDATE;
    # there the write request already runs under BEGIN IMMEDIATE, which serialises every writer.
    db.session.execute(select(Unit.id).where(Unit.id == unit_id).with_for_update())


def _check_quota(document: EvidenceDocument, size: int) -> None:
    quota = current_app.config.get("UNIT_QUOTA_BYTES")
    _lock_unit(document.unit_id)
    used = quota_usage(document.unit_id, document.year_id)
    if not quota_allows(used, size, quota):
        raise Refused("quota", {"used": size_text(used), "quota": size_text(quota), "size": size_text(size)})


def _setting(name: str):
    return current_app.config.get(name) or os.environ.get(name)


def _antivirus(path: str) -> None:
    """With CLAMD_SOCKET (or CLAMD_HOST/CLAMD_PORT) set, clamd scans the file before it is stored."""
    daemon = antivirus.Daemon.from_settings(_setting)
    if daemon is None:
        return
    try:
        found = antivirus.scan(daemon, path)
    except antivirus.ScanUnavailable as err:
        log.error("virus scan unavailable (%s): upload refused", err)
        raise Refused("scan_unavailable") from None
    if found:
        raise Refused("virus", {"name": found[:80]})


def _receive(upload) -> tuple[storage.TempBlob, Detected]:
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    try:
        temp = storage.receive(upload.stream, max_bytes=limit)
    except storage.TooLarge:
        raise Refused("too_large", {"limit": size_text(limit)}) from None
    try:
        found = detect(str(temp.path), upload.filename)
        _antivirus(str(temp.path))
        return temp, found
    except BaseException:
        storage.discard(temp)
        raise


def _named(uploads) -> list:
    return [u for u in uploads if u is not None and (u.filename or "").strip()]


def add_files(document: EvidenceDocument, uploads, *, actor, now, replaces: EvidenceFile | None = None):
    """Store every upload or none; returns the new rows. :class:`UploadRefused` names the bad file.
    Every refusal is logged (who, which unit, why, the names given) — quarantine by refusal: nothing of a
    refused file stays on disk."""
    try:
        return _add_files(document, uploads, actor=actor, now=now, replaces=replaces)
    except UploadRefused as err:
        names = [getattr(u, "filename", None) for u in uploads or () if u is not None]
        log.warning("upload refused (%s) for unit %s by %s: %r", err.code, document.unit_id,
                    getattr(actor, "username", actor), [n[:120] for n in names if n][:10])
        raise


def _add_files(document: EvidenceDocument, uploads, *, actor, now, replaces: EvidenceFile | None = None):
    uploads = _named(uploads)
    if not uploads:
        raise _refused(Refused("no_file"))
    received: list[tuple[storage.TempBlob, Detected, str]] = []
    kept: set = set()
    try:
        for upload in uploads:
            try:
                temp, found = _receive(upload)
            except Refused as err:
                raise _refused(err, upload.filename if len(uploads) > 1 else None) from None
            received.append((temp, found, display_name(upload.filename, found)))
        try:
            _check_quota(document, sum(temp.size for temp, _found, _name in received))
        except Refused as err:
            raise _refused(err) from None
        for temp, _found, _name in received:
            storage.keep(temp)
            kept.add(temp.path)
    finally:
        for temp, _found, _name in received:
            if temp.path not in kept:
                storage.discard(temp)
    return [_add_row(document, temp, found, name, actor=actor, now=now, replaces=replaces)
            for temp, found, name in received]


def _add_row(document, temp, found: Detected, name: str, *, actor, now, replaces):
    row = EvidenceFile(document_id=document.id, original_name=name, sha256=temp.sha256, size=temp.size,
                       content_type=found.mime, replaces_id=replaces.id if replaces else None,
                       created_by_id=actor.id, created_at=now)
    db.session.add(row)
    db.session.flush()
    new = {"document_id": document.id, "name": name, "size": temp.size, "sha256": temp.sha256,
           "type": found.kind}
    old = None
    if replaces is not None:
        old = {"file_id": replaces.id, "name": replaces.original_name, "sha256": replaces.sha256}
    record("evidence_file_replace" if replaces else "evidence_file_add", "evidence_file", row.id,
           actor=actor, unit_id=document.unit_id, year_id=document.year_id, old=old, new=new)
    return row


def add_file(document: EvidenceDocument, upload, *, actor, now) -> EvidenceFile:
    return add_files(document, [upload], actor=actor, now=now)[0]


def is_current(row: EvidenceFile) -> bool:
    """True unless a live newer version replaces this file."""
    return db.session.scalar(select(EvidenceFile.id).where(
        EvidenceFile.replaces_id == row.id, EvidenceFile.deleted_at.is_(None)).limit(1)) is None


def replace_file(row: EvidenceFile, upload, *, actor, now) -> EvidenceFile:
    """A new version (a new row pointing at ``row``); ``row`` stays stored and downloadable."""
    return add_files(row.document, [upload], actor=actor, now=now, replaces=row)[0]


def delete_file(row: EvidenceFile, *, actor, now) -> list[int]:
    """Soft-delete a file with its earlier versions; returns their ids. Blobs stay in the store."""
    versions = next((history for head, history in row.document.file_versions() if head.id == row.id), [])
    ids = []
    for version in [row, *versions]:
        version.deleted_at = now
        ids.append(version.id)
    record("evidence_file_delete", "evidence_file", row.id, actor=actor, unit_id=row.document.unit_id,
           year_id=row.document.year_id, old={"name": row.original_name, "versions": ids})
    return ids
