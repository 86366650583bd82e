"""Error pages in the user's language: what happened and what to do next. No stack trace ever reaches a user."""
import logging

from flask import Flask, g, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from portal.extensions import db
from portal.web.htmx import is_htmx, render

log = logging.getLogger("portal.errors")


def _messages():
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


def _error_response(code: int, detail: str | None = None):
    title, message = _messages().get(code, (_("Lỗi"), _("Đã có lỗi. Hãy thử lại.")))
    if detail:
        message = detail
    return render("errors/error.html", block="error_message" if is_htmx() else None, status=code,
                  code=code, title=title, message=message, request_id=g.get("request_id", ""))


def _who() -> str:
    from flask_login import current_user
    if getattr(current_user, "is_authenticated", False):
        return f"{current_user.username} ({current_user.role})"
    return f"anonymous from {request.remote_addr}"


def init_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error):
        log.warning("CSRF refused: %s %s (%s)", request.method, request.path, error.description)
        return _error_response(400)

    @app.errorhandler(HTTPException)
    def _http(error):
        if error.code is None or error.code < 400:
            return error
        if error.code in (403, 404, 405):
            # A refused or unknown address: one line each, with who asked (security.md §8.3).
            log.warning("refused %d: %s %s by %s, request %s", error.code, request.method, request.path,
                        _who(), g.get("request_id", ""))
        return _error_response(error.code)

    @app.errorhandler(Exception)
    def _unexpected(error):
        log.exception("unhandled error, request %s: %s %s", g.get("request_id", ""), request.method, request.path)
        try:
            db.session.rollback()
            return _error_response(500)
        except Exception:  # the error page itself failed (database gone…): the last resort is plain text
            log.exception("error page failed, request %s", g.get("request_id", ""))
            body = ("Lỗi hệ thống. Dữ liệu đã lưu trước đó không bị ảnh hưởng. Hãy thử lại sau ít phút hoặc báo "
                    f"cho Sở Nội vụ, kèm mã yêu cầu: {g.get('request_id', '')}\n")
            return app.response_class(body, status=500, mimetype="text/plain")
