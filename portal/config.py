"""Environment-driven configuration.

Every setting can be given through an environment variable of the same name. `make run` keeps a generated
SECRET_KEY in the instance folder; production (PORTAL_ENV=production) refuses to start without one.
"""
import base64
import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _instance_secret(instance_path: Path) -> str:
    """Read the secret key kept in the instance folder, creating it once."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def check_mail_settings(config) -> None:
    """Refuse to start when mail is on without PORTAL_BASE_URL: links in mails are built from that setting
    only, never from the Host header of whatever request triggered the mail (which anyone can forge)."""
    get = config.get if isinstance(config, dict) else lambda key: getattr(config, key, None)
    if not get("SMTP_HOST"):
        return
    base = get("PORTAL_BASE_URL")
    parts = urlsplit(base or "")
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise RuntimeError(
            "PORTAL_BASE_URL must be set to the portal's public address (e.g. https://chisocchc.angiang.gov.vn) "
            f"when SMTP_HOST is set: links in e-mails are built from it. Got {base!r}.")


def _totp_key(value: str | None, *, production: bool) -> str | None:
    """TOTP_ENCRYPTION_KEY: a Fernet key (32 random bytes, URL-safe base64), required in production."""
    value = (value or "").strip() or None
    if value is None:
        if production:
            raise RuntimeError("TOTP_ENCRYPTION_KEY must be set when PORTAL_ENV=production (two-factor secrets are "
                               "encrypted with it): generate one with `flask rotate-totp-key --generate`.")
        return None
    try:
        ok = len(base64.urlsafe_b64decode(value.encode())) == 32
    except (ValueError, TypeError):
        ok = False
    if not ok:
        raise RuntimeError("TOTP_ENCRYPTION_KEY must be 32 random bytes in URL-safe base64 (a Fernet key): "
                           "generate one with `flask rotate-totp-key --generate`.")
    return value


class Config:
    """Defaults for the embedded deployment: SQLite (WAL) and local uploads in the instance folder."""

    ENV_NAME = "development"
    TESTING = False
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")
    PROVINCE_NAME = "An Giang"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)   # absolute lifetime of a login
    PASSWORD_HASH_METHOD = "scrypt"                      # Werkzeug's scrypt, n=2**15, r=8, p=1 (~0.1 s a hash)
    SESSION_IDLE_MINUTES = 60                            # idle timeout
    LOGIN_THROTTLE_AFTER = 5                             # wrong passwords before the account waits
    LOGIN_THROTTLE_BASE_SECONDS = 30                     # first wait; doubles with each further failure
    LOGIN_THROTTLE_MAX_SECONDS = 15 * 60
    LOGIN_ADDRESS_THROTTLE_AFTER = 20                    # failures from one address across accounts (spraying)
    LOGIN_THROTTLE_WINDOW_MINUTES = 60                   # a counter quiet this long starts again
    TRUSTED_PROXIES = 0                                  # reverse proxies whose X-Forwarded-For is believed
    WTF_CSRF_TIME_LIMIT = None                           # tied to the session: a long-open form still saves
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024 + 512 * 1024   # one 20 MB file plus the form around it
    MAX_FORM_MEMORY_SIZE = 500 * 1024
    MAX_FORM_PARTS = 1000
    UPLOAD_MAX_BYTES = 20 * 1024 * 1024
    UNIT_QUOTA_BYTES = 500 * 1024 * 1024
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SMTP_HOST = None
    # Two-factor sign-in (TOTP, RFC 6238) for the admin and council accounts (security.md §1.4). On by
    # default in production; off in the demo (`make run`, PORTAL_ENV=development) and in the test suite.
    REQUIRE_TOTP = False
    TOTP_ROLES = ("admin", "council_member", "council_chair")
    TOTP_ISSUER = "Cổng Chỉ số CCHC"
    TOTP_PENDING_SECONDS = 300                           # password accepted; the code must follow within 5 min

    def __init__(self, instance_path: str):
        instance = Path(instance_path)
        env = os.environ
        self.ENV_NAME = env.get("PORTAL_ENV", self.ENV_NAME)
        self.DATABASE_URL = env.get("DATABASE_URL") or f"sqlite:///{instance / 'portal.sqlite3'}"
        if self.DATABASE_URL.startswith("postgresql://"):
            self.DATABASE_URL = "postgresql+psycopg://" + self.DATABASE_URL[len("postgresql://"):]
        self.SQLALCHEMY_DATABASE_URI = self.DATABASE_URL
        self.UPLOAD_DIR = env.get("UPLOAD_DIR") or str(instance / "uploads")
        self.BABEL_DEFAULT_LOCALE = env.get("PORTAL_LOCALE", self.BABEL_DEFAULT_LOCALE)
        self.BABEL_DEFAULT_TIMEZONE = env.get("PORTAL_TIMEZONE", self.BABEL_DEFAULT_TIMEZONE)
        self.PROVINCE_NAME = env.get("PORTAL_PROVINCE", self.PROVINCE_NAME)
        self.SMTP_HOST = env.get("SMTP_HOST") or None
        self.SMTP_PORT = int(env.get("SMTP_PORT", "25"))
        self.MAIL_FROM = env.get("MAIL_FROM", "chisocchc@localhost")
        self.SMTP_STARTTLS = _bool("SMTP_STARTTLS", False)
        self.SMTP_USERNAME = env.get("SMTP_USERNAME") or None
        self.SMTP_PASSWORD = env.get("SMTP_PASSWORD") or None
        self.SMTP_TIMEOUT = int(env.get("SMTP_TIMEOUT", "10"))
        self.PORTAL_BASE_URL = (env.get("PORTAL_BASE_URL") or "").rstrip("/") or None  # links in mails
        check_mail_settings(self)
        secret = env.get("SECRET_KEY")
        if not secret:
            if self.ENV_NAME == "production":
                raise RuntimeError("SECRET_KEY must be set when PORTAL_ENV=production")
            secret = _instance_secret(instance)
        self.SECRET_KEY = secret
        self.REQUIRE_TOTP = _bool("REQUIRE_TOTP", self.ENV_NAME == "production")
        self.TOTP_ENCRYPTION_KEY = _totp_key(env.get("TOTP_ENCRYPTION_KEY"), production=self.ENV_NAME == "production")
        self.TRUSTED_PROXIES = int(env.get("TRUSTED_PROXIES", "0"))
        self.SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", self.ENV_NAME == "production")
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        if self.SESSION_COOKIE_SECURE:
            self.SESSION_COOKIE_NAME = "__Host-session"


class TestConfig(Config):
    """Used by the test suite: a throwaway database and uploads folder given by the fixtures."""

    __test__ = False  # not a pytest test class
    ENV_NAME = "testing"
    TESTING = True
    LOGIN_THROTTLE_BASE_SECONDS = 30
    # The same algorithm at a 16× lower work factor (Django's tests swap in a fast hasher the same way): the
    # suite logs in thousands of times. Only the tests' own accounts carry it; production keeps the default.
    PASSWORD_HASH_METHOD = "scrypt:2048:8:1"

    def __init__(self, instance_path: str, **overrides):
        super().__init__(instance_path)
        self.REQUIRE_TOTP = False  # the security tests turn it on for themselves
        for key, value in overrides.items():
            setattr(self, key, value)
