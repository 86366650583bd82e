"""The parts of an item's widget that depend only on its criterion and the language (heading level, the code
read out before each control, the maximum in words, each method's settings in words) are built once per
criteria tree and language (portal.assessments.widget_texts.item_statics): they read as the translated
texts with the language's numbers, and an edit of the criterion shows on the next page."""
from decimal import Decimal

from sqlalchemy import select

from portal.criteria.models import Criterion
from portal.extensions import db
from tests.web.assess_setup import s, staff  # noqa: F401  (fixtures)


def _configure(s):
    number, percentage, levels = s.crit("1.5"), s.crit("1.1.2"), s.crit("1.1.1")
    number.method, number.config, number.max_points = "number", {"step": "0.25"}, Decimal("1.5")
    percentage.method, percentage.max_points = "percentage", Decimal("1")
    percentage.config = {"bands": [["95", "1"], ["80", "0.5"], ["0", "0"]]}
    levels.method, levels.max_points = "levels", Decimal("1")
    levels.config = {"levels": [["Đúng hạn", "1"], ["Chậm hạn", "0.5"]]}
    bonus = db.session.scalar(select(Criterion).where(Criterion.set_id == s.set_id, Criterion.method == "bonus"))
    bonus.config = {**bonus.config, "per": "0.5", "cap": "1"}
    db.session.commit()
    return bonus.code


def _item(html: str, code: str) -> str:
    return html.split(f'data-code="{code}"', 1)[1].split("</article>", 1)[0]


def test_the_widget_says_each_method_in_vietnamese(staff, s):
    bonus = _configure(s)
    html = staff.get(f"/assessment/{s.a_id}").get_data(as_text=True)
    number = _item(html, "1.5")
    assert "/ 1,5 điểm" in number and "Điểm tự chấm (bước 0,25)" in number
    assert '<span class="visually-hidden">1.5 – </span>' in number
    assert '<span class="visually-hidden"> vào mục 1.5</span>' in number
    assert "từ 95%: 1 điểm; từ 80%: 0,5 điểm; từ 0%: 0 điểm" in _item(html, "1.1.2")
    levels = _item(html, "1.1.1")
    assert "Đúng hạn <span class=\"muted\">(1 điểm)</span>" in levels
    assert "Chậm hạn <span class=\"muted\">(0,5 điểm)</span>" in levels
    assert "mỗi lần 0,5 điểm, tối đa 1 điểm" in _item(html, bonus)


def test_the_widget_says_each_method_in_english(staff, s, auth):
    bonus = _configure(s)
    auth.language(staff, "en")
    html = staff.get(f"/assessment/{s.a_id}").get_data(as_text=True)
    number = _item(html, "1.5")
    assert "/ 1.5 points" in number and "Self-score (in steps of 0.25)" in number
    assert '<span class="visually-hidden"> to item 1.5</span>' in number
    assert "from 95%: 1 point; from 80%: 0.5 points; from 0%: 0 points" in _item(html, "1.1.2")
    assert "(1 point)" in _item(html, "1.1.1") and "(0.5 points)" in _item(html, "1.1.1")
    assert "0.5 each time, at most 1 point" in _item(html, bonus)
    # and back: the Vietnamese texts were not overwritten by the English ones
    auth.language(staff, "vi")
    assert "Điểm tự chấm (bước 0,25)" in staff.get(f"/assessment/{s.a_id}").get_data(as_text=True)


def test_an_edited_criterion_shows_on_the_next_page(staff, s):
    _configure(s)
    assert "Điểm tự chấm (bước 0,25)" in _item(staff.get(f"/assessment/{s.a_id}").get_data(as_text=True), "1.5")
    crit = s.crit("1.5")
    crit.config, crit.max_points = {"step": "0.5"}, Decimal("2")
    db.session.commit()
    number = _item(staff.get(f"/assessment/{s.a_id}").get_data(as_text=True), "1.5")
    assert "Điểm tự chấm (bước 0,5)" in number and "/ 2 điểm" in number and "bước 0,25" not in number


def test_the_save_fragment_draws_the_same_item(staff, s):
    _configure(s)
    page = _item(staff.get(f"/assessment/{s.a_id}").get_data(as_text=True), "1.5")
    fragment = staff.get(f"/assessment/{s.a_id}/items/{s.crit('1.5').id}", htmx=True).get_data(as_text=True)
    assert "Điểm tự chấm (bước 0,25)" in fragment and "/ 1,5 điểm" in fragment
    assert _item(fragment, "1.5") == page


def test_an_items_change_list_reads_in_both_languages(staff, s, auth):
    """The change list's words come translated once per language (portal.appraisal.history_texts)."""
    item = s.crit("1.2")
    url = f"/assessment/{s.a_id}/items/{item.id}"
    first = staff.post(url, data={"yes": "1", "version": "0"}, htmx=True)
    assert first.status_code == 200
    version = int(first.get_data(as_text=True).split('name="version" value="', 1)[1].split('"', 1)[0])
    assert staff.post(url, data={"yes": "0", "version": str(version)}, htmx=True).status_code == 200
    changes = _item(staff.get(f"/assessment/{s.a_id}").get_data(as_text=True), "1.2")
    assert "Các lần thay đổi (2)" in changes and "— → 1 điểm" in changes and "1 điểm → 0 điểm" in changes
    auth.language(staff, "en")
    changes = _item(staff.get(f"/assessment/{s.a_id}").get_data(as_text=True), "1.2")
    assert "Changes (2)" in changes and "1 point → 0 points" in changes    # a plural picked per value
