"""Versioned static files: every stylesheet and script a page loads carries its content hash, and only
a URL with the file's current hash is cached for a year; anything else is revalidated."""
import hashlib
import os
import re

import pytest

from tests.factories import make_user
from tests.web.assess_setup import build

ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src)="(/static/[^"]+)"')
YEAR = "public, max-age=31536000, immutable"


def _assets(html: str) -> list[str]:
    return [url.replace("&amp;", "&") for url in ASSET.findall(html)]


def _version(app, name: str) -> str:
    with open(os.path.join(app.static_folder, name), "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()[:10]


@pytest.fixture
def world(app, ctx):
    s = build()
    make_user("admin", username="quantri")
    return s


@pytest.mark.parametrize("who, path", [
    (None, "/login"), ("a.staff", "/assessment/{a}"), ("a.staff", "/evidence/"), ("quantri", "/"),
    ("quantri", "/results/{year}"),
])
def test_every_asset_of_a_page_is_versioned_with_its_content_hash(app, world, who, path, auth):
    client = app.test_client()
    if who:
        auth.login(who, client=client)
    response = client.get(path.format(a=world.a_id, year=world.year_id))
    assert response.status_code == 200
    assets = _assets(response.get_data(as_text=True))
    assert assets, "a page loads at least the stylesheet and htmx"
    for url in assets:
        name, _sep, query = url[len("/static/"):].partition("?")
        assert query == f"v={_version(app, name)}", url
        assert client.get(url).headers["Cache-Control"] == YEAR


def test_a_stale_or_missing_version_is_revalidated_not_cached_for_a_year(client, app):
    current = _version(app, "css/portal.css")
    for url in ("/static/css/portal.css", "/static/css/portal.css?v=0000000000",
                f"/static/css/portal.css?v={current}x"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-cache", url
        etag = response.headers["ETag"]
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_missing_static_file_is_a_404_without_year_long_caching(client):
    response = client.get("/static/css/khong-co.css?v=abcdef0123")
    assert response.status_code == 404 and "immutable" not in response.headers.get("Cache-Control", "")


def test_pages_themselves_are_never_cached(world, auth):
    client = auth.login("a.staff")
    response = client.get(f"/assessment/{world.a_id}")
    assert response.headers["Cache-Control"] == "no-store"
