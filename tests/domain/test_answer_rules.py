"""One way to answer (issue 18): only portal/web/htmx.py chooses an htmx block, and no route module rolls the
transaction back by hand — a refusal is raised (portal.web.htmx.Refusal, or the policy's Refused) and the
one handler in portal/web/errors.py rolls back and answers. Checked from the code's syntax tree."""
import ast
from pathlib import Path

import pytest

PORTAL = Path(__file__).resolve().parents[2] / "portal"
RESPONDER = PORTAL / "web" / "htmx.py"
HANDLER = PORTAL / "web" / "errors.py"

def offences(source: str) -> list[str]:
    """What a module does that only the responder and the refusal handler may do."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and node.value == "HX-Target":
            found.append(f"line {node.lineno}: reads HX-Target")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names]
            if "render_block" in names or (getattr(node, "module", "") or "").startswith("jinja2_fragments"):
                found.append(f"line {node.lineno}: imports render_block")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "rollback":
            found.append(f"line {node.lineno}: rolls back by hand")
    return found


def route_modules():
    return sorted(p for p in PORTAL.glob("*/views/*.py"))


def test_route_modules_leave_blocks_and_rollbacks_to_the_responder():
    bad = {}
    for path in route_modules():
        name = str(path.relative_to(PORTAL.parent))
        found = offences(path.read_text(encoding="utf-8"))
        if found:
            bad[name] = found
    assert bad == {}


def test_no_other_module_chooses_blocks():
    bad = {}
    for path in PORTAL.rglob("*.py"):
        if path in (RESPONDER,) or "/views/" in str(path):
            continue
        found = [f for f in offences(path.read_text(encoding="utf-8")) if "rolls back" not in f]
        if found:
            bad[str(path.relative_to(PORTAL.parent))] = found
    assert bad == {}


@pytest.mark.parametrize("source, expected", [
    ('x = request.headers.get("HX-Target")\n', 1),
    ("from jinja2_fragments.flask import render_block\n", 1),
    ("db.session.rollback()\n", 1),
    ('render("t.html", targets={"a": "b"})\n', 0),
])
def test_the_check_can_fail(source, expected):
    assert len(offences(source)) == expected
