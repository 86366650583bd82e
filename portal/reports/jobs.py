"""Xuất hàng loạt — the background export of one per-unit report for every unit, as a ZIP.

The job's state lives in the database (ExportJob: queued → running → done | failed, with done/total), so
its page survives a reload and any process may run it. A job is claimed with one conditional UPDATE
(status queued → running), so two workers never run the same job. Who runs it:

- the embedded default (REPORTS_WORKER = "thread"): a small in-process worker thread, started when a job
  is queued and ending when the queue is empty;
- multi-process deployments (REPORTS_WORKER = "external", e.g. gunicorn -w 4): `flask worker`, one
  separate process polling the queue (portal/reports/commands.py).

A job whose worker died (no progress for STALE_AFTER) is marked failed by the next worker run, and the
page says so; the admin queues a new one. On SQLite, reading and rendering run in deferred (read)
transactions and each progress update in its own short write transaction, so the export never holds the
write lock while xhtml2pdf renders.
"""
import logging
import os
import secrets
import threading
import zipfile
from contextlib import contextmanager
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from portal.assessments.models import Assessment
from portal.audit.services import record
from portal.db import utcnow, write_transaction
from portal.extensions import db
from portal.reports import data, documents
from portal.reports.models import ExportJob
from portal.text import fold_key
from portal.units.types import sort_key
from portal.years.models import AssessmentYear
from portal.units.types import year_types

log = logging.getLogger("portal.reports.jobs")
STALE_AFTER = timedelta(minutes=10)
KEEP_ZIPS = 3   # finished ZIPs kept per year and kind; older ones are removed when a new one is done
KIND_FILES = {"unit_self": "bao-cao-tu-danh-gia", "unit_appraisal": "ket-qua-tham-dinh"}


def exports_dir() -> str:
    path = os.path.join(current_app.instance_path, "exports")
    os.makedirs(path, exist_ok=True)
    return path


def result_file(job: ExportJob) -> str | None:
    """Absolute path of a finished job's ZIP, or None (never outside the exports folder)."""
    name = job.result_path or ""
    if not name or os.path.basename(name) != name or name.startswith("."):
        return None
    path = os.path.join(exports_dir(), name)
    return path if os.path.isfile(path) else None


def download_name(job: ExportJob, year) -> str:
    return f"{KIND_FILES.get(job.kind, 'bao-cao')}-{year.year}-tat-ca-don-vi.zip"


def is_stalled(job: ExportJob, now) -> bool:
    """An unfinished job that has not moved for STALE_AFTER: its worker has most likely stopped."""
    return not job.finished and job.updated_at is not None and now - job.updated_at > STALE_AFTER


def open_job(year_id: int, kind: str, now) -> ExportJob | None:
    """The queued or running job of this kind for the year that is still alive, if any."""
    jobs = db.session.scalars(select(ExportJob).where(
        ExportJob.year_id == year_id, ExportJob.kind == kind, ExportJob.status.in_(("queued", "running"))))
    return next((j for j in jobs if not is_stalled(j, now)), None)


def recent_jobs(year_id: int, limit: int = 10) -> list[ExportJob]:
    return list(db.session.scalars(select(ExportJob).where(ExportJob.year_id == year_id)
                                   .order_by(ExportJob.id.desc()).limit(limit)))


def create_job(year, kind: str, *, user, now) -> tuple[ExportJob, bool]:
    """Queue an export (audited) — or return the one already under way: (job, created). The caller has
    checked can_export_all and commits."""
    existing = open_job(year.id, kind, now)
    if existing is not None:
        return existing, False
    total = len(_assessment_ids(year.id))
    job = ExportJob(kind=kind, year_id=year.id, requested_by_id=user.id, status="queued", done=0, total=total,
                    created_at=now, updated_at=now)
    db.session.add(job)
    db.session.flush()
    record("report_export_queue", "export_job", job.id, actor=user, year_id=year.id,
           new={"kind": kind, "units": total})
    return job, True


def _assessment_ids(year_id: int) -> list[int]:
    return list(db.session.scalars(select(Assessment.id).where(Assessment.year_id == year_id)))


# ------------------------------------------------------------------------------------------ running


@contextmanager
def _writing():
    """One short write transaction (BEGIN IMMEDIATE on SQLite), committed at the end."""
    token = write_transaction.set(True)
    try:
        yield
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    finally:
        write_transaction.reset(token)


def _set(job_id: int, **values) -> int:
    with _writing():
        values.setdefault("updated_at", utcnow())
        return db.session.execute(update(ExportJob).where(ExportJob.id == job_id).values(**values)).rowcount


def _claim(job_id: int) -> bool:
    with _writing():
        claimed = db.session.execute(update(ExportJob).where(ExportJob.id == job_id, ExportJob.status == "queued")
                                     .values(status="running", done=0, updated_at=utcnow())).rowcount
    return claimed == 1


def reap_stalled(now) -> int:
    """Mark the running jobs whose worker stopped as failed, so the page says so."""
    with _writing():
        stalled = [j for j in db.session.scalars(select(ExportJob).where(ExportJob.status == "running"))
                   if is_stalled(j, now)]
        for job in stalled:
            job.status, job.updated_at = "failed", now
            job.error = "tiến trình xuất đã dừng giữa chừng (máy chủ khởi động lại hoặc tiến trình bị dừng)"
    return len(stalled)


def _report(kind: str, assessment, year, today):
    if kind == "unit_self":
        return documents.self_report(assessment, year, today=today)
    return documents.appraisal_report(assessment, year, today=today)


def _type_folders(year) -> dict[str, str]:
    """{unit type: its folder in the ZIP}, e.g. "1-cac-so-ban-nganh-tinh", "2-ubnd-cac-xa-phuong-dac-khu"."""
    return {t.code: f"{n}-{documents.slug(t.heading or t.name)}" for n, t in enumerate(year_types(year), start=1)}


def run_job(job_id: int, *, on_progress=None) -> ExportJob | None:
    """Run one queued job to its end: one PDF per unit in a ZIP, progress committed after each unit.
    Returns the job (None if another worker claimed it first). `on_progress(job_id, done, total)` is
    called after each committed step (the tests look at the page there)."""
    if not _claim(job_id):
        return None
    name = f"export-{job_id}-{secrets.token_hex(8)}.zip"
    final_path = os.path.join(exports_dir(), name)
    partial = final_path + ".part"
    current = ""
    token = write_transaction.set(False)
    try:
        job = db.session.get(ExportJob, job_id)
        year = db.session.get(AssessmentYear, job.year_id)
        today = documents.local_today(utcnow())
        assessments = [data.load_assessment(i) for i in _assessment_ids(year.id)]
        by_type = sort_key(year)
        assessments.sort(key=lambda a: (by_type(a.unit_type), fold_key(a.unit.name_in(year.id))))
        db.session.commit()
        _set(job_id, total=len(assessments))
        folders = _type_folders(year)
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            for number, assessment in enumerate(assessments, start=1):
                current = assessment.unit.name_in(year.id)
                report = _report(job.kind, assessment, year, today)
                # one folder per unit type (a year of 102 communes), numbered in the year's order
                archive.writestr(f"{folders.get(assessment.unit_type, 'khac')}/{number:03d}-{report.filename}",
                                 report.pdf)
                db.session.commit()                       # end the read transaction before writing
                _set(job_id, done=number)
                if on_progress is not None:
                    on_progress(job_id, number, len(assessments))
        os.replace(partial, final_path)
        _set(job_id, status="done", result_path=name)
        prune_exports(job.year_id, job.kind)
    except Exception as exc:  # the job must end in "failed" with the reason, whatever went wrong
        db.session.rollback()
        log.exception("export job %s failed", job_id)
        if os.path.exists(partial):
            os.remove(partial)
        where = f"{current}: " if current else ""
        _set(job_id, status="failed", error=f"{where}{type(exc).__name__}: {str(exc)[:400]}")
    finally:
        write_transaction.reset(token)
    db.session.expire_all()
    return db.session.get(ExportJob, job_id)


def prune_exports(year_id: int, kind: str, keep: int = KEEP_ZIPS) -> int:
    """Remove the ZIPs of all but the `keep` newest finished jobs of this year and kind (an export is
    a copy of reports that can be made again at any time; the instance folder must not fill up). The
    jobs stay listed, without a file. Returns how many files were removed."""
    with _writing():
        old = list(db.session.scalars(select(ExportJob).where(
            ExportJob.year_id == year_id, ExportJob.kind == kind, ExportJob.status == "done",
            ExportJob.result_path.isnot(None)).order_by(ExportJob.id.desc()).offset(keep)))
        paths = [result_file(job) for job in old]
        for job in old:
            job.result_path = None
    for path in paths:
        if path is not None:
            os.remove(path)
    return len(old)


def run_pending(*, limit: int | None = None) -> int:
    """Run queued jobs, oldest first, until none is left (or `limit` ran). Returns how many ran."""
    reap_stalled(utcnow())
    ran = 0
    while limit is None or ran < limit:
        with _writing():
            job_id = db.session.scalar(select(ExportJob.id).where(ExportJob.status == "queued")
                                       .order_by(ExportJob.id).limit(1))
        if job_id is None:
            break
        if run_job(job_id) is not None:
            ran += 1
    return ran


# ------------------------------------------------------------------------------- in-process worker


class InProcessWorker:
    """The embedded default: one daemon thread per process runs the queue, then ends."""

    def __init__(self, app) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None
        self.pending = False

    def notify(self) -> None:
        """A job was queued (and committed): make sure a thread is running the queue."""
        with self.lock:
            self.pending = True
            if self.thread is None:
                self.thread = threading.Thread(target=self._loop, name="reports-export", daemon=True)
                self.thread.start()

    def _loop(self) -> None:
        while True:
            with self.lock:
                if not self.pending:
                    self.thread = None
                    return
                self.pending = False
            with self.app.app_context():
                try:
                    run_pending()
                except Exception:  # keep the thread's failure in the log, never in a request
                    log.exception("in-process export worker failed")
                finally:
                    db.session.remove()

    def join(self, timeout: float | None = None) -> None:
        """Wait for the running thread (tests, shutdown)."""
        thread = self.thread
        if thread is not None:
            thread.join(timeout)


def worker_mode(app) -> str:
    return app.config.get("REPORTS_WORKER") or os.environ.get("REPORTS_WORKER") or "thread"


def worker_of(app) -> InProcessWorker:
    worker = app.extensions.get("reports_worker")
    if worker is None:
        worker = app.extensions["reports_worker"] = InProcessWorker(app)
    return worker


def dispatch(app) -> None:
    """After a job is committed: wake the in-process worker, unless a separate `flask worker` runs them."""
    if worker_mode(app) == "thread":
        worker_of(app).notify()
