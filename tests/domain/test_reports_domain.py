"""Pure rules of the reports: who may download which report in which phase (a table written out here,
not derived from the code), what a unit's appraisal result shows, the Decree 30 header values, and the
spreadsheet cell rules (formula neutralisation, exact numbers)."""
from datetime import date
from decimal import Decimal

import pytest

from portal.years.domain import PHASE_ORDER as PHASES
from portal.policy.roles import Actor
from portal.reports.domain import (
    NOT_APPROVED,
    NOT_COMPUTED,
    NOT_FOUND,
    REPORTS,
    appraisal_columns,
    can_download_report,
    can_edit_report_settings,
    can_export_all,
)
from portal.reports.meta import (
    agency_meta,
    council_meta,
    date_line,
    decision_issuer,
    number_line,
    report_settings,
    unit_header,
    vn_number,
)
from portal.reports.sheet import cell_value, sheet_title
from portal.spreadsheet import unescape_text

ROLES = ("admin", "council_chair", "council_member", "unit_staff", "unit_leader", "anonymous")
# (role, report) → the first phase it may be downloaded in; absent: never.
FIRST = {
    **{(r, rep): p for r in ("admin", "council_chair") for rep, p in (
        ("self", "self_assessment"), ("appraisal", "review_1"), ("council", "review_2"), ("synthesis", "synthesis"),
        ("annex", "approval"), ("scores_xlsx", "self_assessment"), ("rankings_xlsx", "synthesis"))},
    # every unit's points, its own agency's among them: a member reads the council report once published
    ("council_member", "council"): "published",
    ("unit_staff", "self"): "self_assessment", ("unit_leader", "self"): "self_assessment",
    ("unit_staff", "appraisal"): "explanation", ("unit_leader", "appraisal"): "explanation",
}


def _expected(role, report, phase, own):
    if role.startswith("unit_") and report in ("self", "appraisal") and not own:
        return NOT_FOUND
    first = FIRST.get((role, report))
    if first is None:
        return "role"
    if PHASES.index(phase) < PHASES.index(first):
        return "wrong_phase"
    return None


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("report", REPORTS)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("own", (True, False), ids=("own", "other"))
def test_download_matrix(role, report, phase, own):
    decision = can_download_report(Actor(role), report, phase=phase, own_unit=own, computed=True,
                                   approved=True)
    want = _expected(role, report, phase, own)
    assert bool(decision) == (want is None)
    assert decision.reason == want


@pytest.mark.parametrize("report", ("synthesis", "rankings_xlsx"))
def test_synthesis_and_rankings_need_computed_results(report):
    admin = Actor("admin")
    assert can_download_report(admin, report, phase="synthesis", computed=False).reason == NOT_COMPUTED
    assert can_download_report(admin, report, phase="synthesis", computed=True)


def test_annex_needs_an_approval_in_force():
    chair = Actor("council_chair")
    assert can_download_report(chair, "annex", phase="approval", computed=True).reason == NOT_APPROVED
    assert can_download_report(chair, "annex", phase="published", computed=True, approved=True)


def test_unknown_report_or_phase_fails_loudly():
    with pytest.raises(ValueError):
        can_download_report(Actor("admin"), "everything", phase="synthesis")
    with pytest.raises(ValueError):
        can_download_report(Actor("admin"), "self", phase="later")


@pytest.mark.parametrize("kind, first", (("unit_self", "self_assessment"), ("unit_appraisal", "review_1")))
@pytest.mark.parametrize("phase", PHASES)
def test_bulk_export_is_the_admins_once_the_reports_exist(kind, first, phase):
    exists = PHASES.index(phase) >= PHASES.index(first)
    assert bool(can_export_all(Actor("admin"), kind, phase=phase)) == exists
    for role in ROLES[1:]:
        assert can_export_all(Actor(role), kind, phase=phase).reason == "role"


def test_only_the_admin_edits_report_settings():
    assert can_edit_report_settings(Actor("admin"))
    assert not any(can_edit_report_settings(Actor(r)) for r in ROLES[1:])


@pytest.mark.parametrize("phase, round1, final, explanations", [
    ("review_1", False, False, False), ("explanation", True, False, True), ("review_2", True, False, True),
    ("synthesis", True, False, True), ("published", True, True, True)])
def test_a_unit_sees_round_1_after_it_closes_and_the_final_once_published(phase, round1, final, explanations):
    cols = appraisal_columns(Actor("unit_staff"), phase=phase)
    assert (cols.round1, cols.final, cols.explanations) == (round1, final, explanations)
    admin = appraisal_columns(Actor("admin"), phase=phase)
    assert (admin.round1, admin.final, admin.explanations) == (True, True, True)


# ------------------------------------------------------------------------------ Decree 30 header values


@pytest.mark.parametrize("day, text", [
    (date(2023, 3, 5), "An Giang, ngày 05 tháng 3 năm 2023"), (date(2023, 1, 31), "An Giang, ngày 31 tháng 01 năm 2023"),
    (date(2023, 2, 9), "An Giang, ngày 09 tháng 02 năm 2023"), (date(2023, 12, 10), "An Giang, ngày 10 tháng 12 năm 2023")])
def test_date_line(day, text):
    assert date_line("An Giang", day) == text


def test_number_line_leaves_the_number_blank_for_the_records_office():
    assert number_line("BC-SNV").startswith("Số: ") and number_line("BC-SNV").endswith("/BC-SNV")
    assert number_line("") == ""


@pytest.mark.parametrize("value, places, text", [
    (Decimal("8.50"), None, "8,5"), (Decimal(0), None, "0"), (Decimal("96.4"), 2, "96,40"), (None, None, ""),
    ("12.25", None, "12,25")])
def test_numbers_use_the_decimal_comma(value, places, text):
    assert vn_number(value, places) == text


def test_district_documents_are_issued_by_the_district_committee():
    settings = report_settings({})
    assert unit_header("UBND huyện Tịnh Biên", True, settings) == ("", ["ỦY BAN NHÂN DÂN", "HUYỆN TỊNH BIÊN"])
    assert unit_header("Sở Lao động – Thương binh và Xã hội", False, settings) == \
        ("UBND TỈNH AN GIANG", ["SỞ LAO ĐỘNG – THƯƠNG BINH VÀ XÃ HỘI"])


def test_settings_fill_defaults_and_print_in_capitals():
    settings = report_settings({"agency": "Sở Nội vụ", "signer_authority": "kt. giám đốc", "signer_title": "Phó Giám đốc",
                                "signer_name": "Trần Thị Bích Ngọc", "council_signer_name": ""})
    doc = agency_meta(settings, today=date(2023, 5, 15), title="t", doc_type="BÁO CÁO", subject="s")
    assert doc.agency_lines == ["SỞ NỘI VỤ"] and doc.parent_agency == "UBND TỈNH AN GIANG"
    assert doc.authority_lines == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"] and doc.signer_name == "Trần Thị Bích Ngọc"
    council = council_meta(settings, today=date(2023, 5, 15), title="t", doc_type="BÁO CÁO", subject="s")
    assert council.authority_lines == ["TM. HỘI ĐỒNG", "CHỦ TỊCH"]
    assert council.signer_name == "Trần Thị Bích Ngọc"          # the chair's name defaults to the director's
    assert council.number_line.endswith("/BC-HĐTĐ")
    assert decision_issuer(settings) == ["ỦY BAN NHÂN DÂN", "TỈNH AN GIANG"]


# ------------------------------------------------------------------------------------ spreadsheet cells


@pytest.mark.parametrize("text", ["=1+1", "+84 296", "-5 điểm", "@SUM(A1)", "\t=cmd", "'quoted"])
def test_formula_starts_are_neutralised_and_reversible(text):
    written = cell_value(text)
    assert written.startswith("'")
    assert unescape_text(written) == text.strip()


@pytest.mark.parametrize("text", ["Sở Tư pháp", "UBND huyện Tịnh Biên", "1.1.1", "90% đúng hạn"])
def test_ordinary_text_is_written_as_is(text):
    assert cell_value(text) == text
    assert unescape_text(text) == text


def test_cells_keep_numbers_exact_and_refuse_floats():
    assert cell_value(Decimal("0.25")) == Decimal("0.25")
    assert cell_value(3) == 3 and cell_value(None) is None
    assert cell_value("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert cell_value("a\x07b") == "ab"
    with pytest.raises(TypeError):
        cell_value(0.1)


def test_sheet_titles_are_valid():
    assert sheet_title("UBND cấp huyện") == "UBND cấp huyện"
    assert sheet_title("a/b:c") == "a b c"
    assert len(sheet_title("x" * 40)) == 31


def test_a_unit_reads_its_appraisal_result_as_soon_as_the_chair_closes_its_round_1():
    from portal.reports.domain import appraisal_columns, can_download_report
    # review round 1, the unit's round 1 still open: nothing of the council's yet
    assert not can_download_report(Actor("unit_staff"), "appraisal", phase="review_1", own_unit=True,
                                   unit_status="submitted")
    assert not appraisal_columns(Actor("unit_staff"), phase="review_1", unit_status="submitted").round1
    # the chair closed this unit's round 1: the unit reads its round-1 scores, not the final ones
    assert can_download_report(Actor("unit_leader"), "appraisal", phase="review_1", own_unit=True,
                               unit_status="review_1_done")
    columns = appraisal_columns(Actor("unit_leader"), phase="review_1", unit_status="review_1_done")
    assert columns.round1 and not columns.final
    # never another unit's, whatever its status
    assert not can_download_report(Actor("unit_staff"), "appraisal", phase="review_1", own_unit=False,
                                   unit_status="review_1_done")


@pytest.mark.parametrize("phase", PHASES)
def test_year_wide_documents_follow_the_visibility_table(phase):
    """Written out: the chair and the secretariat see every year-wide document (its content comes with its
    phase, checked above); everyone else — a council member too, whose own agency is in every one of them —
    only the final points, and only once published; the full score matrix and a unit's internal result page
    (self-scores of every field) never."""
    from portal.unitfile.domain import YEAR_WIDE, can_see_year_wide
    published = phase in ("published", "archived")
    for document in YEAR_WIDE:
        assert can_see_year_wide(Actor("admin"), document, phase)
        assert can_see_year_wide(Actor("council_chair"), document, phase)
        others = published and document not in ("scores_xlsx", "unit_result")
        for role in ("council_member", "unit_staff", "unit_leader", "anonymous"):
            assert can_see_year_wide(Actor(role), document, phase) is others, (role, document)
    assert not can_see_year_wide(Actor("council_member"), "no_such_document", "published")
    with pytest.raises(ValueError):  # an unknown role is not even an Actor
        Actor("nobody")
    assert not can_see_year_wide(Actor("admin"), "council", "no_such_phase")
