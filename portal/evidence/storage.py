"""Kho tệp kiểm chứng — the blob store: ``UPLOAD_DIR/blobs/ab/cd/<sha256>``, outside ``static/``.

Nothing is ever stored under the name a user gave. The write path (security.md §6.8):

1. :func:`receive` streams the upload into ``UPLOAD_DIR/tmp``, hashing and counting as it writes and
   refusing past the per-file limit (``UPLOAD_MAX_BYTES``), then fsyncs it;
2. the caller checks the content (:mod:`portal.evidence.sniff`) and the unit's quota;
3. :func:`keep` renames the temp file atomically into place (same content = same blob, stored once)
   and fsyncs the directory — or :func:`discard` removes a refused one;
4. only then the caller adds the database rows and commits.

A crash between 3 and 4 leaves a blob no row references: :func:`sweep_orphans` removes those, and
temp files, once they are more than an hour old (an upload in flight is never swept). Blobs are
never changed or deleted while a row references them; deletes in the library are soft.
:func:`verify_blobs` lists rows whose blob is missing or no longer matches its sha256 (``flask check``).
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from portal.evidence.models import EvidenceFile
from portal.extensions import db

CHUNK = 1 << 16
ORPHAN_AGE = timedelta(hours=1)
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class TooLarge(Exception):
    """The upload went past the per-file limit while it was being written."""

    def __init__(self, limit: int):
        super().__init__(limit)
        self.limit = limit


@dataclass(frozen=True)
class TempBlob:
    path: Path
    sha256: str
    size: int


def root() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def temp_dir() -> Path:
    return root() / "tmp"


def blob_dir() -> Path:
    return root() / "blobs"


def blob_path(sha256: str) -> Path:
    if not _SHA256.match(sha256 or ""):
        raise ValueError("not a sha256 hex digest")
    return blob_dir() / sha256[:2] / sha256[2:4] / sha256


def _unlink(path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def receive(stream, *, max_bytes: int) -> TempBlob:
    """Copy ``stream`` to a new temp file, hashing it; :class:`TooLarge` (nothing left) past the limit."""
    folder = temp_dir()
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix="up-", dir=folder)
    digest, size = hashlib.sha256(), 0
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise TooLarge(max_bytes)
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        _unlink(name)
        raise
    return TempBlob(Path(name), digest.hexdigest(), size)


def keep(temp: TempBlob) -> Path:
    """Move a checked temp file into the store under its sha256 (atomic; read-only, not executable)."""
    target = blob_path(temp.sha256)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(temp.path, 0o440)
    # Replacing an existing blob puts identical bytes in place (and would heal a damaged copy).
    os.replace(temp.path, target)
    _fsync_dir(target.parent)
    return target


def discard(temp: TempBlob) -> None:
    _unlink(temp.path)


def sweep_orphans(now: datetime) -> dict[str, int]:
    """Remove temp files and unreferenced blobs older than an hour; returns how many of each."""
    cutoff = (now - ORPHAN_AGE).timestamp()
    removed = {"temp": 0, "blobs": 0}
    if temp_dir().is_dir():
        for path in temp_dir().iterdir():
            if path.is_file() and path.stat().st_mtime < cutoff:
                _unlink(path)
                removed["temp"] += 1
    if not blob_dir().is_dir():
        return removed
    referenced = set(db.session.scalars(select(EvidenceFile.sha256).distinct()))
    for path in blob_dir().glob("*/*/*"):
        if path.name in referenced or not path.is_file():
            continue
        # Look again just before removing: an upload may have put the same content back meanwhile.
        if path.stat().st_mtime < cutoff:
            _unlink(path)
            removed["blobs"] += 1
    return removed


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def verify_blobs() -> list[tuple[EvidenceFile, str]]:
    """Rows (soft-deleted ones too: they stay retrievable) whose blob is 'missing' or has a 'sha256'
    mismatch. Each blob is hashed once, however many rows share it."""
    problems, seen = [], {}
    for row in db.session.scalars(select(EvidenceFile).order_by(EvidenceFile.id)):
        if row.sha256 not in seen:
            path = blob_path(row.sha256)
            seen[row.sha256] = ("missing" if not path.is_file()
                                else None if _digest(path) == row.sha256 else "sha256")
        if seen[row.sha256]:
            problems.append((row, seen[row.sha256]))
    return problems
