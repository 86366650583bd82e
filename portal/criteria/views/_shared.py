"""What the criteria views share: loading (404), the actor and the decisions (403 with the reason), and
rendering the editor page or one of its regions with the validation summary out of band."""
from flask import g
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from portal.criteria.domain import (
    HAS_SCORES,
    LOCK_MANUAL,
    LOCK_PHASE,
    LOCK_PUBLISHED,
    NO_PREVIOUS,
    NOT_EMPTY,
    NOT_LOCKED,
    Row,
    can_unlock,
    lock_reason,
    move_targets,
)
from portal.criteria.models import CriteriaSet, Criterion
from portal.criteria.nodes import children_of
from portal.criteria.safety import affected_units
from portal.criteria.services import check_set, lock_history, set_rows
from portal.criteria.spec import APPRAISERS, METHOD_LABELS
from portal.criteria.tree import config_text, config_words
from portal.extensions import db
from portal.units.types import unit_type_label
from portal.web.htmx import Refusal, is_htmx, render
from portal.policy.actors import actor_for
from portal.policy.decisions import REASON_MESSAGES
from portal.policy.roles import Actor
from portal.years.domain import PHASE_LABELS, as_phase, can_edit_criteria
from portal.years.models import AssessmentYear

EDITOR = "criteria/editor.html"
LISTED = 30  # units named in a refusal; the rest are counted
NODE = "criteria/_node.html"


def actor() -> Actor:
    return actor_for(current_user)


def load_set(set_id: int) -> CriteriaSet:
    return db.get_or_404(CriteriaSet, set_id)


def load_item(item_id: int) -> Criterion:
    return db.get_or_404(Criterion, item_id)


def year_of(cset: CriteriaSet) -> AssessmentYear:
    return db.session.get(AssessmentYear, cset.year_id)


def set_decision(rule, cset: CriteriaSet, **facts):
    """``rule`` (can_edit_criteria, can_lock, can_unlock, can_remove…) for the current user on this set."""
    return rule(actor(), phase=year_of(cset).phase, set_locked=cset.locked,
                explicitly_unlocked=cset.explicitly_unlocked, **facts)


def edit_decision(cset: CriteriaSet):
    return set_decision(can_edit_criteria, cset)


def require(rule, cset: CriteriaSet) -> None:
    """Stop the request with the refusal (403, the reason in words) unless ``rule`` allows it on this set."""
    decision = set_decision(rule, cset)
    if not decision:
        raise refused(refusal_text(decision, cset))


def lock_text(cset: CriteriaSet) -> str | None:
    """Why the set is read-only, in words (None when it can be edited)."""
    phase = year_of(cset).phase
    reason = lock_reason(phase, set_locked=cset.locked, explicitly_unlocked=cset.explicitly_unlocked)
    if reason == LOCK_PUBLISHED:
        return _("Bộ tiêu chí chỉ xem được: kết quả năm này đã công bố (giai đoạn %(phase)s).",
                 phase=_(PHASE_LABELS[as_phase(phase)]))
    if reason == LOCK_MANUAL:
        return _("Bộ tiêu chí đã được quản trị khóa. Mở khóa (ghi rõ lý do) nếu cần sửa.")
    if reason == LOCK_PHASE:
        return _("Bộ tiêu chí đã khóa vì các đơn vị đã bắt đầu tự chấm điểm (giai đoạn %(phase)s). "
                 "Mở khóa (ghi rõ lý do) nếu thật sự cần sửa.", phase=_(PHASE_LABELS[as_phase(phase)]))
    return None


def refusal_text(decision, cset: CriteriaSet | None = None) -> str:
    own = {
        HAS_SCORES: _("Không xóa hay thay được vì đã có điểm chấm, nhận xét hoặc tài liệu kiểm chứng gắn với "
                      "mục này. Hãy giữ lại mục và sửa nội dung thay vì xóa."),
        NOT_EMPTY: _("Năm này đã có bộ tiêu chí cho loại đơn vị này. Hãy mở bộ đó để sửa, hoặc nhập tệp để thay."),
        NO_PREVIOUS: _("Năm trước không có bộ tiêu chí cho loại đơn vị này. Hãy nhập từ tệp YAML hoặc Excel."),
        NOT_LOCKED: _("Bộ tiêu chí đang mở để sửa, không cần mở khóa."),
    }
    if decision.reason in own:
        return own[decision.reason]
    if decision.reason == "locked" and cset is not None:
        return lock_text(cset) or _(REASON_MESSAGES["locked"])
    phase = _(PHASE_LABELS[as_phase(year_of(cset).phase)]) if cset is not None else ""
    return _(REASON_MESSAGES.get(decision.reason, REASON_MESSAGES["role"])).format(phase=phase, until="", opens_at="")


def break_words() -> dict:
    """Words for the list of saved scores an edit would break, and for the migrations on offer."""
    return {
        "reasons": {"na_removed": _("đã chọn “Không áp dụng”, mục sẽ không còn cho phép"),
                    "method_changed": _("đã chấm theo phương pháp cũ"),
                    "input_invalid": _("không còn hợp lệ với thang điểm mới"),
                    "points_change": _("điểm sẽ đổi thành %(points)s")},
        "stages": {"self": _("tự chấm"), "round1": _("thẩm định vòng 1"), "round2": _("thẩm định vòng 2"),
                   "survey": _("điều tra XHH")},
        "migrations": {"cap": _("Đặt lại về điểm tối đa mới cho các điểm vượt tối đa"),
                       "recompute": _("Tính lại điểm theo thang điểm mới từ số liệu đơn vị đã nhập"),
                       "clear": _("Xóa các điểm này để đơn vị (hoặc Hội đồng) chấm lại mục")},
    }


def removal_refusal(decision, cset: CriteriaSet | None, rows=None) -> str:
    """refusal_text, and for a refusal because of saved scores the units and items that hold them
    ("Điểm đã chấm: UBND huyện An Phú (1.1.1, 1.2); Sở Tư pháp (1.1.1)")."""
    text = refusal_text(decision, cset)
    if decision.reason == HAS_SCORES:
        affected = affected_units(set_rows(cset) if rows is None else rows)
        if affected:
            listed = "; ".join(f"{a.unit} ({', '.join(a.codes)})" for a in affected[:LISTED])
            more = len(affected) - LISTED
            text += " " + _("Điểm đã chấm: %(list)s.", list=listed)
            if more > 0:
                text += " " + ngettext("… và %(num)d đơn vị khác.", "… và %(num)d đơn vị khác.", more)
    return text


def refuse(message: str, status: int = 403):
    """The error page (or, for htmx, its message box, which portal.js shows in the flash area)."""
    titles = {403: _("Không thực hiện được"), 409: _("Không thực hiện được"), 404: _("Không tìm thấy")}
    return render("errors/error.html", block="error_message" if is_htmx() else None, status=status,
                  code=status, title=titles.get(status, _("Lỗi")), message=message,
                  request_id=g.get("request_id", ""))


def refused(message: str, status: int = 403) -> Refusal:
    """Stop the request with :func:`refuse`'s answer, drawn after the handler has rolled back."""
    return Refusal(answer=lambda: refuse(message, status))


def editor_context(cset: CriteriaSet, *, mode: dict | None = None, form=None, meta_form=None,
                   unlock_form=None, rows=None) -> dict:
    rows = set_rows(cset) if rows is None else rows
    year = year_of(cset)
    check = check_set(cset, rows)
    children = children_of(rows, order=None)
    node_errors: dict = {}
    for error in check.errors:
        node_errors.setdefault(error.code, []).append(error.message)
    phase = year.phase
    editable = bool(edit_decision(cset))
    unlockable = bool(set_decision(can_unlock, cset))
    return {
        "cset": cset, "year": year, "rows": rows, "children": children, "by_id": {r.id: r for r in rows},
        "ids": {r.code: r.id for r in rows}, "check": check, "node_errors": node_errors,
        "roots": [r for r in children.get(None, []) if r.kind != "adjustment"],
        "adjustments": [r for r in children.get(None, []) if r.kind == "adjustment"],
        "editable": editable, "unlockable": unlockable, "lock_text": lock_text(cset),
        "history": lock_history(cset), "mode": mode or {}, "form": form, "meta_form": meta_form,
        "unlock_form": unlock_form, "method_labels": METHOD_LABELS, "appraisers": APPRAISERS,
        "config_words": config_words, "config_text": config_text, "unit_type_title": unit_type_label(cset.unit_type),
        "phase_label": _(PHASE_LABELS[as_phase(phase)]),
        "break_words": break_words() if (mode or {}).get("breaks") else {},
    }


def move_choices(node: Criterion, rows) -> list[tuple[int, str]]:
    allowed = set(move_targets(Row(node.id, node.parent_id, node.kind),
                               [Row(r.id, r.parent_id, r.kind) for r in rows]))
    return [(r.id, f"{r.code} – {r.title[:80]}") for r in rows if r.id in allowed]


def editor_page(cset: CriteriaSet, *, status: int = 200, **kwargs):
    return render(EDITOR, status=status, **editor_context(cset, **kwargs))


def fragment(cset: CriteriaSet, block: str, *, status: int = 200, template: str = EDITOR, **kwargs):
    """One region of the editor (block of `template`) plus the validation summary out of band."""
    context = editor_context(cset, **kwargs)
    if block == "node":
        context["node"] = kwargs["mode"]["node"]
        context["depth"] = kwargs["mode"].get("depth", 0)
    return render(template, block=block, oob=[(EDITOR, "summary")], status=status, **context)


def widget(cset: CriteriaSet, node: Criterion | None, *, status: int = 200, **kwargs):
    """The smallest region holding `node`'s subtree: its own widget, or the whole tree for None."""
    mode = dict(kwargs.pop("mode", None) or {})
    if node is None:
        return fragment(cset, "tree", status=status, mode=mode, **kwargs)
    mode.update(node=node, depth=_depth(node))
    return fragment(cset, "node", status=status, template=NODE, mode=mode, **kwargs)


def _depth(node: Criterion) -> int:
    depth, parent = 0, node.parent
    while parent is not None:
        depth, parent = depth + 1, parent.parent
    return depth
