"""A warm worker's garbage collection (portal.gc_tuning, run by gunicorn.conf.py after a worker loads the app):
the templates are compiled, the start-up heap is frozen and the thresholds are the deliberate ones."""
import gc
import importlib.util
from pathlib import Path

from portal.gc_tuning import THRESHOLDS, tune, warm


def test_tune_compiles_the_templates_freezes_the_heap_and_sets_the_thresholds(app):
    before = gc.get_threshold()
    try:
        assert warm(app) > 50          # every page template of the portal compiles in the app's environment
        tune(app)
        assert gc.get_freeze_count() > 10_000 and gc.get_threshold() == THRESHOLDS
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_the_gunicorn_config_tunes_each_worker_after_it_loads_the_app(app):
    path = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"
    spec = importlib.util.spec_from_file_location("gunicorn_conf", path)
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    before = gc.get_threshold()

    class Worker:
        wsgi = app
    try:
        conf.post_worker_init(Worker())
        assert gc.get_freeze_count() > 10_000 and gc.get_threshold() == THRESHOLDS
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
