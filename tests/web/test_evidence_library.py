"""The library page of a unit's year: list, search without diacritics, create / edit / delete documents
(each as a whole page without JS and as an htmx fragment), the out-of-year flag, the items a document
backs, the quota bar, and the read-only page when the window is closed."""
from datetime import date, timedelta

from sqlalchemy import func, select

from portal.audit.models import AuditLog
from portal.db import utcnow
from portal.evidence.models import EvidenceDocument, ItemEvidence
from portal.extensions import db
from portal.years.models import PhaseWindow
from tests.evidence_samples import pdf_bytes
from tests.evidence_world import file_field, world  # noqa: F401  (fixture)

NEW = {"symbol": "45/QĐ-SNV", "issued_on": "15/03/2022", "issuer": "Sở Nội vụ",
       "summary": "Quyết định ban hành kế hoạch cải cách hành chính năm 2022"}


def _audits(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == action))


def test_library_page_whole(world):
    world.document(symbol="12/KH-UBND", issued_on=date(2022, 1, 10), summary="Kế hoạch tuyên truyền CCHC")
    html = world.client("staff A").get("/evidence/").get_data(as_text=True)
    assert "<html" in html and "Tài liệu kiểm chứng" in html and "Sở Nội vụ" in html
    assert "12/KH-UBND" in html and "10/01/2022" in html and "Kế hoạch tuyên truyền CCHC" in html
    assert 'id="evidence-quota"' in html and "Dung lượng đã dùng" in html and "500 MB" in html
    assert 'id="new-document"' in html and 'enctype="multipart/form-data"' in html
    assert "js/upload.js" in html and "<progress" in html
    assert " style=" not in html and "<style" not in html


def test_nav_item_for_unit_roles_only(world):
    assert 'href="/evidence/"' in world.client("staff A").get("/").get_data(as_text=True)
    assert 'href="/evidence/"' not in world.client("admin").get("/").get_data(as_text=True)


def test_search_ignores_diacritics_whole_and_fragment(world):
    world.document(symbol="01/KH-UBND", summary="Kế hoạch kiểm tra công tác cải cách hành chính")
    world.document(symbol="02/BC-SNV", summary="Báo cáo sơ kết", issuer="Sở Tài chính")
    client = world.client("staff A")
    page = client.get("/evidence/", query_string={"q": "ke hoach kiem tra"}).get_data(as_text=True)
    assert "<html" in page and "01/KH-UBND" in page and "02/BC-SNV" not in page
    response = client.get("/evidence/", query_string={"q": "TAI CHINH"}, htmx=True,
                          headers={"HX-Target": "document-list"})
    fragment = response.get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="document-list"') and "<html" not in fragment
    assert "02/BC-SNV" in fragment and "01/KH-UBND" not in fragment
    assert "HX-Request" in response.headers["Vary"]


def test_create_without_js_with_files(world):
    client = world.client("staff A")
    data = dict(NEW, files=[file_field("Quyết định.pdf", pdf_bytes()), file_field("Phụ lục.pdf", pdf_bytes("x"))])
    response = client.post(f"/evidence/units/{world.unit_a.id}/documents", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 303
    document = db.session.scalar(select(EvidenceDocument))
    assert response.headers["Location"].endswith(f"/evidence/#doc-{document.id}")
    assert (document.symbol, document.issued_on, document.issuer) == ("45/QĐ-SNV", date(2022, 3, 15), "Sở Nội vụ")
    assert [f.original_name for f in document.files] == ["Quyết định.pdf", "Phụ lục.pdf"]
    assert _audits("evidence_document_create") == 1 and _audits("evidence_file_add") == 2
    page = client.get("/evidence/").get_data(as_text=True)
    assert "Đã thêm tài liệu 45/QĐ-SNV" in page and "Phụ lục.pdf" in page


def test_create_as_htmx_returns_the_form_the_list_and_the_quota(world):
    client = world.client("leader A")
    response = client.post(f"/evidence/units/{world.unit_a.id}/documents", htmx=True,
                           data=dict(NEW, files=[file_field("QĐ.pdf", pdf_bytes())]),
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<section id="new-document"')
    assert '<div id="document-list" hx-swap-oob="true"' in html and "45/QĐ-SNV" in html
    assert '<div id="evidence-quota" class="quota" hx-swap-oob="true"' in html
    assert 'value="45/QĐ-SNV"' not in html  # the form is blank again


def test_create_errors_keep_the_typed_values(world):
    client = world.client("staff A")
    bad = dict(NEW, issued_on="32/13/2022", summary="")
    fragment = client.post(f"/evidence/units/{world.unit_a.id}/documents", data=bad, htmx=True)
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 422 and "<html" not in html
    assert "ngày/tháng/năm" in html and "Hãy nhập trích yếu" in html and 'value="45/QĐ-SNV"' in html
    page = client.post(f"/evidence/units/{world.unit_a.id}/documents", data=bad)
    assert page.status_code == 422 and "<html" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(EvidenceDocument)) == 0


def test_create_with_a_refused_file_creates_nothing(world):
    client = world.client("staff A")
    data = dict(NEW, files=[file_field("ok.pdf", pdf_bytes()), file_field("x.pdf", b"<html>")])
    response = client.post(f"/evidence/units/{world.unit_a.id}/documents", data=data, htmx=True,
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Tệp «x.pdf»" in html and 'value="45/QĐ-SNV"' in html
    assert db.session.scalar(select(func.count()).select_from(EvidenceDocument)) == 0
    assert world.files_on_disk()["blobs"] == [] and world.files_on_disk()["tmp"] == []


def test_edit_inline_fragment_and_page(world):
    document = world.document()
    client = world.client("staff A")
    fragment = client.get(f"/evidence/documents/{document.id}/edit", htmx=True).get_data(as_text=True)
    assert fragment.lstrip().startswith(f'<article id="doc-{document.id}"') and "<html" not in fragment
    assert 'value="123/KH-UBND"' in fragment and 'name="edit-symbol"' in fragment
    page = client.get(f"/evidence/documents/{document.id}/edit").get_data(as_text=True)
    assert "<html" in page and 'name="edit-summary"' in page

    form = {"edit-symbol": "124/KH-UBND", "edit-issued_on": "2/1/2021", "edit-issuer": "UBND tỉnh",
            "edit-summary": "Kế hoạch sửa đổi"}
    saved = client.post(f"/evidence/documents/{document.id}/edit", data=form, htmx=True)
    html = saved.get_data(as_text=True)
    assert saved.status_code == 200 and html.lstrip().startswith(f'<article id="doc-{document.id}" class="evidence-doc saved"')
    assert "124/KH-UBND" in html and "02/01/2021" in html and "ngoài năm đánh giá" in html
    assert 'hx-swap-oob="true"' in html  # the quota bar travels along
    db.session.refresh(document)
    assert document.issued_on == date(2021, 1, 2) and _audits("evidence_document_update") == 1

    posted = client.post(f"/evidence/documents/{document.id}/edit", data=dict(form, **{"edit-summary": "Lại"}))
    assert posted.status_code == 303
    db.session.refresh(document)
    assert document.summary == "Lại"


def test_edit_error_keeps_value_and_cancel_returns_the_card(world):
    document = world.document()
    client = world.client("staff A")
    response = client.post(f"/evidence/documents/{document.id}/edit", htmx=True,
                           data={"edit-symbol": "9/KH", "edit-issued_on": "hôm qua", "edit-summary": "x"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'value="hôm qua"' in html and "ví dụ 15/03/2022" in html
    card = client.get(f"/evidence/documents/{document.id}", htmx=True).get_data(as_text=True)
    assert card.lstrip().startswith(f'<article id="doc-{document.id}"') and "edit-symbol" not in card
    assert "<html" in client.get(f"/evidence/documents/{document.id}").get_data(as_text=True)


def test_delete_document_soft_fragment_and_page(world):
    first, second = world.document(), world.document(symbol="2/BC")
    client = world.client("staff A")
    response = client.post(f"/evidence/documents/{first.id}/delete", htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<article" not in html and 'id="evidence-quota"' in html
    assert client.post(f"/evidence/documents/{second.id}/delete").status_code == 303
    db.session.expire_all()
    assert db.session.get(EvidenceDocument, first.id).deleted_at is not None  # kept, only hidden
    assert _audits("evidence_document_delete") == 2
    page = client.get("/evidence/").get_data(as_text=True)
    assert f'id="doc-{first.id}"' not in page and f'id="doc-{second.id}"' not in page
    assert client.get(f"/evidence/documents/{first.id}").status_code == 404


def test_a_document_backing_items_shows_codes_and_cannot_be_deleted(world):
    document = world.document()
    for code, stage in (("1.1.1", "self"), ("1.2", "explanation")):
        db.session.add(ItemEvidence(assessment_id=world.assessment_a.id, criterion_id=world.items[code].id,
                                    document_id=document.id, stage=stage))
    db.session.commit()
    client = world.client("staff A")
    page = client.get("/evidence/").get_data(as_text=True)
    assert '<span class="tag">1.1.1</span>' in page and "1.2 · bổ sung" in page
    response = client.post(f"/evidence/documents/{document.id}/delete", htmx=True)
    assert response.status_code == 409 and "1.1.1, 1.2" in response.get_data(as_text=True)
    db.session.refresh(document)
    assert document.deleted_at is None


def test_closed_window_gives_a_read_only_page_and_refuses_posts(world):
    document = world.document()
    window = db.session.scalar(select(PhaseWindow))
    window.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    client = world.client("staff A")
    html = client.get("/evidence/").get_data(as_text=True)
    assert "Chỉ xem:" in html and "Đã hết hạn" in html and "Liên hệ Sở Nội vụ" in html
    assert 'id="new-document"' not in html and "Tải lên" not in html and "123/KH-UBND" in html
    for url in (f"/evidence/units/{world.unit_a.id}/documents", f"/evidence/documents/{document.id}/edit",
                f"/evidence/documents/{document.id}/delete", f"/evidence/documents/{document.id}/files"):
        response = client.post(url, data=dict(NEW))
        assert response.status_code == 403 and "Đã hết hạn" in response.get_data(as_text=True), url
    assert db.session.scalar(select(func.count()).select_from(EvidenceDocument)) == 1


def test_admin_sees_the_unit_list_and_a_library_read_only(world):
    world.document()
    client = world.client("admin")
    listing = client.get("/evidence/").get_data(as_text=True)
    assert f'href="/evidence/units/{world.unit_a.id}"' in listing and "Sở Tài chính" in listing
    page = client.get(f"/evidence/units/{world.unit_a.id}").get_data(as_text=True)
    assert "123/KH-UBND" in page and "Chỉ xem:" in page and 'id="new-document"' not in page


def test_council_before_review_1_is_told_when(world):
    client = world.client("member")
    listing = client.get("/evidence/").get_data(as_text=True)
    assert "từ giai đoạn thẩm định vòng 1" in listing and "/evidence/units/" not in listing
    response = client.get(f"/evidence/units/{world.unit_a.id}")
    assert response.status_code == 403 and "Tự đánh giá" in response.get_data(as_text=True)
