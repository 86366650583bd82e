"""The visibility matrix, year-wide: council members probe every year-wide route and document, and every
route that names one unit's object, in every phase, as a page and as an htmx fragment (issue 17).

Until publication the year's documents and result pages (the council report, the synthesis, the annex,
the score matrix and rankings workbooks, the results tables, the heat map, a unit's result page) are the
chair's and the secretariat's: every unit is in them, the member's own agency among them. A member sees
only the fields assigned to it, on its appraisal pages; evidence only at the items it appraises. The rule
is written out here (MEMBER_MAY), not derived from the code under test.

The world is the demo year (tests/web/security_world.py): `tv.stp` works at Sở Tư pháp, which is unit A,
so every object of unit A is its own agency's; `tv.snv` appraises F1, F4, F5, F8, F9 and is probed on unit
A's items of other fields. The probed routes come from the URL map by their scope in the access matrix
(tests/web/security_matrix.py), so a new route is probed the day it is added; GET only (a member's writes
are the council probes of test_security_routes.py).

A probe *succeeds* when it is answered with anything but a refusal or the way to the login page on a route
the rule closes to the member in that phase, or when a page the member may open shows what it may not (a
results table, a link to a year-wide document) before publication. The chair's control run shows the same
probes do reach the documents, so the count is not vacuous.
"""
from collections import Counter

import pytest

from portal.years.domain import PHASE_ORDER as PHASES
from portal.reports import documents, xlsx
from portal.reports.pdf import PdfResult
from tests.web.security_matrix import MATRIX
from tests.web.security_world import arg_values, build, build_url, call, succeeded

FAKE_PDF = b"%PDF-1.4\n% stub: the probes look at who gets a document, test_reports_documents at its content\n"
FAKE_XLSX = b"PK stub"
PUBLISHED = frozenset({"published", "archived"})
ALWAYS = frozenset(PHASES)
#: endpoint → the phases a council member may open it in. Everything else probed is closed to it.
MEMBER_MAY = {
    "appraisal.council_board": ALWAYS,     # its own units and fields (test_visibility_matrix.py)
    "reports.index": ALWAYS,               # a redirect to the year's reports page
    "reports.year_page": ALWAYS,           # the list of reports and when each comes; no link before publication
    "results.index": ALWAYS,               # a redirect to the results page
    "results.overview": ALWAYS,            # the page says when the results come; no table before publication
    "reports.council_pdf": PUBLISHED,      # every unit's final points: anyone may see them once published
    "results.heatmap": PUBLISHED,
}
#: What a page the member may open must not show before publication (a results table, a document link).
NOT_BEFORE_PUBLICATION = {
    "reports.year_page": ("council.pdf", "synthesis.pdf", "annex.pdf", "scores.xlsx", "rankings.xlsx"),
    "results.overview": ('id="ranking-', "results-heatmap", "/units/"),
}
#: tv.snv may open the parts of unit A's file in its own fields: where a route names unit A's file or a
#: file of its evidence but no field or item, only tv.stp (its own agency) is a probe.
MEMBERS = {"tv.stp": {"criterion": "stp_criterion", "field_key": "stp_field", "comment": "stp_comment"},
           "tv.snv": {"criterion": "criterion", "field_key": "field", "comment": "comment"}}
PROBED_SCOPES = ("year", "unit", "admin")


def _probed_rules(app, username: str):
    """The GET rules probed for this member: every year-wide, per-unit and set-up route."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint):
        if "GET" not in rule.methods or MATRIX.get(rule.endpoint, (None, None))[1] not in PROBED_SCOPES:
            continue
        names_a_field = {"field_code", "criterion_id"} & set(rule.arguments)
        if username == "tv.snv" and not names_a_field and {"assessment_id", "file_id"} & set(rule.arguments):
            continue
        yield rule


def _leak(endpoint: str, phase: str, response) -> bool:
    if not succeeded(response):
        return False
    if phase not in MEMBER_MAY.get(endpoint, frozenset()):
        return True
    body = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
    return phase not in PUBLISHED and any(mark in body for mark in NOT_BEFORE_PUBLICATION.get(endpoint, ()))


@pytest.fixture(scope="module")
def probes(app):
    """Seed the demo year once and run every probe (module scope: the tables are emptied before it)."""
    world = build(app)
    out = {"probes": [], "chair": {}, "published": {}}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(documents, "render_pdf", lambda html, **kw: PdfResult(FAKE_PDF, 0, 0))
        mp.setattr(xlsx, "score_matrix", lambda year, **kw: FAKE_XLSX)
        mp.setattr(xlsx, "rankings", lambda year, document, **kw: FAKE_XLSX)
        for phase in PHASES:
            world.set_phase(phase)
            for username, keys in MEMBERS.items():
                values = arg_values(world, **keys)
                for rule in _probed_rules(app, username):
                    url = build_url(rule, values)
                    for htmx in (False, True):
                        response = call(world.client(username), "GET", url, htmx=htmx)
                        out["probes"].append(((phase, username, rule.endpoint, htmx), response.status_code,
                                              _leak(rule.endpoint, phase, response)))
                        if phase == "published" and not htmx and rule.endpoint in MEMBER_MAY:
                            out["published"][(username, rule.endpoint)] = response.status_code
            if phase == "synthesis":   # the control: the chair reaches what the members may not
                for rule in _probed_rules(app, "tv.stp"):
                    response = call(world.client("chutich"), "GET", build_url(rule, arg_values(world)))
                    out["chair"][rule.endpoint] = succeeded(response)
    return out


def test_council_members_reach_no_year_wide_route_or_document_before_their_time(probes):
    found = probes["probes"]
    through = [key for key, _status, leak in found if leak]
    routes = {key[2] for key, _status, _leak in found}
    print(f"\n[security] council members on year-wide routes and documents: {len(through)} of {len(found)} probes "
          f"succeeded ({len(routes)} routes × {len(PHASES)} phases × 2 members × page/htmx)")
    if through:
        print("  by route:", dict(sorted(Counter(key[2] for key in through).items())))
    assert through == []
    assert len(routes) >= 55 and len(found) >= 1900


def test_the_same_probes_reach_the_documents_for_the_chair(probes):
    chair = probes["chair"]
    opened = sorted(endpoint for endpoint, ok in chair.items() if ok and endpoint not in MEMBER_MAY)
    print(f"\n[security] the chair's control run in synthesis: {len(opened)} routes closed to members opened")
    for endpoint in ("reports.council_pdf", "reports.synthesis_pdf", "reports.scores_xlsx", "reports.rankings_xlsx",
                     "results.heatmap", "results.unit_detail", "evidence.unit_library", "evidence.download"):
        assert chair[endpoint], endpoint


def test_once_published_a_member_reads_the_council_report(probes):
    """(The results tables also need the publication itself, which this world, moved by force from phase to
    phase, never records: test_results_permissions.py shows a member reading them once published.)"""
    published = probes["published"]
    for username in MEMBERS:
        assert published[(username, "reports.council_pdf")] == 200
        assert published[(username, "results.overview")] == 200


def test_every_get_route_is_probed_or_belongs_to_no_unit(app):
    """The URL map decides what is probed: a GET route is probed unless the access matrix says it is the
    reader's own (scope "self") or public (published results, the login page)."""
    probed = {rule.endpoint for rule in _probed_rules(app, "tv.stp")}
    others = {r.endpoint for r in app.url_map.iter_rules() if "GET" in r.methods} - probed
    assert {MATRIX[endpoint][1] for endpoint in others} <= {"self", "public"}, sorted(others)
    for endpoint in ("reports.council_pdf", "reports.synthesis_pdf", "reports.annex_pdf", "reports.scores_xlsx",
                     "reports.rankings_xlsx", "results.overview", "results.heatmap", "results.unit_detail",
                     "evidence.unit_library", "evidence.download", "evidence.view", "appraisal.council_board"):
        assert endpoint in probed, endpoint
