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
