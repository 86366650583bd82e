"""The visibility matrix of issue 6: role × object × phase, checked through the real pages against the one
policy table (portal.appraisal.domain.POLICY). Distinctive markers are written into a unit's file; a marker
must appear in what a role can open exactly when the policy says the object is visible."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.appraisal.domain import OBJECTS, PHASES, can_see, relation
from portal.appraisal.models import CouncilAssignment
from portal.assessments.models import Assessment, Explanation, ScoreEntry
from portal.auth.models import User
from portal.extensions import db
from portal.years.models import AssessmentYear
from tests.factories import login, make_user
from tests.web.assess_setup import build

MARKERS = {"self_score": "GHICHU-TUCHAM-7", "round1_score": "NHANXET-LAN1-7", "explanation": "GIAITRINH-7"}
PAGES = ("/assessment/{a}", "/assessment/{a}/explain", "/appraisal/{a}/F1", "/appraisal/{a}/F2")
ROLES = ("a.staff", "b.staff", "member", "outsider", "chair", "admin1", None)


@pytest.fixture(scope="module")
def matrix(app):
    """Seed once per module; returns (setup, {(role, phase): html of every page the role could open})."""
    from tests.conftest import _empty_tables
    with app.app_context():
        _empty_tables()
        s = build()
        member = db.session.scalar(select(User).where(User.username == "member"))
        make_user("council_member", username="outsider")
        db.session.add(CouncilAssignment(year_id=s.year_id, user_id=member.id, field_code="F1"))
        c = s.crit("1.2")
        db.session.add_all([
            ScoreEntry(assessment_id=s.a_id, criterion_id=c.id, stage="self", inputs={"yes": True},
                       points=Decimal("1"), note=MARKERS["self_score"]),
            ScoreEntry(assessment_id=s.a_id, criterion_id=c.id, stage="round1", inputs={"yes": False},
                       points=Decimal("0"), note=MARKERS["round1_score"], explanation_requested=True),
            Explanation(assessment_id=s.a_id, criterion_id=c.id, stance="disagree", text=MARKERS["explanation"]),
        ])
        db.session.get(Assessment, s.a_id).status = "review_1_done"
        db.session.commit()
        seen = {}
        for phase in PHASES:
            db.session.get(AssessmentYear, s.year_id).phase = phase
            db.session.commit()
            for role in ROLES:
                client = app.test_client()
                if role:
                    login(client, role)
                html = ""
                for page in PAGES:
                    response = client.get(page.format(a=s.a_id))
                    if response.status_code == 200:
                        html += response.get_data(as_text=True)
                seen[(role, phase)] = html
        db.session.remove()
    return seen


REL = {"a.staff": "own_unit", "b.staff": "other_unit", "member": "assigned_member",
       "outsider": "unassigned_member", "chair": "chair", "admin1": "admin", None: "anonymous"}


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
@pytest.mark.parametrize("obj", list(MARKERS))
def test_pages_show_exactly_what_the_policy_allows(matrix, role, phase, obj):
    expected = can_see(REL[role], obj, phase)
    assert (MARKERS[obj] in matrix[(role, phase)]) == expected


def test_relations_are_derived_as_the_matrix_assumes():
    assert relation(role="council_member", actor_unit_id=3, unit_id=1, field_code="F1",
                    assigned_fields={"F1"}) == "assigned_member"
    assert relation(role="council_member", actor_unit_id=1, unit_id=1, field_code="F1",
                    assigned_fields={"F1"}) == "unassigned_member"     # own agency
    assert relation(role="unit_staff", actor_unit_id=2, unit_id=1, field_code=None,
                    assigned_fields=()) == "other_unit"


def test_policy_covers_every_relation_and_object_and_fails_closed():
    from portal.appraisal.domain import POLICY, RELATIONS
    assert set(POLICY) == set(RELATIONS)
    assert all(set(POLICY[r]) == set(OBJECTS) for r in RELATIONS)
    assert can_see("nobody", "self_score", "review_1") is False
    assert can_see("admin", "nothing", "review_1") is False


def test_no_page_of_a_unit_file_is_missing_from_the_matrix(app):
    covered = {"assessments.workspace", "assessments.explain", "appraisal.field_page"}
    reads = {r.endpoint for r in app.url_map.iter_rules()
             if r.endpoint.split(".")[0] in ("assessments", "appraisal") and "GET" in r.methods
             and "assessment_id" in r.arguments and "criterion_id" not in r.arguments}
    # The submit summary and the Excel template are the workspace's own data: same access (tested below).
    assert reads - covered == {"assessments.submit", "assessments.xlsx_template"}


@pytest.mark.parametrize("phase", ["self_assessment", "review_1", "explanation"])
def test_excel_template_opens_exactly_where_the_workspace_opens(app, phase):
    from tests.conftest import _empty_tables
    with app.app_context():
        _empty_tables()
        s = build()
        make_user("council_member", username="outsider")
        db.session.get(AssessmentYear, s.year_id).phase = phase
        db.session.commit()
        for role in ROLES:
            client = app.test_client()
            if role:
                login(client, role)
            page = client.get(f"/assessment/{s.a_id}")
            template = client.get(f"/assessment/{s.a_id}/template.xlsx")
            assert (page.status_code == 200) == (template.status_code == 200), role
        db.session.remove()
