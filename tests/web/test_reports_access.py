"""Who may download what, through the real routes: reader (admin, chair, member, the unit's own staff and
leader, another unit's staff, anonymous) × report × phase, against a table written out here. Another
unit's report answers 404 (never 403), a refused role or a phase before the report exists 403 with the
reason in words, anonymous goes to the login page. The year is small (3 units), and xhtml2pdf and the
two workbook builders are replaced by stubs in this module only (they are checked in
test_reports_documents.py and test_reports_xlsx.py): every route still loads, decides and, for a PDF,
renders its print template with what the reader may see."""
import pytest
from sqlalchemy import select

from portal.years.domain import PHASE_ORDER as PHASES
from portal.assessments.models import Assessment
from portal.extensions import db
from portal.reports import documents, xlsx
from portal.reports.pdf import PdfResult
from portal.years.models import AssessmentYear
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
    "tv.stp": {"council": "published"},     # every unit's points, its own agency's among them
    "stp.canbo": {"self": "self_assessment", "appraisal": "explanation"},
    "890.canbo": {},
}
# The status of a unit's file in each phase when nothing is early (the chair closes round 1 at the phase move):
# a unit reads its appraisal result from the explanation phase on (the domain tests cover an early close).
REALISTIC_STATUS = {"setup": "draft", "self_assessment": "draft", "review_1": "submitted",
                    "explanation": "review_1_done", "review_2": "explanation_submitted"}
FAKE_PDF = b"%PDF-1.4\n% stub of the access tests\n"
FAKE_XLSX = b"PK stub of the access tests"


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
def statuses(app, auth):
    from tests.conftest import _empty_tables
    seen = {}
    with app.app_context(), pytest.MonkeyPatch.context() as mp:
        mp.setattr(documents, "render_pdf", lambda html, **kw: PdfResult(FAKE_PDF, 0, 0))
        mp.setattr(xlsx, "score_matrix", lambda year, **kw: FAKE_XLSX)    # built for real in test_reports_xlsx
        mp.setattr(xlsx, "rankings", lambda year, document, **kw: FAKE_XLSX)
        _empty_tables()
        world = small_year(approved=True)
        unit = world.units["STP"]
        clients = {}
        for reader in READERS:
            clients[reader] = app.test_client()
            if reader:
                auth.login(reader, PASSWORD, client=clients[reader])
        stp = db.session.scalar(select(Assessment).where(Assessment.unit_id == unit))
        for phase in PHASES:
            db.session.get(AssessmentYear, world.year_id).phase = phase
            stp.status = REALISTIC_STATUS.get(phase, "finalized")   # STP's file as it stands in that phase
            db.session.commit()
            if phase in ("review_1", "synthesis", "published"):
                _pages(seen, clients, world, phase)
            for reader, client in clients.items():
                for report, path in FILES.items():
                    response = client.get(f"/reports/{world.year_id}/" + path.format(unit=unit))
                    seen[(reader, report, phase)] = (response.status_code, response.headers.get("Content-Type", ""),
                                                     response.get_data(as_text=response.status_code != 200))
                seen[(reader, "page", phase)] = (client.get(f"/reports/{world.year_id}").status_code, "", "")
        stp.status = "finalized"
        db.session.commit()
        admin = clients["admin"]
        seen["unknown"] = [admin.get(path).status_code for path in (
            f"/reports/{world.year_id}/units/999999/self.pdf", "/reports/999999/council.pdf", "/reports/999999",
            f"/reports/{world.year_id}/units/{world.units['STP'] + 1000}/appraisal.pdf")]
        db.session.remove()
    return seen


def _pages(seen, clients, world, phase):
    """The HTML of the pages that show report links, for the tests of what each reader is offered."""
    assessment = db.session.scalar(select(Assessment.id).where(Assessment.unit_id == world.units["STP"]))
    for reader in ("admin", "tv.stp"):
        seen[("html", reader, phase)] = clients[reader].get(f"/reports/{world.year_id}").get_data(as_text=True)
    for reader, client in clients.items():
        seen[("home", reader, phase)] = client.get("/").get_data(as_text=True)
    seen[("workspace", phase)] = clients["stp.canbo"].get(f"/assessment/{assessment}").get_data(as_text=True)
    seen["year_id"], seen["unit"] = world.year_id, world.units["STP"]


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


def test_admin_page_lists_every_report_with_its_state(statuses):
    html, year_id = statuses[("html", "admin", "synthesis")], statuses["year_id"]
    for title in ("Báo cáo thẩm định của Hội đồng", "Báo cáo kết quả Chỉ số CCHC", "Phụ lục quyết định phê duyệt kết quả",
                  "Bảng điểm đầy đủ", "Bảng xếp hạng", "Mẫu nhập điểm điều tra XHH", "Xuất tất cả đơn vị (ZIP)",
                  "Báo cáo của từng đơn vị", "UBND huyện Tịnh Biên", "Sửa thông tin in trên báo cáo"):
        assert title in html, title
    assert f"/reports/{year_id}/synthesis.pdf" in html and f"/results/{year_id}/survey/template.xlsx" in html
    assert "Báo cáo này có từ giai đoạn “Phê duyệt”" in html          # the annex waits for its phase
    assert f"/reports/{year_id}/council.pdf" not in statuses[("html", "admin", "review_1")]   # not ready yet


def test_member_sees_only_the_council_report_and_it_waits_for_publication(statuses):
    html, year_id = statuses[("html", "tv.stp", "synthesis")], statuses["year_id"]
    assert "Báo cáo thẩm định của Hội đồng" in html and f"/reports/{year_id}/council.pdf" not in html
    assert "Báo cáo này có từ giai đoạn “Đã công bố”" in html
    assert f"/reports/{year_id}/council.pdf" in statuses[("html", "tv.stp", "published")]
    for hidden in ("Báo cáo kết quả Chỉ số CCHC", "Bảng điểm đầy đủ", "Xuất tất cả đơn vị", "Báo cáo của từng đơn vị"):
        assert hidden not in html


@pytest.mark.parametrize("reader, shown", [("admin", True), ("chutich", True), ("tv.stp", False),
                                           ("stp.canbo", False), ("890.canbo", False)])
def test_menu_entry_for_admin_and_chair(statuses, reader, shown):
    assert ('href="/reports/"' in statuses[("home", reader, "synthesis")]) == shown


def test_the_unit_finds_its_own_reports_on_its_workspace(statuses):
    base = f"/reports/{statuses['year_id']}/units/{statuses['unit']}"
    after, before = statuses[("workspace", "synthesis")], statuses[("workspace", "review_1")]
    assert f"{base}/self.pdf" in after and f"{base}/appraisal.pdf" in after     # round 1 closed: both
    assert f"{base}/self.pdf" in before and f"{base}/appraisal.pdf" not in before
