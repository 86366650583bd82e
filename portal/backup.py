"""Sao lưu và khôi phục — online backup and restore of the database and the evidence files
(``flask backup``, ``flask restore``; security.md §10.4).

A backup is one folder ``cchc-backup-<UTC time>/`` holding:

* ``portal.sqlite3`` — an online copy made with SQLite's backup API while the portal keeps serving (never a
  ``cp`` of a live WAL database), or ``portal.pgdump`` — ``pg_dump --format=custom`` on PostgreSQL;
* ``blobs/`` — the evidence files, copied *after* the database: blobs never change once stored, so every
  file the copied database refers to is already in the store (a file uploaded meanwhile is simply not in
  this backup's database either);
* ``manifest.json`` — what was copied, with sha256 sums, checked again before a restore.

A restore (with the portal stopped) puts the database back, adds the blobs to the store, then runs the
integrity checks: ``PRAGMA integrity_check`` on SQLite, and every invariant of ``flask check``, including
"every file row has its blob with the right sha256" — so a drill ends with a verdict, not a hope.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from datetime import datetime, timezone
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.engine import make_url

from portal.evidence.models import EvidenceFile
from portal.extensions import db

MANIFEST = "manifest.json"
SQLITE_FILE = "portal.sqlite3"
PG_FILE = "portal.pgdump"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _url():
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _sqlite_path() -> Path:
    database = _url().database
    if not database or database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return Path(database)


def _libpq_url() -> str:
    """The URL for pg_dump / pg_restore (they speak libpq, not SQLAlchemy)."""
    return _url().set(drivername="postgresql").render_as_string(hide_password=False)


def _pg_tool(name: str) -> str:
    tool = shutil.which(name)
    if tool is None:
        raise BackupError(
            f"{name} was not found. On PostgreSQL the backup uses the server's own tools: install the "
            f"PostgreSQL client (Debian: apt-get install postgresql-client) or back up with your usual "
            f"{name} routine and copy the uploads folder after it.")
    return tool


def _blob_root() -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / "blobs"


def _copy_blobs(source: Path, target: Path, *, only: set[str] | None = None) -> tuple[int, int]:
    """Copy blob files (sha256-named) from one store to another; returns (files, bytes)."""
    count = size = 0
    if not source.is_dir():
        return 0, 0
    for path in sorted(source.glob("*/*/*")):
        if not path.is_file() or (only is not None and path.name not in only):
            continue
        dest = target / path.relative_to(source)
        if dest.exists() and dest.stat().st_size == path.stat().st_size:
            count, size = count + 1, size + path.stat().st_size
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(dest.name + ".part")
        shutil.copyfile(path, tmp)
        os.replace(tmp, dest)
        count, size = count + 1, size + path.stat().st_size
    return count, size


def _referenced_blobs() -> set[str]:
    return set(db.session.scalars(select(EvidenceFile.sha256).distinct()))


def make_backup(dest_root: str | os.PathLike, *, now: datetime | None = None) -> Path:
    """Write a backup folder under ``dest_root``; returns its path."""
    now = now or datetime.now(timezone.utc)
    folder = Path(dest_root) / f"cchc-backup-{now.strftime('%Y%m%d-%H%M%S')}"
    if folder.exists():
        raise BackupError(f"{folder} already exists; choose another folder or wait a second.")
    folder.mkdir(parents=True)
    kind = db.engine.dialect.name
    if kind == "sqlite":
        target = folder / SQLITE_FILE
        source = sqlite3.connect(f"file:{_sqlite_path()}?mode=ro", uri=True)
        copy = sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy)        # an online, consistent snapshot (pages copied under a read lock)
            copy.execute("PRAGMA journal_mode=DELETE")   # one self-contained file, no -wal beside it
        finally:
            copy.close()
            source.close()
        database_file = target
        referenced = _referenced_from_sqlite(target)
    elif kind == "postgresql":
        database_file = folder / PG_FILE
        result = subprocess.run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                                 f"--file={database_file}", f"--dbname={_libpq_url()}"],
                                capture_output=True, text=True)
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()[:500]}")
        referenced = _referenced_blobs()   # read after the dump: a superset of what the dump refers to
    else:
        raise BackupError(f"Backing up a {kind} database is not supported.")
    blobs, size = _copy_blobs(_blob_root(), folder / "blobs", only=None)
    missing = sorted(sha for sha in referenced if not (folder / "blobs" / sha[:2] / sha[2:4] / sha).is_file())
    manifest = {
        "created_at": now.isoformat(), "database": kind, "database_file": database_file.name,
        "database_sha256": _sha256(database_file), "blobs": blobs, "blob_bytes": size,
        "referenced_blobs": len(referenced), "missing_blobs": missing,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return folder


def _referenced_from_sqlite(path: Path) -> set[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        return {row[0] for row in conn.execute("SELECT DISTINCT sha256 FROM evidence_file")}
    except sqlite3.OperationalError:
        return set()
    finally:
        conn.close()


def read_manifest(folder: str | os.PathLike) -> dict:
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BackupError(f"{folder} is not a portal backup (no readable {MANIFEST}).") from None
    database_file = folder / manifest["database_file"]
    if not database_file.is_file() or _sha256(database_file) != manifest["database_sha256"]:
        raise BackupError(f"{database_file.name} is missing or damaged (its sha256 does not match the manifest).")
    for path in (folder / "blobs").glob("*/*/*") if (folder / "blobs").is_dir() else ():
        if path.is_file() and _sha256(path) != path.name:
            raise BackupError(f"Evidence file {path.name} in the backup is damaged.")
    return manifest


def restore_backup(folder: str | os.PathLike) -> dict:
    """Put a backup back (the portal must be stopped). Returns the manifest and the integrity verdicts."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    kind = db.engine.dialect.name
    if manifest["database"] != kind:
        raise BackupError(f"This backup is of a {manifest['database']} database; the portal is configured "
                          f"for {kind}. Set DATABASE_URL to a {manifest['database']} database first.")
    db.session.remove()
    db.engine.dispose()
    if kind == "sqlite":
        source = sqlite3.connect(f"file:{folder / SQLITE_FILE}?mode=ro&immutable=1", uri=True)
        target = sqlite3.connect(_sqlite_path())
        try:
            with target:
                source.backup(target)       # page by page into the live file, under its write lock
        finally:
            target.close()
            source.close()
    else:
        result = subprocess.run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
                                 "--single-transaction", f"--dbname={_libpq_url()}", str(folder / PG_FILE)],
                                capture_output=True, text=True)
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()[:500]}")
    db.engine.dispose()
    _copy_blobs(folder / "blobs", _blob_root())
    return {"manifest": manifest, **integrity_report()}


def integrity_report() -> dict:
    """{"integrity": 'ok' or SQLite's complaint, "violations": {check: [...]}} of the current database."""
    from portal.audit.invariants import check_all
    verdict = "ok"
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as conn:
            rows = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check").all()]
        verdict = "ok" if rows == ["ok"] else "; ".join(rows[:5])
    violations = check_all()
    db.session.remove()
    return {"integrity": verdict, "violations": violations}
