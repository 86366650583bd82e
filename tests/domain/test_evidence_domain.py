"""Who may see, download and change a unit's evidence, and when (portal.evidence.domain) — as a matrix
of roles × phases, plus dates typed dd/mm/yyyy, the out-of-year flag, the quota rule and sizes."""
from datetime import date, datetime, timedelta, timezone

import pytest

from portal.evidence.domain import (
    can_download,
    can_upload,
    can_view_library,
    human_size,
    outside_year,
    parse_vn_date,
    quota_allows,
    stage_for_phase,
)
from portal.policy.decisions import REASON_MESSAGES
from portal.policy.roles import Actor
from portal.years.domain import PHASE_ORDER, UnitDeadline, Window

NOW = datetime(2023, 3, 1, 8, 0, tzinfo=timezone.utc)
OPEN = Window(NOW - timedelta(days=1), NOW + timedelta(days=1))
CLOSED = Window(NOW - timedelta(days=10), NOW - timedelta(seconds=1))
A, B = 1, 2

ACTORS = {
    "anonymous": Actor("anonymous"),
    "staff A": Actor("unit_staff", user_id=10, unit_id=A),
    "leader A": Actor("unit_leader", user_id=11, unit_id=A),
    "staff B": Actor("unit_staff", user_id=12, unit_id=B),
    "member": Actor("council_member", user_id=13, agency_unit_id=B, assigned_fields={"F1"}),
    "member of A's agency": Actor("council_member", user_id=14, agency_unit_id=A),
    "chair": Actor("council_chair", user_id=15, agency_unit_id=B),
    "admin": Actor("admin", user_id=16),
}
FROM_REVIEW_1 = {p.value for p in PHASE_ORDER[PHASE_ORDER.index("review_1"):]}


def _may_see(who: str, phase: str, rule: str = "library", backed=frozenset()) -> bool:
    """The policy, written independently of the code under test: the library is the unit's, the admin's
    and (from review round 1) the chair's; a member downloads only a document backing an item of a field
    it appraises, never its own agency's, never the whole library."""
    if who in ("staff A", "leader A", "admin"):
        return True
    if who == "chair":
        return phase in FROM_REVIEW_1
    if who == "member" and rule == "download":
        return phase in FROM_REVIEW_1 and "F1" in backed
    return False


CELLS = [(who, phase.value) for who in ACTORS for phase in PHASE_ORDER]
BACKED = (frozenset(), frozenset({"F1"}), frozenset({"F2", "ADJ"}), frozenset({"F1", "F3"}))


@pytest.mark.parametrize("who, phase", CELLS)
def test_view_and_download_matrix(who, phase):
    decision = can_view_library(ACTORS[who], unit_id=A, phase=phase)
    assert bool(decision) is _may_see(who, phase), ("library", who, phase)
    assert decision.allowed or decision.reason in REASON_MESSAGES
    for backed in BACKED:
        decision = can_download(ACTORS[who], unit_id=A, phase=phase, backed_fields=backed)
        assert bool(decision) is _may_see(who, phase, "download", backed), ("download", who, phase, backed)
        assert decision.allowed or decision.reason in REASON_MESSAGES


def test_member_of_the_agency_never_downloads_even_an_assigned_field():
    own = Actor("council_member", user_id=14, agency_unit_id=A, assigned_fields={"F1", "*"})
    assert can_download(own, unit_id=A, phase="review_2", backed_fields={"F1"}).reason == "own_agency"
    assert can_download(ACTORS["member"], unit_id=A, phase="review_2", backed_fields={"F2"}).reason == "not_assigned"
    assert can_view_library(ACTORS["member"], unit_id=A, phase="review_2").reason == "evidence_by_item"
    assert can_download(ACTORS["member"], unit_id=A, phase="self_assessment",
                        backed_fields={"F1"}).reason == "wrong_phase"


def test_matrix_size_and_figures():
    allowed = sum(bool(can_view_library(ACTORS[w], unit_id=A, phase=p)) for w, p in CELLS)
    assert len(CELLS) == 72
    assert allowed == 3 * 9 + 1 * 7  # unit A and admin always; the chair from review 1 (7 phases)


def _upload(who, phase, *, status="draft", window=OPEN, deadline=None):
    return can_upload(ACTORS[who], unit_id=A, phase=phase, status=status, window=window, deadline=deadline,
                      now=NOW)


@pytest.mark.parametrize("who, phase", CELLS)
def test_upload_matrix(who, phase):
    status = "review_1_done" if phase == "explanation" else "draft"
    expected = who in ("staff A", "leader A") and phase in ("self_assessment", "explanation")
    assert bool(_upload(who, phase, status=status)) is expected


@pytest.mark.parametrize("who, code", [("anonymous", "role"), ("admin", "role"), ("chair", "role"),
                                       ("member", "role"), ("staff B", "not_own_unit")])
def test_upload_refusal_precedence_outside_working_phases(who, code):
    assert _upload(who, "review_1").reason == code
    assert _upload(who, "self_assessment").reason == code


def test_unit_staff_outside_working_phase_is_told_the_phase():
    assert _upload("staff A", "review_2").reason == "wrong_phase"


@pytest.mark.parametrize("phase, status, window, deadline, code", [
    ("self_assessment", "draft", CLOSED, None, "closed"),
    ("self_assessment", "submitted", OPEN, None, "submitted"),
    ("self_assessment", "submitted", OPEN, UnitDeadline(reopened=True), None),
    ("self_assessment", "draft", CLOSED, UnitDeadline(extended_until=NOW + timedelta(hours=1)), None),
    ("self_assessment", "draft", Window(NOW + timedelta(hours=1), None), None, "not_open_yet"),
    ("explanation", "draft", OPEN, None, "not_ready"),
    ("explanation", "review_1_done", CLOSED, None, "closed"),
    ("explanation", "explanation_submitted", OPEN, None, "submitted"),
    ("explanation", "finalized", OPEN, None, "finalized"),
])
def test_upload_follows_the_years_rules(phase, status, window, deadline, code):
    decision = _upload("staff A", phase, status=status, window=window, deadline=deadline)
    assert decision.reason == code and bool(decision) is (code is None)


def test_stage_of_phase():
    assert stage_for_phase("self_assessment") == "self"
    assert stage_for_phase("explanation") == "explanation"
    assert stage_for_phase("review_1") is None
    with pytest.raises(ValueError):
        stage_for_phase("nope")


@pytest.mark.parametrize("text, expected", [
    ("15/03/2022", date(2022, 3, 15)), ("5/3/2022", date(2022, 3, 5)), (" 05-03-2022 ", date(2022, 3, 5)),
    ("05.03.2022", date(2022, 3, 5)), ("2022-03-05", date(2022, 3, 5)), ("", None), (None, None), ("  ", None),
])
def test_parse_vn_date(text, expected):
    assert parse_vn_date(text) == expected


@pytest.mark.parametrize("text", ["31/02/2022", "15/13/2022", "03/15/22", "hôm qua", "15/03", "2022/03/15"])
def test_parse_vn_date_refuses(text):
    with pytest.raises(ValueError):
        parse_vn_date(text)


def test_outside_year_flag():
    assert outside_year(date(2021, 12, 30), 2022) and not outside_year(date(2022, 1, 1), 2022)
    assert not outside_year(None, 2022)


@pytest.mark.parametrize("used, size, quota, ok", [
    (0, 10, 10, True), (5, 5, 10, True), (5, 6, 10, False), (10, 0, 10, True), (10**12, 1, None, True),
])
def test_quota_allows(used, size, quota, ok):
    assert quota_allows(used, size, quota) is ok


def test_quota_refuses_negative_sizes():
    with pytest.raises(ValueError):
        quota_allows(0, -1, 10)


@pytest.mark.parametrize("size, text", [(0, "0 B"), (512, "512 B"), (1536, "1,5 kB"), (20 * 1024 * 1024, "20 MB"),
                                        (500 * 1024 * 1024, "500 MB"), (3 * 1024**3, "3 GB")])
def test_human_size(size, text):
    assert human_size(size) == text
    assert human_size(size, ".") == text.replace(",", ".")
