"""The PDF renderer fetches nothing the markup asks for (no SSRF, no local file read): user text such as
a comment with <img src=http://127.0.0.1:…/> or file:///etc/passwd is printed as text, and even raw
markup that reached the renderer would be refused by the link callback and the resource policy (and
the strict render would then fail rather than send a document with holes). A listening socket proves
that no connection is attempted."""
import io
import socket

import pypdf
import pytest
from sqlalchemy import select

from portal.assessments.models import Assessment
from portal.auth.models import User
from portal.comments.models import Comment
from portal.criteria.models import Criterion
from portal.db import utcnow
from portal.extensions import db
from portal.reports import documents
from portal.reports.pdf import PdfRenderError, font_face_css, render_pdf
from tests.web.reports_setup import small_year


@pytest.fixture
def listener():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.3)
    yield sock
    sock.close()


def _connections(sock) -> int:
    count = 0
    while True:
        try:
            conn, _addr = sock.accept()
        except TimeoutError:
            return count
        conn.close()
        count += 1


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages).split())


def test_markup_in_a_comment_is_printed_as_text_and_fetches_nothing(app, ctx, listener):
    port = listener.getsockname()[1]
    world = small_year()
    year = world.year()
    assessment = db.session.scalar(select(Assessment).where(Assessment.unit_id == world.units["STP"]))
    crit = db.session.scalar(select(Criterion.id).where(Criterion.set_id == assessment.criteria_set_id,
                                                         Criterion.code == "1.2"))
    member = db.session.scalar(select(User.id).where(User.username == "tv.snv"))
    body = (f'Xem <img src=http://127.0.0.1:{port}/anh.png> và <img src="file:///etc/passwd"> '
            f'<link rel=stylesheet href="http://127.0.0.1:{port}/a.css"> hết.')
    db.session.add(Comment(assessment_id=assessment.id, criterion_id=crit, author_id=member, body=body, round=1,
                           visibility="unit", sent_at=utcnow(), sent_by_id=member))
    db.session.commit()
    report = documents.appraisal_report(assessment, year, today=utcnow().date())   # strict: 0 err, 0 warn
    text = _text(report.pdf)
    assert f"<img src=http://127.0.0.1:{port}/anh.png>" in text
    assert "file:///etc/passwd" in text and "root:x:0:0" not in text
    assert _connections(listener) == 0


def _raw(port: int, static: str) -> str:
    return (f"<html><head><style>{font_face_css(static)} body {{ font-family: Tinos; }}</style>"
            f'<link rel="stylesheet" href="http://127.0.0.1:{port}/a.css"></head><body><p>Thẩm định</p>'
            f'<img src="http://127.0.0.1:{port}/x.png"><img src="file:///etc/passwd"><img src="/etc/passwd">'
            f'<img src="../../../../etc/passwd"><img src="data:image/png;base64,iVBORw0KGgo="></body></html>')


def test_raw_markup_reaching_the_renderer_is_refused_and_fetches_nothing(app, listener):
    port = listener.getsockname()[1]
    result = render_pdf(_raw(port, app.static_folder), static_folder=app.static_folder, strict=False)
    assert result.warn > 0                          # every resource was refused …
    assert all("refused" in m or "resource policy" in m or "imported stylesheet" in m for m in result.log)
    assert "root:x:0:0" not in _text(result.data)
    assert _connections(listener) == 0              # … and no connection was even attempted
    with pytest.raises(PdfRenderError):             # a report would not be sent with holes in it
        render_pdf(_raw(port, app.static_folder), static_folder=app.static_folder)


def test_only_the_four_bundled_fonts_are_readable(app):
    from portal.reports.pdf import font_paths, make_link_callback
    callback = make_link_callback(app.static_folder)
    for path in font_paths(app.static_folder).values():
        assert callback(str(path)) == str(path)
    for uri in ("http://example.org/f.ttf", "file:///etc/passwd", "/etc/passwd", "static/fonts/../../app.py",
                "data:font/ttf;base64,AA=="):
        assert callback(uri).startswith("refused:")
