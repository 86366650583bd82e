"""Shared by the year, progress and notification tests: a small year with four units in different states,
their accounts, and a minimal SMTP sink (aiosmtpd is not installed) that speaks just enough SMTP for
smtplib: HELO/EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""
import email
import socketserver
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from email import policy

import pytest
from sqlalchemy import select

from portal.assessments.models import Assessment
from portal.criteria.models import CriteriaSet
from portal.db import utcnow
from portal.extensions import db
from portal.years.models import AssessmentYear, PhaseWindow
from tests.factories import add_types, make_unit, make_user


@dataclass
class World:
    year_id: int
    units: dict  # code → unit id
    users: dict  # username → user id
    now: object

    def assessment(self, code: str) -> Assessment:
        return db.session.scalar(select(Assessment).where(Assessment.year_id == self.year_id,
                                                          Assessment.unit_id == self.units[code]))

    def year(self) -> AssessmentYear:
        return db.session.get(AssessmentYear, self.year_id)


def build_world(phase: str = "self_assessment", *, sa_closes_in=timedelta(days=10)) -> World:
    """Units: STP (submitted), SYT (draft), STC (draft, department), 883 (draft, district), and an
    inactive unit OLD without a file. Accounts: staff and leader of each, an admin, a member, the chair."""
    now = utcnow().replace(microsecond=0)
    year = AssessmentYear(year=2022, title="Chỉ số cải cách hành chính năm 2022", phase=phase, settings={})
    db.session.add(year)
    db.session.flush()
    add_types(year)
    day = timedelta(days=1)
    sa_close = now + sa_closes_in
    for phase_name, opens, closes in (("self_assessment", now - 5 * day, sa_close),
                                      ("review_1", sa_close + day, sa_close + 10 * day),
                                      ("explanation", sa_close + 11 * day, sa_close + 20 * day),
                                      ("review_2", sa_close + 21 * day, sa_close + 30 * day)):
        db.session.add(PhaseWindow(year_id=year.id, phase=phase_name, opens_at=opens, closes_at=closes))
    sets = {kind: CriteriaSet(year_id=year.id, unit_type=kind, code=f"{kind}-2022", title=kind)
            for kind in ("department", "district")}
    db.session.add_all(sets.values())
    db.session.flush()
    units, users = {}, {}
    for code, name, kind, status in (("STP", "Sở Tư pháp", "department", "submitted"),
                                      ("SYT", "Sở Y tế", "department", "draft"),
                                      ("STC", "Sở Tài chính", "department", "draft"),
                                      ("883", "UBND thành phố Long Xuyên", "district", "draft")):
        unit = make_unit(name, code=code, unit_type=kind)
        units[code] = unit.id
        assessment = Assessment(year_id=year.id, unit_id=unit.id, criteria_set_id=sets[kind].id, status=status,
                                self_submitted_at=now - day if status == "submitted" else None)
        db.session.add(assessment)
        for role, suffix in (("unit_staff", "canbo"), ("unit_leader", "lanhdao")):
            user = make_user(role, unit, username=f"{code.lower()}.{suffix}")
            user.email = f"{code.lower()}.{suffix}@example.vn"
            users[user.username] = user.id
        if status == "submitted":
            assessment.self_submitted_by_id = users[f"{code.lower()}.lanhdao"]  # submitted by its leader
    units["OLD"] = make_unit("Sở Cũ", code="OLD", active=False).id
    for role, username, agency in (("admin", "quantri", None), ("council_member", "tv.stc", "STC"),
                                   ("council_chair", "chutich", "STC")):
        user = make_user(role, username=username)
        user.unit_id = units[agency] if agency else None
        users[username] = user.id
    db.session.commit()
    return World(year.id, units, users, now)


# --------------------------------------------------------------------------------------------- SMTP sink


@pytest.fixture
def world(ctx):
    """The year of build_world(), for the modules that import this fixture with `admin`."""
    return build_world()


@pytest.fixture
def admin(world, client, auth):
    """The test's `client`, signed in as the year's admin."""
    auth.login("quantri", client=client)
    return client


@dataclass
class Sink:
    host: str
    port: int
    messages: list = field(default_factory=list)  # (mail_from, [rcpt], bytes)

    def parsed(self):
        return [email.message_from_bytes(data, policy=policy.default) for _, _, data in self.messages]


class _Handler(socketserver.StreamRequestHandler):
    def _reply(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode("ascii"))

    def handle(self):
        self._reply("220 sink.local ESMTP test sink")
        mail_from, rcpts = None, []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            verb = raw.decode("utf-8", "replace").strip().split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self._reply("250-sink.local" if verb == "EHLO" else "250 sink.local")
                if verb == "EHLO":
                    self._reply("250 8BITMIME")
            elif verb == "MAIL":
                mail_from, rcpts = raw.decode().split(":", 1)[1].strip(), []
                self._reply("250 OK")
            elif verb == "RCPT":
                rcpts.append(raw.decode().split(":", 1)[1].strip())
                self._reply("250 OK")
            elif verb == "DATA":
                self._reply("354 End data with <CR><LF>.<CR><LF>")
                self.server.sink.messages.append((mail_from, rcpts, self._read_data()))
                self._reply("250 OK queued")
            elif verb in ("RSET", "NOOP"):
                self._reply("250 OK")
            elif verb == "QUIT":
                self._reply("221 Bye")
                return
            else:
                self._reply("502 Command not implemented")

    def _read_data(self) -> bytes:
        lines = []
        while True:
            line = self.rfile.readline()
            if line in (b".\r\n", b".\n", b""):
                return b"".join(lines)
            lines.append(line[1:] if line.startswith(b"..") else line)  # undo dot-stuffing


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def start_sink():
    """Start a sink on 127.0.0.1 with a free port; returns (sink, stop)."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.sink = Sink(*server.server_address)
    # polled every 20 ms: socketserver's default 0.5 s made stopping the sink wait ~0.45 s after each mail test
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()

    def stop():
        server.shutdown()
        server.server_close()
    return server.sink, stop
