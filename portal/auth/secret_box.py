"""Two-factor secrets encrypted at rest (Fernet: AES-128-CBC + HMAC-SHA256, from ``cryptography``).

The key comes from the environment (``TOTP_ENCRYPTION_KEY``, a Fernet key: 32 random bytes, URL-safe
base64; ``flask rotate-totp-key --generate`` prints one). Production refuses to start without it; outside
production a key is derived from ``SECRET_KEY`` so the demo and the tests need no extra setting. A stored
value is ``enc1:<Fernet token>``; a value without the prefix is a plaintext secret from an earlier version,
still readable, and encrypted by the migration, the rotation command, or its next use.
"""
import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app

PREFIX = "enc1:"


class SecretBoxError(RuntimeError):
    """A stored secret cannot be read with the configured key, or the key itself is malformed."""


def fernet_key(text: str) -> bytes:
    """Check that ``text`` is a Fernet key and return it as bytes (raises SecretBoxError otherwise)."""
    raw = (text or "").strip().encode()
    try:
        Fernet(raw)
    except (ValueError, TypeError) as err:
        raise SecretBoxError("TOTP_ENCRYPTION_KEY must be a Fernet key (32 random bytes, URL-safe base64): "
                             "generate one with `flask rotate-totp-key --generate`.") from err
    return raw


def derived_key(secret_key: str) -> bytes:
    """A Fernet key derived from SECRET_KEY (development and tests only)."""
    return base64.urlsafe_b64encode(hashlib.sha256(b"cchc-totp-secrets:" + secret_key.encode()).digest())


def portal_key() -> bytes:
    """The key of the running app: TOTP_ENCRYPTION_KEY, else (outside production) one derived from SECRET_KEY."""
    configured = current_app.config.get("TOTP_ENCRYPTION_KEY")
    if configured:
        return fernet_key(configured)
    if current_app.config.get("ENV_NAME") == "production":
        raise SecretBoxError("TOTP_ENCRYPTION_KEY must be set when PORTAL_ENV=production.")
    return derived_key(str(current_app.config["SECRET_KEY"]))


def is_encrypted(stored: str | None) -> bool:
    return bool(stored) and stored.startswith(PREFIX)


def encrypt(secret: str, key: bytes) -> str:
    return PREFIX + Fernet(key).encrypt(secret.encode("ascii")).decode("ascii")


def decrypt(stored: str, key: bytes) -> str:
    """The plaintext secret of a stored value (a legacy plaintext value is returned as it is)."""
    if not is_encrypted(stored):
        return stored
    try:
        return Fernet(key).decrypt(stored[len(PREFIX):].encode("ascii")).decode("ascii")
    except InvalidToken as err:
        raise SecretBoxError("a two-factor secret cannot be decrypted with this key") from err


def seal(secret: str | None) -> str | None:
    """Encrypt with the running app's key (None stays None)."""
    return None if secret is None else encrypt(secret, portal_key())


def unseal(stored: str | None) -> str | None:
    """Decrypt with the running app's key (None stays None)."""
    return None if stored is None else decrypt(stored, portal_key())
