"""The bulk export (admin): queued → running → done with a ZIP of one PDF per unit, the progress visible
by polling the job's region, the same state after a reload, a failure said clearly, a stalled worker
detected; run by `flask worker` or by the in-process thread. A small year (3 units) keeps it quick."""
import io
import os
import re
import zipfile
from datetime import timedelta

import pypdf
import pytest
from sqlalchemy import select

from portal.audit.models import AuditLog
from portal.db import utcnow
from portal.extensions import db
from portal.reports import documents, jobs
from portal.reports.models import ExportJob
from portal.reports.pdf import PdfRenderError
from tests.web.reports_setup import small_year

PASSWORD = "demo-cchc-2022"


@pytest.fixture
def world(app, ctx, monkeypatch):
    monkeypatch.setitem(app.config, "REPORTS_WORKER", "external")   # the test runs the worker itself
    return small_year()


@pytest.fixture
def admin(world, auth):
    return auth.login("admin", PASSWORD)


def _queue(admin, world, kind="unit_self") -> int:
    response = admin.post(f"/reports/{world.year_id}/exports", data={"kind": kind})
    assert response.status_code == 303
    match = re.search(r"/reports/exports/(\d+)$", response.headers["Location"])
    return int(match.group(1))


def _widget(html: str) -> str:
    match = re.search(r'<article id="export-job-\d+".*?</article>', html, re.DOTALL)
    assert match, html[:500]
    return match.group(0)


def test_queued_running_done_with_progress_by_polling_and_a_zip(admin, world):
    job_id = _queue(admin, world)
    page = admin.get(f"/reports/exports/{job_id}").get_data(as_text=True)
    widget = _widget(page)
    assert "Đang chờ" in widget and 'hx-trigger="every 2s"' in widget
    assert '<progress max="3" value="0">' in widget
    for _ in range(2):                                   # the reports page lists it, reload after reload
        listing = admin.get(f"/reports/{world.year_id}").get_data(as_text=True)
        assert f'id="export-job-{job_id}"' in listing and "Báo cáo tự đánh giá của từng đơn vị" in listing

    polled = []

    def look(job_id, done, total):
        response = admin.get(f"/reports/exports/{job_id}", htmx=True)
        polled.append((done, response.get_data(as_text=True)))

    job = jobs.run_job(job_id, on_progress=look)
    assert job.status == "done" and (job.done, job.total) == (3, 3)
    done, fragment = polled[0]
    assert done == 1 and "<html" not in fragment                       # the region only, for htmx
    assert "Đang xuất" in fragment and "Đã xuất 1/3 đơn vị (33%)" in fragment
    assert '<progress max="3" value="1">' in fragment and 'hx-trigger="every 2s"' in fragment

    reloaded = _widget(admin.get(f"/reports/exports/{job_id}").get_data(as_text=True))   # a reload: same state
    assert "Đã xong" in reloaded and "hx-trigger" not in reloaded        # finished: polling stops
    download = admin.get(f"/reports/exports/{job_id}/download")
    assert download.status_code == 200 and download.headers["Content-Type"] == "application/zip"
    assert 'filename="bao-cao-tu-danh-gia-2022-tat-ca-don-vi.zip"' in download.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        names = archive.namelist()
        assert names == ["1-cac-so-ban-nganh-tinh/001-tu-danh-gia-2022-so-lao-dong-thuong-binh-va-xa-hoi.pdf",
                         "1-cac-so-ban-nganh-tinh/002-tu-danh-gia-2022-so-tu-phap.pdf",
                         "2-ubnd-cac-huyen-thi-xa-thanh-pho/003-tu-danh-gia-2022-ubnd-huyen-tinh-bien.pdf"]
        text = pypdf.PdfReader(io.BytesIO(archive.read(names[2]))).pages[0].extract_text()
    assert "UBND huyện Tịnh Biên" in " ".join(text.split())
    assert f"/reports/exports/{job_id}/download" in admin.get(f"/reports/{world.year_id}").get_data(as_text=True)


def test_htmx_request_is_audited_answers_with_the_panel_and_a_second_one_joins_it(admin, world):
    response = admin.post(f"/reports/{world.year_id}/exports", data={"kind": "unit_self"}, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith('<section id="export-panel"')
    assert "Đã đưa yêu cầu xuất vào hàng đợi: 3 đơn vị." in html and 'hx-trigger="every 2s"' in html
    first = db.session.scalar(select(ExportJob.id))
    assert _queue(admin, world) == first                 # the same kind while it runs: the same job
    again = admin.post(f"/reports/{world.year_id}/exports", data={"kind": "unit_self"}, htmx=True)
    assert "Yêu cầu xuất loại này đang chạy" in again.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(ExportJob)) == 1
    row = db.session.scalar(select(AuditLog).where(AuditLog.action == "report_export_queue"))
    assert row.new == {"kind": "unit_self", "units": 3} and row.object_id == str(first)


def test_a_failure_is_said_clearly_and_stops_polling(admin, world, monkeypatch):
    real = documents.self_report
    calls = {"n": 0}

    def breaking(assessment, year, **kw):
        calls["n"] += 1
        if calls["n"] == 2:
            raise PdfRenderError("xhtml2pdf: 0 error(s), 1 warning(s): No font can draw 'ệ'")
        return real(assessment, year, **kw)

    monkeypatch.setattr(documents, "self_report", breaking)
    job_id = _queue(admin, world)
    job = jobs.run_job(job_id)
    assert job.status == "failed" and job.done == 1
    widget = _widget(admin.get(f"/reports/exports/{job_id}").get_data(as_text=True))
    assert 'role="alert"' in widget and "hx-trigger" not in widget
    assert "Xuất báo cáo không thành công (đã xong 1/3 đơn vị): Sở Tư pháp: PdfRenderError" in widget
    assert admin.get(f"/reports/exports/{job_id}/download").status_code == 404
    assert not [n for n in os.listdir(jobs.exports_dir()) if n.endswith(".part")]   # no half-written ZIP left


def test_a_stalled_job_is_shown_and_then_marked_failed(admin, world):
    job_id = _queue(admin, world)
    job = db.session.get(ExportJob, job_id)
    job.status, job.updated_at = "running", utcnow() - timedelta(minutes=11)
    db.session.commit()
    widget = _widget(admin.get(f"/reports/exports/{job_id}").get_data(as_text=True))
    assert "tiến trình xuất có thể đã dừng" in widget and "hx-trigger" not in widget
    assert jobs.run_pending() == 0
    db.session.expire_all()
    assert db.session.get(ExportJob, job_id).status == "failed"
    assert _queue(admin, world) != job_id                    # a new request is accepted


def _stub_renderer(monkeypatch):
    """The worker tests below are about who runs the queue; rendering is proven by the first test."""
    from portal.reports.pdf import PdfResult
    monkeypatch.setattr(documents, "render_pdf", lambda html, **kw: PdfResult(b"%PDF-1.4 stub", 0, 0))


def test_flask_worker_command_runs_the_queue(app, admin, world, monkeypatch):
    _stub_renderer(monkeypatch)
    job_id = _queue(admin, world)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "Đã chạy 1 yêu cầu xuất." in result.output
    db.session.expire_all()
    assert db.session.get(ExportJob, job_id).status == "done"


def test_the_in_process_worker_runs_the_job_in_the_background(app, admin, world, monkeypatch):
    _stub_renderer(monkeypatch)
    monkeypatch.setitem(app.config, "REPORTS_WORKER", "thread")
    job_id = _queue(admin, world)
    jobs.worker_of(app).join(timeout=120)
    db.session.expire_all()
    assert db.session.get(ExportJob, job_id).status == "done"


def test_bad_or_refused_requests(admin, world, auth):
    response = admin.post(f"/reports/{world.year_id}/exports", data={})
    assert response.status_code == 422 and "Hãy chọn loại báo cáo cần xuất." in response.get_data(as_text=True)
    chair = auth.login("chutich", PASSWORD)
    assert chair.post(f"/reports/{world.year_id}/exports", data={"kind": "unit_self"}).status_code == 403
    assert chair.get("/reports/exports/1").status_code == 403
    world.year().phase = "setup"
    db.session.commit()
    response = admin.post(f"/reports/{world.year_id}/exports", data={"kind": "unit_self"})
    assert response.status_code == 403 and "giai đoạn thiết lập" in response.get_data(as_text=True)


def test_only_the_three_newest_zips_are_kept_per_kind(app, admin, world, monkeypatch):
    _stub_renderer(monkeypatch)
    job_ids, names = [], {}
    for _ in range(jobs.KEEP_ZIPS + 2):
        job_ids.append(_queue(admin, world))
        db.session.commit()
        assert app.test_cli_runner().invoke(args=["worker", "--once"]).exit_code == 0
        db.session.expire_all()
        names[job_ids[-1]] = db.session.get(ExportJob, job_ids[-1]).result_path   # its ZIP when it finished
    other = _queue(admin, world, kind="unit_appraisal")          # another kind is counted apart
    db.session.commit()
    app.test_cli_runner().invoke(args=["worker", "--once"])
    db.session.expire_all()
    rows = {job_id: db.session.get(ExportJob, job_id) for job_id in job_ids + [other]}
    assert all(row.status == "done" for row in rows.values())
    kept = [job_id for job_id in job_ids if rows[job_id].result_path]
    assert kept == job_ids[-jobs.KEEP_ZIPS:] and rows[other].result_path
    files = set(os.listdir(os.path.join(app.instance_path, "exports")))     # the folder is the session's
    assert {rows[j].result_path for j in kept + [other]} <= files
    assert all(names[j] and names[j] not in files for j in job_ids[:2])       # the two oldest were removed
    removed = admin.get(f"/reports/exports/{job_ids[0]}")
    assert "đã được xóa" in removed.get_data(as_text=True)
    assert admin.get(f"/reports/exports/{job_ids[0]}/download").status_code == 404
    assert admin.get(f"/reports/exports/{kept[0]}/download").status_code == 200
