"""Run at commit 8ccca25 (`git worktree add /tmp/old 8ccca25`, then run this file from there with the
repository as the working directory). Generates tests/data/legacy/2022-published.json.gz on the portal as it stood at commit 8ccca25 (the version
before unit types became year data): the demo year 2022 seeded, appraised, computed, approved and published,
every table's rows, and the texts the migration must keep (public pages, results, report PDFs' text)."""
import base64, datetime, decimal, gzip, io, json, os, re, sys, tempfile
sys.path.insert(0, os.getcwd())
from datetime import date
from pypdf import PdfReader
from sqlalchemy import select, inspect
from portal import create_app
from portal.config import TestConfig
from portal.extensions import db

tmp = tempfile.mkdtemp()
url = f"sqlite:///{tmp}/legacy.sqlite3"
app = create_app(TestConfig(os.path.join(tmp, "instance"), SQLALCHEMY_DATABASE_URI=url, DATABASE_URL=url))
from flask_migrate import upgrade
with app.test_request_context():
    upgrade(directory="migrations")
    from portal.db import utcnow
    from portal.seed import seed_demo
    from portal.auth.models import User
    from portal.years.models import AssessmentYear
    from portal.results.services import compute_results
    from portal.results.approval import approve, publish
    now = utcnow()
    seed_demo(now=now, phase="synthesis")
    db.session.commit()
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    year = db.session.scalar(select(AssessmentYear))
    compute_results(year, user=admin, now=now); db.session.commit()
    from portal.years.services import change_phase
    change_phase(year, "approval", user=admin, reason=None, now=now); db.session.commit()
    approve(year, decision_number="123/QĐ-UBND", decision_date=date(2023, 3, 1), user=admin, now=now); db.session.commit()
    publish(year, user=admin, now=now); db.session.commit()
    year_id, year_no = year.id, year.year

def enc(v):
    if isinstance(v, decimal.Decimal): return {"$d": str(v)}
    if isinstance(v, datetime.datetime): return {"$t": v.isoformat()}
    if isinstance(v, datetime.date): return {"$date": v.isoformat()}
    if isinstance(v, bytes): return {"$b": base64.b64encode(v).decode()}
    return v

tables = {}
with app.app_context():
    meta = db.metadata
    insp = inspect(db.engine)
    for name in insp.get_table_names():
        if name == "alembic_version": continue
        cols = [c["name"] for c in insp.get_columns(name)]
        rows = db.session.execute(db.text(f'SELECT * FROM "{name}"')).all()
        tables[name] = {"columns": cols, "rows": [[enc(v) for v in r] for r in rows]}
    order = [t.name for t in meta.sorted_tables if t.name in tables]

def text_of(pdf):
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)

expect = {}
c = app.test_client()
pages = ["/cong-bo/%d" % year_no]
with app.app_context():
    from portal.units.models import Unit
    codes = [u.code for u in db.session.scalars(select(Unit).order_by(Unit.code))]
pages += ["/cong-bo/%d/%s" % (year_no, code) for code in codes]
for p in pages:
    r = c.get(p); assert r.status_code == 200, (p, r.status_code)
    expect[p] = r.get_data(as_text=True)
from tests.conftest import PortalClient
app.test_client_class = PortalClient
c = app.test_client()
r = c.post("/login", data={"username": "admin", "password": "demo-cchc-2022"})
print("login", r.status_code, r.headers.get("Location"))
for kind in ("synthesis.pdf", "annex.pdf", "council.pdf"):
    r = c.get(f"/reports/{year_id}/{kind}"); assert r.status_code == 200, (kind, r.status_code, r.get_data(as_text=True)[:300])
    expect[kind] = text_of(r.data)
r = c.get(f"/results/{year_id}"); print("results", r.status_code)
if r.status_code == 200: expect["results_page"] = r.get_data(as_text=True)
import openpyxl
for kind in ("rankings.xlsx", "scores.xlsx"):
    r = c.get(f"/reports/{year_id}/{kind}"); assert r.status_code == 200, kind
    wb = openpyxl.load_workbook(io.BytesIO(r.data))
    expect[kind] = {ws.title: [[None if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
out = {"generated_by": "portal at commit 8ccca25, see tests/web/test_migration_legacy.py", "order": order,
       "tables": tables, "year_id": year_id, "year": year_no, "expect": expect}
with gzip.open("tests/data/legacy/2022-published.json.gz", "wt", encoding="utf-8") as f:
    json.dump(out, f, ensure_ascii=False)
print("tables", len(tables), {k: len(v["rows"]) for k, v in tables.items()})
