"""What every template gets: the active year, the navigation of the user's role, ``viewer`` (what the pages
ask about the signed-in user, portal.policy.viewer), labels, static versions;
how responses leave: versioned static files cached for a year, text compressed (portal.web.compress)."""
import hashlib
import os

from flask import Flask, current_app, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal.notifications.services import unread_count
from portal.policy.actors import actor_for
from portal.policy.viewer import Viewer
from portal.results.domain import sees_results_menu
from portal.units.types import entry_label, unit_type_label, year_types
from portal.web.compress import init_compression
from portal.web.messages import band_legend, band_name, role_label
from portal.years.services import active_year, switch_years

_static_versions: dict[str, str] = {}


def static_version(filename: str) -> str | None:
    """The content hash of a static file (computed once per process), None when there is no such file."""
    version = _static_versions.get(filename)
    if version is None:
        path = os.path.join(current_app.static_folder, filename)
        try:
            with open(path, "rb") as fh:
                version = hashlib.sha256(fh.read()).hexdigest()[:10]
        except OSError:
            return None
        _static_versions[filename] = version
    return version


def static_url(filename: str) -> str:
    """URL of a static file with a content hash, so browsers may cache it for a year."""
    return url_for("static", filename=filename, v=static_version(filename))


def navigation() -> list[tuple[str, str, str]]:
    """(endpoint, url, label) of the menu for the current user's role."""
    if not current_user.is_authenticated:
        return []
    viewer = Viewer(actor_for(current_user))
    items = [("home.index", url_for("home.index"), _("Trang chủ"))]
    if viewer.is_unit:
        items.append(("assessments.workspace", url_for("assessments.mine"), _("Tự đánh giá")))
        items.append(("evidence.library", url_for("evidence.library"), _("Tài liệu kiểm chứng")))
    if viewer.oversees:
        items.append(("assessments.mine", url_for("assessments.mine"), _("Hồ sơ các đơn vị")))
    if viewer.oversees or viewer.is_council:
        items.append(("appraisal.council_board", url_for("appraisal.council_board"), _("Thẩm định")))
    if sees_results_menu(viewer.actor):
        items.append(("results.index", url_for("results.index"), _("Kết quả")))
    if viewer.is_unit:
        items.append(("results.mine", url_for("results.mine"), _("Kết quả")))
    if viewer.oversees:
        items.append(("reports.year_page", url_for("reports.index"), _("Báo cáo")))
    if viewer.is_secretariat:
        items += [
            ("units.list_units", url_for("units.list_units"), _("Đơn vị")),
            ("users.list_users", url_for("users.list_users"), _("Tài khoản")),
            ("years.year_page", url_for("years.year_page"), _("Năm đánh giá")),
            ("years.progress", url_for("years.progress"), _("Tiến độ")),
            ("criteria.index", url_for("criteria.index"), _("Bộ tiêu chí")),
        ]
    return items


def init_context(app: Flask) -> None:
    @app.context_processor
    def _inject():
        year = active_year() if request.endpoint and request.endpoint != "static" else None
        return {
            "current_year": year,
            "switch_years": switch_years if year is not None else list,
            "nav_items": navigation(),
            "unread_count": unread_count(current_user) if request.endpoint and request.endpoint != "static" else 0,
            "viewer": Viewer(actor_for(current_user)),
            "role_label": role_label,
            "unit_type_label": unit_type_label,
            "type_label": entry_label,
            "year_types": year_types,
            "band_name": band_name,
            "band_legend_items": band_legend,
            "static_url": static_url,
            "province_name": current_app.config["PROVINCE_NAME"],
            "current_lang": str(get_locale() or "vi"),
        }

    @app.after_request
    def _cache_static(response):
        # A URL carrying the file's current hash never changes meaning: cache it for a year. Any other
        # static URL (no version, or an old one) is revalidated with its ETag on each use.
        if request.endpoint != "static" or response.status_code not in (200, 304):
            return response
        wanted = request.args.get("v")
        if wanted and wanted == static_version((request.view_args or {}).get("filename", "")):
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        else:
            response.headers["Cache-Control"] = "no-cache"
        return response

    init_compression(app)
