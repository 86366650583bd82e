"""Links in mail cannot be pointed elsewhere (issue 17): with SMTP on, PORTAL_BASE_URL is required (startup
refuses otherwise, saying what to set), and the links in mails never come from the request's Host header."""
import pytest

from portal import create_app
from portal.config import Config, TestConfig
from tests.web.years_setup import build_world, start_sink

BASE = "https://chisocchc.angiang.gov.vn"


@pytest.mark.parametrize("base", [None, "", "chisocchc.angiang.gov.vn", "ftp://x.example", "https://", "https://x?a=1"])
def test_startup_refuses_mail_without_a_base_url(tmp_path, monkeypatch, base):
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("SMTP_HOST", "mail.angiang.gov.vn")
    if base is None:
        monkeypatch.delenv("PORTAL_BASE_URL", raising=False)
    else:
        monkeypatch.setenv("PORTAL_BASE_URL", base)
    with pytest.raises(RuntimeError, match="PORTAL_BASE_URL must be set"):
        Config(str(tmp_path))
    monkeypatch.delenv("SMTP_HOST")
    with pytest.raises(RuntimeError, match="PORTAL_BASE_URL must be set"):
        create_app(TestConfig(str(tmp_path), SMTP_HOST="mail.angiang.gov.vn", PORTAL_BASE_URL=base or None,
                              SECRET_KEY="x", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'x.db'}"))


def test_mail_on_with_a_base_url_starts(tmp_path, monkeypatch):
    for key, value in {"SECRET_KEY": "x", "SMTP_HOST": "mail.angiang.gov.vn", "PORTAL_BASE_URL": BASE + "/"}.items():
        monkeypatch.setenv(key, value)
    assert Config(str(tmp_path)).PORTAL_BASE_URL == BASE


@pytest.fixture
def sink(app, monkeypatch):
    sink, stop = start_sink()
    for key, value in {"SMTP_HOST": sink.host, "SMTP_PORT": sink.port, "PORTAL_BASE_URL": BASE}.items():
        monkeypatch.setitem(app.config, key, value)
    yield sink
    stop()


@pytest.mark.parametrize("host", ["evil.example", "chisocchc.angiang.gov.vn.evil.example", "localhost:8080"])
def test_mail_links_ignore_a_forged_host_header(app, ctx, client, sink, monkeypatch, host, auth):
    world = build_world()
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)   # the whole visit is on the forged host
    assert auth.post("quantri", base_url=f"http://{host}", client=client).status_code == 303
    unit = world.units["SYT"]
    response = client.post(f"/admin/year/{world.year_id}/units/{unit}/extension", base_url=f"http://{host}",
                           data={f"u{unit}-extension-until": "05/04/2030 17:00",
                                 f"u{unit}-extension-reason": "Mất điện kéo dài"})
    assert response.status_code == 303
    bodies = [message.get_content() for message in sink.parsed()]
    assert bodies and all(f"Xem chi tiết: {BASE}/" in body for body in bodies)
    assert not any(host in body for body in bodies)
    print(f"\n[security] mail links with forged Host {host!r}: {len(bodies)} mail(s), 0 pointing elsewhere")


def test_no_host_header_even_when_the_base_is_missing_at_run_time(app, ctx, sink, monkeypatch):
    """Startup refuses this state; should the setting vanish anyway, a link stays relative, never the Host."""
    from portal.extensions import db
    from portal.notifications.services import notify
    world = build_world()
    monkeypatch.setitem(app.config, "PORTAL_BASE_URL", None)
    with app.test_request_context("/", base_url="http://evil.example"):
        notify([world.users["syt.canbo"]], "reminder", "Nhắc nhở", link="/evidence/")
        db.session.commit()
    body = sink.parsed()[0].get_content()
    assert "Xem chi tiết: /evidence/" in body and "evil.example" not in body
