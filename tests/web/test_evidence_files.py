"""Files of evidence documents over HTTP: upload (page and fragment), content refusals, download names,
headers, inline view, replace with kept versions, soft delete, size limits and hostile names."""
import io
import time
import unicodedata
from urllib.parse import unquote

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditLog
from portal.evidence.models import EvidenceFile
from portal.extensions import db
from tests.evidence_samples import (
    HOSTILE_UPLOADS,
    docx_bytes,
    image_bytes,
    overlapping_bomb_docx,
    pdf_bytes,
    real_files,
    spoofed_files,
)
from tests.evidence_world import upload, upload_exact_name, world  # noqa: F401  (fixture)


def _filename_star(response) -> str:
    disposition = response.headers["Content-Disposition"]
    star = next(part.strip() for part in disposition.split(";") if part.strip().startswith("filename*="))
    encoding, _lang, value = star[len("filename*="):].split("'", 2)
    assert encoding.upper() == "UTF-8"
    return unquote(value, encoding="utf-8")


def _rows():
    return list(db.session.scalars(select(EvidenceFile).order_by(EvidenceFile.id)))


def test_upload_as_fragment_updates_the_card_and_the_quota(world):
    document = world.document()
    response = upload(world.client("staff A"), document.id, [("Kế hoạch.pdf", pdf_bytes())], htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith(f'<article id="doc-{document.id}" class="evidence-doc saved"')
    assert "Kế hoạch.pdf" in html and 'id="evidence-quota" class="quota" hx-swap-oob="true"' in html
    assert "1,3 kB" in html or "kB" in html


def test_upload_without_js_redirects_and_lists_the_files(world):
    document = world.document()
    client = world.client("staff A")
    response = upload(client, document.id, [("a.pdf", pdf_bytes()), ("b.png", image_bytes())])
    assert response.status_code == 303 and response.headers["Location"].endswith(f"#doc-{document.id}")
    page = client.get("/evidence/").get_data(as_text=True)
    assert "Đã tải lên 2 tệp." in page and "a.pdf" in page and "b.png" in page
    audits = db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "evidence_file_add"))
    assert audits == 2


def test_upload_with_no_file_says_what_to_do(world):
    document = world.document()
    response = upload(world.client("staff A"), document.id, [], htmx=True)
    assert response.status_code == 422 and "Chưa chọn tệp nào" in response.get_data(as_text=True)


def test_every_spoofed_sample_is_refused_over_http_and_leaves_nothing(world):
    document = world.document()
    client = world.client("staff A")
    refused = 0
    for label, name, data, _code in spoofed_files():
        response = upload(client, document.id, [(name, data)], htmx=True)
        refused += response.status_code == 422
        assert 'role="alert"' in response.get_data(as_text=True), label
    assert refused == 45
    assert _rows() == []
    assert world.files_on_disk() == {"blobs": [], "tmp": [], "other": []}


def test_every_real_kind_is_accepted_and_downloads_with_its_type(world):
    document = world.document()
    client = world.client("staff A")
    samples = real_files()
    for kind, (name, data) in samples.items():
        assert upload(client, document.id, [(name, data)]).status_code == 303, kind
    rows = _rows()
    assert len(rows) == len(samples) == 9
    for row, (name, data) in zip(rows, samples.values()):
        response = client.get(f"/evidence/files/{row.id}/download")
        assert response.status_code == 200 and response.data == data
        assert response.mimetype == row.content_type
        assert response.mimetype not in ("text/html", "image/svg+xml")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert _filename_star(response) == name
    assert len(world.files_on_disk()["blobs"]) == 9 and world.files_on_disk()["tmp"] == []


def test_vietnamese_name_downloads_exactly(world):
    document = world.document()
    client = world.client("staff A")
    name = "Báo cáo tự đánh giá (bản cuối).pdf"
    upload(client, document.id, [(name, pdf_bytes())])
    response = client.get(f"/evidence/files/{_rows()[0].id}/download")
    assert _filename_star(response) == name
    assert "filename*=UTF-8''B%C3%A1o%20c%C3%A1o" in response.headers["Content-Disposition"]


def test_nfd_name_comes_back_nfc(world):
    document = world.document()
    client = world.client("staff A")
    nfd = unicodedata.normalize("NFD", "Kế hoạch cải cách hành chính.docx")
    assert nfd != unicodedata.normalize("NFC", nfd)
    upload(client, document.id, [(nfd, docx_bytes())])
    row = _rows()[0]
    assert row.original_name == "Kế hoạch cải cách hành chính.docx"
    assert _filename_star(client.get(f"/evidence/files/{row.id}/download")) == row.original_name


VIETNAMESE_NAMES = [
    "Báo cáo CCHC quý I.pdf", "Kế hoạch tuyên truyền.pdf", "Quyết định 45-QĐ-UBND.pdf", "Đề án vị trí việc làm.pdf",
    "Tờ trình số 12.pdf", "Công văn hỏa tốc.pdf", "Biên bản kiểm tra.pdf", "Thông báo kết luận.pdf",
    "Chỉ thị 08.pdf", "Phụ lục số liệu.pdf", "Ảnh hội nghị.png", "Sơ đồ tổ chức.png", "Giấy chứng nhận ISO.png",
    "Hướng dẫn số 3.pdf", "Nghị quyết HĐND.pdf", "Danh sách cán bộ.pdf", "Bảng điểm tự chấm.pdf",
    "Đánh giá, xếp loại công chức.pdf", "Kết quả khảo sát SIPAS.pdf", "Ủy quyền ký văn bản.pdf",
]


def test_twenty_vietnamese_names_come_back_exact(world):
    document = world.document()
    client = world.client("staff A")
    for index, name in enumerate(VIETNAMESE_NAMES):
        data = image_bytes() if name.endswith(".png") else pdf_bytes(f"so {index}")
        assert upload(client, document.id, [(name, data)]).status_code == 303
    names = [_filename_star(client.get(f"/evidence/files/{row.id}/download")) for row in _rows()]
    assert names == VIETNAMESE_NAMES and len(names) == 20


def test_inline_view_is_sandboxed_and_only_for_pdf_and_images(world):
    document = world.document()
    client = world.client("staff A")
    upload(client, document.id, [("Tệp.pdf", pdf_bytes()), ("ảnh.jpg", image_bytes("JPEG")), ("văn bản.docx", docx_bytes())])
    pdf, jpg, docx = _rows()
    for row, mime in ((pdf, "application/pdf"), (jpg, "image/jpeg")):
        response = client.get(f"/evidence/files/{row.id}/view")
        assert response.status_code == 200 and response.mimetype == mime
        assert response.headers["Content-Security-Policy"].startswith("sandbox; default-src 'none'")
        assert response.headers["Content-Disposition"].startswith("inline;")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/evidence/files/{docx.id}/view").status_code == 404
    page = client.get("/evidence/").get_data(as_text=True)
    assert f"/evidence/files/{pdf.id}/view" in page and f"/evidence/files/{docx.id}/view" not in page


def test_replace_three_times_keeps_every_version(world):
    document = world.document()
    client = world.client("staff A")
    upload(client, document.id, [("Báo cáo.pdf", pdf_bytes("v1"))])
    current = _rows()[0]
    contents = [pdf_bytes("v1")]
    for version in (2, 3, 4):
        data = pdf_bytes(f"v{version}")
        response = client.post(f"/evidence/files/{current.id}/replace", content_type="multipart/form-data",
                               data={"file": (io.BytesIO(data), f"Báo cáo v{version}.pdf")},
                               htmx=version == 3)
        assert response.status_code == (200 if version == 3 else 303)
        contents.append(data)
        current = _rows()[-1]
        assert current.replaces_id is not None
    rows = _rows()
    assert len(rows) == 4 and [r.deleted_at for r in rows] == [None] * 4
    for row, data in zip(rows, contents):
        assert client.get(f"/evidence/files/{row.id}/download").data == data
    replaced = db.session.scalars(select(AuditLog).where(AuditLog.action == "evidence_file_replace")
                                .order_by(AuditLog.id)).all()
    assert len(replaced) == 3 and [a.old["file_id"] for a in replaced] == [r.id for r in rows[:3]]
    page = client.get("/evidence/").get_data(as_text=True)
    assert "Phiên bản trước (3)" in page
    for old in rows[:3]:
        assert f"/evidence/files/{old.id}/download" in page
    stale = client.post(f"/evidence/files/{rows[0].id}/replace", content_type="multipart/form-data",
                        data={"file": (io.BytesIO(pdf_bytes()), "x.pdf")}, htmx=True)
    assert stale.status_code == 409 and "phiên bản mới hơn" in stale.get_data(as_text=True)


def test_delete_file_is_soft_and_hides_its_versions(world):
    document = world.document()
    client = world.client("staff A")
    upload(client, document.id, [("a.pdf", pdf_bytes("1"))])
    first = _rows()[0]
    client.post(f"/evidence/files/{first.id}/replace", content_type="multipart/form-data",
                data={"file": (io.BytesIO(pdf_bytes("2")), "a.pdf")})
    head = _rows()[-1]
    response = client.post(f"/evidence/files/{head.id}/delete", htmx=True)
    assert response.status_code == 200 and "Chưa có tệp nào." in response.get_data(as_text=True)
    db.session.expire_all()
    assert all(row.deleted_at is not None for row in _rows())
    assert client.get(f"/evidence/files/{first.id}/download").status_code == 404
    assert len(world.files_on_disk()["blobs"]) == 2  # blobs stay: the delete is soft
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "evidence_file_delete"))
    assert audit.old["versions"] == [head.id, first.id]


def test_limit_plus_one_byte_is_refused_and_leaves_nothing(world, monkeypatch):
    monkeypatch.setitem(world.app.config, "UPLOAD_MAX_BYTES", 50_000)
    document = world.document()
    client = world.client("staff A")
    response = upload(client, document.id, [("to.pdf", b"%PDF-1.4\n" + b"0" * (50_001 - 9))], htmx=True)
    assert response.status_code == 422 and "48,8 kB" in response.get_data(as_text=True)
    assert _rows() == [] and world.files_on_disk() == {"blobs": [], "tmp": [], "other": []}
    exact = pdf_bytes()
    exact = exact[:9] + b"%" + b"x" * (50_000 - len(exact) - 2) + b"\n" + exact[9:]
    assert len(exact) == 50_000 and upload(client, document.id, [("vua.pdf", exact)]).status_code == 303


def test_body_over_max_content_length_is_413_before_the_view(world, monkeypatch):
    monkeypatch.setitem(world.app.config, "MAX_CONTENT_LENGTH", 60_000)
    document = world.document()
    response = upload(world.client("staff A"), document.id, [("lon.pdf", b"%PDF-" + b"0" * 70_000)])
    assert response.status_code == 413 and "Tệp quá lớn" in response.get_data(as_text=True)
    assert _rows() == [] and world.files_on_disk() == {"blobs": [], "tmp": [], "other": []}


def test_zip_bomb_over_http_is_refused_fast(world):
    document = world.document()
    client = world.client("staff A")
    started = time.perf_counter()
    response = upload(client, document.id, [("Báo cáo.docx", overlapping_bomb_docx())], htmx=True)
    assert time.perf_counter() - started < 2.0
    assert response.status_code == 422 and "cấu trúc nén bất thường" in response.get_data(as_text=True)
    assert world.files_on_disk()["tmp"] == []


@pytest.mark.parametrize("raw, expected", HOSTILE_UPLOADS)
def test_hostile_names_are_stored_safely(world, raw, expected):
    document = world.document()
    response = upload_exact_name(world.client("staff A"), document.id, raw, pdf_bytes(), htmx=True)
    on_disk = world.files_on_disk()
    assert on_disk["other"] == [] and on_disk["tmp"] == []
    if expected is None:
        assert response.status_code == 422 and _rows() == [] and on_disk["blobs"] == []
        return
    assert response.status_code == 200
    assert _rows()[0].original_name == expected
    assert len(on_disk["blobs"]) == 1 and on_disk["blobs"][0].endswith(_rows()[0].sha256)


def test_same_content_is_stored_once(world):
    document = world.document()
    client = world.client("staff A")
    data = pdf_bytes()
    upload(client, document.id, [("a.pdf", data), ("b.pdf", data)])
    assert len(_rows()) == 2 and len(world.files_on_disk()["blobs"]) == 1
