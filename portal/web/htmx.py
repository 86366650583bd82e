"""One way to answer (conventions rules 5–7): the page, or the block an htmx request asks for; errors; and
refusals.

:func:`render` returns the whole page, or, for an htmx request (not boosted), the block the view allows: one
block for any htmx request (``block=``), or the block listed for the request's ``HX-Target`` (``targets=``,
an allow-list; a target not listed gets the whole page). Every answer carries ``Vary: HX-Request, HX-Target``.
No view reads ``HX-Target`` or calls ``render_block`` itself.

:class:`Refusal` is the one exception that stops a request: the app's handler (portal/web/errors.py) rolls the
transaction back, then answers — with the page or fragment the view built for it (``answer=``, drawn after the
rollback so it shows what is stored, with what the user typed passed back in), or with :func:`error_response`.
The policy's ``Refused`` (every ``can_*`` check, portal/policy/refusals.py) is a Refusal too.

Response headers (HX-Redirect, HX-Trigger, HX-Retarget, HX-Reswap) are set here, not through htmx-flask's
make_response, which rejects some valid swap values.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence

from flask import current_app, g, make_response, redirect, render_template, request, session
from flask_babel import gettext as _
from jinja2_fragments import render_block as render_plain_block
from jinja2_fragments.flask import render_block

VARY = ("HX-Request", "HX-Target")


def is_htmx() -> bool:
    """True for an htmx request that is not a boosted navigation."""
    hx = getattr(request, "htmx", None)
    return bool(hx) and not hx.boosted


def chosen_block(*, block: str | Sequence[str] | None = None,
                 targets: Mapping[str, str | Sequence[str]] | None = None):
    """The block(s) this request gets, or None for the whole page (see :func:`render`)."""
    if not is_htmx():
        return None
    if targets is not None:
        return targets.get(request.headers.get("HX-Target", ""), block)
    return block


def render(template: str, *, block: str | Sequence[str] | None = None,
           targets: Mapping[str, str | Sequence[str]] | None = None, oob: Sequence[tuple[str, str]] = (),
           status: int = 200, page_context: bool = True, **context):
    """Render ``template`` whole, or the block this htmx request may have.

    ``block``: the block for any htmx request (a sequence: each block in turn, the first swaps and the others
    go out of band). ``targets``: {HX-Target id: block}; an htmx request whose target is not listed gets
    ``block`` (None: the whole page). ``oob``: (template, block) pairs drawn after a block, with ``oob=True``
    in their context (regions of the page refreshed out of band). ``page_context=False``: the blocks draw
    nothing of the page around them (header, menu, year switch, inbox count), so the context processors that
    read those for every page are skipped for them — the view passes all the blocks read. The whole page, when
    it is drawn instead, gets them as always."""
    chosen = chosen_block(block=block, targets=targets)
    if chosen is None:
        body = render_template(template, **context)
    else:
        names = (chosen,) if isinstance(chosen, str) else tuple(chosen)
        if page_context:
            body = "".join(render_block(template, name, **context) for name in names)
        else:
            context.update(g=g, request=request, session=session)   # as Flask's own context processor
            body = "".join(render_plain_block(current_app.jinja_env, template, name, **context)
                           for name in names)
        if oob:
            extra = dict(context, oob=True)
            body += "".join(render_block(t, name, **extra) for t, name in oob)
    response = make_response(body, status)
    response.vary.update(VARY)
    return response


def _error_texts() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Yêu cầu không hợp lệ"),
              _("Biểu mẫu đã cũ hoặc thiếu mã bảo vệ. Hãy tải lại trang rồi thử lại; dữ liệu bạn vừa nhập vẫn còn trên trang cũ.")),
        403: (_("Không có quyền"), _("Tài khoản của bạn không được phép làm việc này. Nếu cần, hãy liên hệ Sở Nội vụ.")),
        404: (_("Không tìm thấy"), _("Trang hoặc hồ sơ này không tồn tại, hoặc bạn không có quyền xem.")),
        405: (_("Thao tác không hợp lệ"), _("Hãy dùng các nút trên trang thay vì gõ địa chỉ trực tiếp.")),
        409: (_("Xung đột dữ liệu"), _("Dữ liệu đã được người khác thay đổi. Hãy tải lại trang để xem bản mới nhất.")),
        413: (_("Tệp quá lớn"), _("Tệp vượt quá dung lượng cho phép. Hãy nén hoặc chia nhỏ tệp rồi tải lên lại.")),
        429: (_("Quá nhiều yêu cầu"), _("Hãy đợi một lát rồi thử lại.")),
        500: (_("Lỗi hệ thống"), _("Đã có lỗi ngoài ý muốn; dữ liệu đã lưu trước đó không bị ảnh hưởng. Hãy thử lại hoặc báo cho Sở Nội vụ, kèm mã lỗi bên dưới.")),
    }


def error_response(status: int, message: str | None = None, *, title: str | None = None):
    """The error page (or, for htmx, its message block) for ``status``, in the user's language: what happened
    and what to do next. ``message`` replaces the status's usual explanation (a refusal's reason)."""
    usual_title, usual_message = _error_texts().get(status, (_("Lỗi"), _("Đã có lỗi. Hãy thử lại.")))
    return render("errors/error.html", block="error_message", status=status, code=status,
                  title=title or usual_title,
                  message=message or usual_message, request_id=g.get("request_id", ""))


class Refusal(Exception):
    """Stop the request: the handler rolls back what it wrote, then answers.

    ``answer``: a callable returning the response that shows why (the page or fragment with the reason and
    what the user typed), called after the rollback. Without it the answer is :func:`error_response` with
    ``status`` and ``message``."""

    status = 409

    def __init__(self, message: str = "", *, status: int | None = None,
                 answer: Callable[[], object] | None = None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        self.answer = answer

    def respond(self):
        if self.answer is not None:
            return self.answer()
        return error_response(self.status, self.message or None)


def refuse_with(answer: Callable[[], object]):
    """Stop the request with ``answer`` (drawn after the rollback): ``raise refuse_with(lambda: page(...))``."""
    return Refusal(answer=answer)


def redirect_after_post(url: str):
    """Redirect after a successful post: HX-Redirect for htmx (full navigation), 303 otherwise."""
    if is_htmx():
        response = make_response("", 200)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, code=303)


def hx_trigger(response, events: dict | str):
    """Ask htmx to fire client events after the swap."""
    response.headers["HX-Trigger"] = events if isinstance(events, str) else json.dumps(events)
    return response


def hx_retarget(response, target: str, swap: str = "outerHTML"):
    response.headers["HX-Retarget"] = target
    response.headers["HX-Reswap"] = swap
    return response
