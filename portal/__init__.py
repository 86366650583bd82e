"""Cổng Chỉ số CCHC — the application factory."""
import importlib
import logging
import os

from flask import Flask, g, request, session
from flask_login import current_user

from portal.config import Config, check_mail_settings
from portal.db import configure_engine, write_transaction
from portal.extensions import babel, csrf, db, htmx, login_manager, migrate

# Each module is a package portal.<name> exposing `bp` and `ROUTES`, the modules that add its routes; one
# line each.
BLUEPRINTS = (
    "auth",
    "home",
    "units",
    "users",
    "years",
    "setup",
    "notifications",
    "assessments",
    "appraisal",
    "criteria",
    "evidence",
    "comments",
    "results",
    "public",
    "reports",
    "guide",
)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def select_locale():
    lang = session.get("lang")
    if current_user and getattr(current_user, "is_authenticated", False) and current_user.locale:
        lang = current_user.locale
    return lang if lang in ("vi", "en") else "vi"


def create_app(config: Config | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=os.path.join(ROOT, "templates"),
        static_folder=os.path.join(ROOT, "static"),
        instance_path=os.environ.get("PORTAL_INSTANCE") or os.path.join(ROOT, "instance"),
    )
    app.config.from_object(config or Config(app.instance_path))
    check_mail_settings(app.config)
    if app.config.get("TRUSTED_PROXIES"):
        # Behind a reverse proxy: the client's address (for the login throttle and the logs) comes from
        # X-Forwarded-For as set by the trusted proxies, never from further hops a client could forge.
        from werkzeug.middleware.proxy_fix import ProxyFix
        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    os.makedirs(app.instance_path, exist_ok=True)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(ROOT, "migrations"))
    csrf.init_app(app)
    htmx.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=os.path.join(ROOT, "portal", "translations"))
    login_manager.init_app(app)

    with app.app_context():
        import portal.models  # noqa: F401  (register every table)
        configure_engine(db.engine)

    @app.before_request
    def _transaction_kind():
        # GET/HEAD read in a deferred transaction; everything else writes and starts BEGIN IMMEDIATE.
        g.write_token = write_transaction.set(request.method not in ("GET", "HEAD", "OPTIONS"))

    @app.teardown_request
    def _reset_transaction_kind(_exc):
        token = g.pop("write_token", None)
        if token is not None:
            write_transaction.reset(token)

    from portal.web.errors import init_errors
    from portal.web.filters import init_filters
    from portal.web.security import init_security
    init_security(app)
    init_errors(app)
    init_filters(app)
    from portal.web.messages import tr
    app.jinja_env.filters["tr"] = tr  # a pure rule's message (portal.text.Msg) in the user's language

    from portal.auth.session import init_auth
    init_auth(app)

    for name in BLUEPRINTS:
        package = importlib.import_module(f"portal.{name}")
        for module in package.ROUTES:  # the one place that loads route modules
            importlib.import_module(f"portal.{name}.{module}")
        app.register_blueprint(package.bp)

    from portal.cli import register_cli
    register_cli(app)

    from portal.web.context import init_context
    init_context(app)
    return app
