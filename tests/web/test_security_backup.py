"""`flask check`, `flask backup` / `flask restore` and the sweeper (security.md §4.6, §6.8, §10.4).

The restore drill: the demo year filled through synthesis, with stored evidence files, is backed up online;
then data and files are lost (rows deleted, a blob removed, another overwritten); the restore brings back
exactly the backed-up database and ends with a passing integrity check and no dangling file reference.
"""
import os
import time
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from portal.assessments.models import ScoreEntry
from portal.db import utcnow
from portal.evidence import storage
from portal.evidence.models import EvidenceFile
from portal.extensions import db
from tests.web.security_world import build, db_checksum


@pytest.fixture
def world(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    w = build(app)
    with app.app_context():
        from tests.web.security_world import _pdf, _store_file
        from portal.evidence.models import EvidenceDocument
        docs = list(db.session.scalars(select(EvidenceDocument).order_by(EvidenceDocument.id).limit(3)))
        for n, doc in enumerate(docs):
            _store_file(doc, f"Báo cáo {n}.pdf", _pdf(f"BAO CAO {n}"), None)
        db.session.commit()
        db.session.remove()
    return w


def test_flask_check_passes_on_good_data(app, world):
    result = app.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 0, result.output
    assert "All invariants hold." in result.output and result.output.count(" ok") == 7


@pytest.mark.breaks_invariants
def test_flask_check_names_every_broken_invariant(app, world):
    with app.app_context():
        entry = db.session.scalar(select(ScoreEntry.id).where(ScoreEntry.points > 0).order_by(ScoreEntry.id))
        db.session.execute(text("UPDATE score_entry SET points = 999 WHERE id = :id"), {"id": entry})
        files = [(f.id, f.sha256) for f in db.session.scalars(select(EvidenceFile).order_by(EvidenceFile.id))]
        os.unlink(storage.blob_path(files[0][1]))
        path = storage.blob_path(files[1][1])
        os.chmod(path, 0o640)
        path.write_bytes(b"%PDF-1.4 altered")
        db.session.execute(text("UPDATE unit_result SET \"index\" = 101 WHERE id = (SELECT min(id) FROM unit_result)"))
        db.session.execute(text("UPDATE audit_log SET reason = 'x' WHERE id = (SELECT max(id) FROM audit_log)"))
        db.session.commit()
        db.session.remove()
    result = app.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 1
    for expected in (f"score_entry {entry}", f"evidence_file {files[0][0]}", "blob missing",
                     f"evidence_file {files[1][0]}", "blob sha256", "unit_result", "audit_log"):
        assert expected in result.output, expected


def test_backup_then_loss_then_restore_drill(app, world, tmp_path):
    runner = app.test_cli_runner()
    with app.app_context():
        before = db_checksum()
        referenced = set(db.session.scalars(select(EvidenceFile.sha256)))
        db.session.remove()
    made = runner.invoke(args=["backup", str(tmp_path / "backups")])
    assert made.exit_code == 0, made.output
    folder = next((tmp_path / "backups").iterdir())
    assert (folder / "manifest.json").is_file() and len(list((folder / "blobs").glob("*/*/*"))) == len(referenced)
    # Disaster: rows lost, one blob gone, another damaged.
    with app.app_context():
        db.session.execute(text("DELETE FROM comment_read"))
        db.session.execute(text("DELETE FROM item_evidence"))
        db.session.execute(text("DELETE FROM score_entry WHERE stage = 'round2'"))
        db.session.commit()
        lost, damaged = sorted(referenced)[:2]
        os.unlink(storage.blob_path(lost))
        os.chmod(storage.blob_path(damaged), 0o640)
        storage.blob_path(damaged).write_bytes(b"broken")
        assert db_checksum() != before
        db.session.remove()
    refused = runner.invoke(args=["restore", str(folder)])
    assert refused.exit_code != 0 and "--yes" in refused.output
    started = time.perf_counter()
    restored = runner.invoke(args=["restore", str(folder), "--yes"])
    took = time.perf_counter() - started
    assert restored.exit_code == 0, restored.output
    assert "Integrity: ok" in restored.output and "no file reference is dangling" in restored.output
    with app.app_context():
        after = db_checksum()
        missing = [sha for sha in referenced if not storage.blob_path(sha).is_file()]
        db.session.remove()
    print(f"\n[security] restore drill ({app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}): "
          f"database identical to the backup: {after == before}; dangling file references: {len(missing)}; "
          f"restore took {took:.1f} s")
    assert after == before and missing == []


def test_a_damaged_backup_is_refused_before_anything_is_touched(app, world, tmp_path):
    runner = app.test_cli_runner()
    runner.invoke(args=["backup", str(tmp_path / "b")])
    folder = next((tmp_path / "b").iterdir())
    database = next(p for p in folder.iterdir() if p.name.startswith("portal."))
    with open(database, "r+b") as fh:
        fh.seek(200)
        original = fh.read(4)
        fh.seek(200)
        fh.write(bytes(b ^ 0xFF for b in original))
    with app.app_context():
        before = db_checksum()
        db.session.remove()
    result = runner.invoke(args=["restore", str(folder), "--yes"])
    assert result.exit_code != 0 and "damaged" in result.output
    with app.app_context():
        assert db_checksum() == before


def test_the_sweeper_removes_orphans_and_old_temp_files_only(app, world):
    with app.app_context():
        kept = set(db.session.scalars(select(EvidenceFile.sha256)))
        temp = storage.receive(__import__("io").BytesIO(b"%PDF-1.4 orphan"), max_bytes=1000)
        orphan = storage.keep(temp)
        fresh = storage.keep(storage.receive(__import__("io").BytesIO(b"%PDF-1.4 in flight"), max_bytes=1000))
        leftover = storage.temp_dir() / "up-crashed"
        leftover.write_bytes(b"partial")
        old = time.time() - 2 * 3600
        for path in (orphan, leftover):
            os.utime(path, (old, old))
        db.session.remove()
    result = app.test_cli_runner().invoke(args=["sweep-uploads"])
    assert "Removed 1 temp file(s) and 1 orphan file(s)." in result.output
    assert not orphan.exists() and not leftover.exists() and fresh.exists()     # the recent one may be in flight
    with app.app_context():
        assert all(storage.blob_path(sha).is_file() for sha in kept)
        assert storage.sweep_orphans(utcnow() + timedelta(hours=2))["blobs"] == 1   # … until it is old enough
