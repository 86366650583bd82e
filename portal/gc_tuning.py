"""Garbage collection of a warm worker: no pause over 10 ms.

At start-up a worker holds a large heap that lives as long as the process (the ORM mappers, compiled
templates, the catalogues, the imported modules). CPython's full collection walks all of it, 60–140 ms
about once every fifty workspace requests. `tune` compiles every template, collects once, and freezes what
is left (gc.freeze: those objects are never examined again), then sets the thresholds deliberately:

* generation 0 at 5,000 allocations instead of 700: a request allocates tens of thousands of objects,
  almost all freed by reference counting; collecting every 700 walks young objects that die anyway, and
  each collection of generation 0 stays short (a few ms at most; 20,000 made them 30–40 ms);
* generations 1 and 2 keep their 10 and 10: a full collection now walks only what accumulated after
  start-up, not the frozen start-up heap (CPython's defaults: 135–185 ms of CPU; 2,000 / 3 / 10 makes the
  generation-1 collections smaller but runs seven times as many full ones: bench/bench_gc.py).

A full collection still walks what lives outside the frozen heap: the caches the first requests fill
(31,000–34,000 objects examined, 30–40 ms of CPU at load 9–11, bench/bench_gc.py). So a worker freezes once
more after its first WARM_UP requests (`after_request`, gunicorn.conf.py's `post_request`): 22,000 objects,
17.6 ms of CPU at load 5.5 for the longest pause over 2,000 requests — the live objects of the request in
flight are what is left, and the 10 ms goal is not met on that busy machine.

Reference cycles are still collected (memory stays flat: bench/bench_floor.py prints it). With
gunicorn this runs in each worker after it has loaded the app (gunicorn.conf.py, `post_worker_init`);
with `--preload` the frozen heap is also shared copy-on-write between the workers. The development server
(`make run`) loads the app through `tuned_app`, so it collects the same way.
"""
import gc

THRESHOLDS = (5_000, 10, 10)
WARM_UP = 50        # requests after which a worker freezes what they left behind (`after_request`)
_served = 0


def warm(app) -> int:
    """Compile every template now rather than during the first requests (so they are part of the frozen
    heap); returns how many."""
    from jinja2 import TemplateError
    done = 0
    for name in app.jinja_env.list_templates():
        if not name.endswith(".html") or name.startswith("reports/"):
            continue    # the print templates of reports/ are compiled by the reports' own environment
        try:
            app.jinja_env.get_template(name)
            done += 1
        except TemplateError:
            continue    # a template meant for another environment: it compiles there when first used
    return done


def tune(app=None, thresholds: tuple[int, int, int] = THRESHOLDS) -> None:
    """Warm the app (if given), collect once, freeze the surviving heap and set the thresholds."""
    if app is not None:
        warm(app)
    gc.collect()
    gc.freeze()
    # CPython runs a full collection only once the objects promoted to the oldest generation since the last
    # one exceed a quarter of what that last one kept. The collect above kept the whole start-up heap (about
    # 200,000 objects, frozen since): left so, the first full collection would wait for some 50,000 promoted
    # objects and walk them all at once (34,000 examined, 33 ms of CPU in bench/bench_gc.py). Collecting
    # again now walks nothing (the heap is frozen, the young generations empty) and records that nothing was
    # kept, so full collections come every `thresholds[2]` collections of generation 1 and stay small.
    gc.collect()
    gc.set_threshold(*thresholds)


def tuned_app(config=None):
    """The portal tuned as a gunicorn worker runs it, for the development server: `make run` starts
    `flask --app 'portal.gc_tuning:tuned_app()' run`. With the reloader (FLASK_DEBUG=1) the serving process
    is started afresh after each change of the code and calls this again, so it is tuned each time; the
    watching process never serves. Templates changed on disk are still reloaded in debug mode (Jinja checks
    their dates whether or not the compiled ones are frozen)."""
    from portal import create_app
    app = create_app(config)
    tune(app)
    return app


def after_request(warm_up: int = WARM_UP) -> None:
    """Called by gunicorn after each request, once its answer is sent (gunicorn.conf.py, `post_request`).
    After the `warm_up`th request the worker freezes again: the caches its first requests filled (compiled
    SQL, loaded catalogues, …), some 20,000 objects that live as long as the worker, join the frozen heap
    instead of being walked by every full collection. Freezing only moves the collector's lists (no
    collection, no pause); the few cyclic garbage objects alive at that moment are frozen with them, once."""
    global _served
    _served += 1
    if _served == warm_up:
        gc.freeze()
