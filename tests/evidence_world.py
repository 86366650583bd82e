"""A small world for the evidence library's web tests: a year, two units with an assessment each, a
criteria set with a few items, one account per role, and helpers to log in and upload.

Every test gets its own UPLOAD_DIR, so "nothing left in the store or the temp folder" is checkable."""
import io
import os
from urllib.parse import quote
from dataclasses import dataclass
from decimal import Decimal

import pytest

from portal.assessments.models import Assessment
from portal.criteria.models import CriteriaSet, Criterion
from portal.evidence.models import EvidenceDocument
from portal.extensions import db
from tests.auth_actions import AuthActions
from tests.factories import make_unit, make_user, make_year


@dataclass
class World:
    app: object
    year: object
    unit_a: object
    unit_b: object
    assessment_a: object
    assessment_b: object
    items: dict
    users: dict
    upload_dir: str

    def client(self, who: str):
        return AuthActions(self.app).login(None if who == "anonymous" else self.users[who].username)

    def document(self, unit=None, **fields) -> EvidenceDocument:
        unit = unit or self.unit_a
        values = {"symbol": "123/KH-UBND", "issuer": "UBND tỉnh An Giang", "summary": "Kế hoạch CCHC năm 2022"}
        values.update(fields)
        document = EvidenceDocument(unit_id=unit.id, year_id=self.year.id, **values)
        db.session.add(document)
        db.session.commit()
        return document

    def files_on_disk(self) -> dict[str, list[str]]:
        found = {"blobs": [], "tmp": [], "other": []}
        for folder, _dirs, names in os.walk(self.upload_dir):
            for name in names:
                rel = os.path.relpath(os.path.join(folder, name), self.upload_dir)
                key = rel.split(os.sep)[0] if rel.split(os.sep)[0] in found else "other"
                found[key].append(rel)
        return found


def _criteria(year) -> tuple[CriteriaSet, dict]:
    cset = CriteriaSet(year_id=year.id, unit_type="department", code="T", title="Bộ thử")
    db.session.add(cset)
    db.session.flush()
    items = {}
    field = Criterion(set_id=cset.id, code="F1", title="Chỉ đạo điều hành", kind="field", position=1,
                      max_points=Decimal("10"))
    db.session.add(field)
    db.session.flush()
    items["F1"] = field
    for position, code in enumerate(("1.1.1", "1.1.2", "1.2"), start=2):
        item = Criterion(set_id=cset.id, parent_id=field.id, code=code, title=f"Tiêu chí {code}", kind="item",
                         position=position, max_points=Decimal("1"), method="yes_no", field_code="F1")
        db.session.add(item)
        db.session.flush()
        items[code] = item
    return cset, items


def build_world(app, upload_dir: str, phase: str = "self_assessment") -> World:
    year = make_year(2022, phase=phase)
    unit_a = make_unit("Sở Nội vụ", code="SNV")
    unit_b = make_unit("Sở Tài chính", code="STC")
    cset, items = _criteria(year)
    assessments = []
    for unit in (unit_a, unit_b):
        assessment = Assessment(year_id=year.id, unit_id=unit.id, criteria_set_id=cset.id, status="draft")
        db.session.add(assessment)
        assessments.append(assessment)
    users = {
        "staff A": make_user("unit_staff", unit_a, username="snv.canbo"),
        "leader A": make_user("unit_leader", unit_a, username="snv.lanhdao"),
        "staff B": make_user("unit_staff", unit_b, username="stc.canbo"),
        "member": make_user("council_member", unit_b, username="tv.stc"),
        "chair": make_user("council_chair", unit_b, username="chutich"),
        "admin": make_user("admin", username="quantri"),
    }
    db.session.commit()
    return World(app, year, unit_a, unit_b, assessments[0], assessments[1], items, users, upload_dir)


@pytest.fixture
def world(app, ctx, tmp_path, monkeypatch):
    upload_dir = str(tmp_path / "uploads")
    monkeypatch.setitem(app.config, "UPLOAD_DIR", upload_dir)
    return build_world(app, upload_dir)


def file_field(name: str, data: bytes):
    return (io.BytesIO(data), name)


def upload(client, document_id: int, files, **kwargs):
    """POST files [(name, bytes), …] to a document, multipart, as the page's form does."""
    return client.post(f"/evidence/documents/{document_id}/files", content_type="multipart/form-data",
                       data={"files": [file_field(n, d) for n, d in files]}, **kwargs)


def set_phase(year, phase: str, status: str | None = None):
    year.phase = phase
    if status is not None:
        for assessment in db.session.scalars(db.select(Assessment).where(Assessment.year_id == year.id)):
            assessment.status = status
    db.session.commit()


def upload_exact_name(client, document_id: int, name: str, data: bytes, **kwargs):
    """Upload one file whose name reaches the server byte for byte (RFC 2231 ``filename*``): browsers
    quote names in ways Werkzeug partly undoes (a raw backslash is dropped), so hostile-name tests
    send the name this way to test our own sanitising."""
    boundary = "----evidence-test-boundary-7f3a"
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
            f"filename*=UTF-8''{quote(name, safe='')}\r\nContent-Type: application/octet-stream\r\n\r\n")
    body = head.encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return client.post(f"/evidence/documents/{document_id}/files", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}", **kwargs)
