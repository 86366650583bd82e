"""Thiết lập tính kết quả (admin): the year's bands, tie-breakers, reward counts and the policy for a unit
without a survey, on one form that works without JavaScript; errors sit next to their field and keep what
was typed. Open until the results are approved."""
from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.db import utcnow
from portal.extensions import db
from portal.results import bp
from portal.results.domain import TIE_BREAKER_CHOICES, read_settings, settings_form_values
from portal.results.forms import PlainForm
from portal.results.services import settings_of
from portal.years.lookup import load_year
from portal.results.views._shared import carry_out, refuse_decision, require_fresh_form
from portal.results.year_settings import save_settings, settings_decision
from portal.text import clean_text
from portal.units.types import year_types
from portal.web.messages import tr
from portal.web.htmx import redirect_after_post, render
from portal.web.permissions import roles
from portal.policy.refusals import refusal_message

FIELDS = ("tie_breakers", "no_survey_policy")


def _reward_fields(year) -> tuple[str, ...]:
    return tuple(f"{part}-{t.code}" for t in year_types(year) for part in ("reward", "bottom"))


def _rewards(year) -> dict[str, tuple[int, int]]:
    return {t.code: (t.reward_top, t.reward_bottom) for t in year_types(year)}


def _problem_words(problems: dict) -> dict[str, str]:
    words = {"required": _("Hãy nhập tên mức xếp loại."),
             "whole_number": _("Hãy nhập một số nguyên từ 0 đến 999."),
             "choice": _("Hãy chọn một mục trong danh sách.")}
    out = {}
    for name, problem in problems.items():
        if name == "bands":
            continue
        code, detail = problem
        out[name] = tr(detail) if code == "number" else words.get(code, _("Giá trị không hợp lệ."))
    return out


def _page(year, *, values=None, problems=None, status=200):
    settings = settings_of(year)
    decision = settings_decision(year, current_user)
    tie_labels = {
        "appraisal_survey": _("Điểm thẩm định, rồi điểm điều tra XHH"),
        "survey_appraisal": _("Điểm điều tra XHH, rồi điểm thẩm định"),
        "appraisal": _("Chỉ điểm thẩm định"),
        "survey": _("Chỉ điểm điều tra XHH"),
        "none": _("Không phân định: cùng chỉ số là đồng hạng"),
    }
    return render("results/settings.html", status=status, year=year, bands=settings.bands,
                  values=values or settings_form_values(settings, _rewards(year)), errors=_problem_words(problems or {}),
                  band_problems=(problems or {}).get("bands", []), tie_choices=list(TIE_BREAKER_CHOICES),
                  tie_labels=tie_labels, reward_types=year_types(year), form=PlainForm(formdata=None),
                  can_edit=bool(decision),
                  refusal=None if decision else refusal_message(decision, phase=year.phase))


@bp.route("/<int:year_id>/settings", methods=["GET", "POST"])
@roles("admin")
def settings(year_id: int):
    year = load_year(year_id)
    if request.method == "GET":
        return _page(year)
    decision = settings_decision(year, current_user)
    if not decision:
        return refuse_decision(decision, year)
    require_fresh_form()
    names = [f"band-{i}-{part}" for i in range(len(settings_of(year).bands)) for part in ("label", "min")]
    typed = {name: clean_text(request.form.get(name, "")) for name in (*names, *FIELDS, *_reward_fields(year))}
    new, rewards, problems = read_settings(typed, settings_of(year), [t.code for t in year_types(year)])
    if problems:
        return _page(year, values=typed, problems=problems, status=422)
    changed = carry_out(save_settings, year, new, rewards, user=current_user, now=utcnow())
    db.session.commit()
    if changed:
        flash(_("Đã lưu thiết lập tính kết quả. Hãy tính lại kết quả để áp dụng."), "success")
    else:
        flash(_("Thiết lập không thay đổi."), "info")
    return redirect_after_post(url_for("results.settings", year_id=year.id))
