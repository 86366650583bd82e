"""Migrations are code: an empty database upgraded to head has exactly the models' schema, on SQLite and on
PostgreSQL (when DATABASE_URL points at one)."""
import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from portal import create_app
from portal.config import TestConfig
from portal.extensions import db


def _empty_database_url(tmp_path):
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith("postgresql"):
        base = base.replace("postgresql://", "postgresql+psycopg://", 1)
        name = "cchc_mig_" + uuid.uuid4().hex[:8]
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = base.rsplit("/", 1)[0] + "/" + name

        def drop():
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
        return url, drop
    return f"sqlite:///{tmp_path / 'migrated.sqlite3'}", lambda: None


@pytest.fixture
def migrated_app(tmp_path):
    url, drop = _empty_database_url(tmp_path)
    app = create_app(TestConfig(str(tmp_path / "instance"), SQLALCHEMY_DATABASE_URI=url, SECRET_KEY="x"))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    drop()


def test_upgrade_to_head_matches_the_models(migrated_app):
    with migrated_app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
    assert diff == []


def test_downgrade_to_base_and_up_again(migrated_app):
    with migrated_app.app_context():
        upgrade()
        downgrade(revision="base")
        upgrade()
        downgrade(revision="base")
        with db.engine.connect() as conn:
            empty = set(inspect(conn).get_table_names()) - {"alembic_version"}
        upgrade()
        with db.engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
    assert empty == set()
    assert {"assessment", "score_entry", "audit_log", "criterion"} <= tables
