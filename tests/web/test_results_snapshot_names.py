"""Snapshots hold names too: after approval, renaming a unit and editing the report settings change no
figure and no name in the year's seven published outputs — the results page, the synthesis report, the
annex, the council report, the rankings XLSX, the score matrix XLSX and the public page — compared as the
text pypdf extracts from the PDFs, the cell values of the XLSX and the text of the pages, before and after.
The same edits before approval do show (so the comparison can fail)."""
import io
import re

import lxml.html
import pypdf
import pytest
from openpyxl import load_workbook

from portal.extensions import db
from portal.units.models import Unit
from tests.web.results_setup import approve_and_publish, compute, golden_world

SETTINGS = {"parent_agency": "UBND TỈNH AN GIANG", "agency": "SỞ NỘI VỤ",
            "council": "HỘI ĐỒNG THẨM ĐỊNH CHỈ SỐ CCHC TỈNH", "place": "An Giang", "number_suffix": "BC-SNV",
            "council_number_suffix": "BC-HĐTĐ", "council_notice_suffix": "TB-HĐTĐ", "signer_authority": "", "signer_title": "GIÁM ĐỐC",
            "signer_name": "Nguyễn Văn Thành", "council_signer_title": "CHỦ TỊCH",
            "council_signer_name": "Lê Văn Hội Đồng"}
EDITED = dict(SETTINGS, agency="SỞ NỘI VỤ MỚI", place="Long Xuyên", signer_name="Trần Thị Mới",
              council_signer_name="Phạm Văn Mới")
NEW_NAME = "Sở Alpha Đổi Tên"


@pytest.fixture
def world(ctx):
    world = golden_world()
    world.year().report_settings = dict(SETTINGS)
    db.session.commit()
    compute(world)
    return world


def _pdf_text(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    return "\n".join(page.extract_text() for page in reader.pages)


def _xlsx_cells(response) -> list:
    """Every cell value of every sheet, without the export time (the only value that moves by itself)."""
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    rows = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            if row and row[0] in ("Xuất lúc", "Xuất lúc (UTC)"):
                continue
            rows.append((sheet.title,) + tuple(row))
    return rows


def _page_text(response, element_id: str | None = None) -> str:
    assert response.status_code == 200
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    node = doc.get_element_by_id(element_id) if element_id else doc.find(".//main")
    return " ".join(node.text_content().split())


def outputs(auth, world) -> dict:
    admin, anonymous = auth.login("qt"), auth.client()
    y, ga = world.year_id, world.units["GA"]
    out = {
        "results page": _page_text(admin.get(f"/results/{y}"), "results-panel"),
        "results unit page": _page_text(admin.get(f"/results/{y}/units/{ga}")),
        "heat map": _page_text(admin.get(f"/results/{y}/heatmap")),
        "synthesis": _pdf_text(admin.get(f"/reports/{y}/synthesis.pdf")),
        "council": _pdf_text(admin.get(f"/reports/{y}/council.pdf")),
        "rankings.xlsx": _xlsx_cells(admin.get(f"/reports/{y}/rankings.xlsx")),
        "scores.xlsx": _xlsx_cells(admin.get(f"/reports/{y}/scores.xlsx")),
    }
    if world.year().phase in ("approval", "published"):
        out["annex"] = _pdf_text(admin.get(f"/reports/{y}/annex.pdf"))
    if world.year().phase == "published":
        out["public page"] = _page_text(anonymous.get("/cong-bo/2022"))
        out["public unit page"] = _page_text(anonymous.get("/cong-bo/2022/GA"))
    return out


def rename_and_edit_settings(auth, world) -> None:
    admin = auth.login("qt")
    renamed = admin.post(f"/admin/units/{world.units['GA']}/edit",
                         data={"code": "GA", "name": NEW_NAME, "unit_type": "department"})
    assert renamed.status_code == 303, renamed.get_data(as_text=True)[:500]
    edited = admin.post(f"/reports/{world.year_id}/settings", data=EDITED)
    assert edited.status_code == 303, edited.get_data(as_text=True)[:500]
    db.session.expire_all()
    unit = db.session.get(Unit, world.units["GA"])
    assert unit.name_in(world.year_id) == NEW_NAME and world.year().report_settings["agency"] == "SỞ NỘI VỤ MỚI"


def test_renaming_a_unit_after_approval_changes_none_of_the_published_outputs(auth, world):
    approve_and_publish(world)
    before = outputs(auth, world)
    assert set(before) == {"results page", "results unit page", "heat map", "synthesis", "council",
                           "rankings.xlsx", "scores.xlsx", "annex", "public page", "public unit page"}
    for name, value in before.items():
        assert "Sở Alpha" in str(value), name
    for name in ("synthesis", "annex", "council"):
        assert "SỞ NỘI VỤ MỚI" not in before[name] and "Long Xuyên" not in before[name]
    rename_and_edit_settings(auth, world)
    after = outputs(auth, world)
    changed = [name for name in before if before[name] != after[name]]
    print(f"\noutputs compared before/after a rename and a settings edit: {len(before)}, changed: {changed}")
    assert changed == []
    assert all(NEW_NAME not in str(value) for value in after.values())


def test_before_approval_the_same_edits_do_show(world, auth):
    """The control: without a decision the screens and reports read the current names and settings."""
    before = outputs(auth, world)
    rename_and_edit_settings(auth, world)
    after = outputs(auth, world)
    for name in before:
        assert before[name] != after[name] and NEW_NAME in str(after[name]), name
    assert "SỞ NỘI VỤ MỚI" in after["synthesis"] and re.search(r"Long Xuyên, ngày", after["council"])
