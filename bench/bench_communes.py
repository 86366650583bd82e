"""Benchmark of the commune year: the demo's 2025 (15 departments and 102 communes, filled to synthesis
with the 2022 history published): seeding, computing the results, the results document (with each
department's predecessors) and the synthesis report with its 102-row commune table. Prints medians of
REPEAT runs, wall clock and CPU; never asserts (budgets of issue 14: results < 1 s, synthesis PDF < 5 s).

Run from the repository root:  .venv/bin/python bench/bench_communes.py
DATABASE_URL selects another database than a temporary SQLite file.
"""
import io
import os
import statistics
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_reports import make_app, timed

REPEAT = 3


def _median(build) -> tuple[float, float, object]:
    runs = []
    for _ in range(REPEAT):
        seconds, result = timed(build)
        runs.append((seconds, timed.cpu, result))
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs), runs[-1][2]


def main() -> None:
    import pypdf

    from portal.db import utcnow
    from portal.extensions import db
    from portal.reports import documents
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
        print(f"\n{'step':<34}{'median s':>10}{'CPU s':>8}  notes")
        wall, cpu, _r = _median(lambda: compute_results(year, user=admin, now=utcnow()))
        db.session.commit()
        print(f"{'compute results (117 units)':<34}{wall:>10.2f}{cpu:>8.2f}  budget < 1 s")
        wall, cpu, document = _median(lambda: results_document(year))
        lineage = sum(1 for t in document["types"] for u in t["units"] if u.get("lineage"))
        print(f"{'results document':<34}{wall:>10.2f}{cpu:>8.2f}  {lineage} units with predecessors")
        wall, cpu, report = _median(lambda: documents.synthesis_report(year, results_document(year),
                                                                       today=date(2026, 3, 1)))
        reader = pypdf.PdfReader(io.BytesIO(report.pdf))
        heads = sum(1 for page in reader.pages if "Xếp hạng" in page.extract_text() or "Hạng" in page.extract_text())
        print(f"{'synthesis PDF':<34}{wall:>10.2f}{cpu:>8.2f}  {len(reader.pages)} pages, {len(report.pdf) // 1024} KiB, "
              f"a table header on {heads} pages; budget < 5 s")


if __name__ == "__main__":
    main()
