"""Benchmark of the official reports on the demo year of An Giang (31 units, appraised, surveyed,
computed, approved): time and peak memory of the synthesis report (goal: under 5 s) and of the per-unit
reports of every unit (goal: under 1 s each), plus the council report, the annex, the two spreadsheets
and the bulk export of all units. Prints figures; never asserts.

Time is wall-clock of the whole build (queries, template, xhtml2pdf), the median of REPEAT runs for the
year-wide reports and every unit once for the per-unit ones; the CPU time of the process is printed next
to it, since on a shared 2-core machine the wall clock also counts other people's work (compare the two
and the load average printed at the start). Peak memory is measured in a separate pass
with tracemalloc (Python allocations of that one build; tracemalloc slows the build, so its time is not
reported), and the process's peak RSS at the end.

Run from the repository root:  .venv/bin/python bench/bench_reports.py [--png DIR]
(`--png DIR` also writes page 1 of each report as PNG at 50 dpi with pdftoppm, the reference images of
tests/data/reports/.) DATABASE_URL selects another database than a temporary SQLite file.
"""
import argparse
import logging
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

REPEAT = 3
TODAY = date(2023, 5, 15)
GOALS = {"synthesis": 5.0, "unit": 1.0}


def make_app():
    from portal import create_app
    from portal.config import TestConfig
    folder = tempfile.mkdtemp(prefix="cchc-bench-reports-")
    os.environ["PORTAL_INSTANCE"] = folder
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    app = create_app(TestConfig(folder, SQLALCHEMY_DATABASE_URI=url, DATABASE_URL=url, SECRET_KEY="bench",
                                UPLOAD_DIR=os.path.join(folder, "uploads")))
    app.config["REPORTS_WORKER"] = "external"
    logging.getLogger().setLevel(logging.WARNING)
    return app


def timed(build):
    """(wall seconds, result); the CPU seconds of the build are kept in `timed.cpu`."""
    start, cpu = time.perf_counter(), time.process_time()
    result = build()
    timed.cpu = time.process_time() - cpu
    return time.perf_counter() - start, result


def peak_mib(build) -> float:
    tracemalloc.start()
    try:
        build()
        return tracemalloc.get_traced_memory()[1] / 2 ** 20
    finally:
        tracemalloc.stop()


def write_png(folder: Path, name: str, pdf: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile", str(source),
                    str(folder / f"{name}-p1")], check=True)
    source.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--png", type=Path, help="write page 1 of each report as PNG into this folder")
    args = parser.parse_args()

    app = make_app()
    from sqlalchemy import select

    from portal.assessments.models import Assessment
    from portal.db import utcnow
    from portal.extensions import db
    from portal.reports import documents, jobs, xlsx
    from portal.results.document import results_document
    from portal.results.services import current_approval
    from tests.web.reports_setup import approve_year

    # a request context, as the pages and the export worker draw them: the spreadsheets name their sheets in
    # the request's language
    with app.test_request_context("/"):
        db.drop_all()
        db.create_all()
        from portal.seed import seed_demo
        seconds, seeded = timed(lambda: seed_demo(now=utcnow(), phase="synthesis"))
        year = seeded["year"]
        approve_year(year)
        db.session.commit()
        assessments = list(db.session.scalars(select(Assessment).where(Assessment.year_id == year.id)))
        print(f"Demo year {year.year}: {len(assessments)} units, seeded and computed in {seconds:.1f} s "
              f"({db.engine.dialect.name})")
        documents.self_report(assessments[0], year, today=TODAY)     # warm-up: fonts, templates

        year_reports = {
            "synthesis": lambda: documents.synthesis_report(year, results_document(year), today=TODAY),
            "council": lambda: documents.council_report(year, today=TODAY),
            "annex": lambda: documents.annex_report(year, current_approval(year)),
            "scores.xlsx": lambda: xlsx.score_matrix(year, now=utcnow()),
            "rankings.xlsx": lambda: xlsx.rankings(year, results_document(year), now=utcnow()),
        }
        print(f"Load average before the run: {' '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores)")
        print(f"\n{'report':<16}{'median s':>10}{'min s':>8}{'CPU s':>8}{'peak MiB':>10}{'size KiB':>10}{'pages':>7}")
        import io

        import pypdf
        outputs = {}
        for name, build in year_reports.items():
            runs, cpus = [], []
            for _ in range(REPEAT):
                runs.append(timed(build))
                cpus.append(timed.cpu)
            times = [t for t, _r in runs]
            result = runs[-1][1]
            data = result if isinstance(result, bytes) else result.pdf
            pages = len(pypdf.PdfReader(io.BytesIO(data)).pages) if not isinstance(result, bytes) else ""
            outputs[name] = data
            goal = f"   goal < {GOALS[name]:.0f} s" if name in GOALS else ""
            print(f"{name:<16}{statistics.median(times):>10.2f}{min(times):>8.2f}{statistics.median(cpus):>8.2f}"
                  f"{peak_mib(build):>10.1f}"
                  f"{len(data) / 1024:>10.0f}{pages:>7}{goal}")

        per_unit = {"self": [], "appraisal": []}
        biggest = {}
        for assessment in assessments:
            for kind, build in (("self", documents.self_report), ("appraisal", documents.appraisal_report)):
                seconds, report = timed(lambda b=build, a=assessment: b(a, year, today=TODAY))
                per_unit[kind].append((seconds, assessment.unit.name_in(year.id), timed.cpu))
                if len(report.pdf) > len(biggest.get(kind, (b"", None))[0]):
                    biggest[kind] = (report.pdf, assessment)
                if args.png and assessment.unit.code == "890":
                    outputs[kind] = report.pdf
        print(f"\n{'per-unit report':<16}{'units':>6}{'median s':>10}{'max s':>8}{'CPU med':>8}{'CPU max':>8}"
              f"{'total s':>9}{'peak MiB':>10}  slowest unit")
        for kind, rows in per_unit.items():
            times = [t for t, _n, _c in rows]
            cpus = [c for _t, _n, c in rows]
            slowest = max(rows)
            assessment = biggest[kind][1]
            builder = documents.self_report if kind == "self" else documents.appraisal_report
            memory = peak_mib(lambda b=builder, a=assessment: b(a, year, today=TODAY))
            over = sum(1 for t in times if t >= GOALS["unit"])
            print(f"{kind:<16}{len(times):>6}{statistics.median(times):>10.2f}{max(times):>8.2f}"
                  f"{statistics.median(cpus):>8.2f}{max(cpus):>8.2f}{sum(times):>9.1f}{memory:>10.1f}  {slowest[1]}"
                  f"   goal < 1 s each (wall): {len(times) - over}/{len(times)} met")

        job, _created = jobs.create_job(year, "unit_appraisal", user=_admin(db), now=utcnow())
        db.session.commit()
        seconds, done = timed(lambda: jobs.run_job(job.id))
        print(f"\nBulk export (ZIP of {done.total} appraisal results): {seconds:.1f} s, status {done.status}")
        print(f"Process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
        if args.png:
            for name in ("self", "appraisal", "council", "synthesis", "annex"):
                write_png(args.png, name, outputs[name])
            print(f"Page 1 of each report written to {args.png}/<report>-p1.png")


def _admin(db):
    from sqlalchemy import select

    from portal.auth.models import User
    return db.session.scalar(select(User).where(User.username == "admin"))


if __name__ == "__main__":
    main()
