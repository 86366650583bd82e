"""The workspace reads what it only shows as plain rows (portal.evidence.display, portal.assessments.entry_rows):
they give the same documents, files, versions and entries as the ORM reads the services keep."""
from datetime import date, timedelta

import pytest

from portal.unitfile.entries import entries_by_stage
from portal.assessments.entry_rows import stages_of
from portal.assessments.models import ScoreEntry
from portal.db import utcnow
from portal.evidence.display import documents_by_item
from portal.evidence.models import EvidenceDocument, EvidenceFile, ItemEvidence
from portal.evidence.services import evidence_by_item
from portal.extensions import db
from tests.web.assess_setup import build_council


@pytest.fixture
def w(app, ctx):
    return build_council("self_assessment", status="draft")


def _doc(w, symbol, names, *, deleted=False):
    doc = EvidenceDocument(unit_id=w.unit_a, year_id=w.year_id, symbol=symbol, issued_on=date(2022, 3, 1),
                           issuer="Sở Tư pháp", summary=f"Trích yếu {symbol}",
                           deleted_at=utcnow() if deleted else None)
    db.session.add(doc)
    db.session.flush()
    files = []
    for name in names:
        f = EvidenceFile(document_id=doc.id, original_name=name, sha256="0" * 64, size=1,
                         content_type="application/pdf" if name.endswith(".pdf") else "text/plain")
        db.session.add(f)
        db.session.flush()
        files.append(f)
    return doc, files


def _attach(w, code, doc, stage="self"):
    db.session.add(ItemEvidence(assessment_id=w.a_id, criterion_id=w.crit(code).id, document_id=doc.id,
                                stage=stage))


def _shape(docs_by_item):
    return {cid: [(d.id, d.symbol, d.issued_on, d.issuer, d.summary,
                   [(f.id, f.original_name, f.inline, [o.id for o in older]) for f, older in d.file_versions()])
                  for d in docs] for cid, docs in docs_by_item.items()}


@pytest.mark.breaks_invariants      # file rows without their blobs: only the rows are read here
def test_documents_as_rows_equal_the_orm_documents(w):
    a, (a1, a2, a3) = _doc(w, "1/KH", ["a.pdf", "b.txt", "c.pdf"])
    a3.replaces_id = a1.id                       # a new version of the first file keeps its place
    b, (b1, b2) = _doc(w, "2/QĐ", ["d.pdf", "e.pdf"])
    b1.deleted_at = utcnow()                     # a deleted file is not listed
    c, _files = _doc(w, "", [])                  # no number, no file
    gone, _gone_files = _doc(w, "3/BC", ["f.pdf"], deleted=True)
    _attach(w, "1.1", a), _attach(w, "1.1", b), _attach(w, "1.2", a), _attach(w, "1.2", c)
    _attach(w, "1.2", gone), _attach(w, "2.1", b, stage="explanation")
    db.session.commit()
    for stage in ("self", "explanation", None):
        assert _shape(documents_by_item(w.a_id, stage=stage)) == _shape(evidence_by_item(w.a_id, stage=stage))
    rows = documents_by_item(w.a_id, stage="self")
    assert [d.symbol for d in rows[w.crit("1.2").id]] == ["1/KH", ""]


def test_entries_as_rows_equal_the_orm_entries(w):
    now = utcnow()
    for code, stage, points in (("1.1", "self", "1.00"), ("1.2", "self", None), ("1.1", "round1", "0.50")):
        db.session.add(ScoreEntry(assessment_id=w.a_id, criterion_id=w.crit(code).id, stage=stage,
                                  inputs={"level": 0}, points=points, not_applicable=points is None,
                                  na_reason="Không có" if points is None else None, note="Ghi chú",
                                  version=2, updated_at=now - timedelta(minutes=5)))
    db.session.commit()
    columns = ("id", "assessment_id", "criterion_id", "stage", "inputs", "points", "not_applicable", "na_reason",
               "note", "explanation_requested", "agreed", "version", "updated_by_id", "updated_at")

    def shape(stages):
        return {cid: {st: tuple(getattr(e, c) for c in columns) for st, e in by.items()}
                for cid, by in stages.items()}
    assert shape(stages_of(w.a_id)) == shape(entries_by_stage([w.a_id]).get(w.a_id, {}))
