"""Round 2 shows only what was explained (issue 16): the page of a field lists the items the unit explained
(all items one link away), a field with nothing explained is done by itself and says so, the board counts
explained items only, and the chair may finalise once the fields with explained items are done."""
import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.assessments.models import Assessment, Explanation, ScoreEntry
from portal.db import utcnow
from portal.extensions import db
from tests.web.assess_setup import build_council


@pytest.fixture
def w(ctx):
    world = build_council("review_2", status="explanation_submitted")
    now = utcnow()
    for code in ("1.1", "1.2", "2.1"):
        crit = world.crit(code)
        db.session.add(ScoreEntry(assessment_id=world.a_id, criterion_id=crit.id, stage="self", inputs={},
                                  points=Decimal("1"), updated_at=now))
        db.session.add(ScoreEntry(assessment_id=world.a_id, criterion_id=crit.id, stage="round1", inputs={},
                                  points=Decimal("0"), note="Thiếu tài liệu", updated_at=now))
    db.session.add(Explanation(assessment_id=world.a_id, criterion_id=world.crit("1.2").id, stance="disagree",
                               text="Đã bổ sung báo cáo", updated_at=now))
    db.session.commit()
    return world


def _codes(html):
    return re.findall(r'<h\d class="item-title" id="item-title-\d+"><span class="code">([^<]+)</span>', html)


def test_the_round2_page_lists_only_explained_items(w, auth):
    member = auth.sign_in("member")
    html = member.get(f"/appraisal/{w.a_id}/F1").get_data(as_text=True)
    assert _codes(html) == ["1.2"] and "Xem tất cả các mục của lĩnh vực" in html
    every = member.get(f"/appraisal/{w.a_id}/F1?all=1").get_data(as_text=True)
    assert _codes(every) == ["1.1", "1.2"] and "Chỉ xem các mục đã giải trình" in every


def test_a_field_with_nothing_explained_is_done_by_itself(w, auth):
    chair = auth.sign_in("chair")
    html = chair.get(f"/appraisal/{w.a_id}/F2").get_data(as_text=True)
    assert _codes(html) == [] and "tự động được tính là đã thẩm định xong vòng 2" in html
    assert "Đánh dấu đã thẩm định xong lĩnh vực" not in html
    field_one = chair.get(f"/appraisal/{w.a_id}/F1").get_data(as_text=True)
    assert "Đánh dấu đã thẩm định xong lĩnh vực" in field_one and "tự động được tính" not in field_one


def test_the_board_counts_explained_items_only(w, auth):
    html = auth.sign_in("chair").get("/appraisal/").get_data(as_text=True)
    row = re.search(rf'<tr id="board-row-{w.a_id}">(.*?)</tr>', html, re.S).group(1)
    cells = re.findall(r'<td class="num[^"]*">(.*?)</td>', row, re.S)
    assert ">0/1<" in cells[0] and "đang thẩm định" not in cells[0]     # F1: one explained item, not decided
    assert all("không có giải trình" in cell for cell in cells[1:])   # F2, F3, ADJ: nothing explained
    assert "0/4 lĩnh vực xong" not in row and "3/4 lĩnh vực xong" in row


def test_the_chair_finalises_once_the_explained_fields_are_done(w, auth):
    chair = auth.sign_in("chair")
    assert chair.post(f"/appraisal/{w.a_id}/finalize").status_code == 409      # F1 still open
    assert chair.post(f"/appraisal/{w.a_id}/F1/items/{w.crit('1.2').id}",
                      data={"yes": "1", "version": "0", "note": "Chấp nhận giải trình"}).status_code == 303
    assert chair.post(f"/appraisal/{w.a_id}/F1/done", data={"done": "1"}).status_code == 303
    assert chair.post(f"/appraisal/{w.a_id}/finalize").status_code == 303
    assert db.session.get(Assessment, w.a_id).status == "finalized"
    db.session.expire_all()
    assert db.session.scalar(select(ScoreEntry.points).where(
        ScoreEntry.stage == "round2", ScoreEntry.criterion_id == w.crit("1.2").id)) == Decimal("2.00")  # "có": max 2
