"""The invariant check after every test (tests/invariants_plugin.py) runs only the checks that have rows to
read. These tests prove the shortcut loses nothing: every query a listed check runs on an empty database is
driven by one of the tables the plugin probes (so with those tables empty the check cannot find anything),
every check is listed or always runs, and on a world with broken data the filtered run names each broken
invariant exactly as the full checker does.
"""
import re

import pytest
from sqlalchemy import event, select, text

from portal.audit.invariants import CHECKS, check_all
from portal.extensions import db
from tests.invariants_plugin import ROOTS, due_checks, run_checks

_TRANSACTION = re.compile(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", re.IGNORECASE)
_DRIVER = re.compile(r'\bFROM\s+"?(\w+)"?', re.IGNORECASE)


def test_every_query_of_a_listed_check_is_driven_by_one_of_its_tables(app):
    with app.app_context():
        for name, roots in ROOTS.items():
            assert name in CHECKS, f"ROOTS names a check that does not exist: {name}"
            statements = []

            def record(conn, cursor, statement, parameters, context, executemany):
                if not _TRANSACTION.match(statement):
                    statements.append(statement)
            event.listen(db.engine, "before_cursor_execute", record)
            try:
                assert CHECKS[name]() == []
            finally:
                event.remove(db.engine, "before_cursor_execute", record)
            assert statements, name
            for statement in statements:
                driver = _DRIVER.search(statement)
                assert driver and driver.group(1) in roots, (name, statement)
        db.session.remove()


def test_with_no_row_to_read_no_check_runs_and_a_new_check_always_runs(app):
    with app.app_context():
        assert due_checks() == []
        assert run_checks() == {}
        with pytest.MonkeyPatch.context() as mp:      # undone before the plugin's own check after the test
            mp.setitem(CHECKS, "new_check", lambda: ["always"])
            assert due_checks() == ["new_check"]
            assert run_checks() == {"new_check": ["always"]}
        db.session.remove()


@pytest.mark.breaks_invariants      # scores, results and the audit chain are broken on purpose
def test_the_filtered_run_names_every_violation_the_full_checker_names(app):
    from portal.audit.models import AuditLog
    from portal.results.models import UnitResult
    from tests.web.security_world import build
    build(app)
    with app.app_context():
        assert run_checks() == {}
        assert set(due_checks()) == set(CHECKS)          # the demo world has rows for every check
        result = db.session.scalar(select(UnitResult).order_by(UnitResult.id))
        audit = db.session.scalar(select(AuditLog).order_by(AuditLog.id))
        db.session.execute(text("UPDATE score_entry SET points = 999 WHERE id = (SELECT min(id) FROM score_entry "
                                "WHERE points IS NOT NULL)"))
        db.session.execute(text("UPDATE unit_result SET \"index\" = 7 WHERE id = :id"), {"id": result.id})
        db.session.execute(text("UPDATE audit_log SET action = 'rewritten' WHERE id = :id"), {"id": audit.id})
        db.session.commit()
        full = {name: lines for name, lines in check_all().items() if lines}
        assert {"scores", "results", "audit"} <= set(full)
        assert run_checks() == full
        db.session.remove()
