"""Active content over HTTP (issue 17): the 21 crafted files are answered 422 with a message that names
what was found and what to do, are logged, and leave nothing on disk; the 20 real office files are
stored and come back byte for byte. Then the optional ClamAV scan: a real ``clamd`` (Debian's
clamav-daemon) started with a signature file this test writes refuses one infected upload and lets one
clean upload through; a configured daemon that does not answer refuses (fail closed)."""
import logging
import os
import shutil
import subprocess
import time

import pytest
from sqlalchemy import func, select

from portal.evidence.models import EvidenceFile
from portal.extensions import db
from tests import evidence_pdfs as pdfs
from tests.evidence_corpus import crafted_active_files, real_office_files
from tests.evidence_samples import pdf_bytes
from tests.evidence_world import upload, world  # noqa: F401  (fixture)
from tests.web.security_world import enable_portal_logs

SAYS = {"pdf_active": "nội dung tự chạy", "scan_budget": "giới hạn", "office_external": "liên kết tự tải",
        "office_dde": "DDE", "office_ole": "đối tượng nhúng", "virus": "virus", "macro": "macro"}


def _stored() -> int:
    return db.session.scalar(select(func.count()).select_from(EvidenceFile))


def test_crafted_files_are_refused_over_http_with_what_was_found(world, caplog):
    caplog.set_level(logging.WARNING, logger="portal.evidence")
    enable_portal_logs()              # Alembic's logging set-up (the migration tests) switched them off
    client, doc = world.client("staff A"), world.document()
    refused, unclear = 0, []
    for label, name, data, code in crafted_active_files():
        response = upload(client, doc.id, [(name, data)], htmx=True)
        html = response.get_data(as_text=True)
        refused += response.status_code == 422
        if 'role="alert"' not in html or SAYS[code] not in html or "Hãy" not in html:
            unclear.append(label)
    logged = [r for r in caplog.records if r.getMessage().startswith("upload refused")]
    print(f"\n[security] crafted active content over HTTP: {refused}/21 refused, {len(logged)} logged")
    assert refused == 21 and unclear == [] and len(logged) == 21
    assert _stored() == 0 and world.files_on_disk() == {"blobs": [], "tmp": [], "other": []}


def test_real_office_files_are_stored_and_come_back_exact(world):
    client, doc = world.client("staff A"), world.document()
    files = real_office_files()
    accepted = sum(upload(client, doc.id, [(name, data)], htmx=True).status_code == 200 for name, data in files)
    rows = list(db.session.scalars(select(EvidenceFile).order_by(EvidenceFile.id)))
    exact = sum(client.get(f"/evidence/files/{row.id}/download").get_data() == data
                for row, (_name, data) in zip(rows, files))
    print(f"\n[security] real office files over HTTP: {accepted}/20 accepted, {exact} came back exact")
    assert accepted == 20 and exact == 20


def test_a_configured_virus_scanner_that_does_not_answer_refuses(world, tmp_path, monkeypatch):
    monkeypatch.setitem(world.app.config, "CLAMD_SOCKET", str(tmp_path / "absent.sock"))
    client, doc = world.client("staff A"), world.document()
    response = upload(client, doc.id, [("Báo cáo.pdf", pdf_bytes())], htmx=True)
    assert response.status_code == 422 and "dịch vụ quét virus" in response.get_data(as_text=True)
    assert _stored() == 0 and world.files_on_disk()["blobs"] == []


# --------------------------------------------------------------------------------------- ClamAV


MARKER = b"CCHC-TEST-MALWARE-MARKER-7f3a"


@pytest.fixture(scope="module")
def clamd(tmp_path_factory):
    """A clamd of our own: a signature database with one body signature, a Unix socket, in a temp folder."""
    binary = shutil.which("clamd") or ("/usr/sbin/clamd" if os.path.exists("/usr/sbin/clamd") else None)
    if binary is None:
        pytest.skip("clamd is not installed (apt-get install clamav-daemon; .ci/run installs it)")
    home = tmp_path_factory.mktemp("clamd")
    (home / "db").mkdir()
    (home / "db" / "portal.ndb").write_text(f"Portal.Test.Marker:0:*:{MARKER.hex()}\n")
    socket_path = home / "clamd.sock"
    (home / "clamd.conf").write_text(f"LocalSocket {socket_path}\nDatabaseDirectory {home / 'db'}\nForeground yes\n"
                                     f"TemporaryDirectory {home}\nLogFile {home / 'clamd.log'}\n")
    started = time.perf_counter()
    process = subprocess.Popen([binary, "-c", str(home / "clamd.conf")], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        while not socket_path.exists() and process.poll() is None and time.perf_counter() - started < 60:
            time.sleep(0.1)
        if not socket_path.exists():
            pytest.fail(f"clamd did not start: {(home / 'clamd.log').read_text(errors='replace')[-2000:]}")
        print(f"\n[security] clamd ready in {time.perf_counter() - started:.1f} s")
        yield str(socket_path)
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_clamd_refuses_an_infected_upload_and_stores_a_clean_one(world, clamd, monkeypatch):
    monkeypatch.setitem(world.app.config, "CLAMD_SOCKET", clamd)
    client, doc = world.client("staff A"), world.document()
    objects = pdfs.page_tree()
    objects[6] = pdfs.stream(b"/Type /Metadata /Subtype /XML", b"<x>" + MARKER + b"</x>")
    infected = pdfs.pdf_document(objects)           # a valid PDF: only the virus scanner can refuse it
    refused = upload(client, doc.id, [("Nhiễm.pdf", infected)], htmx=True)
    clean = upload(client, doc.id, [("Sạch.pdf", pdf_bytes())], htmx=True)
    html = refused.get_data(as_text=True)
    print(f"\n[security] clamd: infected upload → {refused.status_code}, clean upload → {clean.status_code}")
    assert refused.status_code == 422 and "Portal.Test.Marker" in html and "virus" in html
    assert clean.status_code == 200 and _stored() == 1
    assert len(world.files_on_disk()["blobs"]) == 1 and world.files_on_disk()["tmp"] == []
