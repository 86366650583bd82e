"""Every setting the README documents is read from the environment."""
from portal.config import Config


def test_mail_settings_come_from_the_environment(tmp_path, monkeypatch):
    for key, value in {"SMTP_HOST": "mail.angiang.gov.vn", "SMTP_PORT": "587", "SMTP_STARTTLS": "yes",
                       "SMTP_USERNAME": "cchc", "SMTP_PASSWORD": "bi-mat", "MAIL_FROM": "cchc@angiang.gov.vn",
                       "PORTAL_BASE_URL": "https://chisocchc.angiang.gov.vn/", "SECRET_KEY": "x"}.items():
        monkeypatch.setenv(key, value)
    config = Config(str(tmp_path))
    assert (config.SMTP_HOST, config.SMTP_PORT, config.SMTP_STARTTLS) == ("mail.angiang.gov.vn", 587, True)
    assert (config.SMTP_USERNAME, config.SMTP_PASSWORD, config.MAIL_FROM) == ("cchc", "bi-mat", "cchc@angiang.gov.vn")
    assert config.PORTAL_BASE_URL == "https://chisocchc.angiang.gov.vn"


def test_mail_is_off_and_plain_by_default(tmp_path, monkeypatch):
    for key in ("SMTP_HOST", "SMTP_STARTTLS", "SMTP_USERNAME", "PORTAL_BASE_URL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("SECRET_KEY", "x")
    config = Config(str(tmp_path))
    assert config.SMTP_HOST is None and config.SMTP_STARTTLS is False and config.SMTP_USERNAME is None
    assert config.PORTAL_BASE_URL is None


def test_passwords_are_hashed_at_full_strength_outside_the_tests(tmp_path):
    """Only the test configuration lowers scrypt's work factor; a deployment hashes with Werkzeug's default
    (n = 2**15), and a login of an account hashed either way checks against its own stored parameters."""
    from flask import Flask
    from werkzeug.security import check_password_hash

    from portal.auth.services import hash_password
    from portal.config import TestConfig
    assert Config.PASSWORD_HASH_METHOD == "scrypt"
    app = Flask(__name__)
    app.config.from_object(Config(str(tmp_path)))
    with app.app_context():
        strong = hash_password("một mật khẩu")
    assert strong.startswith("scrypt:32768:8:1$")
    assert hash_password("x", method=TestConfig.PASSWORD_HASH_METHOD).startswith("scrypt:2048:8:1$")
    assert check_password_hash(strong, "một mật khẩu")
