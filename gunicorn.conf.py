"""gunicorn settings of the portal (gunicorn reads ./gunicorn.conf.py from its working directory; or pass
-c gunicorn.conf.py). Command-line options (-w, -b, …) still apply on top of this file.

Each worker, once it has loaded the app, compiles the templates and freezes its start-up heap out of the
garbage collector's view, with deliberate thresholds (portal.gc_tuning): no collection pause over 10 ms in
a warm worker. After its first requests (portal.gc_tuning.WARM_UP) it freezes again what they left behind
(the caches they filled), once, after the answer was sent.
"""


def post_worker_init(worker):
    from portal.gc_tuning import tune
    app = worker.wsgi
    tune(app if hasattr(app, "jinja_env") else None)


def post_request(worker, req, environ, resp):
    from portal.gc_tuning import after_request
    after_request()
