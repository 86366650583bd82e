"""login throttle per account and address; two-factor secrets encrypted, pending secret server-side

Revision ID: auth_01
Revises: 9461eccfa123
Create Date: 2026-12-06 03:50:00

The data step encrypts the plaintext two-factor secrets written by earlier versions with the running
configuration's key (``flask db upgrade`` runs inside the app); rows it cannot reach stay readable as
plaintext and are encrypted by ``flask rotate-totp-key`` or at their next use.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'auth_01'
down_revision = 'signers_01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'login_throttle',
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('last_failure_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('throttled_until', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('key'),
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('totp_secret', existing_type=sa.String(length=64), type_=sa.String(length=255),
                              existing_nullable=True)
        batch_op.add_column(sa.Column('totp_pending_secret', sa.String(length=255), nullable=True))
    _encrypt_plaintext_secrets()


def _encrypt_plaintext_secrets():
    from flask import has_app_context
    if not has_app_context():
        return
    from portal.auth.secret_box import encrypt, is_encrypted, portal_key
    connection = op.get_bind()
    user = sa.table('user', sa.column('id', sa.Integer), sa.column('totp_secret', sa.String))
    rows = connection.execute(sa.select(user.c.id, user.c.totp_secret).where(user.c.totp_secret.is_not(None)))
    key = portal_key()
    for user_id, secret in list(rows):
        if not is_encrypted(secret):
            connection.execute(user.update().where(user.c.id == user_id).values(totp_secret=encrypt(secret, key)))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('totp_pending_secret')
        batch_op.alter_column('totp_secret', existing_type=sa.String(length=255), type_=sa.String(length=64),
                              existing_nullable=True)
    op.drop_table('login_throttle')
