"""The spreadsheets, downloaded through the pages by the admin and opened back with openpyxl: the full
score matrix holds exactly the stored scores of every round (and the totals of the results), the
rankings hold exactly what the results screen shows, the survey template opens, and no cell that begins
with =, +, -, @ is a live formula. Built once for the module on the whole demo year."""
import io
import re
import zipfile
from datetime import datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from portal.unitfile.entries import entries_by_stage
from portal.assessments.models import Assessment, ScoreEntry
from portal.criteria.models import Criterion
from portal.extensions import db
from portal.spreadsheet import unescape_text
from portal.results.document import results_document
from tests.web.reports_setup import demo_year

NOTES = {"1.1.1": "=HYPERLINK(\"http://127.0.0.1:9/\",\"Bấm vào đây\")", "1.2": "+84 296 3852 000",
         "1.4.1": "-1 văn bản chậm hạn", "1.5": "@SUM(A1:A9)"}


def _dec(value):
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


@pytest.fixture(scope="module")
def exported(app, auth):
    from tests.conftest import _empty_tables
    with app.app_context():
        _empty_tables()
        world = demo_year()
        year = world.year()
        stp = db.session.scalar(select(Assessment).where(Assessment.year_id == year.id,
                                                         Assessment.unit_id == world.units["STP"]))
        for code, note in NOTES.items():
            crit = db.session.scalar(select(Criterion.id).where(Criterion.set_id == stp.criteria_set_id,
                                                                 Criterion.code == code))
            entry = db.session.scalar(select(ScoreEntry).where(ScoreEntry.assessment_id == stp.id,
                                                               ScoreEntry.criterion_id == crit,
                                                               ScoreEntry.stage == "self"))
            entry.note = note
        db.session.commit()
        document = results_document(year)
        assessments = list(db.session.scalars(select(Assessment).where(Assessment.year_id == year.id)))
        stages = entries_by_stage([a.id for a in assessments])
        codes = {c.id: c.code for c in db.session.scalars(select(Criterion))}
        expected = {a.unit.code: {codes[cid]: {st: (_dec(e.points), e.not_applicable, (e.inputs or {}).get("count"))
                                               for st, e in by_stage.items()}
                                  for cid, by_stage in stages.get(a.id, {}).items()} for a in assessments}
        entry_count = db.session.query(ScoreEntry).count()
        year_id = year.id
        db.session.remove()
    client = auth.login("admin", "demo-cchc-2022")
    files = {name: client.get(f"/reports/{year_id}/{name}.xlsx") for name in ("scores", "rankings")}
    screen = client.get(f"/results/{year_id}").get_data(as_text=True)
    template = client.get(f"/results/{year_id}/survey/template.xlsx")
    return dict(files=files, document=document, expected=expected, entry_count=entry_count, screen=screen,
                template=template)


def _book(exported, name):
    """The downloaded workbook, opened once for the module (read-only: no test changes it)."""
    books = exported.setdefault("books", {})
    if name not in books:
        response = exported["files"][name]
        assert response.status_code == 200
        books[name] = load_workbook(io.BytesIO(response.data))
    return books[name]


def test_downloads_are_private_xlsx_attachments(exported):
    for response in exported["files"].values():
        assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert response.headers["Cache-Control"] == "no-store"
    assert 'filename="bang-diem-day-du-2022.xlsx"' in exported["files"]["scores"].headers["Content-Disposition"]


def _matrix_rows(sheet):
    """{unit code: {item code: {stage label: value}}, unit code: {total label: value}} of one type sheet."""
    head1 = [c.value for c in sheet[1]]
    head2 = [c.value for c in sheet[2]]
    groups, current = [], None
    for index, (top, sub) in enumerate(zip(head1, head2)):
        if top is not None:
            current = top
        groups.append((current, sub))
    items, totals = {}, {}
    for row in sheet.iter_rows(min_row=3, values_only=True):
        code = row[0]
        items[code], totals[code] = {}, {}
        for (top, sub), value in zip(groups[2:], row[2:]):
            if top == "Tổng hợp":
                totals[code][sub] = value
            else:
                items[code].setdefault(top.split(" ")[0], {})[sub] = value
    return items, totals


STAGES = (("self", "Tự chấm"), ("round1", "TĐ vòng 1"), ("round2", "TĐ vòng 2"))


def _as_cell(points, na):
    return "KAD" if na else points


def test_score_matrix_holds_every_round_of_every_item(exported):
    book = _book(exported, "scores")
    assert book.sheetnames == ["Thông tin", "Sở, ban, ngành", "UBND cấp huyện",
                               "Chi tiết điểm"]
    checked = 0
    for title in book.sheetnames[1:3]:
        items, _totals = _matrix_rows(book[title])
        for unit_code, by_item in items.items():
            stored = exported["expected"][unit_code]
            for item_code, cells in by_item.items():
                if "Điều tra XHH" in cells:          # survey column: the imported points
                    continue
                stages = stored.get(item_code, {})
                final = stages.get("round2") or stages.get("round1") or stages.get("self")
                for stage, label in STAGES + (("final", "Cuối cùng"),):
                    want = final if stage == "final" else stages.get(stage)
                    got = cells[label]
                    if want is not None and want[2] is not None:      # bonus / deduction: the count
                        assert got == (0 if want[1] else want[2]), (unit_code, item_code, stage)
                        continue
                    assert (None if want is None else _as_cell(want[0], want[1])) == \
                        (got if got in (None, "KAD") else _dec(got)), (unit_code, item_code, stage)
                checked += 1
    assert checked > 31 * 40


def test_score_matrix_totals_are_the_computed_results(exported):
    book = _book(exported, "scores")
    results = {u["code"]: u for t in exported["document"]["types"] for u in t["units"]}
    seen = 0
    for title in book.sheetnames[1:3]:
        _items, totals = _matrix_rows(book[title])
        for code, row in totals.items():
            unit = results[code]
            assert _dec(row["Tổng điểm thẩm định"]) == _dec(unit["appraisal_points"])
            assert _dec(row["Điểm điều tra XHH"]) == _dec(unit["survey_points"])
            assert _dec(row["Điểm cộng"]) == _dec(unit["bonus"])
            assert _dec(row["Điểm trừ"]) == _dec(unit["deductions"])
            seen += 1
    assert seen == 31


def test_detail_sheet_lists_every_score_entry_with_its_note(exported):
    sheet = _book(exported, "scores")["Chi tiết điểm"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == exported["entry_count"]
    notes = {(r[0], r[2], r[5]): r[9] for r in rows}
    for code, note in NOTES.items():
        written = notes[("STP", code, "Tự chấm")]
        assert written == "'" + note                   # neutralised as text …
        assert unescape_text(written) == note            # … and exactly what the unit typed


@pytest.mark.parametrize("name", ("scores", "rankings"))
def test_no_cell_is_a_live_formula(exported, name):
    data = exported["files"][name].data
    for sheet in _book(exported, name).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.namelist():
            if member.startswith("xl/worksheets/"):
                assert "<f>" not in archive.read(member).decode("utf-8")


def test_rankings_hold_the_results_document(exported):
    book = _book(exported, "rankings")
    assert book.sheetnames == ["Thông tin", "Sở, ban, ngành", "UBND cấp huyện"]
    for type_entry, title in zip(exported["document"]["types"], book.sheetnames[1:]):
        sheet = book[title]
        header = [c.value for c in sheet[1]]
        rows = list(sheet.iter_rows(min_row=2, values_only=True))
        assert len(rows) == len(type_entry["units"])
        for unit, row in zip(type_entry["units"], rows):
            assert row[0] == unit["rank"] and row[2] == unit["code"] and row[3] == unit["name"]
            assert [_dec(v) for v in row[4:10]] == [_dec(unit[k]) for k in (
                "appraisal_points", "survey_points", "bonus", "deductions", "applicable_max", "index")]
            assert row[10] == unit["band_label"]
            assert (row[11] == "Đề xuất") == unit["reward"]
            for f, value in zip(type_entry["fields"], row[12:]):
                assert _dec(value) == _dec(unit["fields"][f["code"]]["index"])
            assert header[12].startswith(type_entry["fields"][0]["code"])


def _screen_row(html: str, unit_type: str, code: str) -> list[str]:
    match = re.search(rf'<tr id="rank-{unit_type}-{re.escape(code)}"[^>]*>(.*?)</tr>', html, re.DOTALL)
    assert match, code
    cells = re.findall(r'<td class="num[^"]*">(.*?)</td>', match.group(1), re.DOTALL)
    return [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells]


def test_rankings_match_the_results_screen(exported):
    book = _book(exported, "rankings")
    for type_entry, title in zip(exported["document"]["types"], book.sheetnames[1:]):
        for row in book[title].iter_rows(min_row=2, values_only=True):
            rank, appraisal, survey, index = _pick(_screen_row(exported["screen"], type_entry["unit_type"], row[2]))
            assert rank.split(" ")[0] == str(row[0])
            assert appraisal == _vi(row[4]) and survey == _vi(row[5])
            assert index == _vi(row[9], 2)


def _pick(cells):
    """rank, appraisal, survey, index of a results-screen row (the bonus/deduction cell is skipped)."""
    return cells[0], cells[1], cells[2], cells[4]


def _vi(value, places=None) -> str:
    from portal.reports.meta import vn_number
    return vn_number(_dec(value), places)


def test_survey_template_is_the_results_modules_own(exported):
    response = exported["template"]
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Mã đơn vị", "Tên đơn vị", "Mã mục"]
    names = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert "UBND huyện Tịnh Biên" in names and "Sở Lao động – Thương binh và Xã hội" in names


def test_every_exported_score_is_a_number_with_two_decimals_times_local_and_headers_filtered(exported):
    """Issue 15: spreadsheets as officials read them (score matrix, rankings, survey template)."""
    from decimal import Decimal as D
    checked = 0
    for name, header_rows in (("scores", {"Sở, ban, ngành": 2, "UBND cấp huyện": 2, "Chi tiết điểm": 1}),
                              ("rankings", {})):
        book = _book(exported, name)
        info = {row[0]: row[1] for row in book["Thông tin"].iter_rows(values_only=True) if row and row[0]}
        assert isinstance(info["Xuất lúc"], datetime) and "Xuất lúc (UTC)" not in info
        for sheet in book.worksheets[1:]:
            head = header_rows.get(sheet.title, 1)
            assert sheet.auto_filter.ref.startswith(f"A{head}:")
            codes = {i for i, c in enumerate(sheet[head]) if str(c.value or "").startswith("Mã")}
            for row in sheet.iter_rows(min_row=head + 1):
                for index, cell in enumerate(row):
                    if isinstance(cell.value, float):
                        assert cell.number_format == "0.00", (sheet.title, cell.coordinate)
                        checked += 1
                    if index not in codes:  # a score is never text
                        assert not (isinstance(cell.value, str) and re.fullmatch(r"\d+[.,]\d+", cell.value))
    assert checked > 1000
    template = load_workbook(io.BytesIO(exported["template"].data)).active
    assert template.auto_filter.ref.startswith("A1:G")
    maximum = template.cell(row=2, column=5)
    assert maximum.data_type == "n" and maximum.number_format == "0.00" and D(str(maximum.value)) > 0
    assert template.cell(row=2, column=6).number_format == "0.00"
