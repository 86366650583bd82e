"""The floors of the house (conventions rules 14 and 15), checked from the code's own imports.

`portal/layers.toml` says on which floor each module stands and which imports may break the rule, each with
its reason. Every module of `portal/` is read with ast, imports at module level and inside functions alike,
and the suite fails on:

- an import cycle between modules (whatever the level of the imports that close it);
- an import from a floor to a higher one that the table does not list;
- an import placed inside a function that reaches another area on another floor, unless the table lists it;
- a module on no floor, and a listed exception that no import needs any more (the table cannot rot).

Route modules are loaded by the app factory from each package's ``ROUTES`` (importlib, not an import
statement), so a package's ``__init__`` does not import its views and a view takes ``bp`` from its package
without closing a circle.
"""
from __future__ import annotations

import ast
import fnmatch
import pathlib
import tomllib
from dataclasses import dataclass

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Import:
    source: str
    target: str
    line: int
    in_function: bool

    def __str__(self) -> str:
        where = "inside a function" if self.in_function else "at module level"
        return f"{self.source}:{self.line} imports {self.target} ({where})"


def modules_of(root: pathlib.Path, package: str = "portal") -> dict[str, pathlib.Path]:
    """Dotted module name → file, for every .py file of ``package`` under ``root``."""
    found = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _targets(name: str, path: pathlib.Path, node: ast.AST, modules: dict) -> list[str]:
    """The modules of the house that one import statement names (``from a import b``: ``a.b`` when that is a
    module, else ``a``); names outside the house are dropped."""
    if isinstance(node, ast.Import):
        named = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
            package = package[:len(package) - (node.level - 1)]
            base = ".".join(package + ([base] if base else []))
        named = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                 for alias in node.names]
    targets = []
    for target in named:
        while target not in modules and "." in target:
            target = target.rsplit(".", 1)[0]
        if target in modules and target != name and target not in targets:
            targets.append(target)
    return targets


FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def imports_of(name: str, path: pathlib.Path, modules: dict) -> list[Import]:
    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                found.extend(Import(name, target, child.lineno, in_function)
                             for target in _targets(name, path, child, modules))
            else:
                visit(child, in_function or isinstance(child, FUNCTIONS))

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return found


def house_imports(root: pathlib.Path) -> tuple[dict, list[Import]]:
    modules = modules_of(root)
    return modules, [imp for name, path in modules.items() for imp in imports_of(name, path, modules)]


def cycles(modules, imports: list[Import]) -> list[list[str]]:
    """The strongly connected groups of two modules or more (Tarjan, without recursion)."""
    edges = {name: sorted({i.target for i in imports if i.source == name}) for name in modules}
    index, low, on_stack, stack, groups, counter = {}, {}, set(), [], [], 0
    for start in modules:
        if start in index:
            continue
        work = [(start, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            for next_position in range(position, len(edges[node])):
                target = edges[node][next_position]
                if target not in index:
                    work.append((node, next_position + 1))
                    work.append((target, 0))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(sorted(group))
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
    return sorted(groups)


def area(module: str) -> str:
    """The area a module belongs to: its package under portal (``portal.years.services`` → ``years``)."""
    return module.split(".")[1] if "." in module else module


class Floors:
    """The table: ``floors`` from the ground up, each a name and the patterns of its modules, and
    ``allowed``: the imports that may break the rule, each ``from`` → ``to`` (patterns), ``kind`` (``upward``
    or ``function``) and ``reason``."""

    def __init__(self, table: dict):
        self.names = [floor["name"] for floor in table["floors"]]
        self.patterns = [(pattern, number) for number, floor in enumerate(table["floors"])
                         for pattern in floor["modules"]]
        self.allowed = table.get("allowed", [])
        for entry in self.allowed:
            assert entry.get("reason", "").strip(), f"an exception without its reason: {entry}"
            assert entry["kind"] in ("upward", "function"), entry

    @staticmethod
    def _names(pattern: str, module: str) -> bool:
        # "portal" alone is the app factory, not the whole house
        return fnmatch.fnmatchcase(module, pattern) or ("." in pattern and module.startswith(pattern + "."))

    def floor(self, module: str) -> int | None:
        """The floor of the pattern that names ``module`` most closely: one that matches the module itself
        (its name, or as a glob) before one that names a package above it; the longer of two alike."""
        matches = [(fnmatch.fnmatchcase(module, pattern), len(pattern), number)
                   for pattern, number in self.patterns if self._names(pattern, module)]
        return max(matches)[2] if matches else None

    def exception_for(self, imp: Import, kind: str) -> dict | None:
        return next((entry for entry in self.allowed if entry["kind"] == kind
                     and self._names(entry["from"], imp.source)
                     and self._names(entry["to"], imp.target)), None)

    def offences(self, modules, imports: list[Import]) -> tuple[list[str], list[dict]]:
        """What breaks the table, and the listed exceptions that were used."""
        found, used = [], []
        found += [f"{name} stands on no floor" for name in modules if self.floor(name) is None]
        for imp in imports:
            source, target = self.floor(imp.source), self.floor(imp.target)
            if source is None or target is None:
                continue
            across = target != source and area(imp.source) != area(imp.target)
            kinds = ["upward"] if target > source else []
            kinds += ["function"] if imp.in_function and across else []
            for kind in kinds:
                entry = self.exception_for(imp, kind)
                if entry is None:
                    floors = (self.names[source], self.names[target])
                    label = ("runs up from %s to %s" % floors if kind == "upward"
                             else "reaches from %s into %s inside a function" % floors)
                    found.append(f"{imp}: {label}, and the table gives no reason")
                else:
                    used.append(entry)
        return found, used


def load_table(path: pathlib.Path) -> Floors:
    with open(path, "rb") as fh:
        return Floors(tomllib.load(fh))


@pytest.fixture(scope="module")
def house():
    return house_imports(ROOT)


@pytest.fixture(scope="module")
def table():
    return load_table(ROOT / "portal" / "layers.toml")


def test_the_house_has_modules_and_imports_to_check(house):
    modules, imports = house
    assert len(modules) > 150 and len(imports) > 1000
    assert any(i.in_function for i in imports)


def test_no_import_cycle(house):
    modules, imports = house
    found = cycles(modules, imports)
    print(f"\n[layers] {len(modules)} modules, {len(imports)} imports, {len(found)} cycle(s)")
    assert found == []


def test_every_import_keeps_to_the_floors(house, table):
    modules, imports = house
    found, used = table.offences(modules, imports)
    upward = sum(1 for entry in used if entry["kind"] == "upward")
    print(f"\n[layers] {len(table.names)} floors; imports the table lets through: {upward} upward, "
          f"{len(used) - upward} inside functions across areas")
    assert found == []


def test_every_listed_exception_is_still_needed(house, table):
    modules, imports = house
    _found, used = table.offences(modules, imports)
    stale = [f"{e['from']} -> {e['to']} ({e['kind']})" for e in table.allowed if e not in used]
    assert stale == []


def test_every_floor_pattern_names_a_module(house, table):
    modules, _imports = house
    empty = [pattern for pattern, _ in table.patterns if not any(table._names(pattern, m) for m in modules)]
    assert empty == []


# --------------------------------------------------------------------------- the check can fail


PLANTED = {
    "portal/__init__.py": "",
    "portal/low/__init__.py": "",
    "portal/low/rules.py": "from portal.high.views import page\n",           # upward, module level
    "portal/low/helpers.py": "def f():\n    from portal.mid import tools\n",  # upward, inside a function
    "portal/mid.py": "def g():\n    from portal.low import rules\n",         # downward, inside a function
    "portal/high/__init__.py": "",
    "portal/high/views.py": "from . import forms\nfrom portal.low.rules import x\n",
    "portal/high/forms.py": "from portal.high import views\n",                 # a cycle with views
    "portal/stray.py": "",                                                       # on no floor
}
PLANTED_TABLE = {
    "floors": [{"name": "ground", "modules": ["portal.low"]},
               {"name": "middle", "modules": ["portal.mid"]},
               {"name": "top", "modules": ["portal.high"]}],
    "allowed": [{"from": "portal.mid", "to": "portal.low.*", "kind": "function", "reason": "planted"}],
}


@pytest.fixture()
def planted(tmp_path):
    for name, text in PLANTED.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return house_imports(tmp_path)


def test_the_reader_finds_every_planted_import(planted):
    modules, imports = planted
    assert {(i.source, i.target, i.in_function) for i in imports} == {
        ("portal.low.rules", "portal.high.views", False), ("portal.low.helpers", "portal.mid", True),
        ("portal.mid", "portal.low.rules", True), ("portal.high.views", "portal.high.forms", False),
        ("portal.high.views", "portal.low.rules", False), ("portal.high.forms", "portal.high.views", False)}


def test_a_planted_cycle_is_found(planted):
    # views <-> forms, and views -> low.rules -> views: one strongly connected group of three
    assert cycles(*planted) == [["portal.high.forms", "portal.high.views", "portal.low.rules"]]


def test_planted_offences_are_found_and_a_listed_one_is_not(planted):
    modules, imports = planted
    table = Floors(PLANTED_TABLE)
    found, used = table.offences(modules, imports)
    assert sorted(found) == sorted([
        "portal stands on no floor",
        "portal.stray stands on no floor",
        "portal.low.rules:1 imports portal.high.views (at module level): runs up from ground to top, and the "
        "table gives no reason",
        "portal.low.helpers:2 imports portal.mid (inside a function): runs up from ground to middle, and the "
        "table gives no reason",
        "portal.low.helpers:2 imports portal.mid (inside a function): reaches from ground into middle "
        "inside a function, and the table gives no reason",
    ])
    assert used == PLANTED_TABLE["allowed"]


def test_an_exception_needs_a_reason():
    with pytest.raises(AssertionError):
        Floors({"floors": [], "allowed": [{"from": "a", "to": "b", "kind": "upward", "reason": " "}]})


# ------------------------------------------------------------------ the unit's side never imports the council's

#: Areas that never import another one, whatever the floors allow: the unit's file has one core below both
#: of its sides (portal.unitfile), so the unit's side needs nothing of the council's (issue 18).
NEVER = (("portal.assessments", "portal.appraisal"),)


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def forbidden(imports: list[Import], rules=NEVER) -> list[str]:
    """The imports, at module level or inside a function, from an area into one it must never import."""
    return sorted(str(imp) for imp in imports for source, target in rules
                  if _within(imp.source, source) and _within(imp.target, target))


def test_the_units_side_never_imports_the_councils_side(house):
    _modules, imports = house
    assert forbidden(imports) == []


PLANTED_SIDES = {
    "portal/__init__.py": "",
    "portal/unitfile/__init__.py": "",
    "portal/unitfile/entries.py": "from portal.assessments.models import Entry\n",
    "portal/assessments/__init__.py": "",
    "portal/assessments/models.py": "",
    "portal/assessments/views.py": "from portal.appraisal.pages import visibility\nfrom portal.unitfile import entries\n",
    "portal/assessments/explain.py": "def f():\n    from portal.appraisal import rounds\n",
    "portal/assessments/listeners.py": "import portal.appraisal\n",
    "portal/assessments_extra.py": "import portal.appraisal.rounds\n",       # another package: not the unit's side
    "portal/appraisal/__init__.py": "",
    "portal/appraisal/pages.py": "from portal.assessments.models import Entry\n",  # the council may read the unit's
    "portal/appraisal/rounds.py": "",
}


def test_a_planted_import_of_the_councils_side_is_found(tmp_path):
    for name, text in PLANTED_SIDES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    _modules, imports = house_imports(tmp_path)
    assert forbidden(imports) == [
        "portal.assessments.explain:2 imports portal.appraisal.rounds (inside a function)",
        "portal.assessments.listeners:1 imports portal.appraisal (at module level)",
        "portal.assessments.views:1 imports portal.appraisal.pages (at module level)",
    ]
