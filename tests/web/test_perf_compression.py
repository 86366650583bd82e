"""Compressed responses (portal.web.compress): gzip for text above a small size when the client accepts it,
`Vary: Accept-Encoding`, never for binary or already-compressed bodies, streamed files left alone, ETags
and conditional requests still right."""
import gzip
import re

import pytest
from flask import Response

from portal.web.compress import MIN_SIZE, compress
from tests.web.assess_setup import build

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def _static_url(client, name: str) -> str:
    html = client.get("/login").get_data(as_text=True)
    return re.search(rf'"(/static/{re.escape(name)}\?v=[0-9a-f]+)"', html).group(1)


def test_html_page_is_gzipped_when_accepted_and_says_it_varies(client):
    plain = client.get("/login")
    packed = client.get("/login", headers=GZIP)
    assert packed.status_code == 200 and packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    body = gzip.decompress(packed.get_data()).decode()
    assert body.startswith("<!doctype html>") and "Đăng nhập" in body
    assert int(packed.headers["Content-Length"]) == len(packed.get_data()) < len(plain.get_data()) / 2


def test_without_accept_encoding_the_body_is_plain_but_still_varies(client):
    response = client.get("/login")
    assert "Content-Encoding" not in response.headers
    assert response.get_data(as_text=True).startswith("<!doctype html>")
    assert "Accept-Encoding" in response.headers["Vary"]


@pytest.mark.parametrize("accept, compressed", [
    ("gzip", True), ("*", True), ("deflate, gzip;q=0.5", True),
    ("gzip;q=0", False), ("identity", False), ("br", False), ("*;q=0", False), ("", False),
])
def test_accept_encoding_is_honoured(client, accept, compressed):
    response = client.get("/login", headers={"Accept-Encoding": accept})
    assert (response.headers.get("Content-Encoding") == "gzip") is compressed


def test_static_css_and_js_are_gzipped_byte_for_byte(client):
    for name in ("css/portal.css", "vendor/htmx-2.0.11.min.js"):
        url = _static_url(client, name)
        plain = client.get(url).get_data()
        packed = client.get(url, headers=GZIP)
        assert packed.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(packed.get_data()) == plain
        assert "Accept-Ranges" not in packed.headers
        again = client.get(url, headers=GZIP)
        assert again.get_data() == packed.get_data()       # deterministic (mtime 0), served from the cache


def test_binary_static_files_are_never_compressed(client):
    response = client.get("/static/fonts/Tinos-Regular.ttf", headers=GZIP)
    assert response.status_code == 200 and "Content-Encoding" not in response.headers
    assert response.get_data()[:4] == b"\x00\x01\x00\x00"  # a TrueType file, untouched


def test_static_etag_has_its_own_gzip_variant_and_conditional_requests_work(client):
    url = _static_url(client, "css/portal.css")
    plain, packed = client.get(url), client.get(url, headers=GZIP)
    identity_tag, gzip_tag = plain.headers["ETag"], packed.headers["ETag"]
    assert gzip_tag != identity_tag and gzip_tag.endswith('-gzip"')
    not_modified = client.get(url, headers={**GZIP, "If-None-Match": gzip_tag})
    assert not_modified.status_code == 304 and not_modified.get_data() == b""
    assert client.get(url, headers={"If-None-Match": identity_tag}).status_code == 304
    # A client holding the plain copy asks without gzip and with the gzip tag: it gets the plain body.
    full = client.get(url, headers={"If-None-Match": gzip_tag})
    assert full.status_code == 200 and full.get_data() == plain.get_data()


def test_range_requests_get_the_identity_bytes(client):
    url = _static_url(client, "css/portal.css")
    whole = client.get(url).get_data()
    part = client.get(url, headers={**GZIP, "Range": "bytes=0-99"})
    assert part.status_code == 206 and "Content-Encoding" not in part.headers
    assert part.get_data() == whole[:100]


def test_head_gives_the_length_of_the_compressed_get(client):
    url = _static_url(client, "css/portal.css")
    head = client.head(url, headers=GZIP)
    get = client.get(url, headers=GZIP)
    assert head.headers["Content-Encoding"] == "gzip"
    assert head.headers["Content-Length"] == get.headers["Content-Length"]


def test_htmx_fragment_is_compressed_and_varies_on_both_headers(ctx, auth):
    s = build()
    staff = auth.login("a.staff")
    crit = s.crit("1.2")
    url = f"/assessment/{s.a_id}/items/{crit.id}"
    response = staff.post(url, htmx=True, headers=GZIP, data={"yes": "1", "note": "", "version": "0"})
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
    assert {"HX-Request", "Accept-Encoding"} <= {v.strip() for v in response.headers["Vary"].split(",")}
    fragment = gzip.decompress(response.get_data()).decode()
    assert fragment.lstrip().startswith("<article") and "Đã lưu" in fragment and "<html" not in fragment


def test_xlsx_download_is_not_compressed(ctx, auth):
    s = build()
    staff = auth.login("a.staff")
    response = staff.get(f"/assessment/{s.a_id}/template.xlsx", headers=GZIP)
    assert response.status_code == 200, response.status_code
    assert response.mimetype.endswith("spreadsheetml.sheet") and "Content-Encoding" not in response.headers
    assert response.get_data()[:2] == b"PK"


# ---- the hook itself, on responses the portal does not (yet) make


def _run(app, response, accept="gzip", path="/x"):
    with app.test_request_context(path, headers={"Accept-Encoding": accept}):
        return compress(response)


@pytest.mark.parametrize("mimetype", [
    "application/pdf", "application/zip", "image/png", "image/jpeg",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/octet-stream",
    "font/ttf",
])
def test_already_compressed_types_are_left_alone(app, mimetype):
    response = _run(app, Response(b"x" * 5000, mimetype=mimetype))
    assert "Content-Encoding" not in response.headers and response.get_data() == b"x" * 5000
    assert "Accept-Encoding" not in response.vary


@pytest.mark.parametrize("mimetype", ["text/html", "text/css", "text/javascript", "application/json",
                                      "text/csv", "image/svg+xml", "text/plain"])
def test_text_types_are_compressed(app, mimetype):
    body = ("Chỉ số cải cách hành chính " * 200).encode()
    response = _run(app, Response(body, mimetype=mimetype))
    assert response.headers["Content-Encoding"] == "gzip" and gzip.decompress(response.get_data()) == body


def test_small_bodies_are_sent_as_they_are(app):
    small = _run(app, Response(b"a" * (MIN_SIZE - 1), mimetype="text/html"))
    assert "Content-Encoding" not in small.headers and "Accept-Encoding" in small.vary
    big = _run(app, Response(b"a" * MIN_SIZE, mimetype="text/html"))
    assert big.headers["Content-Encoding"] == "gzip"


def test_streamed_bodies_are_not_buffered(app):
    def chunks():
        yield b"a" * 4000
        yield b"b" * 4000
    response = _run(app, Response(chunks(), mimetype="text/csv"))
    assert response.is_streamed and "Content-Encoding" not in response.headers


@pytest.mark.parametrize("status", [204, 206, 304])
def test_bodiless_and_partial_responses_are_left_alone(app, status):
    response = _run(app, Response(b"a" * 2000, status=status, mimetype="text/html"))
    assert "Content-Encoding" not in response.headers


def test_no_transform_and_existing_encoding_are_respected(app):
    no_transform = Response(b"a" * 2000, mimetype="text/html", headers={"Cache-Control": "no-transform"})
    assert "Content-Encoding" not in _run(app, no_transform).headers
    already = Response(gzip.compress(b"a" * 2000), mimetype="text/html", headers={"Content-Encoding": "gzip"})
    body = already.get_data()
    assert _run(app, already).get_data() == body


def test_error_pages_are_compressed_too(client):
    response = client.get("/khong-co-trang-nay", headers=GZIP)
    assert response.status_code == 404 and response.headers["Content-Encoding"] == "gzip"
    assert "Không tìm thấy" in gzip.decompress(response.get_data()).decode()
