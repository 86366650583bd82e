"""Đính chính: a correction of a published year for one unit changes only that unit, everywhere — the
public page, the unit's result page, the synthesis report, the annex and the rankings XLSX show the
corrected result and "Đã đính chính theo Quyết định số … ngày …" — and the superseded figures stay
readable (the old decision and its snapshot are kept). Every step is audited and refused out of turn."""
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pypdf
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from portal.audit.models import AuditLog
from portal.extensions import db
from portal.results.models import Approval, Correction
from tests.web.results_setup import approve_and_publish, compute, golden_world

DAY = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date() - timedelta(days=1)
WHEN = DAY.strftime("%d/%m/%Y")
LINE = f"Đã đính chính theo Quyết định số 15/QĐ-UBND ngày {WHEN}"


@pytest.fixture
def world(ctx):
    world = golden_world()
    compute(world)
    approve_and_publish(world)
    return world


@pytest.fixture
def admin(world, auth):
    return auth.login("qt")


def row(html: str, unit_type: str, code: str) -> str:
    start = html[html.index(f'id="rank-{unit_type}-{code}"'):]
    return start[:start.index("</tr>")]


def survey(admin, world, unit, points_31, points_32="3,5"):
    return admin.post(f"/results/{world.year_id}/survey/units/{world.units[unit]}",
                      data={f"item-{world.crit('3.1').id}": points_31, f"item-{world.crit('3.2').id}": points_32})


def open_form(admin, world, units=("GA",), number="15/QĐ-UBND", reason="Nhập sai điểm điều tra XHH mục 3.1"):
    return admin.post(f"/results/{world.year_id}/corrections", data={
        "decision_number": number, "decision_date": WHEN, "reason": reason,
        "unit_ids": [str(world.units[u]) for u in units]})


def pdf_text(response) -> str:
    assert response.status_code == 200
    return " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(response.data)).pages).split())


def test_a_correction_for_one_unit_changes_only_that_unit_everywhere_and_keeps_the_old_figures(app, admin, world, auth):
    anonymous = app.test_client()
    public_before = anonymous.get("/cong-bo/2022").get_data(as_text=True)
    assert survey(admin, world, "GA", "4").status_code == 403  # published: final until a correction
    # 1. the correcting decision, for GA only
    page = admin.get(f"/results/{world.year_id}").get_data(as_text=True)
    assert 'id="correction-panel"' in page and "Ghi nhận quyết định đính chính" in page
    assert open_form(admin, world).status_code == 303
    correction = db.session.scalar(select(Correction))
    assert correction.status == "open" and correction.unit_ids == [world.units["GA"]]
    # 2. only GA's survey points are editable; they are recomputed before the approval
    refused = survey(admin, world, "GB", "4")
    assert refused.status_code == 403 and "quyết định đính chính đang mở" in refused.get_data(as_text=True)
    assert survey(admin, world, "GA", "4").status_code == 303
    early = admin.post(f"/results/{world.year_id}/corrections/approve")
    assert early.status_code == 422 and "Tính lại kết quả các đơn vị đính chính" in early.get_data(as_text=True)
    assert admin.post(f"/results/{world.year_id}/corrections/recompute").status_code == 303
    panel = admin.get(f"/results/{world.year_id}").get_data(as_text=True)
    assert "88,89" in panel[panel.index('id="correction-panel"'):]
    # (7 + 7.5 + 2 − 0.5) / 18 × 100 = 16 / 18 × 100 = 88.89; the public page still shows the decision in force
    assert "97,22" in row(anonymous.get("/cong-bo/2022").get_data(as_text=True), "department", "GA")
    # 3. the approval of the correction: a new published decision, the old one kept
    assert admin.post(f"/results/{world.year_id}/corrections/approve").status_code == 303
    db.session.expire_all()
    old, new = db.session.scalars(select(Approval).order_by(Approval.id)).all()
    assert old.superseded_at is not None and old.snapshot["types"][0]["units"][0]["index"] == "97.22"
    assert new.superseded_at is None and new.published_at is not None and world.year().phase == "published"
    assert db.session.scalar(select(Correction)).status == "approved"
    # public page: GA corrected and marked, every other unit's row exactly as before
    public = anonymous.get("/cong-bo/2022").get_data(as_text=True)
    assert "88,89" in row(public, "department", "GA") and "Đã đính chính" in row(public, "department", "GA")
    assert f"Kết quả của Sở Alpha đã đính chính theo Quyết định số 15/QĐ-UBND ngày {WHEN}." in public
    others = (("department", "GB"), ("department", "GC"), ("department", "GD"), ("department", "GE"),
              ("district", "H1"), ("district", "H2"))
    unchanged = [code for kind, code in others if row(public, kind, code) == row(public_before, kind, code)]
    assert len(unchanged) == len(others)
    internal = admin.get(f"/results/{world.year_id}").get_data(as_text=True)
    assert "88,89" in row(internal, "department", "GA") and "Kết quả của Sở Alpha đã đính chính" in internal
    print(f"\ncorrection of GA: index {old.snapshot['types'][0]['units'][0]['index']} → "
          f"{new.snapshot['types'][0]['units'][0]['index']}; other units' public rows unchanged: "
          f"{len(unchanged)}/{len(others)}")
    # the unit's pages: the corrected result, the line, the superseded figures in the history
    unit_page = anonymous.get("/cong-bo/2022/GA").get_data(as_text=True)
    assert LINE in unit_page and "88,89" in unit_page and "456/QĐ-UBND" in unit_page and "97,22" in unit_page
    staff = auth.login("ga.canbo")
    mine = staff.get("/results/mine").get_data(as_text=True)
    assert LINE in mine and "88,89%" in mine and "Kết quả trước đính chính" in mine
    other = auth.login("gb.canbo")
    assert "đính chính" not in other.get("/results/mine").get_data(as_text=True)
    # every report: the corrected result and the line
    for name in ("synthesis", "annex"):
        text = pdf_text(admin.get(f"/reports/{world.year_id}/{name}.pdf"))
        assert "88,89" in text and "97,22" not in text, name
        assert "đã đính chính theo Quyết định số 15/QĐ-UBND" in text, name
    book = load_workbook(io.BytesIO(admin.get(f"/reports/{world.year_id}/rankings.xlsx").data))
    info = {r[0]: r[1] for r in book["Thông tin"].iter_rows(values_only=True) if r and r[0]}
    assert info["Đính chính"].startswith("Kết quả của Sở Alpha đã đính chính theo Quyết định số 15/QĐ-UBND")
    ga = next(r for r in book.worksheets[1].iter_rows(values_only=True) if r[2] == "GA")
    assert str(ga[9]) == "88.89"
    # closed again: no survey edit, no second approval
    assert survey(admin, world, "GA", "5").status_code == 403
    assert admin.post(f"/results/{world.year_id}/corrections/approve").status_code == 403
    actions = [a for a in db.session.scalars(select(AuditLog.action).order_by(AuditLog.id))
               if a.startswith("results_correction") or a in ("survey_score_edit", "results_compute")]
    assert actions[-4:] == ["results_correction_open", "survey_score_edit", "results_compute",
                            "results_correction_approve"]


def test_the_correcting_decision_form_checks_what_it_needs(admin, world):
    no_unit = open_form(admin, world, units=())
    assert no_unit.status_code == 422 and "Hãy chọn ít nhất một đơn vị" in no_unit.get_data(as_text=True)
    bad = open_form(admin, world, number="đính chính")
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "ví dụ 1234/QĐ-UBND" in html and 'value="đính chính"' in html
    blank = open_form(admin, world, reason=" ")
    assert blank.status_code == 422 and "Hãy nêu lý do đính chính" in blank.get_data(as_text=True)
    fragment = admin.post(f"/results/{world.year_id}/corrections", data={"decision_number": "x"}, htmx=True)
    assert fragment.status_code == 422 and fragment.get_data(as_text=True).lstrip().startswith(
        '<section id="correction-panel"')
    assert db.session.scalar(select(Correction)) is None
    assert open_form(admin, world).status_code == 303
    twice = open_form(admin, world, number="16/QĐ-UBND")
    assert twice.status_code == 403 and "chưa phê duyệt" in twice.get_data(as_text=True)


def test_only_the_admin_corrects_and_only_a_published_year(ctx, auth):
    world = golden_world()
    compute(world)
    approve_and_publish(world, publish=False)   # approved, not yet published: not final yet
    admin = auth.login("qt")
    refused = open_form(admin, world)
    assert refused.status_code == 403 and "chưa được công bố" in refused.get_data(as_text=True)
    assert 'id="correction-panel"' not in admin.get(f"/results/{world.year_id}").get_data(as_text=True)
    assert admin.post(f"/results/{world.year_id}/publish").status_code == 303
    chair = auth.login("chutich")
    assert open_form(chair, world).status_code == 403
    assert 'id="correction-panel"' not in chair.get(f"/results/{world.year_id}").get_data(as_text=True)
    assert 'id="correction-panel"' in admin.get(f"/results/{world.year_id}").get_data(as_text=True)
    assert db.session.scalar(select(Correction)) is None
