"""The demo year: `flask seed-demo` builds An Giang 2022, prints the logins, and runs only on an empty database."""
from decimal import Decimal

from sqlalchemy import func, select

from portal.appraisal.models import CouncilAssignment
from portal.assessments.models import Assessment
from portal.auth.models import User
from portal.criteria.models import CriteriaSet, Criterion
from portal.extensions import db
from portal.units.models import Unit
from portal.years.models import AssessmentYear


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_seed_demo_builds_the_year(app, ctx):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--year", "2022"])  # 2025: test_seed_2025.py
    assert result.exit_code == 0, result.output
    assert "demo-cchc-2022" in result.output and "admin" in result.output and "chutich" in result.output
    assert _count(Unit, Unit.unit_type == "district") == 11
    assert _count(Unit, Unit.unit_type == "department") == 20
    year = db.session.scalar(select(AssessmentYear))
    assert year.year == 2022 and year.phase == "self_assessment"
    tinh_bien = db.session.scalar(select(Unit).where(Unit.code == "890"))
    assert tinh_bien.name == "UBND thị xã Tịnh Biên" and tinh_bien.name_in(year.id) == "UBND huyện Tịnh Biên"
    for unit_type in ("department", "district"):
        cset = db.session.scalar(select(CriteriaSet).where(CriteriaSet.unit_type == unit_type))
        items = db.session.scalars(select(Criterion).where(Criterion.set_id == cset.id,
                                                           Criterion.kind == "item")).all()
        fields = db.session.scalars(select(Criterion).where(Criterion.set_id == cset.id,
                                                            Criterion.kind == "field")).all()
        assert len(items) == 56 and len(fields) == 9
        assert sum(f.max_points for f in fields) == Decimal("100")
    assert _count(Assessment) == 31
    assert _count(User, User.role == "unit_staff") == 31 and _count(User, User.role == "unit_leader") == 31
    assert _count(User, User.role == "council_chair") == 1
    assigned = {a.field_code for a in db.session.scalars(select(CouncilAssignment))}
    assert assigned == {f"F{i}" for i in range(1, 10)}
    assert len(year.windows) == 4


def test_seed_demo_if_empty_does_nothing_twice(app, ctx):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo", "--if-empty"])
    second = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "not seeded" in second.output
    assert _count(AssessmentYear) == 2   # the 2022 history and 2025


def test_demo_admin_logs_in_and_sees_units_in_vietnamese(app, ctx, auth):
    app.test_cli_runner().invoke(args=["seed-demo", "--year", "2022"])
    client = app.test_client()
    assert auth.post("admin", "demo-cchc-2022", client=client).status_code == 303
    html = client.get("/admin/units/").get_data(as_text=True)
    assert "UBND thành phố Châu Đốc" in html and "Sở Lao động – Thương binh và Xã hội" in html
    assert "31 đơn vị" in html


def test_create_admin_command_forces_a_new_password(app, ctx, auth):
    result = app.test_cli_runner().invoke(args=["create-admin", "bantin"])
    assert result.exit_code == 0
    password = result.output.split("One-time password: ")[1].split()[0]
    user = db.session.scalar(select(User).where(User.username == "bantin"))
    assert user.role == "admin" and user.must_change_password
    client = auth.login("bantin", password)
    assert client.get("/").headers["Location"] == "/account/password"
