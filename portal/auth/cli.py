"""``flask rotate-totp-key``: re-encrypt every two-factor secret under a new key (and encrypt any plaintext
secret left by an earlier version). Stop the portal, run it, set TOTP_ENCRYPTION_KEY to the new key, start."""
import click
from cryptography.fernet import Fernet
from flask import current_app
from sqlalchemy import select

from portal.auth.models import User
from portal.auth.secret_box import SecretBoxError, decrypt, encrypt, fernet_key, portal_key
from portal.extensions import db

COLUMNS = ("totp_secret", "totp_pending_secret")


def rotate(old: bytes, new: bytes) -> int:
    """Re-encrypt the secrets of every account from ``old`` to ``new``; all or nothing. Returns the values
    rewritten. Raises SecretBoxError (and changes nothing) when one cannot be read with ``old``."""
    changed = 0
    users = db.session.scalars(select(User).where(
        (User.totp_secret.is_not(None)) | (User.totp_pending_secret.is_not(None)))).all()
    for user in users:
        for column in COLUMNS:
            stored = getattr(user, column)
            if stored:
                try:
                    plain = decrypt(stored, old)
                except SecretBoxError:
                    db.session.rollback()
                    raise SecretBoxError(f"the two-factor secret of {user.username} cannot be decrypted with "
                                         "the old key: nothing was changed") from None
                setattr(user, column, encrypt(plain, new))
                changed += 1
    db.session.commit()
    return changed


def register_auth_cli(app) -> None:
    @app.cli.command("rotate-totp-key")
    @click.option("--old", "old_key", help="The key the secrets are encrypted with now "
                                           "(default: the configured TOTP_ENCRYPTION_KEY or its fallback).")
    @click.option("--new", "new_key", help="The new key (a Fernet key).")
    @click.option("--generate", is_flag=True, help="Only print a new random key and exit.")
    def rotate_totp_key_command(old_key: str | None, new_key: str | None, generate: bool):
        """Re-encrypt every two-factor secret with a new key (TOTP_ENCRYPTION_KEY)."""
        if generate:
            click.echo(Fernet.generate_key().decode())
            return
        if not new_key:
            raise click.UsageError("give the new key with --new (make one with --generate)")
        try:
            old = fernet_key(old_key) if old_key else portal_key()
            count = rotate(old, fernet_key(new_key))
        except SecretBoxError as err:
            raise click.ClickException(str(err)) from err
        click.echo(f"{count} two-factor secret(s) re-encrypted. Now set TOTP_ENCRYPTION_KEY to the new key "
                   "and restart the portal.")
        current_app.logger.warning("two-factor secrets re-encrypted with a new key (%d values)", count)
