"""pytest plugin (loaded by ``-p tests.invariants_plugin`` in pyproject.toml): after every test that used the
database, the invariant checker of ``flask check`` runs on what the test left behind (security.md §4.6, as
HotCRP runs ConfInvariants after its tests). A violation fails that test, naming the broken invariant.

It runs right after the test body, before the test's fixtures are torn down, so a test's own upload folder
or configuration is still in place. A test that breaks an invariant on purpose (to prove the checker finds
it) is marked ``@pytest.mark.breaks_invariants``. The session ends with one summary line.

Each check reads its rows from a few driving tables (ROOTS): if all of them are empty it cannot find
anything, so one query first asks which of those tables hold rows and only the checks that have something
to read run (most tests leave no score, file or audit row behind: the check then costs ~1 ms, not ~15 ms).
A check missing from ROOTS always runs; tests/web/test_invariants_plugin.py proves every statement of a
listed check is driven by one of its tables, and that the filtered run still reports violations.
"""
import pytest
from sqlalchemy import text

_stats = {"checked": 0, "violations": 0, "nothing_to_read": 0}
#: check name (portal.audit.invariants.CHECKS) → the tables every one of its queries is driven by
ROOTS = {
    "scores": ("score_entry", "survey_score"),
    "results": ("unit_result",),
    "files": ("evidence_file",),
    "links": ("score_entry", "comment", "item_evidence"),
    "workflow": ("score_entry", "explanation"),
    "types": ("assessment",),
    "audit": ("audit_log",),
}


def due_checks() -> list[str]:
    """The checks that have rows to read (in an app context): one query over the driving tables."""
    from portal.audit.invariants import CHECKS
    from portal.extensions import db
    tables = sorted({name for names in ROOTS.values() for name in names})
    probe = " UNION ALL ".join(f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM \"{name}\")" for name in tables)
    filled = set(db.session.scalars(text(probe)))
    return [name for name in CHECKS if name not in ROOTS or filled.intersection(ROOTS[name])]


def run_checks(due: list[str] | None = None) -> dict[str, list[str]]:
    """{check: violations} of the checks due (in an app context); the ones left out can find nothing."""
    from portal.audit.invariants import check_all
    due = due_checks() if due is None else due
    return {name: lines for name, lines in check_all(only=due).items() if lines} if due else {}


def pytest_configure(config):
    config.addinivalue_line("markers", "breaks_invariants: the test leaves invalid data on purpose "
                                       "(the invariant check after it is skipped)")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield                      # the test body; if it failed, the failure stands on its own
    app = getattr(item, "funcargs", {}).get("app")
    if app is None or item.get_closest_marker("breaks_invariants"):
        return result
    from portal.extensions import db
    with app.app_context():
        try:
            due = due_checks()
            _stats["nothing_to_read"] += not due
            violations = run_checks(due)
        finally:
            db.session.remove()
    _stats["checked"] += 1
    if violations:
        _stats["violations"] += sum(len(v) for v in violations.values())
        text = "; ".join(f"{name}: {', '.join(lines[:3])}" for name, lines in violations.items())
        raise AssertionError(f"data invariants broken after the test ({text})")
    return result


def pytest_sessionfinish(session):
    workeroutput = getattr(session.config, "workeroutput", None)   # an xdist worker: report to the controller
    if workeroutput is not None:
        workeroutput["invariants"] = dict(_stats)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    for key, value in getattr(node, "workeroutput", {}).get("invariants", {}).items():
        _stats[key] += value


def pytest_terminal_summary(terminalreporter):
    if _stats["checked"]:
        terminalreporter.write_line(f"[invariants] checked after {_stats['checked']} tests: "
                                    f"{_stats['violations']} violation(s) ({_stats['nothing_to_read']} of them "
                                    f"left no row any check reads)")
