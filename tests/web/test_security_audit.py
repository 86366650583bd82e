"""The audit trail and the logs (security.md §4.5, §8): a hash chain that names the altered row, one audit
row per successful change in the same transaction and none for a refused one, changes and audit rows that
commit together, log lines that cannot be forged, no secrets in logs, generic error pages with a request id."""
import io
import logging
import re

import pytest
from sqlalchemy import func, select, text

from portal.assessments.models import ScoreEntry
from portal.audit.models import AuditLog
from portal.db import utcnow
from portal.extensions import db
from tests.factories import TEST_PASSWORD
from tests.web.assess_setup import build


@pytest.fixture(autouse=True)
def _portal_logs():
    from tests.web.security_world import enable_portal_logs
    enable_portal_logs()


@pytest.fixture
def world(ctx):
    return build()


def _save(client, s, code="1.2", *, rid=None, **form):
    c = s.crit(code)
    data = {"yes": "1", "version": "0", **form}
    headers = {"X-Request-Id": rid} if rid else {}
    return client.post(f"/assessment/{s.a_id}/items/{c.id}", data=data, htmx=True, headers=headers)


def _audit_rows():
    return db.session.scalar(select(func.count()).select_from(AuditLog))


# ------------------------------------------------------------------------------------------ hash chain


@pytest.mark.breaks_invariants      # the chain is broken on purpose
def test_audit_verify_names_exactly_the_row_altered_in_sql(app, world, auth):
    client = app.test_client()
    auth.post("a.staff", client=client)
    for code in ("1.1.1", "1.1.2", "1.2", "2.1.1", "3.1.2"):
        c = world.crit(code)
        form = {"1.1.1": {"level": "0"}, "1.1.2": {"numerator": "9", "denominator": "10"}, "1.2": {"yes": "1"},
                "2.1.1": {"numerator": "1", "denominator": "2"}, "3.1.2": {"numerator": "2", "denominator": "3"}}[code]
        assert client.post(f"/assessment/{world.a_id}/items/{c.id}", data={**form, "version": "0"}).status_code == 303
    runner = app.test_cli_runner()
    intact = runner.invoke(args=["audit-verify"])
    rows = _audit_rows()
    assert intact.exit_code == 0 and f"{rows} row(s)" in intact.output
    victim = db.session.scalars(select(AuditLog.id).where(AuditLog.action == "self_score").order_by(AuditLog.id)).all()[2]
    db.session.execute(text("UPDATE audit_log SET reason = 'sửa lén' WHERE id = :id"), {"id": victim})
    db.session.commit()
    altered = runner.invoke(args=["audit-verify"])
    named = re.findall(r"audit row (\d+) ", altered.output)
    print(f"\n[security] audit-verify after editing row {victim} in SQL: flags {named}")
    assert altered.exit_code == 1 and named == [str(victim)] and "its content was changed" in altered.output
    # Deleting a row breaks the link of the one after it: that row is named.
    db.session.execute(text("UPDATE audit_log SET reason = NULL WHERE id = :id"), {"id": victim})
    db.session.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": victim})
    db.session.commit()
    after_delete = runner.invoke(args=["audit-verify"])
    assert re.findall(r"audit row (\d+) ", after_delete.output) == [str(victim + 1)]


def test_one_audit_row_per_successful_change_and_none_for_a_refused_one(app, world, auth):
    staff, leader, other = app.test_client(), app.test_client(), app.test_client()
    auth.post("a.staff", client=staff)
    auth.post("a.leader", client=leader)
    auth.post("b.staff", client=other)
    script = []

    def run(client, label, method, url, expect_ok, **kwargs):
        rid = f"kichban-{len(script):03d}"
        response = client.open(url, method=method, headers={"X-Request-Id": rid}, **kwargs)
        script.append((rid, label, response.status_code, expect_ok))

    a = world.a_id
    items = [world.crit(code).id for code in ("1.2", "1.1.1", "2.1.1")]
    run(staff, "save", "POST", f"/assessment/{a}/items/{items[0]}", True, data={"yes": "1", "version": "0"}, htmx=True)
    run(staff, "save again", "POST", f"/assessment/{a}/items/{items[0]}", True, data={"yes": "0", "version": "1"}, htmx=True)
    run(staff, "stale version", "POST", f"/assessment/{a}/items/{items[0]}", False, data={"yes": "1", "version": "1"}, htmx=True)
    run(staff, "bad input", "POST", f"/assessment/{a}/items/{items[2]}", False,
        data={"numerator": "1.000", "denominator": "3", "version": "0"}, htmx=True)
    run(staff, "level", "POST", f"/assessment/{a}/items/{items[1]}", True, data={"level": "1", "version": "0"})
    run(other, "other unit", "POST", f"/assessment/{a}/items/{items[1]}", False, data={"level": "0", "version": "1"})
    run(staff, "new document", "POST", f"/evidence/units/{world.unit_a}/documents", True,
        data={"symbol": "5/KH-STP", "issued_on": "02/02/2022", "issuer": "Sở Tư pháp", "summary": "Kế hoạch"})
    run(staff, "empty document", "POST", f"/evidence/units/{world.unit_a}/documents", False, data={"symbol": ""})
    run(staff, "no token", "POST", f"/assessment/{a}/items/{items[2]}", False, csrf=False,
        data={"numerator": "1", "denominator": "2", "version": "0"})
    run(leader, "submit without confirmation", "POST", f"/assessment/{a}/submit", False, data={})
    run(leader, "submit", "POST", f"/assessment/{a}/submit", True, data={"confirm": "1"})
    run(staff, "save after submission", "POST", f"/assessment/{a}/items/{items[2]}", False,
        data={"numerator": "1", "denominator": "2", "version": "0"}, htmx=True)
    per_request = dict(db.session.execute(select(AuditLog.request_id, func.count()).group_by(AuditLog.request_id)).all())
    wrong = []
    for rid, label, status, expect_ok in script:
        ok = status < 400
        if ok != expect_ok or per_request.get(rid, 0) != (1 if ok else 0):
            wrong.append((label, status, per_request.get(rid, 0)))
    successes = sum(1 for s in script if s[2] < 400)
    strays = {rid for rid in per_request if rid and rid.startswith("kichban-")} - {s[0] for s in script}
    print(f"\n[security] audit: {successes} successful changes → {sum(per_request.get(s[0], 0) for s in script if s[2] < 400)} "
          f"audit rows; {len(script) - successes} refused → "
          f"{sum(per_request.get(s[0], 0) for s in script if s[2] >= 400)} rows")
    assert wrong == [] and not strays and successes == 5


def test_a_failure_between_the_change_and_its_audit_row_leaves_nothing(app, world, monkeypatch, auth):
    import portal.unitfile.entries as services  # the one audited write of a score entry
    calls = {"n": 0}

    def failing_record(*args, **kwargs):
        calls["n"] += 1
        raise RuntimeError("audit store unavailable")
    monkeypatch.setattr(services, "record", failing_record)
    client = app.test_client()
    auth.post("a.staff", client=client)
    before = _audit_rows()
    codes = ("1.2", "1.1.1", "2.1.1", "3.1.2")
    statuses = []
    for n in range(100):
        code = codes[n % len(codes)]
        form = {"1.2": {"yes": "1"}, "1.1.1": {"level": "0"}}.get(code, {"numerator": "1", "denominator": "2"})
        c = world.crit(code)
        statuses.append(client.post(f"/assessment/{world.a_id}/items/{c.id}", htmx=True,
                                    data={**form, "version": "0"}).status_code)
    entries = db.session.scalar(select(func.count()).select_from(ScoreEntry))
    print(f"\n[security] atomicity: 100 saves failing at the audit row → {entries} score rows, "
          f"{_audit_rows() - before} audit rows written")
    assert calls["n"] == 100 and set(statuses) == {500}
    assert entries == 0 and _audit_rows() == before


# ---------------------------------------------------------------------------------------------- logs


def test_log_lines_cannot_be_forged(app, world, caplog, auth):
    caplog.set_level(logging.INFO)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)
    try:
        client = app.test_client()
        client.get("/khong-co%0d%0aINFO portal.auth: login: admin%1b[31m")
        client.post("/login", data={"username": "ai\r\nINFO portal.auth: login: admin\x1b[2J", "password": "x"})
        auth.post("a.staff", client=client)
        client.get("/admin/units/%0aWARNING%20gia")
    finally:
        logging.getLogger().removeHandler(handler)
    lines = stream.getvalue().splitlines()
    records = [r for r in caplog.records if r.name.startswith("portal")]
    forged = [line for line in lines if line.startswith("INFO portal.auth: login: admin")]
    print(f"\n[security] log injection: {len(lines)} log lines for {len(caplog.records)} records; forged lines: {len(forged)}")
    assert len(lines) == len(caplog.records) and forged == []
    assert not any(ch in r.getMessage() for r in records for ch in "\r\n\x1b")
    assert any("\\r\\n" in r.getMessage() or "\\n" in r.getMessage() for r in records)


def test_no_secret_reaches_the_logs(app, ctx, caplog, monkeypatch, auth):
    from portal.auth import totp
    from tests.factories import make_user
    caplog.set_level(logging.DEBUG)
    monkeypatch.setitem(app.config, "REQUIRE_TOTP", True)
    make_user("admin", username="quantri")
    db.session.commit()
    client = app.test_client()
    client.post("/login", data={"username": "quantri", "password": "sai-" + TEST_PASSWORD})
    auth.post("quantri", client=client)
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', client.get("/login/two-factor").get_data(as_text=True)).group(1)
    secret = secret.replace(" ", "")
    client.post("/login/two-factor", data={"code": totp.code_at(secret, totp.step_of(utcnow()))})
    new = "một mật khẩu mới rất dài"
    client.post("/account/password", data={"current_password": TEST_PASSWORD, "new_password": new, "confirm": new})
    assert client.get("/account/two-factor").status_code == 200          # the whole flow went through
    auth.logout(client)
    assert auth.post("quantri", new, client=client).status_code == 303
    cookie = client.get_cookie("session").value
    secrets = [TEST_PASSWORD, new, secret, cookie, client.csrf_token()]
    text_of_logs = "\n".join(r.getMessage() + " " + str(r.args) for r in caplog.records)
    hits = [s for s in secrets if s in text_of_logs]
    print(f"\n[security] secrets in logs: {len(hits)} of {len(secrets)} found in {len(caplog.records)} records")
    assert hits == [] and len(caplog.records) >= 5


def test_refusals_are_logged_one_line_each(app, world, caplog, auth):
    caplog.set_level(logging.INFO)
    other = app.test_client()
    auth.post("b.staff", client=other)
    anonymous = app.test_client()
    urls = [f"/assessment/{world.a_id}", f"/assessment/{world.a_id}/explain", f"/evidence/units/{world.unit_a}",
            "/admin/units/", "/admin/users/", "/admin/criteria/", "/admin/year/"]
    caplog.clear()
    for n, url in enumerate(urls):
        other.get(url, headers={"X-Request-Id": f"tuchoi-b-{n}"})
        anonymous.get(url, headers={"X-Request-Id": f"tuchoi-a-{n}"})
    refusals = [r for r in caplog.records if r.getMessage().startswith(("refused", "login required"))]
    print(f"\n[security] refusals logged: {len(refusals)} lines for {2 * len(urls)} refused requests")
    assert len(refusals) == 2 * len(urls)
    assert sum("b.staff" in r.getMessage() for r in refusals) == len(urls)


EXCEPTIONS = [RuntimeError("bí mật nội bộ"), KeyError("khoa_bi_mat"), ZeroDivisionError("chia cho 0"),
              ValueError("giá trị nội bộ"), TypeError("kiểu nội bộ"), AttributeError("thuộc tính nội bộ"),
              LookupError("tra cứu nội bộ"), OSError("đĩa nội bộ"), UnicodeError("mã hóa nội bộ"),
              RecursionError("đệ quy nội bộ")]


def test_ten_forced_exceptions_show_no_internals_and_are_logged_with_the_request_id(app, world, caplog, monkeypatch, auth):
    caplog.set_level(logging.ERROR, logger="portal.errors")
    client = app.test_client()
    auth.post("a.staff", client=client)
    endpoints = ["home.index", "assessments.workspace", "assessments.item", "evidence.library", "notifications.inbox",
                 "auth.change_password", "auth.account_two_factor", "results.mine", "evidence.unit_library",
                 "assessments.xlsx_template"]
    urls = ["/", f"/assessment/{world.a_id}", f"/assessment/{world.a_id}/items/{world.crit('1.2').id}", "/evidence/",
            "/notifications/", "/account/password", "/account/two-factor", "/results/mine",
            f"/evidence/units/{world.unit_a}", f"/assessment/{world.a_id}/template.xlsx"]
    shown = 0
    for n, (endpoint, url, error) in enumerate(zip(endpoints, urls, EXCEPTIONS)):
        def boom(*args, _error=error, **kwargs):
            raise _error
        monkeypatch.setitem(app.view_functions, endpoint, boom)
        rid = f"loi-{n:02d}"
        response = client.get(url, headers={"X-Request-Id": rid}, htmx=bool(n % 2))
        body = response.get_data(as_text=True)
        assert response.status_code == 500 and rid in body
        shown += bool(re.search(r"Traceback|nội bộ|khoa_bi_mat|chia cho 0|File \"", body))
    logged = [r for r in caplog.records if r.exc_info and re.search(r"request loi-\d\d", r.getMessage())]
    print(f"\n[security] forced exceptions: {shown} of 10 showed internals; {len(logged)} of 10 logged with the request id")
    assert shown == 0 and len(logged) == 10


def test_a_request_id_from_outside_is_kept_only_when_it_is_a_plain_token(client):
    assert client.get("/login", headers={"X-Request-Id": "abc-123"}).headers["X-Request-Id"] == "abc-123"
    forged = client.get("/login", headers={"X-Request-Id": "x y;<script>"}).headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{16}", forged)


@pytest.mark.breaks_invariants      # the whole chain is rewritten on purpose
def test_a_chain_rewritten_end_to_end_is_caught_by_the_shipped_copy(app, world, tmp_path, auth):
    from portal.audit.services import row_digest
    client = app.test_client()
    auth.post("a.staff", client=client)
    for code in ("1.2", "1.1.1"):
        form = {"yes": "1"} if code == "1.2" else {"level": "0"}
        client.post(f"/assessment/{world.a_id}/items/{world.crit(code).id}", data={**form, "version": "0"})
    runner = app.test_cli_runner()
    copy = tmp_path / "audit-hashes.jsonl"
    assert runner.invoke(args=["audit-export", str(copy)]).exit_code == 0
    # An insider rewrites one row and recomputes every hash after it: the chain alone looks intact.
    rows = list(db.session.scalars(select(AuditLog).order_by(AuditLog.id)))
    target = next(r for r in rows if r.action == "self_score")
    target.reason = "đã sửa và tính lại chuỗi"
    prev = None
    for row in rows:
        row.prev_hash = prev
        row.hash = row_digest(row, prev)
        prev = row.hash
    db.session.commit()
    assert runner.invoke(args=["audit-verify"]).exit_code == 0
    caught = runner.invoke(args=["audit-verify", "--against", str(copy)])
    named = sorted(int(n) for n in re.findall(r"audit row (\d+) ", caught.output))
    assert caught.exit_code == 1 and named[0] == target.id and "differs from the shipped copy" in caught.output
