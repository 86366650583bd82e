"""pytest plugin (loaded by ``-p tests.invariants_plugin`` in pyproject.toml): after every test that used the
database, the invariant checker of ``flask check`` runs on what the test left behind (security.md §4.6, as
HotCRP runs ConfInvariants after its tests). A violation fails that test, naming the broken invariant.

It runs right after the test body, before the test's fixtures are torn down, so a test's own upload folder
or configuration is still in place. A test that breaks an invariant on purpose (to prove the checker finds
it) is marked ``@pytest.mark.breaks_invariants``. The session ends with one summary line.
"""
import pytest

_stats = {"checked": 0, "violations": 0}


def pytest_configure(config):
    config.addinivalue_line("markers", "breaks_invariants: the test leaves invalid data on purpose "
                                       "(the invariant check after it is skipped)")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield                      # the test body; if it failed, the failure stands on its own
    app = getattr(item, "funcargs", {}).get("app")
    if app is None or item.get_closest_marker("breaks_invariants"):
        return result
    from portal.audit.invariants import check_all
    from portal.extensions import db
    with app.app_context():
        try:
            violations = {name: lines for name, lines in check_all().items() if lines}
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
                                    f"{_stats['violations']} violation(s)")
