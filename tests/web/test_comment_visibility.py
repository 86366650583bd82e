"""Who reads which comment, as a matrix (anchors §3: a comment leaking to the wrong reader is the most common
failure): role × object (internal comment, sent comment, unit reply) × phase (all 9), against the one rule
`can_see` and through the real route, page and fragment. Then every route of the module × role × phase:
allowed exactly when the write rule says so, nothing stored otherwise, and no response ever carries an
internal comment to someone the policy hides it from. A route added without a probe fails the walk."""
import pytest
from sqlalchemy import func, select

from portal.unitfile.domain import can_see
from portal.comments import access
from portal.comments.models import Comment
from portal.extensions import db
from tests.web.comments_setup import PHASES, ROLES, world

OBJECTS = {"internal": ("internal_comment", False), "sent": ("sent_comment", True), "reply": ("sent_comment", True)}
TEXT = {"internal": "Ý-KIẾN-NỘI-BỘ-Q7", "sent": "Ý-KIẾN-ĐÃ-GỬI-K2", "reply": "TRẢ-LỜI-ĐƠN-VỊ-M5"}


def expected(role: str, obj: str, phase: str) -> bool:
    name, sent = OBJECTS[obj]
    return can_see(ROLES[role][1], name, phase, sent=sent)


# ------------------------------------------------------------------------------------------- the policy


@pytest.mark.parametrize("phase", PHASES)
def test_policy_keeps_council_comments_in_the_council(phase):
    # Written out, so that a change of the policy table that would leak is noticed here too.
    for role in ("own_unit_staff", "other_unit_staff", "unassigned_member", "own_agency_member", "anonymous"):
        assert not expected(role, "internal", phase)
    for role in ("other_unit_staff", "unassigned_member", "own_agency_member", "anonymous"):
        assert not any(expected(role, obj, phase) for obj in OBJECTS)
    assert not can_see("own_unit", "sent_comment", phase, sent=False)  # not yet sent: never the unit's
    assert expected("own_unit_staff", "sent", phase) and expected("own_unit_staff", "reply", phase)
    assert all(expected("admin", obj, phase) and expected("chair", obj, phase) for obj in OBJECTS)
    council_phase = PHASES.index(phase) >= PHASES.index("review_1")
    assert all(expected("assigned_member", obj, phase) == council_phase for obj in OBJECTS)


def test_each_account_of_the_matrix_stands_where_the_matrix_assumes(ctx):
    w = world()
    for role, (username, rel) in ROLES.items():
        user = w.user(username) if username else None
        assert access.relation_for(user, w.assessment(), "F1") == rel, role


# ---------------------------------------------------------------------------------------- through HTTP


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("role", ROLES)
def test_thread_shows_a_comment_exactly_when_the_policy_allows(ctx, role, phase, auth):
    w = world(phase)
    w.comment(TEXT["internal"])
    sent = w.comment(TEXT["sent"], sent=True)
    w.comment(TEXT["reply"], author="a.staff", from_unit=True, parent=sent)
    client = auth.sign_in(ROLES[role][0])
    for htmx in (False, True):
        response = client.get(w.url(), htmx=htmx)
        html = response.get_data(as_text=True)
        for obj, text in TEXT.items():
            assert (text in html) == expected(role, obj, phase), (role, obj, phase, htmx, response.status_code)
        if any(expected(role, obj, phase) for obj in OBJECTS):
            assert response.status_code == 200
            assert html.lstrip().startswith("<section") if htmx else "<html" in html
        else:
            assert response.status_code in (302, 401, 403, 404)


# ----------------------------------------------------------------------------------- every route × role


def council_writes(role, phase):
    return ROLES[role][1] in ("assigned_member", "chair") and phase in ("review_1", "review_2")


def unit_replies(role, phase):
    return role == "own_unit_staff" and phase == "explanation"


def _count():
    return db.session.scalar(select(func.count()).select_from(Comment))


def _probe_thread(w, client):
    return client.get(w.url()), lambda: True


def _probe_add(w, client):
    before = _count()
    return client.post(w.url(), data={"body": "Ý kiến thử"}), lambda: _count() == before + 1


def _probe_reply(w, client):
    parent = w.comment("Gốc đã gửi", sent=True)
    before = _count()
    return client.post(w.url(parent.id, "reply"), data={"body": "Trả lời thử"}), lambda: _count() == before + 1


def _probe_preview(w, client):
    c = w.comment("Nháp để xem trước")
    response = client.get(w.url(c.id, "send"))
    return response, lambda: ">Gửi cho đơn vị<" in response.get_data(as_text=True)


def _probe_send(w, client):
    c = w.comment("Nháp để gửi")
    return client.post(w.url(c.id, "send")), lambda: db.session.get(Comment, c.id).visibility == "unit"


def _probe_resolve(w, client):
    c = w.comment("Cần xử lý", sent=True)
    return client.post(w.url(c.id, "resolve")), lambda: db.session.get(Comment, c.id).resolved_at is not None


def _probe_reopen(w, client):
    c = w.comment("Đã xử lý", sent=True, resolved=True)
    return client.post(w.url(c.id, "reopen")), lambda: db.session.get(Comment, c.id).resolved_at is None


# endpoint → (method, probe, who may): the walk below fails on a route of the module missing here.
PROBES = {
    "comments.thread": ("GET", _probe_thread, lambda r, p: any(expected(r, o, p) for o in OBJECTS)),
    "comments.add": ("POST", _probe_add, council_writes),
    "comments.reply": ("POST", _probe_reply, lambda r, p: council_writes(r, p) or unit_replies(r, p)),
    "comments.preview": ("GET", _probe_preview, council_writes),
    "comments.send": ("POST", _probe_send, council_writes),
    "comments.resolve": ("POST", _probe_resolve, council_writes),
    "comments.reopen": ("POST", _probe_reopen, council_writes),
}


def test_every_route_of_the_module_is_in_the_matrix(app):
    routes = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("comments."):
            routes.setdefault(rule.endpoint, set()).update(rule.methods - {"HEAD", "OPTIONS"})
    assert set(routes) == set(PROBES)
    for endpoint, methods in routes.items():
        assert methods == {PROBES[endpoint][0]}, endpoint


@pytest.mark.parametrize("phase", PHASES)
def test_every_route_allows_exactly_the_rule_and_never_leaks(ctx, phase, auth):
    w = world(phase)
    secret = w.comment("BÍ-MẬT-HỘI-ĐỒNG-Z9")
    clients = {role: auth.sign_in(username) for role, (username, _rel) in ROLES.items()}
    for endpoint, (_method, probe, may) in PROBES.items():
        for role, client in clients.items():
            response, effect = probe(w, client)
            html = response.get_data(as_text=True)
            cell = (endpoint, role, phase, response.status_code)
            if not expected(role, "internal", phase):
                assert "BÍ-MẬT-HỘI-ĐỒNG-Z9" not in html, cell
            db.session.expire_all()
            if may(role, phase):
                assert response.status_code in (200, 303) and effect(), cell
            else:
                assert response.status_code in (302, 401, 403, 404, 409), cell
                assert endpoint == "comments.thread" or not effect(), cell
    assert db.session.get(Comment, secret.id).visibility == "internal"
