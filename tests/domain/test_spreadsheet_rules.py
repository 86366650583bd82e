"""One rule set for every workbook the portal reads or writes (portal.spreadsheet): a text that looks like a
formula is escaped the same way in every export and read back as typed, and a zip bomb or an archive of too
many entries is refused by every reader before openpyxl unpacks it."""
import ast
import io
import zipfile
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from portal import spreadsheet
from portal.assessments.xlsx import export_workbook, parse_workbook
from portal.criteria.spec import ItemSpec, SetSpec
from portal.criteria.xlsx_read import load_set_xlsx
from portal.criteria.xlsx_write import dump_set_xlsx
from portal.reports.sheet import cell_value as report_cell
from portal.results.survey_parse import build_template, read_table

ROOT = Path(__file__).resolve().parents[2] / "portal"
FORMULAS = ['=HYPERLINK("http://127.0.0.1:9/","bấm")', "+84 296", "-5 điểm", "@SUM(A1)", "\t=cmd", "'=x", "'a"]


def _texts(data: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(data))
    return [c.value for sheet in book for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]


def _no_formula(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name)


def _criteria_export(text: str) -> bytes:
    spec = SetSpec({"set": "T", "unit_type": "dept", "total": Decimal(10)}, [
        ItemSpec(code="F1", title=text, kind="field", max_points=Decimal(10), method=None, config={}),
    ])
    return dump_set_xlsx(spec)


def _self_assessment_export(text: str) -> bytes:
    criterion = SimpleNamespace(code="1.1", title=text, max_points=Decimal(1), method="number", config={})
    entry = SimpleNamespace(inputs={}, not_applicable=False, na_reason="", note=text, points=None, version=1)
    return export_workbook([SimpleNamespace(criterion=criterion, entry=entry)], title=text)


def _survey_template(text: str) -> bytes:
    item = SimpleNamespace(code="8.1", title=text, max_points=Decimal(1))
    return build_template([("SNV", text, "dept")], {"dept": [item]})


EXPORTS = {"criteria": _criteria_export, "self_assessment": _self_assessment_export, "survey": _survey_template}


@pytest.mark.parametrize("export", EXPORTS.values(), ids=EXPORTS.keys())
@pytest.mark.parametrize("text", FORMULAS)
def test_a_formula_looking_text_is_escaped_in_every_export(export, text):
    data = export(text)
    _no_formula(data)
    written = [value for value in _texts(data) if spreadsheet.unescape_text(value) == text]
    assert written, "the text is in the workbook"
    assert all(value == spreadsheet.escape_text(text) == "'" + text for value in written)


@pytest.mark.parametrize("text", FORMULAS)
def test_report_cells_follow_the_same_rule(text):
    assert report_cell(text) == spreadsheet.escape_text(text.strip())


def test_the_escape_reads_back_as_typed():
    for text in FORMULAS + ["Sở Tư pháp", "90% đúng hạn", ""]:
        assert spreadsheet.unescape_text(spreadsheet.escape_text(text)) == text
    assert spreadsheet.cell_value(Decimal("0.25")) == Decimal("0.25") and spreadsheet.cell_value(None) is None
    with pytest.raises(TypeError):
        spreadsheet.cell_value(0.1)


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


TYPES = {"[Content_Types].xml": b"<Types/>"}
BOMB = _zip({**TYPES, "xl/big.xml": b"\0" * (spreadsheet.MAX_UNZIPPED_BYTES + 1)})
CROWD = _zip({**TYPES, **{f"xl/p{i}.xml": b"x" for i in range(spreadsheet.MAX_ZIP_ENTRIES)}})
MACRO = _zip({**TYPES, "xl/vbaProject.bin": b"x"})


def test_the_limits_are_checked_on_the_directory():
    assert len(BOMB) < 200_000
    assert spreadsheet.check_container(BOMB, max_bytes=10**7) == spreadsheet.UNZIPPED_TOO_LARGE
    assert spreadsheet.check_container(CROWD, max_bytes=10**7) == spreadsheet.UNZIPPED_TOO_LARGE
    assert spreadsheet.check_container(MACRO, max_bytes=10**7) == spreadsheet.MACRO
    assert spreadsheet.check_container(b"PK\x03\x04 broken", max_bytes=10**7) == spreadsheet.NOT_XLSX
    with pytest.raises(spreadsheet.UnreadableWorkbook) as refused:
        spreadsheet.open_workbook(_zip(TYPES), max_bytes=10**7)  # a zip with no workbook inside
    assert refused.value.reason == spreadsheet.DAMAGED


def _criteria_refuses(data: bytes) -> bool:
    spec, errors = load_set_xlsx(data)
    return spec is None and len(errors) == 1 and errors[0].line is None


def _self_assessment_refuses(data: bytes) -> bool:
    result = parse_workbook(data, {})
    return not result.changes and [row for row, _code, _message in result.errors] == [0]


def _survey_refuses(data: bytes) -> bool:
    rows, problems = read_table(data)
    return not rows and [p.code for p in problems] in (["too_large"], ["bad_file"])


READERS = {"criteria": _criteria_refuses, "self_assessment": _self_assessment_refuses, "survey": _survey_refuses}


@pytest.mark.parametrize("reader", READERS.values(), ids=READERS.keys())
@pytest.mark.parametrize("data", [BOMB, CROWD, MACRO], ids=["zip bomb", "too many entries", "macro"])
def test_every_reader_refuses_what_the_rules_refuse(reader, data, monkeypatch):
    opened = []
    monkeypatch.setattr(spreadsheet, "load_workbook", lambda *a, **k: opened.append(1))
    assert reader(data)
    assert opened == []  # refused before openpyxl unpacked anything


def test_no_module_opens_or_escapes_a_workbook_by_itself():
    """The rules live in portal/spreadsheet.py only: no other module loads a workbook, opens an upload's
    zip directory for it, or keeps its own list of formula starts."""
    offenders = []
    for path in ROOT.rglob("*.py"):
        if path.name == "spreadsheet.py" and path.parent == ROOT:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "openpyxl" \
                    and any(alias.name == "load_workbook" for alias in node.names):
                offenders.append(f"{path.relative_to(ROOT)}: load_workbook")
            if isinstance(node, ast.Tuple) and {"=", "+", "-", "@"} <= {
                    e.value for e in node.elts if isinstance(e, ast.Constant)}:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: a list of formula starts")
    assert offenders == []
