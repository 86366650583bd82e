"""The comment thread of an item, every write as a whole page (no JavaScript: 303 back to the page it came
from) and as an htmx fragment (the thread widget): write, reply, preview, send, resolve, reopen; what the
people concerned are told; and a refused or invalid write keeps the typed text. Who may see and do what is
the matrix of test_comment_visibility.py and test_visibility_matrix.py."""
import pytest
from sqlalchemy import select

from portal.comments.models import Comment
from portal.db import utcnow
from portal.extensions import db
from portal.notifications.models import Notification
from tests.web.assess_setup import build_council


@pytest.fixture
def w(ctx):
    return build_council("review_1", status="submitted")



def _thread(w, *parts):
    return f"/comments/{w.a_id}/{w.crit('1.2').id}/" + "/".join(str(p) for p in parts)


def _fragment(response) -> str:
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith('<section id="thread-'), html[:200]
    return html


def _kinds(user):
    return [n.kind for n in db.session.scalars(select(Notification).where(Notification.user_id == user.id))]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "fragment"])
def test_write_preview_send_resolve_reopen(w, htmx, auth):
    member = auth.sign_in("member")
    back = f"/appraisal/{w.a_id}/F1"
    written = member.post(_thread(w), data={"body": "Đề nghị bổ sung báo cáo quý IV", "next": back}, htmx=htmx)
    if htmx:
        assert "Nội bộ hội đồng" in _fragment(written) and "Đã lưu ý kiến." in written.get_data(as_text=True)
    else:
        assert written.status_code == 303 and written.headers["Location"].endswith(
            f"{back}#thread-{w.a_id}-{w.crit('1.2').id}")
    c = db.session.scalar(select(Comment))
    assert c.visibility == "internal" and c.round == 1 and c.author_id == w.user("member").id

    preview = member.get(_thread(w, c.id, "send"), htmx=htmx)
    html = _fragment(preview) if htmx else preview.get_data(as_text=True)
    assert "Xem trước: đơn vị sẽ thấy đúng như sau" in html and "Hội đồng thẩm định" in html
    if not htmx:
        assert "<h1>Xem trước khi gửi ý kiến cho đơn vị</h1>" in html
    assert db.session.get(Comment, c.id).visibility == "internal"      # a preview sends nothing

    sent = member.post(_thread(w, c.id, "send"), data={"next": back}, htmx=htmx)
    if htmx:
        assert "Đã gửi ý kiến cho đơn vị lúc" in _fragment(sent)
    else:
        assert sent.status_code == 303
    db.session.expire_all()
    c = db.session.get(Comment, c.id)
    assert c.visibility == "unit" and c.sent_by_id == w.user("member").id and c.sent_at is not None
    assert "comment_sent" in _kinds(w.user("a.staff")) and "comment_sent" in _kinds(w.user("a.leader"))
    assert "comment_sent" not in _kinds(w.user("b.staff"))

    resolved = member.post(_thread(w, c.id, "resolve"), data={"next": back}, htmx=htmx)
    assert (resolved.status_code == 303) if not htmx else ("Đã đánh dấu ý kiến là đã xử lý." in _fragment(resolved))
    db.session.expire_all()
    assert db.session.get(Comment, c.id).resolved_at is not None
    reopened = member.post(_thread(w, c.id, "reopen"), data={"next": back}, htmx=htmx)
    assert (reopened.status_code == 303) if not htmx else ("Đã mở lại ý kiến." in _fragment(reopened))
    db.session.expire_all()
    assert db.session.get(Comment, c.id).resolved_at is None


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "fragment"])
def test_the_unit_replies_in_the_explanation_phase_and_the_author_is_told(w, htmx, auth):
    from tests.web.assess_setup import set_status
    now = utcnow()
    sent = Comment(assessment_id=w.a_id, criterion_id=w.crit("1.2").id, author_id=w.user("member").id,
                   body="Đề nghị bổ sung", visibility="unit", sent_at=now, sent_by_id=w.user("member").id,
                   created_at=now)
    db.session.add(sent)
    db.session.commit()
    staff = auth.sign_in("a.staff")
    early = staff.post(_thread(w, sent.id, "reply"), data={"body": "Trả lời sớm"}, htmx=htmx)
    assert early.status_code == 409 and "Trả lời sớm" in early.get_data(as_text=True)   # typed text kept
    w.year().phase = "explanation"
    set_status(w.assessment(), "review_1_done")
    db.session.commit()
    reply = staff.post(_thread(w, sent.id, "reply"), data={"body": "Đơn vị đã bổ sung báo cáo"}, htmx=htmx)
    if htmx:
        assert "Đơn vị đã bổ sung báo cáo" in _fragment(reply)
    else:
        assert reply.status_code == 303
    row = db.session.scalar(select(Comment).where(Comment.from_unit.is_(True)))
    assert row.parent_id == sent.id and row.visibility == "unit"
    assert "comment_reply" in _kinds(w.user("member"))


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "fragment"])
def test_an_invalid_comment_keeps_what_was_typed(w, htmx, auth):
    member = auth.sign_in("member")
    empty = member.post(_thread(w), data={"body": "   "}, htmx=htmx)
    assert empty.status_code == 422 and "Hãy nhập nội dung ý kiến." in empty.get_data(as_text=True)
    long_text = "Ý kiến rất dài. " * 400
    too_long = member.post(_thread(w), data={"body": long_text}, htmx=htmx)
    html = too_long.get_data(as_text=True)
    assert too_long.status_code == 422 and "tối đa 5.000 ký tự" in html and long_text.strip()[:200] in html
    assert db.session.scalar(select(Comment.id)) is None
    if htmx:
        assert html.lstrip().startswith('<section id="thread-')


def test_the_thread_page_and_fragment_and_the_badge_of_the_appraisal_page(w, auth):
    member = auth.sign_in("member")
    page = member.get(_thread(w)).get_data(as_text=True)
    assert "<html" in page and "Ý kiến thẩm định về mục 1.2" in page
    assert _fragment(member.get(_thread(w), htmx=True))
    field = member.get(f"/appraisal/{w.a_id}/F1").get_data(as_text=True)
    assert f'id="thread-{w.a_id}-{w.crit("1.2").id}" class="thread thread-collapsed"' in field
