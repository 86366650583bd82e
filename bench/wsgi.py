"""gunicorn entry points of the throughput bench (gunicorn's app-factory syntax, `bench.wsgi:portal()`).

`portal()` is the real portal on the database in BENCH_DATABASE_URL; `minimal()` is the baseline: a bare
Flask app answering one small HTML page, served by the same gunicorn settings in the same run, so that
the ratio of the two measures the portal's own cost rather than the machine's or the load client's.
"""
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

MINIMAL_PAGE = ("<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">"
                "<title>Cổng Chỉ số CCHC</title></head><body><h1>Cổng Chỉ số cải cách hành chính</h1>"
                "<p>Trang tối giản để so sánh.</p></body></html>")


def portal():
    """The portal, with the floors' routes of bench/floor.py (only in this bench process: see floor.install)."""
    from bench import floor
    from bench.common import bench_app
    app = bench_app(os.environ["BENCH_DATABASE_URL"], instance=os.environ.get("BENCH_INSTANCE"))
    floor.install(app)
    return app


def minimal():
    from flask import Flask
    app = Flask("minimal")

    @app.get("/")
    def page():
        return MINIMAL_PAGE

    return app
