"""Chữ của danh sách thay đổi — the words of an item's change list (templates/appraisal/_history.html),
translated once per language and kept by the process (portal.web.texts).

A file in use shows a change list on almost every item of the unit's workspace and of the council's pages,
each change with its old and new value in words; translating those few words again for every change cost
more than drawing the list."""
from markupsafe import Markup

from portal.appraisal import bp
from portal.web.texts import kept_per_language, plural


def _translate(t) -> dict:
    """{key: text} in the request's language (a plural: (None, one, other) by |plural_n)."""
    texts = {"agree": t.ugettext("Đồng ý"), "disagree": t.ugettext("Không đồng ý"),
             "na": t.ugettext("Không áp dụng"), "changes": t.ugettext("Các lần thay đổi (%(n)d)"),
             "latest": t.ugettext("%(n)d lần gần nhất."), "all": t.ugettext("Xem toàn bộ lịch sử"),
             "unknown": t.ugettext("(không rõ)")}
    texts = {key: Markup(text) for key, text in texts.items()}
    texts["points"] = plural(t, "%(p)s điểm", "%(p)s điểm")
    return texts


history_texts = bp.app_template_global("history_texts")(kept_per_language(_translate))
