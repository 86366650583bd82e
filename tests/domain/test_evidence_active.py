"""Active content in uploads, refused by real parsers (issue 17): pypdf walks every PDF object, oletools
reads Word/Excel parts. Pure, no app. Figures: 21/21 crafted files refused, 20/20 real office files
accepted, the scan time of a 10 MB PDF."""
import io
import time
import zipfile

import pytest

from portal.evidence import pdf_scan
from portal.evidence.kinds import MESSAGES, Refused
from portal.evidence.sniff import EICAR, detect
from tests import evidence_pdfs as pdfs
from tests.evidence_corpus import crafted_active_files, image, real_office_files
from tests.evidence_samples import docx_bytes, pdf_bytes


@pytest.fixture(scope="session")
def crafted():
    return crafted_active_files()


@pytest.fixture(scope="session")
def real():
    return real_office_files()


def _detect(tmp_path, data: bytes, name: str):
    path = tmp_path / "upload.bin"
    path.write_bytes(data)
    return detect(str(path), name)


def _verdict(tmp_path, data: bytes, name: str) -> str:
    try:
        return _detect(tmp_path, data, name).kind
    except Refused as err:
        return err.code


def test_21_crafted_files_with_active_content_are_all_refused_for_their_reason(tmp_path, crafted):
    verdicts = [(label, _verdict(tmp_path, data, name), code) for label, name, data, code in crafted]
    wrong = [v for v in verdicts if v[1] != v[2]]
    refused = sum(v[1] == v[2] for v in verdicts)
    print(f"\n[security] crafted active content: {refused}/{len(crafted)} refused for their reason")
    assert len(crafted) == 21 and wrong == [] and refused == 21


def test_20_real_office_files_are_all_accepted(tmp_path, real):
    kinds = [_verdict(tmp_path, data, name) for name, data in real]
    accepted = sum(kind == name.rsplit(".", 1)[1] for kind, (name, _data) in zip(kinds, real))
    print(f"\n[security] real office files: {accepted}/{len(real)} accepted ({', '.join(sorted(set(kinds)))})")
    assert len(real) == 20 and accepted == 20, list(zip([n for n, _ in real], kinds))


def test_the_real_files_carry_the_features_that_must_stay_allowed(real):
    """The accepted set is not trivially clean: links, a form, an owner password, a field, a chart."""
    from pypdf import PdfReader
    files = dict(real)
    protected = PdfReader(io.BytesIO(files["Báo cáo có mật khẩu chủ sở hữu.pdf"]))
    assert protected.is_encrypted
    assert "/AcroForm" in PdfReader(io.BytesIO(files["Phiếu khảo sát.pdf"])).trailer["/Root"]
    assert b"/URI" in files["Ảnh hội nghị kèm chú thích.pdf"]
    with zipfile.ZipFile(io.BytesIO(files["Công văn có liên kết.docx"])) as package:
        rels = package.read("word/_rels/document.xml.rels").decode()
        footer = next(package.read(n).decode() for n in package.namelist() if n.startswith("word/footer"))
    assert 'TargetMode="External"' in rels and "hyperlink" in rels and "PAGE" in footer
    with zipfile.ZipFile(io.BytesIO(files["Biểu đồ tiến độ.xlsx"])) as package:
        assert any(n.startswith("xl/charts/") for n in package.namelist())


def test_the_parser_alone_refuses_every_crafted_pdf(tmp_path, crafted, monkeypatch):
    """With the byte-level second net switched off, pypdf's walk still finds every crafted PDF."""
    monkeypatch.setattr(pdf_scan, "active_name", lambda data: None)
    pdf = [(label, name, data, code) for label, name, data, code in crafted if name.endswith(".pdf")]
    wrong = [(label, _verdict(tmp_path, data, name)) for label, name, data, code in pdf
             if _verdict(tmp_path, data, name) != code]
    assert len(pdf) == 13 and wrong == []


@pytest.mark.parametrize("budget", [pdf_scan.Budget(seconds=-1), pdf_scan.Budget(objects=2),
                                    pdf_scan.Budget(inflate=10)])
def test_a_budget_that_runs_out_refuses_fail_closed(tmp_path, budget):
    path = tmp_path / "x.pdf"
    path.write_bytes(pdf_bytes(compress=True))
    with pytest.raises(Refused) as err:
        pdf_scan.check_pdf(str(path), path.stat().st_size, budget)
    assert err.value.code == "scan_budget"
    assert "giới hạn" in str(err.value) and "Hãy lưu lại tệp dưới dạng PDF không có mã lệnh" in str(err.value)


@pytest.mark.parametrize("catalog, found", [
    (b"/OpenAction 6 0 R", "/OpenAction /URI"),                # the action in its own object, after the catalog
    (b"/OpenAction << /S /Launch /F (calc.exe) >>", "/OpenAction /Launch"),
    (b"/Names << /JavaScript 6 0 R >>", "JavaScript"),
])
def test_indirect_and_named_actions_are_found(tmp_path, catalog, found):
    objects = pdfs.page_tree(catalog)
    objects[6] = b"<< /S /URI /URI (http://evil.example/) >>"
    with pytest.raises(Refused) as err:
        _detect(tmp_path, pdfs.pdf_document(objects), "x.pdf")
    assert (err.value.code, err.value.params["found"]) == ("pdf_active", found)
    assert found in str(err.value)


def test_a_pdf_that_needs_a_password_to_open_is_refused(tmp_path):
    from pypdf import PdfReader, PdfWriter
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pdf_bytes())))
    writer.encrypt(user_password="mat-khau", owner_password="chu", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(Refused) as err:
        _detect(tmp_path, buffer.getvalue(), "x.pdf")
    assert err.value.code == "encrypted"


def test_an_object_left_out_of_the_cross_reference_is_still_read(tmp_path, monkeypatch):
    """A later revision may drop an object from the table; a reader that rebuilds it would find it."""
    monkeypatch.setattr(pdf_scan, "active_name", lambda data: None)  # the parser's walk alone
    data = pdfs.clean()
    hidden = b"99 0 obj\n<< /S /Launch /F (calc.exe) >>\nendobj\n"
    start = data.index(b"6 0 obj")  # before the cross-reference stream, which does not list object 99
    with pytest.raises(Refused) as err:
        _detect(tmp_path, data[:start] + hidden + data[start:], "x.pdf")
    assert err.value.params["found"] == "/Launch"


def test_a_link_to_a_web_page_on_click_is_allowed(tmp_path):
    link = b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (https://x.gov.vn) >> >>"
    assert _detect(tmp_path, pdfs.pdf_document(pdfs.page_tree(page_extra=b"/Annots [" + link + b"]")), "a.pdf")


def _with_zip_comment(data: bytes, comment: bytes) -> bytes:
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a") as package:
        package.comment = comment
    return buffer.getvalue()


@pytest.mark.parametrize("name, data", [
    ("x.png", image("PNG", (40, 30)) + EICAR),
    ("x.docx", _with_zip_comment(docx_bytes(), EICAR)),
    ("x.pdf", pdf_bytes()[:-6] + b"%" + EICAR + b"\n%%EOF\n"),
])
def test_eicar_is_refused_wherever_it_sits(tmp_path, name, data):
    with pytest.raises(Refused) as err:
        _detect(tmp_path, data, name)
    assert err.value.code == "virus" and "EICAR" in str(err.value)


def test_a_ribbon_that_runs_a_macro_on_load_is_refused(tmp_path):
    from tests.evidence_office import docx, rezip
    ribbon = b'<customUI xmlns="http://schemas.microsoft.com/office/2009/07/customui" onLoad="Chay"/>'
    with pytest.raises(Refused) as err:
        _detect(tmp_path, rezip(docx(), {"customUI/customUI14.xml": ribbon}), "x.docx")
    assert err.value.code == "macro"


def test_new_refusals_name_what_was_found_and_what_to_do():
    for code in ("pdf_active", "office_external", "office_dde", "office_ole", "scan_budget", "virus"):
        assert "Hãy" in MESSAGES[code]
    assert "attachedTemplate" in str(Refused("office_external", {"target": "attachedTemplate: http://x"}))
    assert "Hãy lưu lại tệp dưới dạng PDF không có mã lệnh" in str(Refused("pdf_active", {"found": "/AA"}))


def ten_mb_pdf() -> bytes:
    """About 10 MB: 4 photos (noise: JPEG cannot shrink it) and 150 pages of compressed Vietnamese text."""
    from reportlab.lib.utils import ImageReader

    from tests.evidence_corpus import _canvas, _pages
    photos = [image("JPEG", (1900, 1425), quality=95) for _ in range(4)]

    def build(pdf):
        for photo in photos:
            pdf.drawImage(ImageReader(io.BytesIO(photo)), 40, 200, 520, 390)
            pdf.showPage()
        _pages(pdf, 150)
    return _canvas(build)


def test_scan_time_of_a_10_mb_pdf(tmp_path):
    data = ten_mb_pdf()
    started = time.perf_counter()
    found = _detect(tmp_path, data, "Hồ sơ 10 MB.pdf")
    took = time.perf_counter() - started
    print(f"\n[security] scan of a {len(data) / 2**20:.1f} MB PDF (4 photos, 154 pages): {took * 1000:.0f} ms")
    assert found.kind == "pdf" and len(data) > 8 * 2**20
