"""The year page (admin): phases in order with the current one highlighted, windows typed in Vietnamese
local time and stored in UTC, moving forward and back (a reason is required to go back), audit rows with
who, when and why, notifications to the people concerned, and who may use any of the year's routes."""
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditLog
from portal.extensions import db
from portal.notifications.models import Notification
from portal.results.models import Approval
from portal.years.models import PhaseWindow
from tests.web.years_setup import admin, world  # noqa: F401  (fixtures)

UNIT_USERS = {"stp.canbo", "stp.lanhdao", "syt.canbo", "syt.lanhdao", "stc.canbo", "stc.lanhdao",
              "883.canbo", "883.lanhdao"}
COUNCIL = {"tv.stc", "chutich"}


def _audit(action):
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


def _recipients(world, kind):
    names = {v: k for k, v in world.users.items()}
    return {names[n.user_id] for n in db.session.scalars(select(Notification).where(Notification.kind == kind))}


def test_page_lists_phases_in_order_with_the_current_one_highlighted(admin, world):
    page = admin.get("/admin/year/").get_data(as_text=True)
    html = page[page.index('<table class="data phases">'):]
    labels = ["Thiết lập", "Tự đánh giá", "Thẩm định vòng 1", "Giải trình", "Thẩm định vòng 2",
              "Tổng hợp kết quả", "Phê duyệt", "Đã công bố", "Lưu trữ"]
    positions = [html.index(f">{label}<") for label in labels]
    assert positions == sorted(positions)
    current = re.search(r'<tr id="phase-(\w+)" class="current-phase" aria-current="step"', html)
    assert current.group(1) == "self_assessment" and html.count('aria-current="step"') == 1
    assert "Giai đoạn hiện tại:" in page and "Chuyển sang: Thẩm định vòng 1" in html
    window = world.year().window("self_assessment")
    local = window.opens_at + timedelta(hours=7)
    shown = local.strftime("%d/%m/%Y %H:%M") + (local.strftime(":%S") if local.second else "")
    inputs = re.findall(r"<input [^>]*self_assessment-opens_at[^>]*>", html)
    # A plain text input in dd/mm/yyyy HH:MM (24 h): datetime-local shows 12-hour US dates on many PCs.
    assert len(inputs) == 1 and f'value="{shown}"' in inputs[0] and 'type="text"' in inputs[0]
    assert 'placeholder="dd/mm/yyyy hh:mm"' in inputs[0]
    assert "Hạn chót:" in page  # the deadline banner of the current phase


def test_page_of_a_given_year_and_404(admin, world):
    assert admin.get(f"/admin/year/{world.year_id}").status_code == 200
    assert admin.get("/admin/year/99999").status_code == 404


def test_move_forward_audits_and_notifies_the_council(admin, world):
    response = admin.post(f"/admin/year/{world.year_id}/phase", data={"target": "review_1", "reason": "",
                                                                     "window_choice": "keep"})
    assert response.status_code == 303
    db.session.expire_all()
    assert world.year().phase == "review_1"
    (row,) = _audit("year_phase_change")
    assert row.actor_id == world.users["quantri"] and row.year_id == world.year_id
    assert row.old == {"phase": "self_assessment"} and row.new["phase"] == "review_1" and row.reason is None
    assert abs((row.at - datetime.now(UTC)).total_seconds()) < 60
    assert _recipients(world, "phase_opening") == COUNCIL
    page = admin.get("/admin/year/").get_data(as_text=True)
    assert "Đã chuyển đợt đánh giá sang giai đoạn Thẩm định vòng 1." in page
    assert "Lịch sử chuyển giai đoạn" in page and "Người dùng" in page  # who, in the history table


def test_move_forward_as_htmx_returns_the_plan(admin, world):
    response = admin.post(f"/admin/year/{world.year_id}/phase", data={"target": "review_1", "reason": "Đúng lịch",
                                                                     "window_choice": "keep"}, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith('<section id="year-plan"')
    assert "<html" not in html and "Đã chuyển đợt đánh giá sang giai đoạn Thẩm định vòng 1." in html
    assert 'id="phase-review_1" class="current-phase"' in html
    assert _audit("year_phase_change")[0].reason == "Đúng lịch"


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize("reason", ["", "   "])
def test_moving_back_without_a_reason_is_refused_and_changes_nothing(admin, world, htmx, reason):
    world.year().phase = "review_1"
    before = db.session.scalar(select(func.count()).select_from(AuditLog))
    response = admin.post(f"/admin/year/{world.year_id}/phase", data={"target": "self_assessment", "reason": reason},
                          htmx=htmx)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Vui lòng nêu lý do khi đưa đợt đánh giá về giai đoạn trước." in html
    assert ("<html" in html) is (not htmx)
    db.session.expire_all()
    assert world.year().phase == "review_1"
    assert db.session.scalar(select(func.count()).select_from(AuditLog)) == before
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0


def test_moving_back_with_a_reason_is_audited_and_units_are_told_why(admin, world):
    world.year().phase = "review_1"
    response = admin.post(f"/admin/year/{world.year_id}/phase",
                          data={"target": "self_assessment", "reason": "Nhiều đơn vị gặp sự cố phần mềm"})
    assert response.status_code == 303
    db.session.expire_all()
    assert world.year().phase == "self_assessment"
    (row,) = _audit("year_phase_change")
    assert row.old == {"phase": "review_1"} and row.new == {"phase": "self_assessment", "direction": "back"}
    assert row.reason == "Nhiều đơn vị gặp sự cố phần mềm" and row.actor_id == world.users["quantri"]
    assert _recipients(world, "phase_opening") == UNIT_USERS  # the inactive unit's file has no accounts
    message = db.session.scalars(select(Notification.message)).first()
    assert "Lý do điều chỉnh: Nhiều đơn vị gặp sự cố phần mềm" in message and "Hạn chót:" in message


def test_skipping_a_phase_is_refused(admin, world):
    response = admin.post(f"/admin/year/{world.year_id}/phase", data={"target": "explanation", "reason": ""})
    assert response.status_code == 422
    assert "Chỉ chuyển được sang giai đoạn kế tiếp" in response.get_data(as_text=True)
    assert admin.post(f"/admin/year/{world.year_id}/phase", data={"target": "nope"}).status_code == 422


def test_publishing_needs_the_approval_and_tells_everyone(admin, world):
    world.year().phase = "approval"
    db.session.commit()
    page = admin.get("/admin/year/").get_data(as_text=True)
    assert "Kết quả chưa được phê duyệt; cần quyết định phê duyệt trước khi công bố." in page
    refused = admin.post(f"/admin/year/{world.year_id}/phase", data={"target": "published"})
    assert refused.status_code == 422
    db.session.add(Approval(year_id=world.year_id, decision_number="123/QĐ-UBND", decision_date=date(2023, 5, 1),
                            snapshot={}))
    assert admin.post(f"/admin/year/{world.year_id}/phase", data={"target": "published"}).status_code == 303
    db.session.expire_all()
    assert world.year().phase == "published"
    assert _recipients(world, "results_published") == set(world.users)


def test_windows_are_typed_in_local_time_and_stored_in_utc(admin, world):
    data = {"self_assessment-opens_at": "22/03/2023 08:00", "self_assessment-closes_at": "31/03/2023 17:00:00",
            "self_assessment-grace_seconds": "30",
            "review_1-opens_at": "1/4/2023 8h00", "review_1-closes_at": "2023-04-15T17:00",
            "explanation-opens_at": "", "explanation-closes_at": "", "review_2-opens_at": "",
            "review_2-closes_at": ""}
    world.year().window("self_assessment").closing_notice_sent_at = datetime.now(UTC)
    response = admin.post(f"/admin/year/{world.year_id}/windows", data=data)
    assert response.status_code == 303
    db.session.expire_all()
    window = world.year().window("self_assessment")
    assert window.opens_at == datetime(2023, 3, 22, 1, 0, tzinfo=UTC)
    assert window.closes_at == datetime(2023, 3, 31, 10, 0, tzinfo=UTC) and window.grace_seconds == 30
    assert window.closing_notice_sent_at is None  # a moved deadline gets its own 24-hour notice
    assert world.year().window("explanation").closes_at is None
    rows = _audit("phase_window_update")
    assert {r.new["phase"] for r in rows} == {"self_assessment", "review_1", "explanation", "review_2"}
    sa = next(r for r in rows if r.new["phase"] == "self_assessment")
    assert sa.new["closes_at"] == "2023-03-31T10:00:00+00:00" and sa.actor_id == world.users["quantri"]
    page = admin.get("/admin/year/").get_data(as_text=True)
    assert 'value="31/03/2023 17:00"' in page and 'value="01/04/2023 08:00"' in page
    assert "Đã lưu thời hạn của 4 giai đoạn." in page


def test_windows_as_htmx_and_their_errors(admin, world):
    data = {"self_assessment-opens_at": "31/03/2023 17:00", "self_assessment-closes_at": "22/03/2023 08:00",
            "review_1-opens_at": "31/03/2023", "review_1-closes_at": "31/02/2023 17:00",
            "review_2-opens_at": "03/31/2023 05:00 PM"}
    response = admin.post(f"/admin/year/{world.year_id}/windows", data=data, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and html.lstrip().startswith('<section id="year-plan"')
    assert "Hạn chót phải sau thời điểm mở." in html
    assert "Hãy nhập cả giờ sau ngày, ví dụ 31/03/2023 17:00" in html      # a date without its hour
    assert html.count("Ngày giờ không hợp lệ") == 2                         # 31/02 and a US 12-hour time
    for typed in ("22/03/2023 08:00", "31/02/2023 17:00", "03/31/2023 05:00 PM"):
        assert f'value="{typed}"' in html  # the typed value stays, exactly as typed
    assert _audit("phase_window_update") == []
    ok = admin.post(f"/admin/year/{world.year_id}/windows", htmx=True, data={
        "self_assessment-opens_at": "22/03/2023 08:00", "self_assessment-closes_at": "31/03/2023 17:00"})
    assert ok.status_code == 200 and "Đã lưu thời hạn" in ok.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(PhaseWindow)) == 4


def test_extensions_and_reopenings_are_listed_on_the_year_page(admin, world):
    unit = world.units["SYT"]
    admin.post(f"/admin/year/{world.year_id}/units/{unit}/extension",
               data={f"u{unit}-extension-until": "05/04/2030 17:00", f"u{unit}-extension-reason": "Mất điện kéo dài"})
    html = admin.get("/admin/year/").get_data(as_text=True)
    assert "Sở Y tế" in html and "Mất điện kéo dài" in html and "05/04/2030 17:00" in html


# ------------------------------------------------------------------------------------------ permissions


def _urls(app, world):
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("years."):
            continue
        url = rule.build({"year_id": world.year_id, "unit_id": world.units["SYT"]}, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, url


@pytest.mark.parametrize("username", ["syt.canbo", "syt.lanhdao", "tv.stc", "chutich"])
def test_everyone_but_the_admin_gets_403_on_every_route(app, world, client, username, auth):
    auth.login(username, client=client)
    urls = list(_urls(app, world))
    assert len(urls) >= 10
    for method, url in urls:
        for htmx in (False, True):
            assert client.open(url, method=method, htmx=htmx).status_code == 403, (method, url)
    db.session.expire_all()
    assert world.year().phase == "self_assessment"


def test_anonymous_is_sent_to_login_and_htmx_gets_hx_redirect(app, world, anon):
    for method, url in _urls(app, world):
        response = anon.open(url, method=method)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
        response = anon.open(url, method=method, htmx=True)
        assert response.status_code == 401 and "/login" in response.headers["HX-Redirect"], url


def test_navigation_has_the_year_and_progress_for_the_admin_only(admin, world, auth):
    html = admin.get("/").get_data(as_text=True)
    assert 'href="/admin/year/">Năm đánh giá<' in html and 'href="/admin/year/progress">Tiến độ<' in html
    other = auth.login("syt.canbo")
    assert "/admin/year/" not in other.get("/").get_data(as_text=True)


def test_each_phase_shows_its_countdown_from_server_time(admin, world):
    html = admin.get("/admin/year/").get_data(as_text=True)
    countdowns = re.findall(r'<small class="hint countdown">([^<]+)</small>', html)
    # self-assessment is open (a countdown), the review and explanation windows have not opened yet
    assert countdowns[0].startswith("còn ") and countdowns[1:] == ["chưa mở", "chưa mở", "chưa mở"]
