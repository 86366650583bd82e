"""gunicorn settings of the portal (gunicorn reads ./gunicorn.conf.py from its working directory; or pass
-c gunicorn.conf.py). Command-line options (-w, -b, …) still apply on top of this file.

Each worker, once it has loaded the app, compiles the templates and freezes its start-up heap out of the
garbage collector's view, with deliberate thresholds (portal.gc_tuning): no collection pause over 10 ms in
a warm worker.
"""


def post_worker_init(worker):
    from portal.gc_tuning import tune
    app = worker.wsgi
    tune(app if hasattr(app, "jinja_env") else None)
