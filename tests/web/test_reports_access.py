"""Who may download what, through the real routes: reader (admin, chair, member, the unit's own staff and
leader, another unit's staff, anonymous) × report × phase, against a table written out here. Another
unit's report answers 404 (never 403), a refused role or a phase before the report exists 403 with the
reason in words, anonymous goes to the login page. The year is small (3 units) and xhtml2pdf is replaced
by a stub in this module only: rendering is checked in test_reports_documents.py; here every route still
loads, decides and renders its print template."""
import pytest

from portal.appraisal.domain import PHASES
from portal.extensions import db
from portal.reports import documents
from portal.reports.pdf import PdfResult
from portal.years.models import AssessmentYear
from tests.factories import login
from tests.web.reports_setup import small_year

PASSWORD = "demo-cchc-2022"
READERS = ("admin", "chutich", "tv.stp", "stp.canbo", "890.canbo", None)   # leaders: as staff (domain tests)
FILES = {"self": "units/{unit}/self.pdf", "appraisal": "units/{unit}/appraisal.pdf", "council": "council.pdf",
         "synthesis": "synthesis.pdf", "annex": "annex.pdf", "scores_xlsx": "scores.xlsx",
         "rankings_xlsx": "rankings.xlsx"}
SECRETARIAT = {"self": "self_assessment", "appraisal": "review_1", "council": "review_2", "synthesis": "synthesis",
               "annex": "approval", "scores_xlsx": "self_assessment", "rankings_xlsx": "synthesis"}
# reader → {report: first phase}; a report missing from a reader's row is refused by role.
FIRST = {
    "admin": SECRETARIAT,
    "chutich": SECRETARIAT,
    "tv.stp": {"council": "review_2"},
    "stp.canbo": {"self": "self_assessment", "appraisal": "explanation"},
    "890.canbo": {},
}
FAKE_PDF = b"%PDF-1.4\n% stub of the access tests\n"


def expected_status(reader, report, phase) -> int:
    if reader is None:
        return 302
    if reader == "890.canbo" and report in ("self", "appraisal"):
        return 404                                    # another unit's report does not exist for it
    first = FIRST[reader].get(report)
    if first is None or PHASES.index(phase) < PHASES.index(first):
        return 403
    return 200


@pytest.fixture(scope="module")
def statuses(app):
    from tests.conftest import _empty_tables
    seen = {}
    with app.app_context(), pytest.MonkeyPatch.context() as mp:
        mp.setattr(documents, "render_pdf", lambda html, **kw: PdfResult(FAKE_PDF, 0, 0))
        _empty_tables()
        world = small_year(approved=True)
        unit = world.units["STP"]
        clients = {}
        for reader in READERS:
            clients[reader] = app.test_client()
            if reader:
                login(clients[reader], reader, PASSWORD)
        for phase in PHASES:
            db.session.get(AssessmentYear, world.year_id).phase = phase
            db.session.commit()
            for reader, client in clients.items():
                for report, path in FILES.items():
                    response = client.get(f"/reports/{world.year_id}/" + path.format(unit=unit))
                    seen[(reader, report, phase)] = (response.status_code, response.headers.get("Content-Type", ""),
                                                     response.get_data(as_text=response.status_code != 200))
                seen[(reader, "page", phase)] = (client.get(f"/reports/{world.year_id}").status_code, "", "")
        admin = clients["admin"]
        seen["unknown"] = [admin.get(path).status_code for path in (
            f"/reports/{world.year_id}/units/999999/self.pdf", "/reports/999999/council.pdf", "/reports/999999",
            f"/reports/{world.year_id}/units/{world.units['STP'] + 1000}/appraisal.pdf")]
        db.session.remove()
    return seen


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("report", list(FILES))
@pytest.mark.parametrize("reader", READERS, ids=lambda r: r or "anonymous")
def test_download_matrix(statuses, reader, report, phase):
    status, content_type, body = statuses[(reader, report, phase)]
    assert status == expected_status(reader, report, phase)
    if status == 200:
        assert content_type in ("application/pdf",
                                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    elif status == 403:   # the reason in words: the report's own refusal, or the route's role guard
        assert "Không tải được báo cáo" in body or "Tài khoản của bạn không được phép" in body
    elif status == 404:
        assert "Không có báo cáo này" in body


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("reader", READERS, ids=lambda r: r or "anonymous")
def test_reports_page_is_for_the_secretariat_and_the_council(statuses, reader, phase):
    status = statuses[(reader, "page", phase)][0]
    assert status == {None: 302, "stp.canbo": 403, "890.canbo": 403}.get(reader, 200)


def test_phase_refusal_says_when_the_report_exists(statuses):
    body = statuses[("admin", "council", "review_1")][2]
    assert "Báo cáo này có từ giai đoạn “Thẩm định vòng 2”" in body


def test_unknown_unit_or_year_is_404(statuses):
    assert statuses["unknown"] == [404, 404, 404, 404]
