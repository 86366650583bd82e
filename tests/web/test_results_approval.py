"""Approval and publication: nothing is public and no unit sees a result before publication; afterwards the
public page and the units show exactly the frozen snapshot, even after scores change and are recomputed; a
new approval supersedes the old one, which is kept; the decision form's checks; results out of date cannot
be approved."""
import re
from datetime import datetime, timedelta
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from portal.audit.models import AuditLog
from portal.extensions import db
from portal.results.models import Approval, SurveyScore, UnitResult
from tests.web.results_setup import approve_and_publish, compute, golden_world

TODAY_VN = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()  # the server judges dates in Vietnam time
YESTERDAY = (TODAY_VN - timedelta(days=1)).strftime("%d/%m/%Y")


@pytest.fixture
def world(ctx):
    world = golden_world()
    compute(world)
    return world


def ranking_row(html: str, unit_type: str, code: str) -> str:
    row = html[html.index(f'id="rank-{unit_type}-{code}"'):]
    return row[:row.index("</tr>")]


def test_before_approval_nothing_is_public_and_units_see_no_result(app, world, auth):
    anonymous, staff, leader = app.test_client(), auth.login("ga.canbo"), auth.login("ga.lanhdao")
    for phase in ("synthesis", "approval"):
        world.set_phase(phase)
        for url in ("/cong-bo/2022", "/cong-bo/2022/GA"):
            response = anonymous.get(url)
            assert response.status_code == 404 and "97,22" not in response.get_data(as_text=True)
        index = anonymous.get("/cong-bo/").get_data(as_text=True)
        assert 'href="/cong-bo/2022"' not in index and "Chưa có kết quả nào được công bố" in index
        for client in (staff, leader):
            page = client.get("/results/mine").get_data(as_text=True)
            assert "Kết quả chưa công bố" in page and "97,22" not in page and "Xuất sắc" not in page
            assert client.get(f"/results/{world.year_id}").status_code == 403
            assert client.get(f"/results/{world.year_id}/units/{world.units['GA']}").status_code == 403


def test_approved_but_not_published_stays_hidden(app, world, auth):
    approve_and_publish(world, publish=False)
    assert app.test_client().get("/cong-bo/2022").status_code == 404
    assert "Kết quả chưa công bố" in auth.login("ga.canbo").get("/results/mine").get_data(as_text=True)


def test_after_publication_everyone_sees_the_snapshot_and_a_unit_only_its_own(app, world, auth):
    approve_and_publish(world)
    public = app.test_client().get("/cong-bo/2022").get_data(as_text=True)
    assert "Quyết định số 456/QĐ-UBND" in public
    assert "97,22" in ranking_row(public, "department", "GA") and "100,00" in ranking_row(public, "district", "H2")
    mine = auth.login("ga.canbo").get("/results/mine").get_data(as_text=True)
    assert "Sở Alpha" in mine and "97,22%" in mine and "Theo Quyết định số 456/QĐ-UBND" in mine
    assert "Sở Bê-ta" not in mine and "70,00" not in mine  # no other unit's result in the unit's page
    gb = auth.login("gb.lanhdao").get("/results/mine").get_data(as_text=True)
    assert "Sở Bê-ta" in gb and "70,00%" in gb and "Sở Alpha" not in gb


def test_the_published_page_is_the_frozen_snapshot_even_after_scores_change_and_are_recomputed(app, world, auth):
    approve_and_publish(world)
    before = app.test_client().get("/cong-bo/2022/GA").get_data(as_text=True)
    # After publication GA's survey score 3.1 changes (5,5 → 4) and the stored results are rewritten with
    # what a recomputation gives (compute_results itself refuses once approved, see the next test):
    # (7 + 7.5 + 2 − 0.5) / 18 × 100 = 16 / 18 × 100 = 88.89. The published snapshot does not move.
    score = db.session.scalar(select(SurveyScore).where(SurveyScore.unit_id == world.units["GA"],
                                                        SurveyScore.criterion_id == world.crit("3.1").id))
    score.points = D("4")
    ga = db.session.scalar(select(UnitResult).where(UnitResult.unit_id == world.units["GA"]))
    ga.index, ga.survey_points, ga.band = D("88.89"), D("7.5"), "tot"
    db.session.commit()
    after = app.test_client().get("/cong-bo/2022/GA").get_data(as_text=True)
    strip = lambda html: re.sub(r'name="csrf_token" value="[^"]+"|"X-CSRFToken": "[^"]+"', "", html)  # noqa: E731
    assert strip(after) == strip(before) and "97,22%" in after and "88,89" not in after
    mine = auth.login("ga.canbo").get("/results/mine").get_data(as_text=True)
    assert "97,22%" in mine and "88,89" not in mine
    assert "97,22" in ranking_row(app.test_client().get("/cong-bo/2022").get_data(as_text=True), "department", "GA")


def test_recompute_is_refused_once_approved(world, auth):
    approve_and_publish(world, publish=False)
    admin = auth.login("qt")
    refused = admin.post(f"/results/{world.year_id}/compute")
    assert refused.status_code == 403 and "đã được phê duyệt" in refused.get_data(as_text=True)


def test_a_new_approval_supersedes_the_old_one_which_is_kept(app, world, auth):
    first = approve_and_publish(world, number="456/QĐ-UBND", publish=False)
    admin, chair = auth.login("qt"), auth.login("chutich")
    # before publication: back to synthesis with a reason supersedes the pending decision at once (kept)
    back = admin.post(f"/admin/year/{world.year_id}/phase", data={"target": "synthesis",
                                                                 "reason": "Sửa điểm điều tra XHH của Sở Alpha"})
    assert back.status_code == 303
    db.session.refresh(first)
    assert first.superseded_at is not None
    corrected = admin.post(f"/results/{world.year_id}/survey/units/{world.units['GA']}",
                           data={f"item-{world.crit('3.1').id}": "4", f"item-{world.crit('3.2').id}": "3,5"})
    assert corrected.status_code == 303
    assert admin.post(f"/results/{world.year_id}/compute").status_code == 303
    assert admin.post(f"/admin/year/{world.year_id}/phase", data={"target": "approval"}).status_code == 303
    decided = chair.post(f"/results/{world.year_id}/approve", data={"decision_number": "789/QĐ-UBND",
                                                                   "decision_date": YESTERDAY})
    assert decided.status_code == 303
    assert admin.post(f"/results/{world.year_id}/publish").status_code == 303
    approvals = list(db.session.scalars(select(Approval).order_by(Approval.id)))
    assert [(a.decision_number, a.superseded_at is None) for a in approvals] == [
        ("456/QĐ-UBND", False), ("789/QĐ-UBND", True)]
    # GA: survey 4 + 3.5 = 7.5: (7 + 7.5 + 2 − 0.5) / 18 × 100 = 16 / 18 × 100 = 88.89
    public = app.test_client().get("/cong-bo/2022").get_data(as_text=True)
    assert "789/QĐ-UBND" in public and "88,89" in ranking_row(public, "department", "GA")
    assert approvals[0].snapshot["types"][0]["units"][0]["index"] == "97.22"  # the old one, unchanged
    page = admin.get(f"/results/{world.year_id}").get_data(as_text=True)
    history = page[page.index("Các quyết định phê duyệt"):]
    assert "456/QĐ-UBND" in history and "789/QĐ-UBND" in history
    actions = [a for a in db.session.scalars(select(AuditLog.action).order_by(AuditLog.id))
               if a.startswith("results_") or a == "survey_score_edit"]
    assert actions == ["results_compute", "results_approve", "results_approval_supersede", "survey_score_edit",
                       "results_compute", "results_approve", "results_publish"]
    supersede = db.session.scalar(select(AuditLog).where(AuditLog.action == "results_approval_supersede"))
    assert (supersede.object_id, supersede.reason) == (str(first.id), "phase_back")


def approve_form(client, world, number="456/QĐ-UBND", when=YESTERDAY, **kwargs):
    return client.post(f"/results/{world.year_id}/approve", data={"decision_number": number, "decision_date": when},
                       **kwargs)


@pytest.mark.parametrize("number, when, message", [
    ("", YESTERDAY, "Hãy nhập số quyết định, ví dụ 1234/QĐ-UBND."),
    ("QĐ phê duyệt", YESTERDAY, "Số quyết định phải có dạng số/ký hiệu, ví dụ 1234/QĐ-UBND."),
    ("456/QĐ-UBND", "2023-03-28", "Hãy nhập ngày theo dạng ngày/tháng/năm, ví dụ 28/03/2023."),
    ("456/QĐ-UBND", "31/02/2023", "Hãy nhập ngày theo dạng ngày/tháng/năm, ví dụ 28/03/2023."),
    ("456/QĐ-UBND", (TODAY_VN + timedelta(days=1)).strftime("%d/%m/%Y"),
     "Ngày quyết định không được sau ngày hôm nay."),
    ("456/QĐ-UBND", "15/06/2021", "Kết quả năm 2022 không thể được phê duyệt trước ngày 01/01/2022."),
])
def test_decision_form_errors_keep_what_was_typed(world, number, when, message, auth):
    world.set_phase("approval")
    chair = auth.login("chutich")
    response = approve_form(chair, world, number, when)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html and f'value="{when}"' in html
    fragment = approve_form(chair, world, number, when, htmx=True)
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 422 and body.lstrip().startswith('<section id="approval-panel"') and message in body
    assert db.session.scalar(select(Approval)) is None


def test_approval_of_results_out_of_date_is_refused_until_recomputed(world, auth):
    world.set_phase("approval")
    admin, chair = auth.login("qt"), auth.login("chutich")
    c31 = world.crit("3.1").id
    world.set_phase("synthesis")
    assert admin.post(f"/results/{world.year_id}/survey/units/{world.units['GA']}",
                      data={f"item-{c31}": "6", f"item-{world.crit('3.2').id}": "3,5"}).status_code == 303
    world.set_phase("approval")
    page = admin.get(f"/results/{world.year_id}").get_data(as_text=True)
    assert 'id="stale-note"' in page
    refused = approve_form(chair, world)
    assert refused.status_code == 422 and "Tính lại kết quả" in refused.get_data(as_text=True)
    assert db.session.scalar(select(Approval)) is None
    assert admin.post(f"/results/{world.year_id}/compute").status_code == 303
    assert 'id="stale-note"' not in admin.get(f"/results/{world.year_id}").get_data(as_text=True)
    assert approve_form(chair, world).status_code == 303
    # GA 3.1 5,5 → 6: (7 + 9.5 + 2 − 0.5) / 18 × 100 = 18 / 18 → 100.00, frozen as such
    assert db.session.scalar(select(Approval)).snapshot["types"][0]["units"][0]["index"] == "100.00"


def test_approval_is_for_the_chair_or_the_admin_in_the_approval_phase(world, auth):
    member = auth.login("thanhvien")
    world.set_phase("approval")
    assert approve_form(member, world).status_code == 403
    world.set_phase("synthesis")
    refused = approve_form(auth.login("chutich"), world)
    assert refused.status_code == 403 and "tổng hợp kết quả" in refused.get_data(as_text=True)
    assert db.session.scalar(select(Approval)) is None


def test_publish_needs_an_approval_and_is_for_the_admin(world, auth):
    world.set_phase("approval")
    admin = auth.login("qt")
    refused = admin.post(f"/results/{world.year_id}/publish")
    assert refused.status_code == 403 and "chưa được phê duyệt" in refused.get_data(as_text=True)
    approve_and_publish(world, publish=False)
    assert auth.login("chutich").post(f"/results/{world.year_id}/publish").status_code == 403
    assert admin.post(f"/results/{world.year_id}/publish").status_code == 303
    assert world.year().phase == "published"
    assert db.session.scalar(select(Approval)).published_at is not None


def test_publication_through_the_year_page_is_public_too(app, world, auth):
    approve_and_publish(world, publish=False)
    admin = auth.login("qt")
    assert admin.post(f"/admin/year/{world.year_id}/phase", data={"target": "published"}).status_code == 303
    assert "97,22" in ranking_row(app.test_client().get("/cong-bo/2022").get_data(as_text=True), "department", "GA")


def test_the_snapshot_keeps_the_document_shape_the_reports_read(world):
    approval = approve_and_publish(world)
    snapshot = approval.snapshot
    assert snapshot["decision"] == {"number": "456/QĐ-UBND", "date": approval.decision_date.isoformat()}
    unit = snapshot["types"][0]["units"][0]
    assert {"unit_id", "code", "name", "rank", "tied", "index", "band", "band_label", "appraisal_points",
            "survey_points", "bonus", "deductions", "applicable_max", "survey_available", "reward", "fields",
            "gaps", "prev_index", "prev_rank", "index_change", "rank_change"} <= set(unit)
    assert (unit["code"], unit["index"], unit["band_label"], unit["reward"]) == ("GA", "97.22", "Xuất sắc", True)


def _at_once(calls):
    """Run the calls in parallel threads, started together; their responses in order."""
    import threading
    barrier, out = threading.Barrier(len(calls)), [None] * len(calls)

    def run(i, call):
        barrier.wait()
        out[i] = call()
    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return out


def test_two_computations_and_a_double_approval_at_once(world, auth):
    admins = [auth.login("qt"), auth.login("qt")]
    db.session.commit()
    responses = _at_once([lambda c=c: c.post(f"/results/{world.year_id}/compute") for c in admins])
    assert [r.status_code for r in responses] == [303, 303]
    assert db.session.scalar(select(db.func.count(UnitResult.id))) == 7
    world.set_phase("approval")
    chairs = [auth.login("chutich"), auth.login("qt")]
    responses = _at_once([lambda c=c: approve_form(c, world) for c in chairs])
    assert sorted(r.status_code for r in responses) == [303, 403]  # the second sees the first's decision
    assert db.session.scalar(select(db.func.count(Approval.id))) == 1


def test_approval_with_htmx_redirects_the_whole_page(world, auth):
    world.set_phase("approval")
    response = approve_form(auth.login("chutich"), world, htmx=True)
    assert response.status_code == 200 and response.headers["HX-Redirect"].endswith(f"/results/{world.year_id}")
    assert db.session.scalar(select(Approval)).decision_number == "456/QĐ-UBND"
