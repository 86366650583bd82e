"""Chữ của danh sách thay đổi — the words of an item's change list (templates/appraisal/_history.html),
translated once per language and kept by the process, as the item widget's are
(portal.assessments.widget_texts).

A file in use shows a change list on almost every item of the unit's workspace and of the council's pages,
each change with its old and new value in words; translating those few words again for every change cost
more than drawing the list. A text with a parameter is its translated pattern, filled in the template with
``%`` (which escapes the value, as ``_()`` does); a plural is (None, one, other), picked with ``|plural_n``."""
from flask_babel import get_locale, get_translations
from markupsafe import Markup

from portal.appraisal import bp

_kept: dict[str, dict] = {}


@bp.app_template_global("history_texts")
def history_texts() -> dict:
    """{key: text} in the request's language."""
    language = str(get_locale() or "vi")
    texts = _kept.get(language)
    if texts is None:
        texts = _kept[language] = _translate(get_translations())
    return texts


def _translate(t) -> dict:
    texts = {key: Markup(t.ugettext(text)) for key, text in (
        ("agree", "Đồng ý"), ("disagree", "Không đồng ý"), ("na", "Không áp dụng"),
        ("changes", "Các lần thay đổi (%(n)d)"), ("latest", "%(n)d lần gần nhất."),
        ("all", "Xem toàn bộ lịch sử"), ("unknown", "(không rõ)"))}
    texts["points"] = (None, Markup(t.ungettext("%(p)s điểm", "%(p)s điểm", 1)),
                       Markup(t.ungettext("%(p)s điểm", "%(p)s điểm", 2)))
    return texts
