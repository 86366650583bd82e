"""A crawl of every GET route for every role, page and htmx (security.md §7.2, §7.5).

Every response — pages, fragments, files, static files, and the error answers 400, 404, 405, 413, 500 —
must carry the strict CSP (no inline script or style, frame-ancestors none), nosniff, a Referrer-Policy
and X-Frame-Options; every response to a logged-in user ``Cache-Control: no-store``; and wherever a URL
answers htmx with a fragment, ``Vary: HX-Request``.

The same crawl proves that GET changes nothing: the database checksum does not move, except the read marks
and the unit's first-opened receipts that opening a comment thread records by design (security_world.
READ_MARKS). The costly PDF and Excel exports are crawled once, as the admin.
"""
import re

import pytest

from portal.extensions import db
from tests.web.security_world import arg_values, build, build_url, db_checksum, READ_MARKS, rules

USER_FILES = {"evidence.download", "evidence.view"}
ROLES = (None, "stp.canbo", "stc.lanhdao", "tv.snv", "chutich", "admin")
REQUIRED_CSP = ("default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'",
                "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'")


def _errors(app, client):
    """The error answers, each forced once for this client."""
    out = [("404", client.get("/khong-co-trang-nay")), ("405", client.get("/logout")),
           ("400", client.post("/admin/units/new", csrf=False, data={"name": "x"}))]
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 1000
    try:
        out.append(("413", client.post("/login", data={"username": "x" * 2000, "password": "y"})))
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    view = app.view_functions["auth.login"]

    def _boom():
        raise RuntimeError("forced failure")
    app.view_functions["auth.login"] = _boom
    try:
        out.append(("500", client.get("/login")))
        out.append(("500 htmx", client.get("/login", htmx=True)))
    finally:
        app.view_functions["auth.login"] = view
    out.append(("static", client.get("/static/js/portal.js")))
    return out


@pytest.fixture(scope="module")
def crawl(app):
    world = build(app)
    world.set_phase("explanation")
    for role in ROLES:
        if role:
            world.client(role)
    responses, mutations = [], {}
    for role in ROLES:
        with app.app_context():
            before = db_checksum(ignore={"login_session": None, **READ_MARKS}, receipts=True)
            db.session.remove()
        client = world.client(role) if role else app.test_client()
        count = 0
        for rule, method in rules(app):
            if method != "GET" or (role != "admin" and rule.endpoint.startswith("reports.")):
                continue
            url = build_url(rule, arg_values(world))
            page = client.get(url)
            fragment = client.get(url, htmx=True)
            count += 2
            responses.append((role, rule.endpoint, "page", page))
            responses.append((role, rule.endpoint, "htmx", fragment))
            if page.status_code == fragment.status_code == 200 and page.mimetype == "text/html":
                responses.append((role, rule.endpoint, "pair", (page, fragment)))
        for label, response in _errors(app, client):
            responses.append((role, label, "error", response))
        with app.app_context():
            changed = before != db_checksum(ignore={"login_session": None, **READ_MARKS}, receipts=True)
            db.session.remove()
        mutations[role] = {"requests": count, "changed": changed}
    return {"responses": responses, "mutations": mutations}


def _single(crawl):
    return [(role, what, mode, r) for role, what, mode, r in crawl["responses"] if mode != "pair"]


def test_every_response_carries_the_security_headers(crawl):
    missing = []
    for role, what, mode, r in _single(crawl):
        csp = r.headers.get("Content-Security-Policy", "")
        if what in USER_FILES and r.status_code == 200:
            # A stranger's file: sandboxed (no script, no same-origin rights) instead of the page policy.
            problems = [d for d in ("sandbox", "default-src 'none'") if d not in csp]
        else:
            problems = [d for d in REQUIRED_CSP if d not in csp]
        if "unsafe-inline" in csp or "unsafe-eval" in csp:
            problems.append("unsafe CSP")
        for name, value in (("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"),
                            ("Referrer-Policy", "same-origin")):
            if r.headers.get(name) != value:
                problems.append(name)
        if problems:
            missing.append((role, what, mode, r.status_code, problems))
    total = len(_single(crawl))
    print(f"\n[security] headers: {total - len(missing)} of {total} responses carry every security header "
          f"({len(ROLES)} roles)")
    assert missing == [] and total > 500


def test_logged_in_responses_are_never_cached(crawl):
    cached = [(role, what, mode, r.status_code) for role, what, mode, r in _single(crawl)
              if role and what != "static" and "no-store" not in r.headers.get("Cache-Control", "")]
    assert cached == []


def test_static_files_may_be_cached_and_still_carry_the_headers(crawl):
    static = [r for _role, what, _mode, r in _single(crawl) if what == "static"]
    assert len(static) == len(ROLES) and all(r.status_code == 200 for r in static)
    assert all("no-store" not in r.headers.get("Cache-Control", "") for r in static)


def test_urls_that_answer_with_fragments_vary_on_hx_request(crawl):
    pairs = [(role, what, p, f) for role, what, mode, (p, f) in
             ((a, b, c, d) for a, b, c, d in crawl["responses"] if c == "pair")]
    fragments = [(role, what, p, f) for role, what, p, f in pairs if p.get_data() != f.get_data()]
    missing = [(role, what) for role, what, p, f in fragments
               if "HX-Request" not in p.headers.get("Vary", "") or "HX-Request" not in f.headers.get("Vary", "")]
    print(f"\n[security] Vary: {len(fragments) - len(missing)} of {len(fragments)} fragment-answering URLs vary on HX-Request")
    assert missing == [] and len(fragments) > 20


def test_error_answers_show_no_internals(crawl):
    errors = [(role, what, r) for role, what, mode, r in _single(crawl) if mode == "error" and what != "static"]
    leaks = [(role, what) for role, what, r in errors
             if re.search(r"Traceback|forced failure|File \"/|werkzeug|sqlalchemy", r.get_data(as_text=True))]
    statuses = {what: r.status_code for _role, what, r in errors}
    assert statuses == {"404": 404, "405": 405, "400": 400, "413": 413, "500": 500, "500 htmx": 500}
    assert leaks == []


def test_get_never_changes_data(crawl):
    mutations = crawl["mutations"]
    total = sum(m["requests"] for m in mutations.values())
    changed = [role for role, m in mutations.items() if m["changed"]]
    print(f"\n[security] GET: {total} requests by {len(mutations)} roles (anonymous included), "
          f"data changed by {len(changed)}")
    assert changed == [] and mutations["admin"]["requests"] > 100
