"""The one answer to saving an item (portal/unitfile/item_save.py): the responder's own steps, called with
stand-in pieces inside a request, then the council's save and the unit's explanation through it (the unit's
self-score save is covered by test_assessment_workspace.py)."""

from sqlalchemy import select

from portal.extensions import db
from portal.text import Msg
from portal.unitfile.entries import EditConflict, ItemInvalid
from portal.unitfile.item_save import save_item
from portal.web.htmx import Refusal
from tests.web.test_appraisal import _round1_done, item_url, s, set_phase  # noqa: F401  (s: the round-1 file)


class Pieces:
    """Stand-ins for a view's pieces, remembering how the responder called them."""

    def __init__(self, error: Exception | None = None):
        self.error, self.saved_with, self.answers, self.committed_before_answer = error, None, [], None

    def save(self, expected):
        self.saved_with = expected
        db.session.execute(select(1))       # the save works inside the request's transaction
        if self.error is not None:
            raise self.error

    def respond(self, **answer):
        self.committed_before_answer = not db.session().in_transaction()
        self.answers.append(answer)
        return "drawn"


class Invalid:
    errors = {"note": Msg("Hãy ghi nhận xét.")}


def _call(app, pieces, *, form=None, htmx=False, **kwargs):
    headers = {"HX-Request": "true"} if htmx else {}
    with app.test_request_context("/x", method="POST", data=form or {"version": "3", "note": "đã gõ"},
                                  headers=headers):
        try:
            return save_item(7, save=pieces.save, respond=pieces.respond, back="/back#item-7",
                             **{"refusal": None, "notice": "Đã lưu.", **kwargs})
        except Refusal as refusal:
            db.session.rollback()
            return refusal.respond()


def test_a_refusal_answers_409_with_the_reason_and_what_was_typed_without_saving(app, ctx):
    pieces = Pieces()
    assert _call(app, pieces, refusal="Đã hết hạn.") == "drawn"
    assert pieces.saved_with is None
    (answer,) = pieces.answers
    assert answer["status"] == 409 and answer["errors"] == {7: {"_": "Đã hết hạn."}}
    assert answer["typed"][7]["note"] == "đã gõ"


def test_invalid_input_answers_422_with_each_field_error_and_what_was_typed(app, ctx):
    pieces = Pieces(ItemInvalid(Invalid()))
    _call(app, pieces)
    (answer,) = pieces.answers
    assert pieces.saved_with == 3
    assert answer["status"] == 422 and answer["errors"] == {7: {"note": "Hãy ghi nhận xét."}}
    assert answer["typed"][7]["note"] == "đã gõ"


def test_a_conflict_answers_409_with_the_view_s_conflict_and_can_drop_what_was_typed(app, ctx):
    pieces = Pieces(EditConflict("their entry", Invalid()))
    _call(app, pieces, keep_typed=False, conflict=lambda err: {"conflict": {"theirs": err.entry}})
    (answer,) = pieces.answers
    assert answer["status"] == 409 and answer["conflict"] == {"theirs": "their entry"} and answer["typed"] == {}
    default = Pieces(EditConflict("their entry", Invalid()))
    _call(app, default, form={"version": "x"})
    assert default.saved_with == -1
    assert default.answers[0]["conflict"] == {"criterion_id": 7, "theirs": "their entry"}


def test_a_plain_post_redirects_to_the_item_and_htmx_draws_before_the_commit(app, ctx):
    plain = _call(app, Pieces())
    assert plain.status_code == 303 and plain.headers["Location"].endswith("/back#item-7")
    pieces = Pieces()
    assert _call(app, pieces, htmx=True) == "drawn"
    assert pieces.answers == [{"status": 200, "errors": {}, "typed": {}, "conflict": None, "saved": 7}]
    assert pieces.committed_before_answer is False


# ------------------------------------------------------------------------------- through the routes


def test_the_council_s_save_conflict_and_plain_post(s, auth):
    member, chair = auth.sign_in("member"), auth.sign_in("chair")
    first = member.post(item_url(s, "1.2"), data={"yes": "1", "note": "Đủ hồ sơ", "version": "0"}, htmx=True)
    assert first.status_code == 200
    stale = chair.post(item_url(s, "1.2"), data={"yes": "0", "note": "Ý của chủ tịch", "version": "0"}, htmx=True)
    html = stale.get_data(as_text=True)
    assert stale.status_code == 409 and "đã lưu mục này lúc" in html and "Ý của chủ tịch" in html
    plain = chair.post(item_url(s, "1.2"), data={"yes": "0", "note": "Ý của chủ tịch", "version": "1"})
    assert plain.status_code == 303
    assert plain.headers["Location"].endswith(f"/appraisal/{s.a_id}/F1?saved={s.crit('1.2').id}"
                                              f"#item-{s.crit('1.2').id}")


def test_the_unit_s_explanation_conflict_keeps_what_was_typed(s, auth):
    chair = _round1_done(auth, s)
    chair.post(f"/appraisal/{s.a_id}/close-round-1")
    set_phase(s, "explanation")
    staff = auth.sign_in("a.staff")
    c = s.crit("1.2")
    url = f"/assessment/{s.a_id}/explain/{c.id}"
    assert staff.post(url, data={"stance": "disagree", "text": "Báo cáo số 45", "version": "0"},
                      htmx=True).status_code == 200
    stale = staff.post(url, data={"stance": "disagree", "text": "Bản khác của tôi", "version": "0"}, htmx=True)
    html = stale.get_data(as_text=True)
    assert stale.status_code == 409 and "Giải trình này vừa được người khác lưu" in html
    assert "Bản khác của tôi" in html
    plain = staff.post(url, data={"stance": "disagree", "text": "Bản cuối", "version": "1"})
    assert plain.status_code == 303 and plain.headers["Location"].endswith(f"/assessment/{s.a_id}/explain#item-{c.id}")
    assert "Đã lưu giải trình mục 1.2" in staff.get(f"/assessment/{s.a_id}/explain").get_data(as_text=True)
