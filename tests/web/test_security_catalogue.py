"""The bad-input catalogue of security.md §9, one row per parametrised case, each through the real pages.

Scores go to a typed-score item ("nhập điểm", max 2, step 0,25) of unit A's self-assessment; text to notes,
comments and unit names; files to an evidence document; the last rows are the request-level attacks (CSRF,
Origin, replay after the lock, stale version, another unit's id). Every refusal leaves the database as it
was, and every refused score keeps the typed value in the answer."""
import io
import re
import unicodedata
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal.assessments.models import Assessment, ScoreEntry
from portal.comments.models import Comment
from portal.criteria.models import Criterion
from portal.criteria.services import create_set_from_spec
from portal.criteria.yaml_read import load_set_yaml
from portal.evidence.models import EvidenceDocument, EvidenceFile
from portal.extensions import db
from portal.text import fold_key
from portal.units.models import Unit
from portal.years.models import AssessmentYear
from tests.evidence_samples import HTML, docx_bytes, DOCM_MAIN, overlapping_bomb_docx, pdf_bytes
from tests.web.assess_setup import MINI_SET, build_council, set_status
from tests.web.security_world import db_checksum

TYPED_ITEM = '  - {code: "1.3", title: "Điểm do đơn vị nhập", max: 2, m: number, step: 0.25}\n'


@pytest.fixture
def w(app, ctx, monkeypatch, auth):
    """The council's small world in self-assessment, with a typed-score item added to F1."""
    import tests.web.assess_setup as setup
    spec_text = MINI_SET.replace("m: yes_no}]}", "m: yes_no},\n" + TYPED_ITEM.strip()[2:] + "]}", 1)
    monkeypatch.setattr(setup, "MINI_SET", spec_text)
    world = build_council("self_assessment", status="draft")
    world.item = world.crit("1.3")
    assert world.item is not None and world.item.method == "number"
    world.app, world.auth = app, auth
    return world


def _score(w, typed):
    client = w.auth.login("a.staff")
    before = db_checksum(ignore={"login_session": None})
    response = client.post(f"/assessment/{w.a_id}/items/{w.item.id}", htmx=True,
                           data={"value": typed, "version": "0"})
    entry = db.session.scalar(select(ScoreEntry).where(ScoreEntry.criterion_id == w.item.id))
    return response, entry, before


def score_refused(typed):
    def case(w):
        response, entry, before = _score(w, typed)
        html = response.get_data(as_text=True)
        assert response.status_code == 422 and entry is None
        assert db_checksum(ignore={"login_session": None}) == before
        assert f'value="{typed.strip()}"' in html or f'value="{typed}"' in html   # the typed value stays
    return case


def score_stored(typed, expected):
    def case(w):
        response, entry, _before = _score(w, typed)
        assert response.status_code == 200 and entry.points == Decimal(expected)
        assert Decimal(entry.inputs["value"]) == Decimal(expected) and "," not in entry.inputs["value"]
    return case


def note_is_nfc(typed):
    def case(w):
        client = w.auth.login("a.staff")
        c = w.crit("1.2")
        assert client.post(f"/assessment/{w.a_id}/items/{c.id}", htmx=True,
                           data={"yes": "1", "note": typed, "version": "0"}).status_code == 200
        note = db.session.scalar(select(ScoreEntry.note).where(ScoreEntry.criterion_id == c.id))
        assert note == unicodedata.normalize("NFC", typed) and unicodedata.is_normalized("NFC", note)
    return case


def same_key(a, b):
    def case(w):
        assert fold_key(a) == fold_key(b)
    return case


def lookalike_unit_refused(w):
    admin = w.auth.login("admin1")
    before = db.session.scalar(select(func.count()).select_from(Unit))
    response = admin.post("/admin/units/new", data={"code": "XDT", "name": "Sở Xây Ðựng", "unit_type": "department"})
    assert response.status_code == 422 and db.session.scalar(select(func.count()).select_from(Unit)) == before


def search_without_accents(w):
    admin = w.auth.login("admin1")
    admin.post("/admin/units/new", data={"code": "DT", "name": "UBND huyện Đồng Tháp Mười", "unit_type": "district"})
    assert "Đồng Tháp Mười" in admin.get("/admin/units/?q=dong thap").get_data(as_text=True)
    assert "Đồng Tháp Mười" in admin.get("/admin/units/?q=ĐỒNG").get_data(as_text=True)


def _document(w):
    doc = EvidenceDocument(unit_id=w.unit_a, year_id=w.year_id, symbol="1/KH", issuer="Sở Tư pháp", summary="Kế hoạch")
    db.session.add(doc)
    db.session.commit()
    return doc


def _upload(w, name, data):
    client = w.auth.login("a.staff")
    doc = _document(w)
    return client.post(f"/evidence/documents/{doc.id}/files", content_type="multipart/form-data", htmx=True,
                       data={"files": [(io.BytesIO(data), name)]})


def file_refused(name, data):
    def case(w):
        response = _upload(w, name, data)
        assert response.status_code == 422 and 'role="alert"' in response.get_data(as_text=True)
        assert db.session.scalar(select(func.count()).select_from(EvidenceFile)) == 0
    return case


def file_stored_as(name, expected):
    def case(w):
        from tests.evidence_world import upload_exact_name
        client = w.auth.login("a.staff")
        doc = _document(w)
        response = upload_exact_name(client, doc.id, name, pdf_bytes(), htmx=True)
        assert response.status_code == 200
        assert db.session.scalar(select(EvidenceFile.original_name)) == expected
    return case


def file_over_limit(w):
    w.app.config["MAX_CONTENT_LENGTH"], limit = 50_000, w.app.config["MAX_CONTENT_LENGTH"]
    try:
        response = _upload(w, "lon.pdf", b"%PDF-1.4\n" + b"0" * 50_001)
    finally:
        w.app.config["MAX_CONTENT_LENGTH"] = limit
    assert response.status_code == 413


def _review(w):
    year = db.session.get(AssessmentYear, w.year_id)
    year.phase = "review_1"
    for assessment in db.session.scalars(select(Assessment)):
        set_status(assessment, "submitted")
    db.session.commit()


def comment_escaped(body, raw_marker):
    def case(w):
        _review(w)
        member = w.auth.login("member")
        c = w.crit("1.2")
        assert member.post(f"/comments/{w.a_id}/{c.id}/", data={"body": body}).status_code in (200, 303)
        stored = db.session.scalar(select(Comment.body))
        assert stored == body.replace("\r\n", "\n")
        html = member.get(f"/comments/{w.a_id}/{c.id}/").get_data(as_text=True)
        assert raw_marker not in html
    return case


def comment_too_long(w):
    _review(w)
    member = w.auth.login("member")
    c = w.crit("1.2")
    response = member.post(f"/comments/{w.a_id}/{c.id}/", data={"body": "Ý kiến dài. " * 90_000}, htmx=True)
    assert response.status_code in (413, 422) and db.session.scalar(select(func.count()).select_from(Comment)) == 0


def post_refused(status, **kwargs):
    def case(w):
        client = w.auth.login("a.staff")
        c = w.crit("1.2")
        before = db_checksum(ignore={"login_session": None})
        response = client.post(f"/assessment/{w.a_id}/items/{c.id}", data={"yes": "1", "version": "0"},
                               **kwargs(w) if callable(kwargs) else kwargs)
        assert response.status_code == status
        assert db_checksum(ignore={"login_session": None}) == before
    return case


def other_session_token(w):
    other = w.app.test_client()
    token = other.csrf_token()
    post_refused(400, htmx=True, csrf=False, headers={"X-CSRFToken": token})(w)


def round1_replay_after_lock(w):
    _review(w)
    member = w.auth.login("member")
    c = w.crit("1.2")
    url = f"/appraisal/{w.a_id}/F1/items/{c.id}"
    assert member.post(url, htmx=True, data={"yes": "0", "note": "Thiếu", "version": "0"}).status_code == 200
    db.session.get(AssessmentYear, w.year_id).phase = "explanation"
    db.session.commit()
    before = db_checksum(ignore={"login_session": None})
    replay = member.post(url, htmx=True, data={"yes": "1", "note": "Sửa sau khi khóa", "version": "1"})
    assert replay.status_code in (403, 409) and db_checksum(ignore={"login_session": None}) == before


def stale_version(w):
    client = w.auth.login("a.staff")
    c = w.crit("1.2")
    url = f"/assessment/{w.a_id}/items/{c.id}"
    assert client.post(url, htmx=True, data={"yes": "1", "version": "0"}).status_code == 200
    stale = client.post(url, htmx=True, data={"yes": "0", "version": "0"})
    assert stale.status_code == 409
    assert db.session.scalar(select(ScoreEntry.inputs).where(ScoreEntry.criterion_id == c.id)) == {"yes": True}


def other_unit_in_hidden_field(w):
    client = w.auth.login("a.staff")
    response = client.post(f"/evidence/units/{w.unit_a}/documents",
                           data={"symbol": "9/KH", "issuer": "Sở Tư pháp", "summary": "Kế hoạch",
                                 "unit_id": str(w.unit_b), "year_id": "99"})
    assert response.status_code == 303
    assert [d.unit_id for d in db.session.scalars(select(EvidenceDocument))] == [w.unit_a]


def other_unit_in_the_address(w):
    client = w.auth.login("a.staff")
    c = w.crit("1.2")
    foreign = client.post(f"/assessment/{w.b_id}/items/{c.id}", data={"yes": "1", "version": "0"})
    missing = client.post(f"/assessment/987654/items/{c.id}", data={"yes": "1", "version": "0"})
    assert foreign.status_code == missing.status_code == 404
    assert db.session.scalar(select(func.count()).select_from(ScoreEntry)) == 0


NFD = unicodedata.normalize("NFD", "Việt Nam — Báo cáo")
CATALOGUE = {
    # scores (5.1, 5.2)
    "max+0.01": score_refused("2.01"), "-0.25": score_refused("-0.25"), "1e3": score_refused("1e3"),
    "20 digits": score_refused("99999999999999999999"), "-0 stored as 0": score_stored("-0", "0.00"),
    "NaN": score_refused("NaN"), "nan": score_refused("nan"), "inf": score_refused("inf"),
    "1e309": score_refused("1e309"),
    "0,5": score_stored("0,5", "0.50"), " 0,5 ": score_stored(" 0,5 ", "0.50"), "0.5": score_stored("0.5", "0.50"),
    "1.000": score_refused("1.000"), "1,000.5": score_refused("1,000.5"), "1_0": score_refused("1_0"),
    "full-width １０": score_refused("１０"), "Arabic-Indic ٣": score_refused("٣"), "0x10": score_refused("0x10"),
    "+5": score_refused("+5"), "5.": score_refused("5."), "step 0.3 of 0.25": score_refused("0.3"),
    # text (5.4, 5.5)
    "NFD Việt stored NFC": note_is_nfc(NFD),
    "Windows combining = Unikey precomposed": same_key(unicodedata.normalize("NFD", "Hội đồng thẩm định"),
                                                       "Hội đồng thẩm định"),
    "hoà ≡ hòa": same_key("hoà", "hòa"), "Đ ≡ Ð key": same_key("Đồng", "Ðồng"),
    "Ð look-alike refused": lookalike_unit_refused, "Đồng found as dong": search_without_accents,
    # files (6.x)
    "limit+1 byte": file_over_limit, "HTML renamed .pdf": file_refused("bao-cao.pdf", HTML),
    ".docm": file_refused("ke-hoach.docm", docx_bytes(main=DOCM_MAIN)),
    "EICAR": file_refused("eicar.pdf", b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"),
    "zip bomb docx": file_refused("Báo cáo.docx", overlapping_bomb_docx()),
    "../ name": file_stored_as("../../etc/Kế hoạch.pdf", "Kế hoạch.pdf"),
    "U+202E name": file_stored_as("báo cáo\u202efdp.pdf", "báo cáofdp.pdf"),
    "đ.pdf keeps .pdf": file_stored_as("đ.pdf", "đ.pdf"),
    "NFD name from macOS": file_stored_as(unicodedata.normalize("NFD", "Quyết định.pdf"), "Quyết định.pdf"),
    # comments (7.4)
    "<script>": comment_escaped("<script>alert(1)</script>", "<script>alert(1)"),
    "hx-get injection": comment_escaped('<div hx-get="/admin/users/" hx-trigger="load">x</div>', 'hx-get="/admin/users/"'),
    "{{7*7}}": comment_escaped("Điểm {{7*7}} là sai", "Điểm 49"),
    "\\r\\n": comment_escaped("Dòng 1\r\nDòng 2", "\r"),
    "1 MB text": comment_too_long,
    # requests (7.1, 4.2, 4.3, 3.1)
    "htmx POST without CSRF": post_refused(400, htmx=True, csrf=False),
    "another session's token": other_session_token,
    "cross-origin Origin": post_refused(403, htmx=True, headers={"Origin": "https://evil.example"}),
    "round-1 edit replayed after the lock": round1_replay_after_lock,
    "stale version": stale_version,
    "other unit's id in a hidden field (ignored)": other_unit_in_hidden_field,
    "other unit's id in the address (404)": other_unit_in_the_address,
}


@pytest.mark.parametrize("row", list(CATALOGUE))
def test_bad_input_catalogue(w, row):
    CATALOGUE[row](w)


def test_the_catalogue_covers_every_row_of_security_md():
    assert len(CATALOGUE) >= 45
