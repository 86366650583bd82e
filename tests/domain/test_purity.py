"""Conventions rule 1 and 2, checked on the source: pure rules import no web or database library, and no
score column is a float."""
import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
FORBIDDEN = {"flask", "sqlalchemy", "werkzeug", "flask_sqlalchemy", "flask_login", "flask_babel", "jinja2"}


def _pure_files():
    files = sorted((ROOT / "portal" / "scoring").rglob("*.py")) + sorted((ROOT / "portal").rglob("domain.py"))
    files += [ROOT / "portal" / "text.py", ROOT / "portal" / "results" / "correcting.py",
              ROOT / "portal" / "years" / "entry.py", ROOT / "portal" / "criteria" / "breakage.py",
              ROOT / "portal" / "units" / "lineage_rules.py"]
    return files


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0]


def test_there_are_pure_files_to_check():
    names = {p.name for p in _pure_files()}
    assert "domain.py" in names and len(_pure_files()) >= 5


@pytest.mark.parametrize("path", _pure_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_pure_modules_import_no_framework(path):
    assert not set(_imports(path)) & FORBIDDEN


def test_the_check_would_catch_an_import(tmp_path):
    bad = tmp_path / "domain.py"
    bad.write_text("from flask import g\nimport sqlalchemy.orm\n")
    assert set(_imports(bad)) & FORBIDDEN == {"flask", "sqlalchemy"}


def test_no_float_column_in_portal():
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "portal").rglob("*.py")
                 if "Float" in p.read_text(encoding="utf-8")]
    assert offenders == []
