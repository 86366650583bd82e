"""A warm worker's garbage collection (portal.gc_tuning, run by gunicorn.conf.py after a worker loads the app,
and by `make run`'s development server): the templates are compiled, the start-up heap is frozen and the
thresholds are the deliberate ones."""
import gc
import importlib.util
import re
from pathlib import Path

from flask.cli import ScriptInfo

import portal.gc_tuning as tuning
from portal.gc_tuning import THRESHOLDS, WARM_UP, tune, warm

ROOT = Path(__file__).resolve().parents[2]


def test_tune_compiles_the_templates_freezes_the_heap_and_sets_the_thresholds(app):
    before = gc.get_threshold()
    try:
        assert warm(app) > 50          # every page template of the portal compiles in the app's environment
        tune(app)
        assert gc.get_freeze_count() > 10_000 and gc.get_threshold() == THRESHOLDS
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def _gunicorn_conf():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    return conf


def test_the_gunicorn_config_tunes_each_worker_after_it_loads_the_app(app):
    conf = _gunicorn_conf()
    before = gc.get_threshold()

    class Worker:
        wsgi = app
    try:
        conf.post_worker_init(Worker())
        assert gc.get_freeze_count() > 10_000 and gc.get_threshold() == THRESHOLDS
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_make_run_serves_the_app_tuned_as_a_worker(tmp_path, monkeypatch):
    """The app named on `make run`'s `flask run` line, loaded as flask loads it (in the serving process,
    with or without the reloader), is built by the factory and tuned like a gunicorn worker."""
    run = re.search(r"^run:.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.MULTILINE).group(1)
    served = re.search(r"flask --app '([^']+)' run ", run)
    assert served, "make run's flask run line names no app"
    for name, value in (("PORTAL_ENV", "development"), ("PORTAL_INSTANCE", str(tmp_path)),
                        ("DATABASE_URL", f"sqlite:///{tmp_path / 'run.sqlite3'}")):
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    before = gc.get_threshold()
    try:
        app = ScriptInfo(app_import_path=served.group(1)).load_app()
        assert app.name == "portal" and "assessments.workspace" in app.view_functions
        assert len(app.jinja_env.cache) > 50            # the page templates compiled before the first request
        assert gc.get_freeze_count() > 10_000 and gc.get_threshold() == THRESHOLDS
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_after_tuning_full_collections_come_on_their_threshold(app):
    """CPython postpones a full collection until the objects promoted since the last one exceed a quarter of
    what it kept; `tune` makes that count start from the unfrozen heap (nothing), not from the start-up heap
    it froze, so a full collection comes after `thresholds[2]` collections of generation 1 instead of after
    tens of thousands of promoted objects walked at once."""
    before = gc.get_threshold()
    try:
        tune(app, (100, 2, 2))
        full = gc.get_stats()[2]["collections"]
        survivors = [[] for _ in range(5_000)]      # tracked objects that live on: promoted to generation 2
        assert len(survivors) == 5_000 and gc.get_stats()[2]["collections"] > full
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_each_worker_freezes_again_once_after_its_warm_up_requests(monkeypatch):
    """gunicorn.conf.py's post_request: after the WARM_UP-th answer what the first requests left (their caches)
    joins the frozen heap, once; no later request freezes anything."""
    conf = _gunicorn_conf()
    monkeypatch.setattr(tuning, "_served", 0)
    try:
        frozen = gc.get_freeze_count()
        caches = [[] for _ in range(1_000)]          # tracked objects left by the first requests
        for _ in range(WARM_UP - 1):
            conf.post_request(None, None, None, None)
        # (the count can drop: a frozen object that dies leaves the frozen heap; it grows only by a freeze)
        assert gc.get_freeze_count() < frozen + len(caches)
        conf.post_request(None, None, None, None)
        assert gc.get_freeze_count() >= frozen + len(caches)
        settled = gc.get_freeze_count()
        later = [[] for _ in range(1_000)]
        conf.post_request(None, None, None, None)
        assert gc.get_freeze_count() < settled + len(later)
    finally:
        gc.unfreeze()
