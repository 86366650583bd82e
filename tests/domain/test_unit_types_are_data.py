"""Unit types are the year's data: no page, rule or report names a type in code.

Parses every module of portal/ (string constants, through ast) and every template (quoted strings) and
fails on any literal that is a unit-type code or a 2022 criteria-file name of one, outside the places
that are data by nature: the demo seed and its data (portal/seed.py, portal/demo_fill.py,
portal/seed_data/) and the migrations."""
import ast
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
CODES = {"department", "district", "commune", "so_ban_nganh", "ubnd_cap_huyen"}
ALLOWED = {"portal/seed.py", "portal/demo_fill.py"}
ALLOWED_DIRS = ("portal/seed_data/",)


def _allowed(rel: str) -> bool:
    return rel in ALLOWED or rel.startswith(ALLOWED_DIRS)


def python_hits() -> list[str]:
    hits = []
    for path in sorted((ROOT / "portal").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if _allowed(rel):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in CODES:
                hits.append(f"{rel}:{node.lineno}: {node.value!r}")
    return hits


def template_hits() -> list[str]:
    pattern = re.compile(r"""["'](%s)["']""" % "|".join(sorted(CODES)))
    hits = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        rel = path.relative_to(ROOT).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            hits += [f"{rel}:{number}: {m.group(1)!r}" for m in pattern.finditer(line)]
    return hits


def test_no_unit_type_code_is_named_in_code():
    assert python_hits() == []


def test_no_unit_type_code_is_named_in_templates():
    assert template_hits() == []


def test_the_check_finds_a_planted_comparison(tmp_path):
    """The check can fail: a module comparing a type code is reported."""
    planted = tmp_path / "portal" / "planted.py"
    planted.parent.mkdir()
    planted.write_text('def f(unit):\n    return unit.unit_type == "district"\n', encoding="utf-8")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "t.html").write_text('{% if t == "commune" %}x{% endif %}', encoding="utf-8")
    globals()["ROOT"] = tmp_path
    try:
        assert python_hits() == ["portal/planted.py:2: 'district'"]
        assert template_hits() == ["templates/t.html:1: 'commune'"]
    finally:
        globals()["ROOT"] = pathlib.Path(__file__).resolve().parents[2]
