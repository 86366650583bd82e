"""Reference images of the official reports (tests/data/reports/): the demo year of An Giang (31 units,
appraised, surveyed, computed, approved; issue date 15/05/2023), with Sở Lao động – Thương binh và Xã hội
signed by a deputy director under its own symbol. Writes, at 50 dpi with pdftoppm:

- page 1 of each report (`<report>-p1.png`: self and appraisal of UBND huyện Tịnh Biên, council,
  synthesis, annex);
- the last page of the department's self-assessment report (`self-dept-last.png`: KT. GIÁM ĐỐC / PHÓ
  GIÁM ĐỐC and the name);
- the synthesis page that carries the bar chart (`synthesis-chart.png`: heading and chart together).

Run from the repository root:  .venv/bin/python bench/report_pngs.py tests/data/reports
DATABASE_URL selects another database than a temporary SQLite file. Prints what it wrote; never asserts.
"""
import io
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TODAY = date(2023, 5, 15)
DEPUTY = {"name": "Trần Thị Bích Ngọc", "position": "Phó Giám đốc", "collective": "", "symbol": "BC-SLĐTBXH",
          "place": "An Giang"}


def write_png(folder: Path, name: str, pdf: bytes, page: int) -> None:
    source = folder / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", str(page), "-l", str(page), "-singlefile", str(source),
                    str(folder / name)], check=True)
    source.unlink()
    print(f"{folder / name}.png (page {page})")


def main() -> None:
    import pypdf
    from sqlalchemy import select

    from bench.bench_reports import make_app
    from portal.assessments.models import Assessment
    from portal.db import utcnow
    from portal.extensions import db
    from portal.reports import documents
    from portal.results.document import results_document
    from portal.results.services import current_approval
    from portal.seed import seed_demo
    from portal.units.signers import save_signer
    from tests.web.reports_setup import approve_year

    folder = Path(sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="report-pngs-"))
    folder.mkdir(parents=True, exist_ok=True)
    app = make_app()
    with app.app_context():
        db.drop_all()
        db.create_all()
        year = seed_demo(now=utcnow(), phase="synthesis")["year"]
        approve_year(year)
        by_code = {a.unit.code: a for a in db.session.scalars(select(Assessment).where(Assessment.year_id == year.id))}
        save_signer(by_code["SLDTBXH"].unit, year, DEPUTY, actor=None)
        db.session.commit()
        synthesis = documents.synthesis_report(year, results_document(year), today=TODAY).pdf
        for name, pdf in (("self-p1", documents.self_report(by_code["890"], year, today=TODAY).pdf),
                          ("appraisal-p1", documents.appraisal_report(by_code["890"], year, today=TODAY).pdf),
                          ("council-p1", documents.council_report(year, today=TODAY).pdf),
                          ("synthesis-p1", synthesis),
                          ("annex-p1", documents.annex_report(year, current_approval(year)).pdf)):
            write_png(folder, name, pdf, 1)
        dept = documents.self_report(by_code["SLDTBXH"], year, today=TODAY).pdf
        write_png(folder, "self-dept-last", dept, len(pypdf.PdfReader(io.BytesIO(dept)).pages))
        pages = [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(synthesis)).pages]
        chart = next(i for i, text in enumerate(pages, start=1) if "(thang đo 0–100%)" in text)
        write_png(folder, "synthesis-chart", synthesis, chart)


if __name__ == "__main__":
    main()
