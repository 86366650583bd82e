"""Chữ của ô chấm điểm — the texts of the workspace's item widget (templates/assessments/_item_widget.html),
translated once per language and kept by the process (portal.web.texts), and what an item's widget shows that
depends only on its criterion, built once per criteria tree and language (item_statics).

The widget is drawn a hundred times per page and once per save; translating its forty texts on each drawing
cost more than the item itself. A text with a parameter is kept as its translated pattern and filled per
item in the template with ``%`` (which escapes the value, as ``_()`` does); a text with a plural is kept in
its two forms, picked with ``|plural_n`` (1 or 2), as ``ngettext`` would pick them."""
from dataclasses import dataclass

from flask_babel import get_locale
from markupsafe import Markup

from portal.assessments import bp
from portal.web.filters import format_points, heading_level, plural_n
from portal.web.texts import kept_per_language, plural


def _translate(t) -> dict:
    """{key: text} in the request's language (a plural: (None, one, other) by |plural_n)."""
    texts = {
        "bonus": t.ugettext("Điểm cộng"), "deduction": t.ugettext("Điểm trừ"),
        "na": t.ugettext("Không áp dụng"),
        "guidance": t.ugettext("Cách tính điểm và tài liệu kiểm chứng"), "how": t.ugettext("Cách tính điểm:"),
        "evidence_label": t.ugettext("Tài liệu kiểm chứng:"), "saved": t.ugettext("Đã lưu"),
        "survey": t.ugettext("Điểm của mục này lấy từ kết quả điều tra xã hội học do Sở Nội vụ tổng hợp; "
                             "đơn vị không tự chấm."),
        "na_unit": t.ugettext("Không áp dụng đối với đơn vị"), "na_reason": t.ugettext("Lý do không áp dụng"),
        "note": t.ugettext("Thuyết minh của đơn vị"), "save": t.ugettext("Lưu"),
        "busy": t.ugettext("Đang lưu…"),
        "last_saved": t.ugettext("Lưu lần cuối: %(t)s"),
        "levels": t.ugettext("Mức đạt được"),
        "numerator": t.ugettext("Tử số"), "denominator": t.ugettext("Mẫu số"),
        "result": t.ugettext("Kết quả"), "yes": t.ugettext("Có"), "no": t.ugettext("Không"),
        "step": t.ugettext("Điểm tự chấm (bước %(step)s)"),
        "value": t.ugettext("Điểm tự chấm (tối đa 2 chữ số thập phân)"),
        "count": t.ugettext("Số lần"),
        "no_evidence": t.ugettext("Có điểm nhưng chưa có tài liệu kiểm chứng"),
        "outside_year": t.ugettext("Có tài liệu ban hành ngoài năm đánh giá"),
        "explain": t.ugettext("Hướng dẫn yêu cầu thuyết minh nhưng chưa có"),
        "evidence": t.ugettext("Tài liệu kiểm chứng"), "none_yet": t.ugettext("chưa có"),
        "no_symbol": t.ugettext("(không số)"), "dated": t.ugettext("ngày %(d)s"),
        "detach": t.ugettext("Bỏ khỏi mục"), "attach": t.ugettext("Gắn tài liệu từ thư viện"),
        "into": t.ugettext("vào mục %(code)s"), "add_new": t.ugettext("Thêm tài liệu mới vào thư viện"),
    }
    texts = {key: Markup(text) for key, text in texts.items()}
    texts.update(
        points=plural(t, "điểm", "điểm"),
        level_points=plural(t, "%(p)s điểm", "%(p)s điểm"),
        ceiling=plural(t, "tối đa %(p)s điểm", "tối đa %(p)s điểm"),
        band=plural(t, "từ %(pct)s%%: %(p)s điểm", "từ %(pct)s%%: %(p)s điểm"),
        per=plural(t, "mỗi lần %(per)s điểm, tối đa %(cap)s điểm", "mỗi lần %(per)s điểm, tối đa %(cap)s điểm"),
    )
    return texts


item_texts = bp.app_template_global("item_texts")(kept_per_language(_translate))


@dataclass(frozen=True, slots=True)
class ItemStatic:
    """What an item's widget (or a group's heading) shows that depends only on its criterion and the
    language: the heading level, the code read out before each control, the maximum in words, and the
    method's settings in words."""

    level: int
    hidden: Markup          # <span class="visually-hidden">code – </span>, before each control's label
    maximum: Markup         # "2 điểm" (maximum and unit)
    into: Markup            # "vào mục 1.2" (the evidence link's hidden words)
    levels: tuple = ()      # the level method's "(n điểm)" texts, one per level
    bands: Markup = Markup()      # the percentage method's bands
    value_label: Markup = Markup()  # the number method's label (with its step, if any)
    per: Markup = Markup()        # bonus and deduction: per occurrence and cap
    ceiling: Markup = Markup()    # a group's heading: "tối đa 2 điểm"


def item_statics(tree) -> dict[int, ItemStatic]:
    """{criterion id: ItemStatic} of a criteria set's kept tree (portal.criteria.snapshot) in the request's
    language, built once per tree and language: they are the same for every file and every drawing."""
    key = ("item widget", str(get_locale() or "vi"))
    statics = tree.derived.get(key)
    if statics is None:
        statics = tree.derived[key] = _statics(tree, item_texts())
    return statics


def _statics(tree, T: dict) -> dict[int, ItemStatic]:
    rows = [pair for _root, body in tree.fields for pair in body] + list(tree.adjustments)
    return {row.id: _static(row, depth, T) for row, depth in rows}


def _static(c, depth: int, T: dict) -> ItemStatic:
    config = c.config or {}
    extra = {}
    if c.method == "levels":
        extra["levels"] = tuple(T["level_points"][plural_n(pts)] % {"p": format_points(pts)}
                                for _label, pts in config.get("levels", []))
    elif c.method == "percentage":
        extra["bands"] = Markup("; ").join(
            T["band"][plural_n(pts)] % {"pct": format_points(pct), "p": format_points(pts)}
            for pct, pts in config.get("bands", []))
    elif c.method == "number":
        step = config.get("step")
        extra["value_label"] = T["step"] % {"step": format_points(step)} if step else T["value"]
    elif c.kind == "group":
        extra["ceiling"] = T["ceiling"][plural_n(c.max_points)] % {"p": format_points(c.max_points)}
    elif c.method in ("bonus", "deduction"):
        cap = config.get("cap", "0")
        extra["per"] = T["per"][plural_n(cap)] % {"per": format_points(config.get("per", "0")),
                                                  "cap": format_points(cap)}
    return ItemStatic(
        level=heading_level(depth),
        hidden=Markup('<span class="visually-hidden">%s – </span>') % c.code,
        maximum=Markup("%s %s") % (format_points(c.max_points), T["points"][plural_n(c.max_points)]),
        into=T["into"] % {"code": c.code}, **extra)
