"""Bounded loopback load test (security.md §4.1, §4.4, §10.2–10.5): nothing lost under load.

A real server process (gunicorn, 4 sync workers, as the README deploys it) on 127.0.0.1 serves a fresh
demo year. 100 simulated
users (threads, each with its own login session) then, in the self-assessment phase:

* make 2,000 saves of self-scores, each with a unique note, mixing distinct items (one user's own) and
  deliberately shared ones (every account of a unit on the same 3 items), always sending the version they
  last saw, so shared items produce 409 conflicts;
* upload 10 evidence files of 2–5 MB;
* while the self-assessment deadline passes in the middle of the run (``--deadline-after`` seconds);

then the phase moves to appraisal round 1, and 10 council users post 300 comments while the round-1
deadline passes in the middle too. With ``--kills N`` the server is SIGKILLed N times during the saves and
restarted; ``--backup`` takes an online backup mid-run and restores it into a scratch database afterwards.

It prints: errors, conflicts, refusals after the deadline, p50/p95 latency, lost updates (every 2xx must
match an audit row, each item's final value must be its last acknowledged write, and the acknowledged
writes must account for every version increment), saves committed after the deadline, invariant
violations (flask check) and orphan blobs. It never asserts; it is not part of `make test`.

    .venv/bin/python bench/load_test.py                       # SQLite in a temporary instance folder
    .venv/bin/python bench/load_test.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/cchc_load
    .venv/bin/python bench/load_test.py --kills 10            # crash the server 10 times mid-run

The PostgreSQL database named is emptied and rebuilt: give it a database of its own.
"""
from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PASSWORD = "demo-cchc-2022"
VERSION = re.compile(r'name="version" value="(\d+)"')
TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')


# ------------------------------------------------------------------------------------------ HTTP user


class User:
    """One browser: a login session cookie and its CSRF token."""

    def __init__(self, port: int, username: str):
        self.port, self.username, self.cookie, self.token = port, username, "", ""

    def request(self, method, path, body=b"", headers=None, timeout=60):
        # A new connection per request: a POST is never re-sent on a keep-alive connection the server closed.
        headers = {"Cookie": self.cookie, "Connection": "close", **(headers or {})}
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        for value in response.headers.get_all("Set-Cookie") or []:
            if value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        return response.status, response.headers, data.decode("utf-8", "replace")

    def form(self, path, fields: dict, *, htmx=True):
        from urllib.parse import urlencode
        headers = {"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": self.token}
        if htmx:
            headers["HX-Request"] = "true"
        return self.request("POST", path, urlencode(fields).encode(), headers)

    def log_in(self):
        _status, _h, page = self.request("GET", "/login")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
            re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        self.token = token.group(1)
        status, _h, _b = self.form("/login", {"csrf_token": self.token, "username": self.username,
                                              "password": PASSWORD}, htmx=False)
        assert status == 303, (self.username, status)
        _s, _h, home = self.request("GET", "/")
        self.token = TOKEN.search(home).group(1)


# ------------------------------------------------------------------------------------------ the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, env: dict, port: int, log: Path, workers: int):
        self.env, self.port, self.log, self.proc, self.workers = env, port, log, None, workers

    def start(self):
        out = open(self.log, "ab")
        self.proc = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "-w", str(self.workers), "--timeout", "120",
             "-b", f"127.0.0.1:{self.port}", "app:app"],
            cwd=ROOT, env=self.env, stdout=out, stderr=out, start_new_session=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the server did not start; see " + str(self.log))

    def kill(self):
        os.killpg(self.proc.pid, signal.SIGKILL)     # no clean shutdown: as a power cut of the process
        self.proc.wait()

    def stop(self):
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=60)


# ------------------------------------------------------------------------------------------ preparation


def prepare(args, instance: Path):
    """A fresh demo year with 100 unit accounts, 10 council accounts, and the deadlines of the run."""
    os.environ.update(PORTAL_INSTANCE=str(instance), DATABASE_URL=args.database_url, UPLOAD_DIR=str(instance / "up"),
                      SECRET_KEY="load-test-" + uuid.uuid4().hex, PORTAL_ENV="development", REQUIRE_TOTP="0")
    from portal import create_app
    from portal.auth.models import User as Account
    from portal.auth.services import hash_password
    from portal.db import utcnow
    from portal.extensions import db
    from portal.seed import seed_demo
    from portal.text import fold_key
    app = create_app()
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed_demo(now=utcnow())
        db.session.flush()
        from sqlalchemy import select
        from portal.appraisal.models import CouncilAssignment
        from portal.units.models import Unit
        pw = hash_password(PASSWORD)
        units = list(db.session.scalars(select(Unit).order_by(Unit.id)))
        extra = 100 - 2 * len(units)
        for n in range(extra):
            unit = units[n % len(units)]
            name = f"Cán bộ {n // len(units) + 2} {unit.name}"
            db.session.add(Account(username=f"{unit.code.lower()}.cb{n // len(units) + 2}", full_name=name,
                                   name_key=fold_key(name), role="unit_staff", unit_id=unit.id, password_hash=pw,
                                   must_change_password=False))
        year_id = db.session.scalar(select(CouncilAssignment.year_id).limit(1))
        snv = next(u for u in units if u.code == "SNV")
        for n, field in enumerate(("F1", "F2", "F3", "F6")):
            name = f"Thành viên bổ sung {n + 1}"
            member = Account(username=f"tv.them{n + 1}", full_name=name, name_key=fold_key(name),
                             role="council_member", unit_id=snv.id, password_hash=pw, must_change_password=False)
            db.session.add(member)
            db.session.flush()
            db.session.add(CouncilAssignment(year_id=year_id, user_id=member.id, field_code=field))
        db.session.commit()
        db.session.remove()
    return app


def workload(app):
    """Per unit: its assessment, its users, its scoreable items with valid inputs."""
    import random as _random

    from sqlalchemy import select

    from portal.assessments.models import Assessment
    from portal.auth.models import User as Account
    from portal.criteria.models import Criterion
    from portal.demo_fill import Filler
    from portal.extensions import db
    filler = Filler.__new__(Filler)
    filler.rng = _random.Random(7)
    plan = []
    with app.app_context():
        for a in db.session.scalars(select(Assessment).order_by(Assessment.id)):
            crits = list(db.session.scalars(select(Criterion).where(Criterion.set_id == a.criteria_set_id)))
            parents = {c.parent_id for c in crits}
            items = [(c.id, filler._form(c, 0.9)) for c in crits
                     if c.id not in parents and c.kind == "item" and c.method in ("levels", "percentage", "ratio",
                                                                                  "yes_no", "number")]
            users = [u.username for u in db.session.scalars(select(Account).where(
                Account.unit_id == a.unit_id, Account.role.in_(("unit_staff", "unit_leader"))).order_by(Account.id))]
            plan.append({"assessment": a.id, "unit": a.unit_id, "users": users, "items": items})
        db.session.remove()
    return plan


def set_window(app, phase: str, closes_in: float):
    from sqlalchemy import select

    from portal.db import utcnow
    from portal.extensions import db
    from portal.years.models import PhaseWindow
    with app.app_context():
        window = db.session.scalar(select(PhaseWindow).where(PhaseWindow.phase == phase))
        closes = (utcnow() + timedelta(seconds=closes_in)).replace(microsecond=0)
        window.opens_at, window.closes_at, window.grace_seconds = closes - timedelta(days=10), closes, 0
        db.session.commit()
        db.session.remove()
    return closes


# ------------------------------------------------------------------------------------------ the run


def run_saves(port, plan, args, log, server, backup_at, instance, on_start):
    """2,000 saves by 100 users; ``on_start()`` (placing the deadline) runs once all are logged in."""
    users, jobs = {}, defaultdict(list)
    rng = random.Random(2022)
    for unit in plan:
        hot = unit["items"][:3]                               # every account of the unit saves these
        own = unit["items"][3:]
        for n, name in enumerate(unit["users"]):
            users[name] = (User(port, name), unit)
            mine = own[n::len(unit["users"])]
            jobs[name] = [hot[i % 3] if rng.random() < 0.35 else mine[i % len(mine)] for i in range(10_000)]
    _port_of[0] = port
    for user, _unit in users.values():
        user.log_in()
    per_user = args.saves // len(users)
    versions = defaultdict(int)                               # (user, item) -> version last seen
    lock = threading.Lock()
    on_start()
    started = time.perf_counter()
    kill_times = sorted(rng.uniform(2, args.deadline_after * 1.6) for _ in range(args.kills))
    done = threading.Event()

    def killer():
        for at in kill_times:
            while time.perf_counter() - started < at:
                if done.wait(0.05):
                    return
            server.kill()
            log.append(("kill", time.time()))
            time.sleep(0.3)
            server.start()

    def backer():
        while time.perf_counter() - started < backup_at:
            if done.wait(0.1):
                return
        from portal.backup import make_backup
        env = dict(os.environ)
        out = subprocess.run([str(ROOT / ".venv/bin/flask"), "backup", str(instance / "backups")], cwd=ROOT,
                             env={**env, "FLASK_APP": "app.py"}, capture_output=True, text=True)
        log.append(("backup", time.time(), out.returncode, out.stdout.strip()[-200:] + out.stderr.strip()[-300:]))
        assert make_backup

    def work(name):
        user, unit = users[name]
        for n in range(per_user):
            item, form = jobs[name][n]
            marker = f"{name}#{n}"
            fields = {**form, "note": marker, "version": str(versions[(name, item)])}
            sent = time.time()
            try:
                status, _h, body = user.form(f"/assessment/{unit['assessment']}/items/{item}", fields)
            except (OSError, http.client.HTTPException):
                status, body = 0, ""
            got = time.time()
            match = VERSION.search(body)
            if match:
                versions[(name, item)] = int(match.group(1))
            with lock:
                log.append(("save", name, unit["assessment"], item, marker, sent, got, status,
                            int(match.group(1)) if match and status == 200 else None,
                            "Đã hết hạn" in body))
            time.sleep(rng.uniform(*args.think))             # a person reads, thinks, types

    threads = [threading.Thread(target=work, args=(name,)) for name in users]
    helpers = [threading.Thread(target=killer)] if args.kills else []
    if args.backup:
        helpers.append(threading.Thread(target=backer))
    for t in threads + helpers:
        t.start()
    uploads = threading.Thread(target=run_uploads, args=(users, log, rng))
    uploads.start()
    for t in threads:
        t.join()
    uploads.join()
    done.set()
    for t in helpers:
        t.join()
    return users, time.perf_counter() - started


def _pdf_of(size: int, seed: int) -> bytes:
    from tests.evidence_samples import pdf_bytes
    base = pdf_bytes(f"Tai lieu kiem chung {seed}")
    letters = bytes(b"abcdefghijklmnop"[b % 16] for b in range(256))      # a long PDF comment: no line break
    padding = b"%" + random.Random(seed).randbytes(size - len(base) - 2).translate(letters) + b"\n"
    return base[:9] + padding + base[9:]


def run_uploads(users, log, rng):
    """Ten users each add a document with one 2–5 MB file, all at once, early in the run."""
    sizes = [rng.randint(2, 5) * 2**20 for _ in range(10)]
    threads = [threading.Thread(target=_upload_one, args=(name, unit, n, sizes[n], log))
               for n, (name, (_saver, unit)) in enumerate(list(users.items())[::10][:10])]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def _upload_one(name, unit, n, size, log):
    try:
        _try_upload(name, unit, n, size, log)
    except (OSError, http.client.HTTPException, AssertionError, AttributeError) as err:   # server killed meanwhile
        log.append(("upload", name, None, 0, time.time(), time.time(), 0, f"no answer: {type(err).__name__}"))


def _try_upload(name, unit, n, size, log):
    user = User(_port_of[0], name)                            # a second login: its own session
    user.log_in()
    data = _pdf_of(size, n)
    status, _h, body = user.form(f"/evidence/units/{unit['unit']}/documents",
                                 {"symbol": f"{n}/KH", "issuer": "Đơn vị", "summary": f"Tài liệu tải lên {n}"},
                                 htmx=False)
    _s, _h, page = user.request("GET", "/evidence/")
    found = [int(x) for x in re.findall(r'id="doc-(\d+)"', page)]
    if status != 303 or not found:
        text = re.sub(r"<[^>]+>", " ", body)
        log.append(("upload", name, None, 0, time.time(), time.time(), -status,
                    " ".join(re.findall(r"[^\n]*(?:hạn|quyền|giai đoạn)[^\n]*", text))[:200]))
        return
    doc = max(found)
    boundary = "----tai-len-" + uuid.uuid4().hex
    payload = (f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="tai-lieu-{n}.pdf"\r\n'
               "Content-Type: application/pdf\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    sent = time.time()
    try:
        status, _h, _b = user.request("POST", f"/evidence/documents/{doc}/files", payload,
                                      {"Content-Type": f"multipart/form-data; boundary={boundary}",
                                       "X-CSRFToken": user.token, "HX-Request": "true"}, timeout=120)
    except (OSError, http.client.HTTPException):
        status = 0
    log.append(("upload", name, doc, len(data), sent, time.time(), status))


_port_of = [0]


def run_comments(port, app, log, args, plan, on_start):
    """Round 1: 10 council users post 300 comments in their fields while the round's deadline passes."""
    from sqlalchemy import select

    from portal.appraisal.models import CouncilAssignment
    from portal.auth.models import User as Account
    from portal.criteria.models import Criterion
    from portal.extensions import db
    with app.app_context():
        members = {u.username: u for u in db.session.scalars(select(Account).where(
            Account.role.in_(("council_member", "council_chair"))))}
        fields = defaultdict(set)
        for row in db.session.scalars(select(CouncilAssignment)):
            fields[row.user_id].add(row.field_code)
        field_of = {c.id: c.field_code for c in db.session.scalars(select(Criterion))}
        targets = {}
        for name, member in members.items():
            mine = [(u["assessment"], item) for u in plan if u["unit"] != member.unit_id
                    for item, _form in u["items"]
                    if member.role == "council_chair" or field_of[item] in fields[member.id]]
            targets[name] = mine
        db.session.remove()
    council = [User(port, name) for name in sorted(targets)][:10]
    for user in council:
        user.log_in()
    on_start()
    rng = random.Random(742)
    lock = threading.Lock()

    def work(user):
        for n in range(30):
            assessment, item = rng.choice(targets[user.username])
            marker = f"Ý kiến {user.username}#{n}"
            sent = time.time()
            try:
                status, _h, body = user.form(f"/comments/{assessment}/{item}/", {"body": marker})
            except (OSError, http.client.HTTPException):
                status, body = 0, ""
            with lock:
                log.append(("comment", user.username, assessment, item, marker, sent, time.time(), status))
            time.sleep(rng.uniform(0.05, 0.3))

    threads = [threading.Thread(target=work, args=(u,)) for u in council]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def move_to_review(port):
    admin = User(port, "admin")
    admin.log_in()
    _s, _h, page = admin.request("GET", "/admin/year/")
    year = re.search(r"/admin/year/(\d+)", page).group(1)
    status, _h, _b = admin.form(f"/admin/year/{year}/phase", {"csrf_token": admin.token, "target": "review_1",
                                                             "reason": "", "window_choice": "open_now"},
                                htmx=False)
    return status


# ------------------------------------------------------------------------------------------ verdicts


def verdicts(app, log, deadline, review_deadline, elapsed, args, instance):
    from sqlalchemy import select

    from portal.assessments.models import ScoreEntry
    from portal.audit.invariants import check_all
    from portal.audit.models import AuditLog
    from portal.comments.models import Comment
    from portal.evidence import storage
    from portal.evidence.models import EvidenceFile
    from portal.extensions import db
    saves = [e for e in log if e[0] == "save"]
    comments = [e for e in log if e[0] == "comment"]
    uploads = [e for e in log if e[0] == "upload"]
    with app.app_context():
        audited = {(r.new or {}).get("note") for r in db.session.scalars(
            select(AuditLog).where(AuditLog.action.like("self_score%")))}
        entries = {(e.assessment_id, e.criterion_id): e for e in db.session.scalars(
            select(ScoreEntry).where(ScoreEntry.stage == "self"))}
        late_commits = sum(1 for e in entries.values() if e.updated_at > deadline)
        bodies = set(db.session.scalars(select(Comment.body)))
        late_comments = sum(1 for c in db.session.scalars(select(Comment)) if c.created_at > review_deadline)
        files = list(db.session.scalars(select(EvidenceFile)))
        violations = {k: v for k, v in check_all().items() if v}
        referenced = {f.sha256 for f in files}
        on_disk = {p.name for p in storage.blob_dir().glob("*/*/*")} if storage.blob_dir().is_dir() else set()
        integrity = "n/a"
        db.session.remove()
        if db.engine.dialect.name == "sqlite":
            with db.engine.connect() as conn:
                integrity = conn.exec_driver_sql("PRAGMA integrity_check").scalar()
        db.session.remove()
    ok = [s for s in saves if s[7] == 200]
    conflicts = [s for s in saves if s[7] == 409 and not s[9]]
    after_deadline = [s for s in saves if s[7] == 409 and s[9]]
    unanswered = [s for s in saves if s[7] == 0]
    errors = [s for s in saves if s[7] not in (0, 200, 409, 422)]
    latencies = sorted(s[6] - s[5] for s in saves if s[7])
    by_item = defaultdict(list)
    for s in ok:
        by_item[(s[2], s[3])].append(s)
    lost = [s for s in ok if s[4] not in audited]
    wrong_final = 0
    for key, acked in by_item.items():
        last = max(acked, key=lambda s: s[8])
        final = entries.get(key)
        if final is None:
            wrong_final += 1
        elif final.version == last[8]:
            wrong_final += final.note != last[4]
        elif final.version < last[8] or final.note not in {s[4] for s in unanswered}:
            wrong_final += 1                          # a newer write that nobody was told about
        if len({s[8] for s in acked}) != len(acked):
            wrong_final += 1                          # two acknowledged writes claim the same version
    sent_late_ok = sum(1 for s in ok if s[5] > deadline.timestamp() + 1)
    print(f"\n=== load test on {args.kind}: {len({s[1] for s in saves})} users, {len(saves)} saves in {elapsed:.1f} s "
          f"(deadline at +{args.deadline_after:.0f} s), kills: {sum(1 for e in log if e[0] == 'kill')} ===")
    print(f"saves: {len(ok)} × 2xx, {len(conflicts)} × 409 conflict, {len(after_deadline)} × refused after the "
          f"deadline, {len(unanswered)} unanswered (server killed), {len(errors)} unexpected errors "
          f"{sorted({s[7] for s in errors})}; 2xx + 409 + refusals + unanswered = "
          f"{len(ok) + len(conflicts) + len(after_deadline) + len(unanswered) + len(errors)} of {len(saves)}")
    if latencies:
        print(f"latency: p50 {statistics.median(latencies) * 1000:.0f} ms, "
              f"p95 {latencies[int(len(latencies) * 0.95) - 1] * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms")
    print(f"lost updates: {len(lost)} acknowledged saves without their audit row; {wrong_final} items whose final "
          f"value is not the last acknowledged write ({len(by_item)} items written)")
    print(f"deadline: {late_commits} saves committed with a time after the deadline; {sent_late_ok} saves sent "
          f"after it and accepted")
    ok_comments = [c for c in comments if c[7] in (200, 201, 303)]
    print(f"comments: {len(ok_comments)} accepted of {len(comments)}, {sum(1 for c in comments if c[7] == 409)} "
          f"refused after the round-1 deadline; {sum(1 for c in ok_comments if c[4] not in bodies)} accepted but "
          f"missing; {late_comments} written after the deadline; other answers "
          f"{sorted({c[7] for c in comments if c[7] not in (200, 201, 303, 409)})}")
    ok_uploads = [u for u in uploads if u[6] == 200]
    print(f"uploads: {len(ok_uploads)} of {len(uploads)} accepted ({sum(u[3] for u in ok_uploads) / 2**20:.1f} MB), "
          f"answers {sorted({u[6] for u in uploads})} {' '.join(sorted({u[7] for u in uploads if len(u) > 7}))[:300]}; file rows {len(files)}; orphan blobs "
          f"{len(on_disk - referenced)}; rows without blob {len(referenced - on_disk)}")
    print(f"invariants (flask check): {sum(len(v) for v in violations.values())} violations {list(violations)}; "
          f"SQLite integrity_check: {integrity}")
    for entry in (e for e in log if e[0] == "backup"):
        print(f"backup during load: exit {entry[2]} — {entry[3]}")
        verify_backup(instance, args)


def verify_backup(instance: Path, args):
    """Restore the mid-run backup into a scratch SQLite instance and run the checks there."""
    if args.kind != "SQLite":
        print("(restore drill of the mid-run backup: run on SQLite; on PostgreSQL see tests/web/test_security_backup.py)")
        return
    folder = next((instance / "backups").iterdir())
    scratch = Path(tempfile.mkdtemp(prefix="cchc-restore-"))
    env = {**os.environ, "FLASK_APP": "app.py", "PORTAL_INSTANCE": str(scratch),
           "DATABASE_URL": f"sqlite:///{scratch / 'portal.sqlite3'}", "UPLOAD_DIR": str(scratch / "up")}
    subprocess.run([str(ROOT / ".venv/bin/flask"), "db", "upgrade"], cwd=ROOT, env=env, capture_output=True)
    out = subprocess.run([str(ROOT / ".venv/bin/flask"), "restore", str(folder), "--yes"], cwd=ROOT, env=env,
                         capture_output=True, text=True)
    import shutil
    shutil.rmtree(scratch, ignore_errors=True)
    lines = [line for line in (out.stdout + out.stderr).splitlines() if " INFO " not in line]
    print(f"restore drill of that backup: exit {out.returncode} — {' '.join(lines)[-400:]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temporary instance folder")
    parser.add_argument("--saves", type=int, default=2000)
    parser.add_argument("--deadline-after", type=float, default=45.0, help="seconds from the start of the saves")
    parser.add_argument("--think", type=float, nargs=2, default=(2.0, 5.0), metavar=("MIN", "MAX"),
                        help="seconds each user waits between two saves")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn (sync) worker processes")
    parser.add_argument("--review-deadline-after", type=float, default=4.0)
    parser.add_argument("--kills", type=int, default=0)
    parser.add_argument("--backup", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the temporary instance folder")
    args = parser.parse_args()
    instance = Path(tempfile.mkdtemp(prefix="cchc-load-"))
    args.database_url = args.database_url or f"sqlite:///{instance / 'portal.sqlite3'}"
    args.kind = "PostgreSQL" if args.database_url.startswith("postgresql") else "SQLite"
    app = prepare(args, instance)
    plan = workload(app)
    port = free_port()
    server = Server(dict(os.environ), port, instance / "server.log", args.workers)
    log: list = []
    set_window(app, "self_assessment", 3600)                  # open while the 100 users log in
    server.start()
    holder = {}
    try:
        def place_deadline():                                 # … then it closes `--deadline-after` s later
            holder["deadline"] = set_window(app, "self_assessment", args.deadline_after)
        _users, elapsed = run_saves(port, plan, args, log, server, args.deadline_after * 0.5, instance,
                                    place_deadline)
        deadline = holder["deadline"]
        status = move_to_review(port)
        def place_review_deadline():
            holder["review"] = set_window(app, "review_1", args.review_deadline_after)
        run_comments(port, app, log, args, plan, place_review_deadline)
        review_deadline = holder["review"]
    finally:
        server.stop()
    print(f"phase moved to review round 1: {status}")
    verdicts(app, log, deadline, review_deadline, elapsed, args, instance)
    if args.keep:
        print(f"(instance folder kept: {instance})")
    else:
        import shutil
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
