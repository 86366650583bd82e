"""The world of the security probes: the demo year filled through synthesis (every kind of object exists:
self-scores, both rounds, comments and a unit reply, explanations, evidence documents with stored files,
survey scores, computed results), a notification, and logged-in clients for every role.

Unit A is Sở Tư pháp (STP), unit B is Sở Tài chính (STC). Council member `tv.snv` is assigned fields F1, F4,
F5, F8, F9 and belongs to Sở Nội vụ; `tv.stp` is assigned F2 but belongs to unit A itself (conflict of
interest); `chutich` chairs; `admin` is the secretariat.

The URL builder fills every argument of a rule from the world; an argument it does not know fails loudly,
so a new route with a new kind of id is never silently skipped by the probes.
"""
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select, text

from portal.assessments.models import Assessment
from portal.auth.models import User
from portal.comments.models import Comment
from portal.criteria.models import Criterion
from portal.db import utcnow
from portal.evidence import storage
from portal.evidence.models import EvidenceDocument, EvidenceFile
from portal.extensions import db
from portal.notifications.models import Notification
from portal.units.models import Unit
from portal.units.models import UnitType
from portal.years.models import AssessmentYear
from tests.auth_actions import DEMO_PASSWORD, AuthActions

MISSING_ID = 987654
USERS = ("stp.canbo", "stp.lanhdao", "stc.canbo", "stc.lanhdao", "tv.snv", "tv.stp", "chutich", "admin")
# A payload that would get far into any of the portal's forms if an authorisation check were missing.
PAYLOAD = {
    "level": "0", "yes": "1", "numerator": "1", "denominator": "1", "value": "1", "count": "1", "note": "thăm dò",
    "version": "1", "body": "thăm dò", "text": "thăm dò", "stance": "disagree", "confirm": "1", "symbol": "1/TD",
    "issuer": "Thăm dò", "summary": "Thăm dò", "issued_on": "01/02/2022", "name": "Thăm dò", "code": "TD",
    "username": "thamdo", "full_name": "Thăm dò", "role": "admin", "unit_id": "1", "active": "0", "phase": "published",
    "reason": "thăm dò", "points": "1", "closes_at": "01/01/2030 17:00", "until": "01/01/2030 17:00",
    "explanation_requested": "1", "visibility": "unit", "decision_number": "1/QĐ", "decision_date": "01/01/2023",
}
# Tables whose rows a GET may add or touch by design: per-person read marks (who has opened which comment),
# and the receipt of a council comment when the unit first opens its thread (comment.seen_by_unit_at, with
# its "comment_seen_by_unit" audit row) — nothing else.
READ_MARKS = {"comment_read": None, "comment": {"seen_by_unit_at"}, "notification": {"read_at"}}
RECEIPT_ACTIONS = frozenset({"comment_seen_by_unit"})


@dataclass
class World:
    app: object
    year_id: int
    ids: dict                      # unit A's objects: assessment, criterion, comment, document, file, …
    clients: dict = field(default_factory=dict)

    def client(self, username: str | None):
        """A logged-in client (reused), or a fresh anonymous one for None."""
        if username is None:
            return self.app.test_client()
        if username not in self.clients:
            self.clients[username] = AuthActions(self.app, DEMO_PASSWORD).login(username)
        return self.clients[username]

    def set_phase(self, phase: str) -> None:
        with self.app.app_context():
            db.session.get(AssessmentYear, self.year_id).phase = phase
            db.session.commit()
            db.session.remove()


def _store_file(document: EvidenceDocument, name: str, data: bytes, user_id: int) -> EvidenceFile:
    temp = storage.receive(io.BytesIO(data), max_bytes=1 << 20)
    storage.keep(temp)
    row = EvidenceFile(document_id=document.id, original_name=name, sha256=temp.sha256, size=temp.size,
                       content_type="application/pdf", created_by_id=user_id, created_at=utcnow())
    db.session.add(row)
    db.session.flush()
    return row


def _pdf(marker: str) -> bytes:
    from tests.evidence_samples import pdf_bytes
    return pdf_bytes(marker)


def build(app) -> World:
    """Seed the world into the (emptied) test database; returns the ids probes need."""
    from portal.seed import seed_demo
    from tests.conftest import _empty_tables
    with app.app_context():
        _empty_tables()
        now = utcnow().replace(microsecond=0)
        seed_demo(now=now, phase="synthesis")
        db.session.flush()
        unit_a = db.session.scalar(select(Unit).where(Unit.code == "STP"))
        unit_b = db.session.scalar(select(Unit).where(Unit.code == "STC"))
        year = db.session.scalar(select(AssessmentYear))
        a = db.session.scalar(select(Assessment).where(Assessment.unit_id == unit_a.id))
        b = db.session.scalar(select(Assessment).where(Assessment.unit_id == unit_b.id))
        users = {u.username: u for u in db.session.scalars(select(User).where(User.username.in_(USERS)))}
        comments = list(db.session.scalars(select(Comment).where(Comment.assessment_id == a.id).order_by(Comment.id)))
        crit_of = {c.id: c for c in db.session.scalars(select(Criterion).where(Criterion.set_id == a.criteria_set_id))}
        # One commented item in a field tv.snv is not assigned (F2, F3, F6, F7) and one it is (F1, F4, …).
        assigned = {"F1", "F4", "F5", "F8", "F9"}
        foreign = next(c for c in comments if crit_of[c.criterion_id].field_code not in assigned)
        own = next((c for c in comments if crit_of[c.criterion_id].field_code in assigned), None)
        reply = Comment(assessment_id=a.id, criterion_id=foreign.criterion_id, parent_id=foreign.id,
                        author_id=users["stp.canbo"].id, body="Đơn vị đã bổ sung văn bản (trả lời).", round=1,
                        visibility="unit", from_unit=True, created_at=now)
        db.session.add(reply)
        document = db.session.scalar(select(EvidenceDocument).where(EvidenceDocument.unit_id == unit_a.id)
                                     .order_by(EvidenceDocument.id))
        first = _store_file(document, "Kế hoạch CCHC.pdf", _pdf("KE HOACH A"), users["stp.canbo"].id)
        notification = Notification(user_id=users["stp.canbo"].id, kind="comment", message="Ý kiến mới của Hội đồng",
                                    link=f"/assessment/{a.id}", created_at=now - timedelta(hours=1))
        db.session.add(notification)
        from portal.reports.models import ExportJob
        job = ExportJob(kind="unit_self", year_id=year.id, requested_by_id=users["admin"].id, status="queued",
                        created_at=now, updated_at=now)
        db.session.add(job)
        # The conflict rule's reassignment: Sở Nội vụ's field F1 goes to tv.stp (tv.snv belongs to SNV).
        from portal.appraisal.models import AppraisalOverride
        snv = db.session.scalar(select(Unit).where(Unit.code == "SNV"))
        override = db.session.scalar(select(AppraisalOverride).order_by(AppraisalOverride.id))   # the seed may have one
        if override is None:
            override = AppraisalOverride(year_id=year.id, unit_id=snv.id, field_code="F1", user_id=users["tv.stp"].id)
            db.session.add(override)
        db.session.commit()
        criterion = crit_of[foreign.criterion_id]
        # tv.stp is assigned F2 but belongs to unit A: an F2 item of A (commented if there is one).
        f2 = next((c for c in comments if crit_of[c.criterion_id].field_code == "F2"), None)
        f2_item = (crit_of[f2.criterion_id] if f2 else
                   next(c for c in crit_of.values() if c.field_code == "F2" and c.kind == "item"))
        ids = {
            "unit_a": unit_a.id, "unit_b": unit_b.id, "unit_a_code": unit_a.code, "assessment": a.id,
            "assessment_b": b.id, "criterion": criterion.id, "field": criterion.field_code,
            "comment": foreign.id, "reply": reply.id, "document": document.id, "file": first.id,
            "notification": notification.id, "set": a.criteria_set_id, "user": users["stp.canbo"].id,
            "year": year.year, "own_criterion": own.criterion_id if own else None,
            "own_field": crit_of[own.criterion_id].field_code if own else None,
            "own_comment": own.id if own else None, "staff_a": users["stp.canbo"].id,
            "job": job.id, "override": override.id, "stp_criterion": f2_item.id, "stp_field": "F2", "stp_comment": f2.id if f2 else foreign.id,
            "unit_type": db.session.scalar(select(UnitType.id).where(UnitType.year_id == year.id).limit(1)),
        }
        db.session.remove()
    return World(app, year.id, ids)


def arg_values(world: World, *, missing: bool = False, criterion: str = "criterion", field_key: str = "field",
               comment: str = "comment") -> dict:
    """Values for URL arguments: unit A's objects; with ``missing``, the ids that name one unit's objects
    (security_matrix.UNIT_OWNED_ARGS) exist nowhere and the rest (year, item, field) stay as they are."""
    ids = world.ids
    gone = MISSING_ID if missing else None
    return {
        "assessment_id": gone or ids["assessment"], "criterion_id": ids[criterion],
        "comment_id": gone or ids[comment], "document_id": gone or ids["document"], "file_id": gone or ids["file"],
        "unit_id": gone or ids["unit_a"], "notification_id": gone or ids["notification"],
        "user_id": ids["user"], "set_id": ids["set"], "item_id": ids["criterion"],
        "year_id": world.year_id, "job_id": gone or ids["job"], "override_id": ids["override"], "type_id": ids["unit_type"], "field_code": ids[field_key], "year": ids["year"],
        "code": ids["unit_a_code"], "lang": "vi", "fmt": "yaml", "slug": "can-bo-don-vi", "row_id": MISSING_ID,
    }


def build_url(rule, values: dict) -> str:
    unknown = set(rule.arguments) - set(values)
    assert not unknown, (f"{rule.endpoint}: the probes do not know URL argument(s) {sorted(unknown)}; "
                         "add a value for them to tests/web/security_world.arg_values")
    return rule.build({arg: values[arg] for arg in rule.arguments})[1]


def rules(app, *, skip=("static",)):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule)):
        if rule.endpoint in skip:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def call(client, method: str, url: str, *, htmx: bool = False, data: dict | None = None):
    if method == "GET":
        return client.get(url, htmx=htmx)
    return client.open(url, method=method, htmx=htmx, data=PAYLOAD if data is None else data)


def succeeded(response) -> bool:
    """A probe went through: any 2xx or 3xx answer other than the way to the login page."""
    if response.status_code >= 400:
        return False
    target = response.headers.get("Location", "") + response.headers.get("HX-Redirect", "")
    return not target.startswith("/login")


_REQUEST_ID = re.compile(r"(Mã yêu cầu|Request id)[^<]*")
_CSRF = re.compile(r"I[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}")  # signed, time-stamped tokens


def page_shape(response, url: str = "") -> tuple:
    """What a refusal looks like to the person probing: status, type and body (the request id and the
    echoed address — the language switch's return path — left out)."""
    body = _CSRF.sub("<csrf>", _REQUEST_ID.sub("", response.get_data(as_text=True)))
    if url:
        body = body.replace(url, "<url>")
    return response.status_code, response.mimetype, hashlib.sha256(body.encode()).hexdigest()


def db_checksum(*, ignore: dict | None = None, receipts: bool = False) -> str:
    """One digest of every row of every table (in an app context). ``ignore`` maps a table to None (the
    whole table) or to a set of columns left out; ``receipts`` leaves out the audit rows of READ receipts."""
    ignore = ignore or {}
    digest = hashlib.sha256()
    for table in db.metadata.sorted_tables:
        skip = ignore.get(table.name, set())
        if table.name in ignore and skip is None:
            continue
        columns = [c for c in table.columns if c.name not in skip]
        order = [c for c in table.primary_key.columns] or columns
        query = select(*columns).order_by(*order)
        if receipts and table.name == "audit_log":
            query = query.where(table.c.action.not_in(RECEIPT_ACTIONS))
        rows = db.session.execute(query).all()
        digest.update(table.name.encode())
        digest.update(json.dumps([list(r) for r in rows], default=str, ensure_ascii=False).encode())
    return digest.hexdigest()


def table_counts() -> dict:
    return {t.name: db.session.execute(text(f'SELECT count(*) FROM "{t.name}"')).scalar()
            for t in db.metadata.sorted_tables}


def enable_portal_logs() -> None:
    """Alembic's logging set-up (run by the migration tests) disables the loggers that existed before it;
    the tests that read the portal's log lines switch them back on."""
    import logging
    for name, logger in logging.root.manager.loggerDict.items():
        if name.startswith("portal") and isinstance(logger, logging.Logger):
            logger.disabled = False
