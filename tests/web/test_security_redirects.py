"""One safe redirect rule (issue 17): every route that takes a next/return target — login, the two-factor
step, the language switch, the comment forms and session expiry — sends the browser only to a path of this
site; each hostile variant falls back to the home page (or the route's own page)."""
import re
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from sqlalchemy import update

from portal.auth import totp
from portal.auth.models import User
from portal.db import utcnow
from portal.extensions import db
from tests.auth_actions import AuthActions
from tests.factories import make_user
from tests.web.assess_setup import build_council

HOST = "localhost"
VARIANTS = [
    "//evil.example", "///evil.example/x", "/\t/evil.example", "/\\evil.example", "\\\\evil.example",
    "/\\/evil.example", "/\r\n/evil.example", "/\n/evil.example", "\t//evil.example", " //evil.example",
    "https:evil.example", "https://evil.example/", "http:/\\evil.example", "HTTPS://evil.example",
    "javascript:alert(1)", "data:text/html,x", "evil.example", "@evil.example", "//evil.example@localhost",
    "https://localhost@evil.example", "/%2F/evil.example", "%2F%2Fevil.example", "/%2f%2fevil.example",
    "/%09/evil.example", "/%5Cevil.example", "/%5C%5Cevil.example", "/%0d%0aLocation:%20https://evil.example",
    "/%252F%252Fevil.example", "/%25252F%25252Fevil.example", "/\x00/evil.example", "/\x0b/evil.example",
    "/\x7f/evil.example", "/\u0085/evil.example", "//%65vil.example", "//\\evil.example",
]
ON_SITE = ["/", "/evidence/?q=k%E1%BA%BF+ho%E1%BA%A1ch", "/admin/units/?q=S%E1%BB%9F", "/results/2022"]


def off_site(location: str | None) -> bool:
    """Would a browser leave the site following this Location? (Browsers drop tabs and line breaks and
    read a backslash as a slash before resolving.)"""
    if location is None:
        return False
    if "\r" in location or "\n" in location:
        return True
    cleaned = re.sub(r"[\t\r\n]", "", location).replace("\\", "/").lstrip("\x00\x20")
    resolved = urlsplit(urljoin(f"http://{HOST}/", cleaned))
    return resolved.scheme not in ("http", "https") or resolved.hostname != HOST


@pytest.fixture
def staff(ctx):
    make_user("unit_staff", username="canbo")
    make_user("admin", username="quantri")
    db.session.commit()


def _login(app, target):
    return AuthActions(app).post("canbo", query_string={"next": target})


def _two_factor(app, target):
    """Password, then the enrolment of a new secret (cleared before each probe), then the code."""
    db.session.execute(update(User).where(User.username == "quantri").values(totp_secret=None, totp_last_step=None))
    db.session.commit()
    client = AuthActions(app).client()
    AuthActions(app).post("quantri", query_string={"next": target}, client=client)
    page = client.get("/login/two-factor").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    return client.post("/login/two-factor", data={"code": totp.code_at(secret, totp.step_of(utcnow()))})


def _language(app, target):
    return app.test_client().post("/language/en", data={"next": target})


def _expiry(app, target):
    """Session expiry: an htmx request without a session, from a forged page URL, then the login itself."""
    client = app.test_client()
    header = target.replace("\r", "%0D").replace("\n", "%0A")      # a header cannot carry a raw line break
    first = client.get("/evidence/", htmx=True, headers={"HX-Current-URL": f"http://{HOST}{header}"})
    login_url = first.headers["HX-Redirect"]
    assert not off_site(login_url)
    returned = parse_qs(urlsplit(login_url).query).get("next", [None])[0]
    assert returned is None or not off_site(returned)
    return client.post(login_url, data={"username": "canbo", "password": "mat-khau-thu-nghiem"})


ROUTES = {"login": _login, "two_factor": _two_factor, "language": _language, "session_expiry": _expiry}


def test_redirect_variants_never_leave_the_site(app, staff, monkeypatch, auth):
    monkeypatch.setitem(app.config, "REQUIRE_TOTP", True)
    probes = escaped = 0
    for name, route in ROUTES.items():
        for target in VARIANTS:
            response = route(app, target)
            assert response.status_code in (302, 303), (name, target, response.status_code)
            probes += 1
            if off_site(response.headers.get("Location")):
                escaped += 1
                print(f"  off-site: {name} {target!r} -> {response.headers.get('Location')!r}")
    monkeypatch.setitem(app.config, "REQUIRE_TOTP", False)      # the council member signs in with a password
    comment_probes, comment_escaped = _comment_probes(auth)
    probes, escaped = probes + comment_probes, escaped + comment_escaped
    print(f"\n[security] redirect variants: {escaped} of {probes} off-site "
          f"({len(VARIANTS)} variants × {len(ROUTES) + 1} routes)")
    assert escaped == 0 and probes == len(VARIANTS) * (len(ROUTES) + 1)


def _comment_probes(auth) -> tuple[int, int]:
    w = build_council("review_1", status="submitted")
    member = auth.sign_in("member")
    url = f"/comments/{w.a_id}/{w.crit('1.2').id}/"
    probes = escaped = 0
    for target in VARIANTS:
        response = member.post(url, data={"body": "Đề nghị bổ sung", "next": target})
        assert response.status_code == 303, (target, response.status_code)
        probes += 1
        location = response.headers["Location"]
        escaped += off_site(location)
        assert location.startswith(url), (target, location)      # fell back to the thread's own page
    return probes, escaped


@pytest.mark.parametrize("target", ON_SITE)
def test_same_site_paths_are_kept(app, staff, target):
    assert _login(app, target).headers["Location"] == target
    assert _language(app, target).headers["Location"] == target


def test_the_rule_is_one_function(app):
    """No view keeps its own copy: the old helpers are gone and the callers import the one rule."""
    import portal.auth.views.login as auth_views
    import portal.comments.web as comments_web
    import portal.home.views.home as home_views
    from portal.web import redirects
    assert auth_views.safe_next is redirects.safe_next and home_views.safe_next is redirects.safe_next
    assert not hasattr(comments_web, "safe_next") and comments_web.same_site_path is redirects.same_site_path
    with app.test_request_context("/", base_url=f"http://{HOST}"):
        assert redirects.path_of_page_url("http://evil.example/x") is None
        assert redirects.path_of_page_url(f"http://{HOST}/evidence/?q=1") == "/evidence/?q=1"
        assert redirects.path_of_page_url(f"http://{HOST}//evil.example") is None
