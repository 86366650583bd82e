"""Hướng dẫn sử dụng: the guide's pages render for every role in both languages, every screenshot they
reference exists (a 1024×768 WebP in each language), the screenshot script and the guide name the same
shots, and the header's help link leads each role to its page, at the step explaining the page it is on."""
import io
import re
from pathlib import Path

import pytest
from PIL import Image

from bench.guide_screens import NAMES
from portal.extensions import db
from portal.guide.content import BY_ROLE, HELP_AT, ROLES, shots
from tests.factories import make_user, make_year

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "static" / "guide"
ROLE_NAMES = [g.role for g in ROLES]
TITLES = {"vi": "Hướng dẫn: ", "en": "Guide: "}
ROLE_TITLES = {
    "vi": {"unit_staff": "Cán bộ đơn vị", "unit_leader": "Lãnh đạo đơn vị",
           "council_member": "Thành viên Hội đồng thẩm định", "council_chair": "Chủ tịch Hội đồng thẩm định",
           "admin": "Quản trị — Sở Nội vụ"},
    "en": {"unit_staff": "Unit staff", "unit_leader": "Unit leader",
           "council_member": "Appraisal Council member", "council_chair": "Appraisal Council chair",
           "admin": "Administrator — Department of Home Affairs"},
}
IMG = re.compile(r'<img src="(/static/guide/[^"?]+)(?:\?v=[0-9a-f]+)?"')


@pytest.fixture
def people(ctx):
    make_year(2025)
    unit = make_user("unit_staff", username="g.staff").unit
    make_user("unit_leader", unit, username="g.leader")
    make_user("council_member", username="g.member")
    make_user("council_chair", username="g.chair")
    make_user("admin", username="g.admin")
    db.session.commit()
    return {"unit_staff": "g.staff", "unit_leader": "g.leader", "council_member": "g.member",
            "council_chair": "g.chair", "admin": "g.admin"}


def _client(auth, username, lang):
    client = auth.login(username)
    return auth.language(client, "en") if lang == "en" else client


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("role", ROLE_NAMES)
def test_each_role_reads_its_guide_in_both_languages(people, role, lang, auth):
    client = _client(auth, people[role], lang)
    guide = BY_ROLE[role]
    index = client.get("/huong-dan/").get_data(as_text=True)
    for other in ROLE_NAMES:                         # every role's page is listed, the reader's is marked
        assert ROLE_TITLES[lang][other] in index
    assert ("Vai trò của bạn" if lang == "vi" else "Your role") in index

    page = client.get(f"/huong-dan/{guide.slug}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'<html lang="{lang}">' in html
    assert f"<h1>{TITLES[lang]}{ROLE_TITLES[lang][role]}</h1>" in html
    for step in guide.steps:
        assert f'id="{step.anchor}"' in html and f'href="#{step.anchor}"' in html
    images = IMG.findall(html)
    assert len(images) == len([s for s in guide.steps if s.shot]) >= 4
    for src in images:
        assert src.startswith(f"/static/guide/{lang}/")
        assert (ROOT / src.lstrip("/")).is_file(), src
        assert client.get(src).status_code == 200
    # the reader's language throughout: no Vietnamese step title on the English page, and the other way round
    other = "en" if lang == "vi" else "vi"
    assert f"{TITLES[other]}{ROLE_TITLES[other][role]}" not in html


def test_the_guide_is_open_to_visitors_and_the_login_page_links_it(app, anon):
    html = anon.get("/login").get_data(as_text=True)
    assert '<a href="/huong-dan/">Hướng dẫn</a>' in html
    assert anon.get("/huong-dan/").status_code == 200
    for guide in ROLES:
        assert anon.get(f"/huong-dan/{guide.slug}").status_code == 200
    assert anon.get("/huong-dan/khong-co").status_code == 404


@pytest.mark.parametrize("role, path, anchor", [
    ("unit_staff", "/", "trang-chu"),
    ("unit_leader", "/", None),
    ("council_member", "/notifications/", None),
    ("admin", "/admin/year/progress", "tien-do"),
    ("admin", "/admin/users/", "tai-khoan"),
])
def test_the_header_link_opens_the_readers_page_at_the_step_of_this_page(people, role, path, anchor, auth):
    html = _client(auth, people[role], "vi").get(path).get_data(as_text=True)
    target = f"/huong-dan/{BY_ROLE[role].slug}" + (f"#{anchor}" if anchor else "")
    assert f'<a href="{target}">Hướng dẫn</a>' in html


def test_every_help_anchor_is_a_step_of_the_role_and_every_endpoint_exists(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    for role, places in HELP_AT.items():
        anchors = {step.anchor for step in BY_ROLE[role].steps}
        for endpoint, anchor in places.items():
            assert endpoint in endpoints, endpoint
            assert anchor in anchors, (role, anchor)


def test_the_guide_and_the_screenshot_script_name_the_same_shots():
    assert shots() == NAMES


def test_every_screenshot_exists_in_both_languages_small_and_at_1024_by_768():
    total = 0
    for lang in ("vi", "en"):
        for name in sorted(shots()):
            path = GUIDE / lang / f"{name}.webp"
            assert path.is_file(), path
            data = path.read_bytes()
            assert data[:4] == b"RIFF" and data[8:12] == b"WEBP", path
            image = Image.open(io.BytesIO(data))
            assert image.size == (1024, 768), path
            shades = image.convert("L").getcolors(maxcolors=1 << 16) or range(1 << 16)
            assert len(shades) > 16, f"{path}: blank"
            total += len(data)
    assert total < 5 * 1024 * 1024, f"{total / 1024:.0f} KB of screenshots"
    stray = {p.stem for p in GUIDE.glob("*/*.webp")} - shots()
    assert stray == set(), f"screenshots the guide no longer shows: {sorted(stray)}"
