"""Benchmark of the commune year: the demo's 2025 (15 departments and 102 communes, filled to synthesis
with the 2022 history published): seeding, the council board and the progress board (p95 of REQUESTS
requests each, through the app), computing the results, the results document (with each department's
predecessors), the synthesis report with its 102-row commune table and the ZIP of every unit's appraisal
notice (the background export job, with its progress steps). Prints medians of REPEAT runs, wall clock and
CPU, and "budget OK/OVER" beside each figure with a budget of issue 14 (boards p95 < 150 ms, results
< 1 s, synthesis PDF < 5 s); never asserts. --quick skips the ZIP (about a minute).

The same year is part of the provincial bench too (bench/bench_pages.py, kind "communes", section 2 of
`make bench` and of `make bench BENCH_ARGS=--quick`): workspace, save, council board, progress board
(`BUDGETS`), ranking and this script's `synthesis_pdf`; `make bench` runs this script whole only in a full run.

Run from the repository root:  .venv/bin/python bench/bench_communes.py [--quick]
DATABASE_URL selects another database than a temporary SQLite file.
"""
import io
import os
import re
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_reports import make_app, timed

REPEAT = 3
REQUESTS = 30
BUDGETS = {"board": 0.150, "progress": 0.150, "compute": 1.0, "synthesis": 5.0}


def verdict(seconds: float, budget: float) -> str:
    return f"budget < {budget * 1e3:.0f} ms" if budget < 1 else f"budget < {budget:.0f} s"


def ok(seconds: float, budget: float) -> str:
    return "budget OK" if seconds < budget else "budget OVER"


def page_p95(client, url: str) -> tuple[float, int]:
    """(p95 seconds, bytes) of REQUESTS GETs of `url` after one warm-up request."""
    from bench.common import percentile
    client.get(url)
    seconds = []
    cpu = time.process_time()
    for _ in range(REQUESTS):
        start = time.perf_counter()
        response = client.get(url)
        seconds.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    page_p95.cpu = (time.process_time() - cpu) / REQUESTS
    return percentile(seconds, 95), len(response.get_data())


def _median(build, repeat: int = REPEAT) -> tuple[float, float, object]:
    runs = []
    for _ in range(repeat):
        seconds, result = timed(build)
        runs.append((seconds, timed.cpu, result))
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs), runs[-1][2]


def main() -> None:
    from portal.db import utcnow
    from portal.extensions import db
    from portal.results.document import results_document
    from portal.results.services import compute_results
    from portal.seed_2025 import seed_demo_years

    app = make_app()
    with app.app_context():
        db.drop_all()
        db.create_all()
        seconds, seeded = timed(lambda: seed_demo_years(now=utcnow(), phase="synthesis"))
        db.session.commit()
        year, admin = seeded["year"], None
        from portal.auth.models import User
        admin = db.session.scalar(db.select(User).where(User.username == "admin"))
        document = results_document(year)
        counts = [len(t["units"]) for t in document["types"]]
        print(f"Commune year {year.year}: {' + '.join(map(str, counts))} units; seed-demo --year 2025 --phase "
              f"synthesis (2022 published too) in {seconds:.1f} s ({db.engine.dialect.name}); load "
              f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores)")
        # The pages are measured as a gunicorn worker serves them: its start-up heap frozen out of the garbage
        # collector's view with the portal's thresholds (gunicorn.conf.py → portal.gc_tuning); with CPython's
        # defaults a full collection lands on about one request in thirteen (120–190 ms instead of ~55 ms).
        from portal.gc_tuning import tune
        tune(app)
        print(f"\n{'step':<40}{'median s':>10}{'CPU s':>8}  notes (pages: p95 wall, mean CPU a request; GC as in a "
              "gunicorn worker)")
        client = app.test_client()
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
        client.post("/login", data={"username": "admin", "password": "demo-cchc-2022", "csrf_token": token})
        for key, label, url in (("board", "council board (admin), p95", "/appraisal/"),
                                ("board", "council board, communes, p95", "/appraisal/?type=commune"),
                                ("progress", "progress board (admin), p95", f"/admin/year/{year.id}/progress"),
                                (None, "assignments page (admin), p95", "/appraisal/assignments")):
            p95, size = page_p95(client, url)
            budget = f"{verdict(p95, BUDGETS[key])}: {ok(p95, BUDGETS[key])}" if key else "no budget"
            print(f"{label:<40}{p95:>10.3f}{page_p95.cpu:>8.3f}  {size // 1024} KiB raw; {budget}")
        wall, cpu, _r = _median(lambda: compute_results(year, user=admin, now=utcnow()))
        db.session.commit()
        print(f"{'compute results (117 units)':<40}{wall:>10.2f}{cpu:>8.2f}  {verdict(wall, BUDGETS['compute'])}: "
              f"{ok(wall, BUDGETS['compute'])}")
        wall, cpu, document = _median(lambda: results_document(year))
        lineage = sum(1 for t in document["types"] for u in t["units"] if u.get("lineage"))
        print(f"{'results document':<40}{wall:>10.2f}{cpu:>8.2f}  {lineage} units with predecessors")
        pdf = synthesis_pdf(year)
        print(f"{'synthesis PDF':<40}{pdf['wall']:>10.2f}{pdf['cpu']:>8.2f}  {pdf['note']}; "
              f"{verdict(pdf['wall'], BUDGETS['synthesis'])}: {ok(pdf['wall'], BUDGETS['synthesis'])}")
        if "--quick" not in sys.argv:
            zip_export(year, admin)
        print(f"\nload {' '.join(f'{x:.1f}' for x in os.getloadavg())} at the end (2 cores)")


def synthesis_pdf(year, repeat: int = REPEAT) -> dict:
    """The synthesis report of the year (results document and PDF), median of `repeat` builds: wall and CPU
    seconds, and a note with its pages, size and how many pages repeat the commune table's header row."""
    import pypdf

    from portal.reports import documents
    from portal.results.document import results_document
    wall, cpu, report = _median(lambda: documents.synthesis_report(year, results_document(year),
                                                                   today=date(2026, 3, 1)), repeat)
    reader = pypdf.PdfReader(io.BytesIO(report.pdf))
    heads = sum(1 for page in reader.pages if "Xếp hạng" in page.extract_text() or "Hạng" in page.extract_text())
    return {"wall": wall, "cpu": cpu, "pages": len(reader.pages),
            "note": f"{len(reader.pages)} pages, {len(report.pdf) // 1024} KiB, a table header on {heads} pages"}


def zip_export(year, admin) -> None:
    """The admin's "Xuất tất cả đơn vị": every unit's appraisal notice in one ZIP, run as the background job
    runs it (progress committed after each unit)."""
    import zipfile

    from portal.db import utcnow
    from portal.extensions import db
    from portal.reports.jobs import create_job, result_file, run_job
    job, _created = create_job(year, "unit_appraisal", user=admin, now=utcnow())
    db.session.commit()
    steps = []
    seconds, done = timed(lambda: run_job(job.id, on_progress=lambda _j, n, total: steps.append(n)))
    cpu = timed.cpu
    with zipfile.ZipFile(result_file(done)) as archive:
        names = archive.namelist()
    folders = sorted({n.split("/")[0] for n in names})
    print(f"{'ZIP of every appraisal notice':<40}{seconds:>10.1f}{cpu:>8.1f}  {len(names)} PDFs in {folders}, "
          f"{len(steps)} progress steps, status {done.status}; "
          f"{seconds / max(1, len(names)):.2f} s a unit (time printed, no budget)")


if __name__ == "__main__":
    main()
