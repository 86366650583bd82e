"""The inbox: unread count in the header, mark one or all as read (htmx fragment and plain post), the
daily-digest choice; e-mail through a local SMTP sink: one mail per event when configured, none when not,
none after a rollback, and one digest mail with everything not mailed yet."""
import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.notifications.models import Notification
from portal.notifications.services import notify
from tests.web.years_setup import start_sink
from tests.web.years_setup import world  # noqa: F401  (fixtures)


@pytest.fixture
def staff(world, client, auth):
    auth.login("syt.canbo", client=client)
    return client


def _give(world, username, count=2, kind="reminder"):
    rows = []
    for i in range(count):
        rows += notify([world.users[username]], kind, f"Thông báo số {i + 1} cho đơn vị", link="/")
    db.session.commit()
    return rows


def _unread(world, username):
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == world.users[username], Notification.read_at.is_(None)))


def test_header_shows_the_unread_count_to_every_logged_in_user(world, staff, auth):
    _give(world, "syt.canbo", 3)
    html = staff.get("/").get_data(as_text=True)
    assert '<a id="inbox-link" href="/notifications/">Thông báo <strong class="unread-count">(3)</strong>' in html
    other = auth.login("quantri")
    page = other.get("/").get_data(as_text=True)
    assert 'id="inbox-link"' in page and "unread-count" not in page


def test_inbox_lists_own_notifications_unread_first(world, staff):
    first, second = _give(world, "syt.canbo", 2)
    _give(world, "stc.canbo", 1)
    first.read_at = first.created_at
    db.session.commit()
    html = staff.get("/notifications/").get_data(as_text=True)
    assert "Bạn có 1 thông báo chưa đọc." in html and html.count('<article id="notification-') == 2
    assert html.index(f'id="notification-{second.id}"') < html.index(f'id="notification-{first.id}"')
    assert "Nhắc nhở" in html and "Đã đọc lúc" in html


def test_mark_one_read_without_js(world, staff):
    row, _ = _give(world, "syt.canbo", 2)
    response = staff.post(f"/notifications/{row.id}/read")
    assert response.status_code == 303 and response.headers["Location"].endswith("/notifications/")
    assert _unread(world, "syt.canbo") == 1
    assert "<strong class=\"unread-count\">(1)</strong>" in staff.get("/notifications/").get_data(as_text=True)


def test_mark_one_read_as_htmx_fragment_updates_the_header_out_of_band(world, staff):
    row, _ = _give(world, "syt.canbo", 2)
    response = staff.post(f"/notifications/{row.id}/read", htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith(f'<article id="notification-{row.id}"')
    assert "<html" not in html and "Đã đọc lúc" in html
    assert '<a id="inbox-link" href="/notifications/" hx-swap-oob="true">Thông báo <strong class="unread-count">(1)' \
        in html
    assert '<p id="inbox-unread" class="lead" hx-swap-oob="true">Bạn có 1 thông báo chưa đọc.</p>' in html


@pytest.mark.parametrize("htmx", [False, True])
def test_mark_all_read(world, staff, htmx):
    _give(world, "syt.canbo", 3)
    _give(world, "stc.canbo", 1)
    response = staff.post("/notifications/read-all", htmx=htmx)
    html = response.get_data(as_text=True)
    if htmx:
        assert html.lstrip().startswith('<section id="inbox"') and "Bạn đã đọc hết thông báo." in html
        assert '<a id="inbox-link" href="/notifications/" hx-swap-oob="true">Thông báo</a>' in html
    else:
        assert response.status_code == 303
        assert "Đã đánh dấu 3 thông báo là đã đọc." in staff.get("/notifications/").get_data(as_text=True)
    assert _unread(world, "syt.canbo") == 0 and _unread(world, "stc.canbo") == 1


def test_someone_elses_notification_is_not_found(world, staff):
    (row,) = _give(world, "stc.canbo", 1)
    assert staff.post(f"/notifications/{row.id}/read").status_code == 404
    assert staff.post(f"/notifications/{row.id}/read", htmx=True).status_code == 404
    assert _unread(world, "stc.canbo") == 1


def test_anonymous_goes_to_login(app, world, anon):
    (row,) = _give(world, "stc.canbo", 1)
    for method, url in (("GET", "/notifications/"), ("POST", f"/notifications/{row.id}/read"),
                        ("POST", "/notifications/read-all"), ("POST", "/notifications/settings")):
        response = anon.open(url, method=method)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
        response = anon.open(url, method=method, htmx=True)
        assert response.status_code == 401 and "/login" in response.headers["HX-Redirect"]


@pytest.mark.parametrize("htmx", [False, True])
def test_choose_the_daily_digest(world, staff, htmx):
    response = staff.post("/notifications/settings", data={"email_digest": "1"}, htmx=htmx)
    html = response.get_data(as_text=True)
    if htmx:
        assert html.lstrip().startswith('<section id="digest-settings"')
        assert "Bạn sẽ nhận một thư tóm tắt mỗi ngày." in html and 'value="1" checked' in html
    else:
        assert response.status_code == 303
    from portal.auth.models import User
    db.session.expire_all()
    assert db.session.get(User, world.users["syt.canbo"]).email_digest is True
    staff.post("/notifications/settings", data={"email_digest": "0"}, htmx=htmx)
    db.session.expire_all()
    assert db.session.get(User, world.users["syt.canbo"]).email_digest is False


def test_unknown_kind_is_a_bug(world):
    with pytest.raises(ValueError):
        notify([world.users["syt.canbo"]], "gossip", "x")


# ------------------------------------------------------------------------------------------------ e-mail


@pytest.fixture
def sink(app, monkeypatch):
    sink, stop = start_sink()
    monkeypatch.setitem(app.config, "SMTP_HOST", sink.host)
    monkeypatch.setitem(app.config, "SMTP_PORT", sink.port)
    monkeypatch.setitem(app.config, "MAIL_FROM", "chisocchc@angiang.gov.vn")
    monkeypatch.setitem(app.config, "PORTAL_BASE_URL", "https://chisocchc.angiang.gov.vn")
    yield sink
    stop()


def test_smtp_is_off_by_default(app, world):
    assert not app.config.get("SMTP_HOST")
    (row,) = _give(world, "syt.canbo", 1)
    db.session.refresh(row)
    assert row.emailed_at is None


def test_one_mail_per_event_through_smtp(world, client, sink, auth):
    auth.login("quantri", client=client)
    unit = world.units["SYT"]
    response = client.post(f"/admin/year/{world.year_id}/units/{unit}/extension",
                           data={f"u{unit}-extension-until": "05/04/2030 17:00",
                                 f"u{unit}-extension-reason": "Mất điện kéo dài"})
    assert response.status_code == 303
    assert sorted(rcpt for _, rcpts, _ in sink.messages for rcpt in rcpts) == \
        ["<syt.canbo@example.vn>", "<syt.lanhdao@example.vn>"]
    raw = sink.messages[0][2]
    assert b"Subject: =?utf-8?" in raw  # the Vietnamese subject is encoded, not sent as raw bytes
    message = sink.parsed()[0]
    assert message["Subject"] == "[Chỉ số CCHC] Gia hạn"
    assert message["From"] == "chisocchc@angiang.gov.vn"
    body = message.get_content()
    assert "Kính gửi Người dùng" in body and "Lý do: Mất điện kéo dài" in body
    assert "Đơn vị được gia hạn tự đánh giá đến 05/04/2030 17:00." in body
    assert "Xem chi tiết: https://chisocchc.angiang.gov.vn/" in body
    db.session.expire_all()
    assert all(n.emailed_at is not None for n in db.session.scalars(select(Notification)))


def test_no_mail_when_the_transaction_rolls_back(world, sink):
    notify([world.users["syt.canbo"]], "reminder", "Sẽ bị hủy")
    db.session.rollback()
    notify([world.users["syt.lanhdao"]], "reminder", "Được gửi")
    db.session.commit()
    assert [rcpts for _, rcpts, _ in sink.messages] == [["<syt.lanhdao@example.vn>"]]


def test_users_without_address_or_with_digest_get_no_immediate_mail(world, sink):
    from portal.auth.models import User
    db.session.get(User, world.users["syt.canbo"]).email_digest = True
    db.session.get(User, world.users["syt.lanhdao"]).email = None
    db.session.commit()
    _give(world, "syt.canbo", 2)
    _give(world, "syt.lanhdao", 1)
    assert sink.messages == []


def test_daily_digest_sends_one_mail_with_everything_unsent(app, world, sink):
    from portal.auth.models import User
    db.session.get(User, world.users["syt.canbo"]).email_digest = True
    db.session.commit()
    rows = _give(world, "syt.canbo", 3)
    _give(world, "stc.canbo", 1)  # mailed at once (no digest)
    assert len(sink.messages) == 1
    result = app.test_cli_runner().invoke(args=["send-digest"])
    assert result.exit_code == 0 and "1 digest mail(s) sent with 3 notification(s)." in result.output
    assert len(sink.messages) == 2
    digest = sink.parsed()[1]
    assert digest["To"].addresses[0].addr_spec == "syt.canbo@example.vn"
    assert digest["Subject"].startswith("[Chỉ số CCHC] Tóm tắt 3 thông báo ngày ")
    body = digest.get_content()
    assert all(f"Thông báo số {i} cho đơn vị" in body for i in (1, 2, 3))
    db.session.expire_all()
    assert all(db.session.get(Notification, r.id).emailed_at is not None for r in rows)
    again = app.test_cli_runner().invoke(args=["send-digest"])
    assert "0 digest mail(s)" in again.output and len(sink.messages) == 2


def test_digest_without_smtp_says_so(app, world):
    result = app.test_cli_runner().invoke(args=["send-digest"])
    assert "SMTP_HOST is not set" in result.output
