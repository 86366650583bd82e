"""Mở năm mới, loại đơn vị, đơn vị tham gia: the admin opens 2023 from 2022 (page and `flask create-year`), the
copy is complete and independent of 2022, a unit works in 2023 while 2022 stays readable, a blank year
is built type → criteria set → units, and the roster's rules hold (reason after setup, never a file with
work in it)."""
import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from portal.appraisal.models import CouncilAssignment
from portal.assessments.models import Assessment, ScoreEntry
from portal.audit.models import AuditLog
from portal.criteria.models import CriteriaSet, Criterion
from portal.criteria.services import create_set_from_spec
from portal.db import utcnow
from portal.extensions import db
from portal.seed import load_demo_specs, seed_demo
from portal.seed_data import demo
from portal.units.models import Unit, UnitName, UnitType
from portal.years.models import AssessmentYear, PhaseWindow


@pytest.fixture
def demo_2022(ctx):
    seed_demo(now=utcnow())
    db.session.commit()
    return db.session.scalar(select(AssessmentYear).where(AssessmentYear.year == 2022))


def year_of(number) -> AssessmentYear:
    db.session.expire_all()
    return db.session.scalar(select(AssessmentYear).where(AssessmentYear.year == number))


def pdf_text(response) -> str:
    assert response.status_code == 200, response.status_code
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)


def count(model, **where):
    stmt = select(func.count()).select_from(model)
    for key, value in where.items():
        stmt = stmt.where(getattr(model, key) == value)
    return db.session.scalar(stmt)


def test_admin_opens_2023_from_2022_and_the_copy_is_complete(demo_2022, auth):
    admin = auth.login("admin", demo.DEMO_PASSWORD)
    form = admin.get("/admin/year/new").get_data(as_text=True)
    assert "Sao chép từ năm 2022" in form and 'value="2023"' in form
    response = admin.post("/admin/year/new", data={"year": "2023", "title": "", "source": str(demo_2022.id)})
    assert response.status_code == 303
    new, old = year_of(2023), year_of(2022)
    assert new.phase == "setup" and new.title == "Chỉ số cải cách hành chính năm 2023" and new.windows_proposed
    # types, with their names and reward rules, in their order
    types = lambda y: [(t.code, t.name, t.reward_top, t.position) for t in db.session.scalars(  # noqa: E731
        select(UnitType).where(UnitType.year_id == y.id).order_by(UnitType.position))]
    assert types(new) == types(old) and len(types(new)) == 2
    # criteria sets: new rows, unlocked, the same items
    for kind in ("department", "district"):
        old_set = db.session.scalar(select(CriteriaSet).where(CriteriaSet.year_id == old.id, CriteriaSet.unit_type == kind))
        new_set = db.session.scalar(select(CriteriaSet).where(CriteriaSet.year_id == new.id, CriteriaSet.unit_type == kind))
        assert new_set.id != old_set.id and not new_set.locked and "2023" in new_set.code
        codes = lambda s: sorted(c.code for c in db.session.scalars(select(Criterion).where(Criterion.set_id == s.id)))  # noqa: E731
        assert codes(new_set) == codes(old_set) and len(codes(new_set)) > 50
    # the roster: every unit with its type and its name of that year
    roster = lambda y: sorted((a.unit_id, a.unit_type) for a in db.session.scalars(  # noqa: E731
        select(Assessment).where(Assessment.year_id == y.id)))
    assert roster(new) == roster(old) and len(roster(new)) == 31
    assert all(a.status == "draft" for a in db.session.scalars(select(Assessment).where(Assessment.year_id == new.id)))
    names = lambda y: sorted((n.unit_id, n.name) for n in db.session.scalars(select(UnitName).where(UnitName.year_id == y.id)))  # noqa: E731
    assert names(new) == names(old)
    # council, settings, report settings, windows one year on
    assert count(CouncilAssignment, year_id=new.id) == count(CouncilAssignment, year_id=old.id) > 0
    assert new.settings == old.settings and new.report_settings == old.report_settings
    old_window = {w.phase: w for w in old.windows}
    for window in new.windows:
        assert window.opens_at.year == old_window[window.phase].opens_at.year + 1
        assert (window.opens_at.month, window.opens_at.day) == (old_window[window.phase].opens_at.month,
                                                                old_window[window.phase].opens_at.day)
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "year_open"))
    assert audit.new["from"] == 2022 and audit.new["units"] == 31 and audit.new["sets"] == 2
    # the year page says the windows are proposed until the admin saves them
    page = admin.get(f"/admin/year/{new.id}").get_data(as_text=True)
    assert 'id="windows-proposed"' in page
    # a second time is refused, with the reason, and nothing is added
    again = admin.post("/admin/year/new", data={"year": "2023", "title": "", "source": str(demo_2022.id)})
    assert again.status_code == 409 and "Năm đánh giá này đã có" in again.get_data(as_text=True)
    assert count(AssessmentYear) == 2


def test_editing_2023_leaves_2022_untouched_in_its_reports(demo_2022, auth):
    from portal.setup.opening import open_year
    from portal.auth.models import User
    admin_user = db.session.scalar(select(User).where(User.username == "admin"))
    admin = auth.login("admin", demo.DEMO_PASSWORD)
    unit = db.session.scalar(select(Unit).where(Unit.code == "SNV"))
    before = pdf_text(admin.get(f"/reports/{demo_2022.id}/units/{unit.id}/self.pdf"))
    opened = open_year(2023, "", source=demo_2022, user=admin_user, now=utcnow())
    db.session.commit()
    new_set = db.session.scalar(select(CriteriaSet).where(CriteriaSet.year_id == opened.year.id,
                                                          CriteriaSet.unit_type == "department"))
    item = db.session.scalar(select(Criterion).where(Criterion.set_id == new_set.id, Criterion.code == "1.2"))
    old_title = item.title
    item.title, item.max_points = "Báo cáo CCHC (tiêu chí sửa năm 2023)", item.max_points * 2
    db.session.commit()
    after = pdf_text(admin.get(f"/reports/{demo_2022.id}/units/{unit.id}/self.pdf"))
    assert after == before and old_title in before and "sửa năm 2023" not in after
    old_item = db.session.scalar(select(Criterion).join(CriteriaSet).where(
        CriteriaSet.year_id == demo_2022.id, CriteriaSet.unit_type == "department", Criterion.code == "1.2"))
    assert old_item.title == old_title


def test_a_unit_scores_in_2023_while_2022_stays_readable(demo_2022, auth):
    from portal.auth.models import User
    from portal.setup.opening import open_year
    admin_user = db.session.scalar(select(User).where(User.username == "admin"))
    opened = open_year(2023, "", source=demo_2022, user=admin_user, now=utcnow())
    new = opened.year
    now = utcnow()
    new.phase = "self_assessment"
    window = next(w for w in new.windows if w.phase == "self_assessment")
    window.opens_at, window.closes_at = now - timedelta(days=1), now + timedelta(days=20)
    db.session.commit()
    staff = auth.login("snv.canbo", demo.DEMO_PASSWORD)
    landing = staff.get("/assessment/")
    mine = db.session.scalar(select(Assessment).join(Unit).where(Assessment.year_id == new.id, Unit.code == "SNV"))
    assert landing.status_code == 302 and landing.headers["Location"].endswith(f"/assessment/{mine.id}")
    item = db.session.scalar(select(Criterion).where(Criterion.set_id == mine.criteria_set_id, Criterion.code == "1.2"))
    saved = staff.post(f"/assessment/{mine.id}/items/{item.id}", data={"yes": "1", "version": "0"}, htmx=True)
    assert saved.status_code == 200
    entry = db.session.scalar(select(ScoreEntry).where(ScoreEntry.assessment_id == mine.id))
    assert entry is not None and str(entry.points) == "1.00"
    # the header lets the unit go back to 2022, whose file is untouched and readable
    page = staff.get(f"/assessment/{mine.id}").get_data(as_text=True)
    assert 'id="year-switch"' in page and ">2022<" in page
    old = db.session.scalar(select(Assessment).join(Unit).where(Assessment.year_id == demo_2022.id, Unit.code == "SNV"))
    staff.post("/year", data={"year_id": str(demo_2022.id), "next": "/assessment/"})
    back = staff.get("/assessment/")
    assert back.status_code == 302 and back.headers["Location"].endswith(f"/assessment/{old.id}")
    assert staff.get(f"/assessment/{old.id}").status_code == 200
    assert count(ScoreEntry, assessment_id=old.id) == 0
    # a year the unit does not take part in cannot be chosen
    foreign = AssessmentYear(year=2030, title="2030", phase="self_assessment", settings={})
    db.session.add(foreign)
    db.session.commit()
    staff.post("/year", data={"year_id": str(foreign.id), "next": "/assessment/"})
    assert staff.get("/assessment/").headers["Location"].endswith(f"/assessment/{old.id}")


def test_flask_create_year_copies_and_refuses_a_second_time(app, demo_2022):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-year", "2023", "--from", "2022"])
    assert result.exit_code == 0, result.output
    assert "Year 2023 opened in setup" in result.output and "31 units" in result.output
    assert "2 criteria sets" in result.output and "2 unit types" in result.output
    assert count(Assessment, year_id=year_of(2023).id) == 31
    again = runner.invoke(args=["create-year", "2023", "--from", "2022"])
    assert again.exit_code != 0 and "already exists" in again.output
    missing = runner.invoke(args=["create-year", "2024", "--from", "2019"])
    assert missing.exit_code != 0 and "does not exist" in missing.output
    blank = runner.invoke(args=["create-year", "2024"])
    assert blank.exit_code == 0 and count(UnitType, year_id=year_of(2024).id) == 0


def test_a_blank_year_is_built_type_then_set_then_units(demo_2022, auth):
    admin = auth.login("admin", demo.DEMO_PASSWORD)
    assert admin.post("/admin/year/new", data={"year": "2025", "title": "Chỉ số CCHC năm 2025",
                                               "source": ""}).status_code == 303
    year = year_of(2025)
    assert count(UnitType, year_id=year.id) == 0 and count(Assessment, year_id=year.id) == 0
    assert "chưa có loại đơn vị" in admin.get(f"/admin/year/{year.id}/roster").get_data(as_text=True)
    assert admin.post(f"/admin/year/{year.id}/types", data={"preset": "commune"}).status_code == 303
    custom = admin.post(f"/admin/year/{year.id}/types", data={
        "new-code": "dac-khu", "new-name": "UBND đặc khu", "new-name_en": "Special zones", "new-short_label": "đặc khu",
        "new-heading": "UBND các đặc khu", "new-plural": "UBND đặc khu", "new-committee": "y",
        "new-reward_top": "1", "new-reward_bottom": "0"})
    assert custom.status_code == 303
    assert [t.code for t in db.session.scalars(select(UnitType).where(UnitType.year_id == year.id)
                                               .order_by(UnitType.position))] == ["commune", "dac-khu"]
    duplicate = admin.post(f"/admin/year/{year.id}/types", data={"preset": "commune"})
    assert duplicate.status_code == 400 or duplicate.status_code == 409
    unit = db.session.scalar(select(Unit).where(Unit.code == "SNV"))
    refused = admin.post(f"/admin/year/{year.id}/roster", data={"unit_id": str(unit.id), "unit_type": "commune",
                                                               "name": "UBND xã Thử", "reason": ""})
    assert refused.status_code == 409 and "chưa có bộ tiêu chí" in refused.get_data(as_text=True)
    create_set_from_spec(year, "commune", load_demo_specs()[0])
    db.session.commit()
    added = admin.post(f"/admin/year/{year.id}/roster", data={"unit_id": str(unit.id), "unit_type": "commune",
                                                             "name": "UBND xã Thử", "reason": ""})
    assert added.status_code == 303
    file = db.session.scalar(select(Assessment).where(Assessment.year_id == year.id))
    assert file.unit_type == "commune" and unit.name_in(year.id) == "UBND xã Thử"
    page = admin.get(f"/admin/year/{year.id}/roster").get_data(as_text=True)
    assert "UBND xã Thử" in page and 'id="roster-commune"' in page
    # a type in use cannot be deleted; an empty file can be removed in setup
    commune = db.session.scalar(select(UnitType).where(UnitType.year_id == year.id, UnitType.code == "commune"))
    assert admin.post(f"/admin/year/{year.id}/types/{commune.id}/delete").status_code == 409
    assert admin.post(f"/admin/year/{year.id}/roster/{file.id}/remove").status_code == 303
    assert count(Assessment, year_id=year.id) == 0
    # after setup: a reason is needed, and a file with a score is never removed
    year = year_of(2025)
    year.phase = "self_assessment"
    db.session.commit()
    no_reason = admin.post(f"/admin/year/{year.id}/roster", data={"unit_id": str(unit.id), "unit_type": "commune",
                                                                 "name": "", "reason": ""})
    assert no_reason.status_code == 409 and "hãy ghi lý do" in no_reason.get_data(as_text=True)
    with_reason = admin.post(f"/admin/year/{year.id}/roster", data={
        "unit_id": str(unit.id), "unit_type": "commune", "name": "", "reason": "Thành lập theo Nghị quyết"})
    assert with_reason.status_code == 303
    file = db.session.scalar(select(Assessment).where(Assessment.year_id == year.id))
    item = db.session.scalar(select(Criterion).where(Criterion.set_id == file.criteria_set_id, Criterion.kind == "item"))
    db.session.add(ScoreEntry(assessment_id=file.id, criterion_id=item.id, stage="self", inputs={}, points=0))
    db.session.commit()
    kept = admin.post(f"/admin/year/{year.id}/roster/{file.id}/remove", data={"reason": "Sáp nhập"})
    assert kept.status_code == 409 and "không bớt khỏi năm được" in kept.get_data(as_text=True)
    assert count(Assessment, year_id=year.id) == 1
    audits = [a.action for a in db.session.scalars(select(AuditLog).where(AuditLog.year_id == year.id))]
    assert audits.count("roster_add") == 2 and audits.count("roster_remove") == 1


def test_units_page_adds_a_unit_to_the_year_at_once(demo_2022, auth):
    admin = auth.login("admin", demo.DEMO_PASSWORD)
    data = {"code": "SNN", "name": "Sở Nông nghiệp và Môi trường", "unit_type": "department", "join_year": "y"}
    # the demo year is past setup: the reason is asked for, and nothing is created without it
    assert demo_2022.phase != "setup"
    refused = admin.post("/admin/units/new", data=data)
    assert refused.status_code == 422 and "hãy ghi lý do" in refused.get_data(as_text=True)
    assert db.session.scalar(select(Unit).where(Unit.code == "SNN")) is None
    response = admin.post("/admin/units/new", data=dict(data, reason="Thành lập theo Quyết định 01/QĐ-UBND"))
    assert response.status_code == 303
    unit = db.session.scalar(select(Unit).where(Unit.code == "SNN"))
    file = db.session.scalar(select(Assessment).where(Assessment.unit_id == unit.id))
    assert file is not None and file.year_id == demo_2022.id and file.unit_type == "department"
    html = admin.get("/admin/units/").get_data(as_text=True)
    assert "2022: Sở, ban, ngành" in html


def test_role_pages_see_only_their_years(demo_2022, auth):
    from portal.auth.models import User
    from portal.setup.opening import open_year
    admin_user = db.session.scalar(select(User).where(User.username == "admin"))
    open_year(2023, "", source=demo_2022, user=admin_user, now=utcnow())
    db.session.commit()
    staff = auth.login("snv.canbo", demo.DEMO_PASSWORD)  # 2023 is in setup: units do not see it yet
    assert 'id="year-switch"' not in staff.get("/").get_data(as_text=True)
    admin = auth.login("admin", demo.DEMO_PASSWORD)
    home = admin.get("/").get_data(as_text=True)
    assert 'id="year-switch"' in home and ">2023<" in home and ">2022<" in home
