"""The year page (admin): the phases in order with the current one highlighted, the opening and closing
times of the working phases, moving to the next phase or back (with a reason), the history of moves and
the list of per-unit extensions and reopenings. Forms post without JavaScript; htmx swaps the plan."""
from flask import abort, flash, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from portal.auth.models import User
from portal.db import utcnow
from portal.extensions import db
from portal.units.models import Unit
from portal.web.htmx import Refusal, is_htmx, redirect_after_post, render
from portal.web.permissions import roles
from portal.years import bp, domain
from portal.local_time import format_local
from portal.policy.decisions import refuse
from portal.policy.refusals import Refused, phase_label, refusal_message
from portal.years.lookup import load_year
from portal.years.windows import banner_state, phase_window, remaining_text
from portal.years.domain import PHASE_ORDER
from portal.years.forms import PhaseForm, WindowsForm, to_utc
from portal.years.models import AssessmentYear
from portal.years.services import (
    confirm_windows,
    active_year,
    all_years,
    change_phase,
    closing_effect,
    entry_answer,
    phase_decision,
    phase_history,
    save_windows,
    unit_exceptions,
)

TEMPLATE = "years/year.html"


@bp.app_template_global("deadline_remaining")
def deadline_remaining(seconds):
    """For ``deadline_banner`` fed with a bare editing_state(): the countdown in the current language."""
    return remaining_text(seconds)


def _names(model, column, ids) -> dict:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(model.id, column).where(model.id.in_(ids))).all())


def _phases(year: AssessmentYear, now) -> list[dict]:
    current = domain.phase_index(year.phase)
    out = []
    for i, p in enumerate(PHASE_ORDER):
        row = {"phase": str(p), "label": phase_label(p), "current": i == current, "past": i < current,
               "working": domain.is_working_phase(p), "window": year.window(str(p)), "countdown": None,
               "state": domain.OPEN}
        if row["working"]:  # the current phase's badge says the same as its countdown
            row["state"] = domain.editing_state(phase_window(year, p), None, now)["state"]
        if row["working"] and row["window"] is not None and row["window"].closes_at is not None:
            state = domain.editing_state(phase_window(year, p), None, now)
            row["countdown"] = (remaining_text(state["seconds_remaining"]) if state["state"] == domain.OPEN
                                else _("đã hết hạn") if state["state"] == domain.CLOSED else _("chưa mở"))
        out.append(row)
    return out


def _question(year: AssessmentYear, target, kind: str | None, form: PhaseForm | None = None) -> dict | None:
    """The confirmation step's question about the target's window, with what the admin answered so far."""
    if kind is None:
        return None
    window = phase_window(year, target)
    return {"kind": kind, "target": str(target), "label": phase_label(target), "opens_at": window.opens_at,
            "closes_at": window.closes_at, "choice": form.window_choice.data if form else None,
            "new_close": form.new_close._value() if form else ""}


def _plan_context(year: AssessmentYear, *, windows_form=None, phase_form=None, phase_error=None,
                  error_direction=None, message=None, question=None) -> dict:
    now = utcnow()
    following = domain.next_phase(year.phase)
    if question is None or error_direction != "forward":  # ask before the admin presses the button
        kind = entry_answer(year, following, choice=None, new_close=None, now=now)[0] if following else None
        next_question = _question(year, following, kind)
    else:
        next_question = question
    next_decision = phase_decision(year, current_user, following) if following else None
    next_refusal = None
    if next_decision is not None and not next_decision:
        next_refusal = refusal_message(next_decision, phase=year.phase)
    history = phase_history(year)
    return dict(
        year=year, phases=_phases(year, now), windows_form=windows_form or WindowsForm(formdata=None).load(year),
        phase_form=phase_form or PhaseForm(formdata=None), phase_error=phase_error,
        error_direction=error_direction, message=message,
        current_label=phase_label(year.phase),
        banner=banner_state(year, None, year.phase, now) if domain.is_working_phase(year.phase) else None,
        next_phase=str(following) if following else None,
        next_label=phase_label(following) if following else None,
        next_allowed=bool(next_decision), next_refusal=next_refusal,
        back_choices=[(str(p), phase_label(p)) for p in PHASE_ORDER[:domain.phase_index(year.phase)]
                      if year.phase not in domain.FINAL_PHASES or p in domain.FINAL_PHASES],
        final_note=refusal_message(refuse("final")) if year.phase == domain.Phase.PUBLISHED else None,
        closing_effect=closing_effect(year), next_question=next_question,
        back_question=question if error_direction == "back" else None,
        history=history, actors=_names(User, User.full_name, [h.actor_id for h in history]),
        phase_label=phase_label)


def _page(year: AssessmentYear, *, status=200, block=None, **plan):
    exceptions = unit_exceptions(year)
    return render(TEMPLATE, block=block, status=status, years=all_years(), exceptions=exceptions,
                  unit_names={u.id: u.name_in(year.id) for u in db.session.scalars(
                      select(Unit).where(Unit.id.in_({e.unit_id for e in exceptions})))},
                  creators=_names(User, User.full_name, [e.created_by_id for e in exceptions]),
                  **_plan_context(year, **plan))


def _plan(year: AssessmentYear, *, status=200, **plan):
    """The plan widget for htmx, the whole page otherwise."""
    return _page(year, status=status, block="year_plan" if is_htmx() else None, **plan)


@bp.route("/")
@roles("admin")
def year_page():
    year = active_year()
    if year is None:
        return render(TEMPLATE, year=None, years=[])
    return _page(year)


@bp.route("/<int:year_id>")
@roles("admin")
def year_detail(year_id: int):
    return _page(load_year(year_id))


def _entry_problem(problem: str, question: dict) -> str:
    """What the confirmation step says when its question is not answered (or wrongly)."""
    if problem == "close_required":
        return _("Hãy nhập hạn chót mới, ví dụ 31/03/2023 17:00 (giờ Việt Nam).")
    if problem == "close_not_after_now":
        return _("Hạn chót mới phải sau thời điểm hiện tại.")
    if question["kind"] == domain.NOT_OPEN:
        return _("Giai đoạn %(phase)s chưa mở (mở lúc %(time)s). Hãy chọn mở ngay hoặc giữ giờ mở, rồi bấm chuyển "
                 "lại.", phase=question["label"], time=format_local(question["opens_at"], seconds=False))
    return _("Giai đoạn %(phase)s đã hết hạn lúc %(time)s. Hãy đặt hạn chót mới hoặc chọn giữ hạn chót, rồi bấm "
             "chuyển lại.", phase=question["label"], time=format_local(question["closes_at"], seconds=False))


def _entered_message(question: dict | None, window) -> str:
    if question is None or question["choice"] == "keep":
        return ""
    if question["choice"] == "open_now":
        return " " + _("Giai đoạn mở từ bây giờ.")
    return " " + _("Hạn chót mới: %(time)s.", time=format_local(window.closes_at, seconds=False))


@bp.route("/<int:year_id>/phase", methods=["POST"])
@roles("admin")
def move_phase(year_id: int):
    year, now = load_year(year_id), utcnow()
    form = PhaseForm()
    valid = form.validate_on_submit()
    if form.target.errors or not form.target.data or (not valid and not form.new_close.errors):
        error = _("Hãy chọn một giai đoạn trong danh sách.")
        raise Refusal(answer=lambda: _plan(year, status=422, phase_form=form, phase_error=error))
    target = domain.as_phase(form.target.data)
    direction = "back" if domain.phase_index(target) < domain.phase_index(year.phase) else "forward"
    kind, answer = entry_answer(year, target, choice=form.window_choice.data or None,
                                new_close=to_utc(form.new_close.data), now=now)
    question = _question(year, target, kind, form)
    problem = " ".join(form.new_close.errors) if not valid else (
        _entry_problem(answer.problem, question) if answer.problem else None)
    if problem and phase_decision(year, current_user, target, form.reason.data):
        # The move itself is allowed: ask about the window (the confirmation step).
        raise Refusal(answer=lambda: _plan(year, status=422, phase_form=form, phase_error=problem,
                                           error_direction=direction, question=question))
    try:
        closed = change_phase(year, target, user=current_user, reason=form.reason.data, now=now,
                              window=answer.window if kind and not problem else None)
    except Refused as refusal:
        error = refusal.message
        raise Refusal(answer=lambda: _plan(load_year(year_id), status=422, phase_form=form, phase_error=error,
                                           error_direction=direction, question=question))
    db.session.commit()
    message = _("Đã chuyển đợt đánh giá sang giai đoạn %(phase)s.", phase=phase_label(target))
    message += _entered_message(question, answer.window)
    if closed and target == domain.Phase.REVIEW_1:
        message += " " + ngettext("Đã khóa tự động %(n)d hồ sơ chưa chốt; các đơn vị đã được thông báo.",
                                  "Đã khóa tự động %(n)d hồ sơ chưa chốt; các đơn vị đã được thông báo.", closed,
                                  n=closed)
    elif closed:
        message += " " + ngettext(
            "Đã kết thúc thẩm định vòng 1 của %(n)d đơn vị; các đơn vị đã được thông báo kết quả.",
            "Đã kết thúc thẩm định vòng 1 của %(n)d đơn vị; các đơn vị đã được thông báo kết quả.", closed, n=closed)
    if is_htmx():
        return _plan(year, message=message)
    flash(message, "success")
    return redirect_after_post(url_for("years.year_detail", year_id=year.id))


@bp.route("/<int:year_id>/windows", methods=["POST"])
@roles("admin")
def save_phase_windows(year_id: int):
    year = load_year(year_id)
    form = WindowsForm()
    if not form.validate_on_submit():
        raise Refusal(answer=lambda: _plan(year, status=422, windows_form=form))
    try:
        changed = save_windows(year, form.values(), user=current_user, now=utcnow())
    except Refused:
        abort(403)
    confirm_windows(year, user=current_user)
    db.session.commit()
    message = (ngettext("Đã lưu thời hạn của %(count)d giai đoạn.", "Đã lưu thời hạn của %(count)d giai đoạn.",
                        len(changed), count=len(changed)) if changed
               else _("Thời hạn không thay đổi."))
    if is_htmx():
        return _plan(year, message=message)
    flash(message, "success")
    return redirect_after_post(url_for("years.year_detail", year_id=year.id))
