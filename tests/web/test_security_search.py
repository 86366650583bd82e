"""Search boxes treat % and _ as literal characters (issue 17): the units, accounts and evidence-library
searches find what was typed, never a wildcard match; one helper (portal/search.py) escapes every LIKE."""
import ast
import pathlib

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.search import contains, like_literal
from portal.units.models import Unit
from tests.evidence_world import world  # noqa: F401  (fixture)
from tests.factories import make_unit, make_user

ROOT = pathlib.Path(__file__).resolve().parents[2] / "portal"


@pytest.fixture
def admin(ctx, client, auth):
    make_user("admin", username="quantri", full_name="Quản trị")
    make_user("unit_staff", username="nv_1", full_name="Nguyễn Văn Một")
    make_user("unit_staff", username="nva1", full_name="Nguyễn Văn A")
    make_unit("Tổ 100% một cửa", code="T100")
    make_unit("Ban A_B", code="BAB")
    make_unit("Ban AXB", code="BAXB")
    make_unit("Sở 1000 việc", code="S1000")
    db.session.commit()
    auth.post("quantri", client=client)
    return client


def _rows(html: str, prefix: str) -> int:
    return html.count(f'<tr id="{prefix}-')


@pytest.mark.parametrize("query, expected", [("%", 1), ("100%", 1), ("_", 1), ("a_b", 1), ("%%", 0),
                                             ("_%_", 0), ("\\", 0), ("100", 2)])
def test_unit_search_is_literal(admin, query, expected):
    html = admin.get("/admin/units/", query_string={"q": query}).get_data(as_text=True)
    assert _rows(html, "unit") == expected, query


@pytest.mark.parametrize("query, expected", [("nv_1", ["nv_1"]), ("_", ["nv_1"]), ("%", []), ("nv%1", [])])
def test_account_search_is_literal(admin, query, expected):
    html = admin.get("/admin/users/", query_string={"q": query}).get_data(as_text=True)
    found = [name for name in ("quantri", "nv_1", "nva1") if f">{name}<" in html]
    assert found == expected, (query, found)


def test_evidence_library_search_is_literal(world):  # noqa: F811
    world.document(symbol="01/KH-UBND", summary="Kế hoạch đạt 100% chỉ tiêu")
    world.document(symbol="02/BC_SNV", summary="Báo cáo sơ kết")
    world.document(symbol="03/BC-SNV", summary="Báo cáo tổng kết")
    client = world.client("staff A")
    for query, present, absent in (("%", "01/KH-UBND", "02/BC_SNV"), ("bc_snv", "02/BC_SNV", "03/BC-SNV"),
                                   ("_", "02/BC_SNV", "01/KH-UBND")):
        html = client.get("/evidence/", query_string={"q": query}).get_data(as_text=True)
        assert present in html and absent not in html, query


def test_the_helper_escapes_on_this_database(ctx):
    make_unit("Ban A_B", code="AB1")
    make_unit("Ban AXB", code="AB2")
    db.session.commit()
    assert like_literal("a%b_c\\") == "a\\%b\\_c\\\\"
    assert db.session.scalars(select(Unit.code).where(contains(Unit.name, "A_B"))).all() == ["AB1"]
    assert db.session.scalars(select(Unit.code).where(contains(Unit.name, "a_b", ignore_case=True))).all() == ["AB1"]


def test_no_like_outside_the_helper():
    """Every LIKE of the portal goes through portal.search.contains: no .like/.ilike/.contains elsewhere."""
    offenders = []
    for path in ROOT.rglob("*.py"):
        if path.name == "search.py" and path.parent == ROOT:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
                    "like", "ilike", "notlike", "notilike", "startswith", "endswith", "contains", "icontains"):
                target = node.func.value
                # plain str methods on literals/names are fine; SQL columns are attributes like User.name
                if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) \
                        and target.value.id[:1].isupper():
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
