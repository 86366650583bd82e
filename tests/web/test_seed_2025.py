"""The demo's current year: `flask seed-demo` (what `make run` calls) seeds the 2022 history, published, and
2025 of the new An Giang in self-assessment, with its 15 departments, the 102 commune-level units under
their exact names, lineage to the 2022 departments, the council mapped to the merged departments and an
account pair per unit; a commune's staff scores an item and uploads evidence."""
import csv
import io
import pathlib

from sqlalchemy import func, select

from portal.appraisal.models import CouncilAssignment
from portal.assessments.models import Assessment, ScoreEntry
from portal.auth.models import User
from portal.criteria.models import CriteriaSet, Criterion
from portal.db import utcnow
from portal.evidence.models import EvidenceDocument
from portal.extensions import db
from portal.seed_2025 import seed_demo_years
from portal.units.lineage import predecessors_of
from portal.units.models import Unit, UnitName, UnitType
from portal.years.models import AssessmentYear
from tests.evidence_samples import pdf_bytes

ROOT = pathlib.Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"


def _csv(name: str) -> list[dict]:
    with open(ROOT / "portal" / "seed_data" / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _year(number: int) -> AssessmentYear:
    return db.session.scalar(select(AssessmentYear).where(AssessmentYear.year == number))


def test_seed_demo_builds_the_published_2022_and_the_2025_year(app, ctx):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    old, new = _year(2022), _year(2025)
    assert old.phase == "published" and new.phase == "self_assessment"
    assert [t.code for t in db.session.scalars(select(UnitType).where(UnitType.year_id == new.id)
                                               .order_by(UnitType.position))] == ["department", "commune"]
    commune_type = db.session.scalar(select(UnitType).where(UnitType.year_id == new.id, UnitType.code == "commune"))
    assert (commune_type.reward_top, commune_type.reward_bottom) == (10, 10)
    names = dict(db.session.execute(select(Unit.code, UnitName.name).join(UnitName, UnitName.unit_id == Unit.id)
                                    .where(UnitName.year_id == new.id)).all())
    communes = _csv("an-giang-2025-communes.csv")
    assert len(communes) == 102 and {c["code"]: names.get(c["code"]) for c in communes} == {
        c["code"]: c["name"] for c in communes}
    assert names["31078"] == "Đặc khu Phú Quốc" and names["SNNMT"] == "Sở Nông nghiệp và Môi trường"
    types = dict(db.session.execute(select(Assessment.unit_type, func.count()).where(Assessment.year_id == new.id)
                                    .group_by(Assessment.unit_type)).all())
    assert types == {"department": 15, "commune": 102}
    assert db.session.scalar(select(func.count()).select_from(Assessment).where(Assessment.year_id == old.id)) == 31
    # the 2022 names stay those of 2022 (Sở Nội vụ is the same unit in both years)
    assert db.session.scalar(select(Unit).where(Unit.code == "VPUB")).name_in(old.id) == "Văn phòng UBND tỉnh"
    # lineage: Sở Nội vụ 2025 = Sở Nội vụ + Sở LĐTBXH 2022 (Decree 45/2025) + Kiên Giang's (outside)
    snv = db.session.scalar(select(Unit).where(Unit.code == "SNV"))
    rows = predecessors_of(new.id, snv.id)[snv.id]
    assert [(r.predecessor.code if r.predecessor else r.outside_name, r.kind, r.decision_number) for r in rows] == [
        ("SNV", "merged", "45/2025/NĐ-CP"), ("SLDTBXH", "merged", "45/2025/NĐ-CP"),
        ("Sở Nội vụ tỉnh Kiên Giang", "outside", "202/2025/QH15")]
    # the illustrative commune set: 100 points, 9 fields, marked as illustrative
    cset = db.session.scalar(select(CriteriaSet).where(CriteriaSet.year_id == new.id,
                                                       CriteriaSet.unit_type == "commune"))
    fields = db.session.scalars(select(Criterion).where(Criterion.set_id == cset.id, Criterion.kind == "field")).all()
    assert "minh họa" in cset.title and len(fields) == 9 and sum(f.max_points for f in fields) == 100
    # council: Sở KH&CN (which took in TT&TT) appraises F7 in 2025
    f7 = db.session.scalar(select(User.username).join(CouncilAssignment, CouncilAssignment.user_id == User.id)
                           .where(CouncilAssignment.year_id == new.id, CouncilAssignment.field_code == "F7"))
    assert f7 == "tv.skhcn"
    assert {f"{c['code']}.canbo" for c in communes} <= set(db.session.scalars(select(User.username)))
    client = app.test_client()
    assert client.get("/cong-bo/2025").status_code == 404
    public = client.get("/cong-bo/2022").get_data(as_text=True)
    assert public.count('id="rank-department-') == 20 and public.count('id="rank-district-') == 11
    if SHARED.is_dir():   # the copies in seed_data are the shared files, unchanged
        for name in ("an-giang-2025-communes.csv", "an-giang-2025-departments.csv"):
            assert (SHARED / name).read_bytes() == (ROOT / "portal" / "seed_data" / name).read_bytes()


def test_a_commune_s_staff_scores_an_item_and_uploads_evidence_in_2025(app, ctx, tmp_path, monkeypatch, auth):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    seed_demo_years(now=utcnow())
    db.session.commit()
    new = _year(2025)
    commune = db.session.scalar(select(Unit).where(Unit.code == "30292"))
    assessment = db.session.scalar(select(Assessment).where(Assessment.year_id == new.id,
                                                            Assessment.unit_id == commune.id))
    item = db.session.scalar(select(Criterion).where(Criterion.set_id == assessment.criteria_set_id,
                                                     Criterion.code == "1.2"))
    client = app.test_client()
    assert auth.post("30292.canbo", "demo-cchc-2022", client=client).status_code in (302, 303)
    page = client.get(f"/assessment/{assessment.id}")
    assert page.status_code == 200 and "Phường Bình Đức" in page.get_data(as_text=True)
    saved = client.post(f"/assessment/{assessment.id}/items/{item.id}", data={"yes": "1", "version": "0"})
    assert saved.status_code == 303
    upload = client.post(f"/evidence/units/{commune.id}/documents", content_type="multipart/form-data",
                         data={"symbol": "12/BC-UBND", "issued_on": "10/10/2025", "issuer": "UBND phường Bình Đức",
                               "summary": "Báo cáo CCHC quý III năm 2025",
                               "files": [(io.BytesIO(pdf_bytes()), "Báo cáo CCHC.pdf")]})
    assert upload.status_code in (200, 303)
    db.session.expire_all()
    entry = db.session.scalar(select(ScoreEntry).where(ScoreEntry.assessment_id == assessment.id,
                                                       ScoreEntry.criterion_id == item.id))
    assert entry is not None and entry.points == 1
    assert db.session.scalar(select(func.count()).select_from(EvidenceDocument)
                             .where(EvidenceDocument.unit_id == commune.id)) == 1


def test_2025_in_synthesis_shows_each_department_s_2022_predecessors(app, ctx):
    import time
    started = time.perf_counter()
    seed_demo_years(now=utcnow(), phase="synthesis")
    db.session.commit()
    print(f"\nseed-demo --year 2025 --phase synthesis: {time.perf_counter() - started:.1f} s "
          f"(2022 filled, computed, approved, published; 2025 filled and computed, 117 units)")
    from portal.results.document import find_unit, published_approval, results_document
    document = results_document(_year(2025))
    assert [len(t["units"]) for t in document["types"]] == [15, 102]
    _type, snv = find_unit(document, code="SNV")
    published = {u["code"]: u for t in published_approval(_year(2022)).snapshot["types"] for u in t["units"]}
    lineage = snv["lineage"]
    assert lineage["comparable"] is False and snv["index_change"] is None and lineage["from_year"] == 2022
    assert [(p["code"], p["index"]) for p in lineage["predecessors"]] == [
        ("SNV", published["SNV"]["index"]), ("SLDTBXH", published["SLDTBXH"]["index"]), ("KG-SNV", None)]
