"""Error pages in the user's language (portal.web.htmx.error_response): what happened and what to do next. No
stack trace ever reaches a user. A :class:`~portal.web.htmx.Refusal` raised anywhere in a request is answered
here, after the rollback."""
import logging

from flask import Flask, g, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from portal.extensions import db
from portal.web.htmx import Refusal, error_response

log = logging.getLogger("portal.errors")


def _who() -> str:
    from flask_login import current_user
    if getattr(current_user, "is_authenticated", False):
        return f"{current_user.username} ({current_user.role})"
    return f"anonymous from {request.remote_addr}"


def init_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error):
        log.warning("CSRF refused: %s %s (%s)", request.method, request.path, error.description)
        return error_response(400)

    @app.errorhandler(Refusal)
    def _refused(refusal: Refusal):
        # The one answer to a refusal: nothing the request wrote stays, then the view's page or the error page.
        db.session.rollback()
        return refusal.respond()

    @app.errorhandler(HTTPException)
    def _http(error):
        if error.code is None or error.code < 400:
            return error
        if error.code in (403, 404, 405):
            # A refused or unknown address: one line each, with who asked (security.md §8.3).
            log.warning("refused %d: %s %s by %s, request %s", error.code, request.method, request.path,
                        _who(), g.get("request_id", ""))
        return error_response(error.code)

    @app.errorhandler(Exception)
    def _unexpected(error):
        log.exception("unhandled error, request %s: %s %s", g.get("request_id", ""), request.method, request.path)
        try:
            db.session.rollback()
            return error_response(500)
        except Exception:  # the error page itself failed (database gone…): the last resort is plain text
            log.exception("error page failed, request %s", g.get("request_id", ""))
            body = ("Lỗi hệ thống. Dữ liệu đã lưu trước đó không bị ảnh hưởng. Hãy thử lại sau ít phút hoặc báo "
                    f"cho Sở Nội vụ, kèm mã yêu cầu: {g.get('request_id', '')}\n")
            return app.response_class(body, status=500, mimetype="text/plain")
