"""The migration to unit types as year data, run on a database the previous version wrote.

tests/data/legacy/2022-published.json.gz holds every row of the demo year 2022 seeded, appraised, computed,
approved and published by the portal at commit 8ccca25 (the last version with the two fixed types), and
what that version showed: the public pages, the results page, the text of the synthesis, annex and
council reports, the cells of both spreadsheets (make_legacy.py beside it made it). The rows are loaded
into a database at that version's schema (SQLite, or PostgreSQL when DATABASE_URL points at one), the
migrations run to head, and every figure and name must read the same as before.
"""
import base64
import datetime
import decimal
import gzip
import io
import json
import pathlib
import re

import pytest
from flask_migrate import upgrade
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import MetaData, insert, select, text

from portal import create_app
from portal.config import TestConfig
from portal.extensions import db
from tests.auth_actions import DEMO_PASSWORD, AuthActions
from tests.conftest import PortalClient
from tests.web.test_migrations import _empty_database_url

DATA = pathlib.Path(__file__).resolve().parents[1] / "data" / "legacy" / "2022-published.json.gz"
PREVIOUS_HEAD = "9461eccfa123"


def _decode(value):
    if isinstance(value, dict):
        if "$d" in value:
            return decimal.Decimal(value["$d"])
        if "$t" in value:
            return datetime.datetime.fromisoformat(value["$t"])
        if "$date" in value:
            return datetime.date.fromisoformat(value["$date"])
        if "$b" in value:
            return base64.b64decode(value["$b"])
    return value


def _when(value):
    moment = datetime.datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.timezone.utc)


_CONVERT = {
    "JSON": json.loads, "DATETIME": _when, "DateTime": _when, "TIMESTAMP": _when,
    "DATE": lambda v: datetime.date.fromisoformat(str(v)[:10]), "Date": lambda v: datetime.date.fromisoformat(str(v)[:10]),
    "NUMERIC": lambda v: decimal.Decimal(str(v)), "Numeric": lambda v: decimal.Decimal(str(v)),
}


@pytest.fixture(scope="module")
def legacy():
    with gzip.open(DATA, "rt", encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture
def migrated(tmp_path, legacy):
    url, drop = _empty_database_url(tmp_path)
    app = create_app(TestConfig(str(tmp_path / "instance"), SQLALCHEMY_DATABASE_URI=url, SECRET_KEY="x"))
    with app.app_context():
        upgrade(revision=PREVIOUS_HEAD)
        meta = MetaData()
        meta.reflect(bind=db.engine)
        with db.engine.begin() as conn:
            for name in legacy["order"]:
                table, data = meta.tables[name], legacy["tables"][name]
                rows = [dict(zip(data["columns"], map(_decode, row))) for row in data["rows"]]
                for column in table.columns:  # the dump read SQLite's storage: text for JSON and times
                    convert = _CONVERT.get(column.type.__class__.__name__)
                    if convert is not None:
                        for row in rows:
                            if isinstance(row.get(column.name), (str, int, float)):
                                row[column.name] = convert(row[column.name])
                if rows:
                    conn.execute(insert(table), rows)
            if db.engine.dialect.name == "postgresql":
                for name in legacy["order"]:
                    column = meta.tables[name].columns.get("id")
                    if column is not None and column.autoincrement and column.type.python_type is int:
                        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                                          f"COALESCE((SELECT MAX(id) FROM \"{name}\"), 1))"))
        upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    drop()


_DATE = re.compile(r"ngày\s*\d{1,2}\s*tháng\s*\d{1,2}\s*năm\s*\d{4}")
_LEGEND = re.compile(r"\((?:≥|dưới)\s*[\d,]+\s*%\)")  # band legend wording changed on purpose (issue 15)
_PAGE_NUMBER = re.compile(r"\n[ \t]*\n[ \t]*\d+[ \t]*(?=\n|$)")   # a page's number, alone after a blank line
_NUMBER = re.compile(r"(?<!\w)\d+(?:[.,]\d+)*(?!\w)")               # not the digits of a code (LV1, F2)


def figures(content: str) -> list[str]:
    """The numbers of a text in order: the figures, their ranks and counts. Left out: the date of issue
    (the day a report is printed), page numbers and the digits of column codes — where a page breaks is
    layout, not a figure — and the thresholds of the band legend, whose wording changed on purpose
    ("Yếu (dưới 50 %)" instead of "Yếu (≥ 0 %)"; the bands themselves are compared in the results)."""
    return _NUMBER.findall(_PAGE_NUMBER.sub("\n", _LEGEND.sub("", _DATE.sub("", content))))


def page_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r'<input[^>]*name="csrf_token"[^>]*>', " ", html)
    html = re.sub(r"<[^>]+>", " ", html)
    return " ".join(html.split())


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_migration_gives_each_year_its_two_types_and_each_file_its_type(migrated, legacy):
    from portal.assessments.models import Assessment
    from portal.criteria.models import CriteriaSet
    from portal.units.models import UnitType
    from portal.years.models import AssessmentYear
    with migrated.app_context():
        year = db.session.get(AssessmentYear, legacy["year_id"])
        types = list(db.session.scalars(select(UnitType).where(UnitType.year_id == year.id)
                                        .order_by(UnitType.position)))
        assert [(t.code, t.name, t.reward_top, t.committee) for t in types] == [
            ("department", "Sở, ban, ngành", 5, False), ("district", "UBND cấp huyện", 3, True)]
        assert "reward_top" not in year.settings
        pairs = db.session.execute(select(Assessment.unit_type, CriteriaSet.unit_type).join(
            CriteriaSet, CriteriaSet.id == Assessment.criteria_set_id)).all()
        assert len(pairs) == 31 and all(a == b for a, b in pairs)


def test_every_published_figure_reads_the_same_after_the_migration(migrated, legacy):
    expect = legacy["expect"]
    with migrated.app_context():
        anonymous = migrated.test_client()
        for path in [p for p in expect if p.startswith("/cong-bo/")]:
            response = anonymous.get(path)
            assert response.status_code == 200, path
            before, after = page_text(expect[path]), page_text(response.get_data(as_text=True))
            assert figures(after) == figures(before), path
            assert all(name in after for name in re.findall(r"(?:Sở|UBND|Ban|Văn phòng|Thanh tra)[^0-9(|]{3,60}?(?= \d)", before)[:5])
        migrated.test_client_class = PortalClient          # the login form wants its CSRF token
        admin = AuthActions(migrated, DEMO_PASSWORD).login("admin")
        year_id = legacy["year_id"]
        results = admin.get(f"/results/{year_id}").get_data(as_text=True)
        assert figures(page_text(results)).count("90,16") == figures(page_text(expect["results_page"])).count("90,16")
        for kind in ("synthesis.pdf", "annex.pdf", "council.pdf"):
            response = admin.get(f"/reports/{year_id}/{kind}")
            assert response.status_code == 200, kind
            assert figures(pdf_text(response.data)) == figures(expect[kind]), kind
        for kind in ("rankings.xlsx", "scores.xlsx"):
            book = load_workbook(io.BytesIO(admin.get(f"/reports/{year_id}/{kind}").data))
            cells = {ws.title: [[None if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
                     for ws in book.worksheets}
            before = [row for sheet in expect[kind].values() for row in sheet[1:]]
            after = [row for sheet in cells.values() for row in sheet[1:]]
            numbers = lambda rows: [v for row in rows for v in row if v is not None and _NUMBER.fullmatch(v)]  # noqa: E731
            assert numbers(after) == numbers(before), kind
