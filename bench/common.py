"""What the benchmarks share: the portal on a given database, a query counter (SQLAlchemy events), a test
client that logs in and sends CSRF tokens like the pages do, timing statistics and the machine's name.

Server time is measured in process: the Flask test client drives the whole WSGI app (routing, sessions,
CSRF, templates, the database) without a socket, so the figure is the server's own work per request.
"""
import gzip
import hashlib
import logging
import math
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask.testing import FlaskClient  # noqa: E402  (after the sys.path insertion)
from itsdangerous import URLSafeTimedSerializer  # noqa: E402
from sqlalchemy import event  # noqa: E402

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")
BENCH_SECRET = "bench-secret-key-not-for-production"


def bench_app(database_url: str, *, instance: str | None = None):
    """The portal as `make run` builds it (development settings: no TOTP), on the given database."""
    from portal import create_app
    from portal.config import Config
    instance = instance or tempfile.mkdtemp(prefix="cchc-bench-")
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]
    # The environment is set only while the app is built: the browser tests call this inside the test
    # process, whose other tests must not inherit a bench instance folder or secret.
    saved = {key: os.environ.get(key) for key in ("PORTAL_INSTANCE", "SECRET_KEY")}
    os.environ["PORTAL_INSTANCE"] = instance
    os.environ.setdefault("SECRET_KEY", BENCH_SECRET)
    try:
        config = Config(instance)
        config.DATABASE_URL = config.SQLALCHEMY_DATABASE_URI = database_url
        config.UPLOAD_DIR = os.path.join(instance, "uploads")
        app = create_app(config)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    app.test_client_class = BenchClient
    return app


def quiet_logs() -> None:
    """For a benchmark's own process only: request logs and refusals (a browser's favicon 404) are noise
    among the figures. Never called from the tests, whose log assertions need the portal's log lines."""
    logging.getLogger().setLevel(logging.WARNING)
    logging.getLogger("portal.errors").setLevel(logging.ERROR)


class QueryCounter:
    """Counts the SQL statements the app sends (transaction control — BEGIN, COMMIT — not counted)."""

    def __init__(self, engine):
        self.count = 0
        self.statements: list[str] = []
        self.keep = False
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement, _params, _context, _executemany):
        if statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            return
        self.count += 1
        if self.keep:
            self.statements.append(statement)

    def reset(self) -> None:
        self.count = 0
        self.statements.clear()

    @classmethod
    def detached(cls):
        """A counter listening to nothing, for requests to an app without a database (the baseline)."""
        import contextlib
        counter = cls.__new__(cls)
        counter.count, counter.statements, counter.keep = 0, [], False
        return contextlib.nullcontext(counter)


class BenchClient(FlaskClient):
    """Logs in through the login form and sends the CSRF token with every post, as a browser would."""

    def csrf_token(self) -> str:
        with self.session_transaction() as sess:
            raw = sess.get("csrf_token")
            if raw is None:
                raw = sess["csrf_token"] = hashlib.sha1(os.urandom(64)).hexdigest()
        return URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token").dumps(raw)

    def open(self, *args, htmx: bool = False, gzip_ok: bool = True, **kwargs):
        method = (kwargs.get("method") or "GET").upper()
        headers = dict(kwargs.pop("headers", None) or {})
        if htmx:
            headers.setdefault("HX-Request", "true")
        if gzip_ok:
            headers.setdefault("Accept-Encoding", "gzip, deflate")
        if method not in ("GET", "HEAD", "OPTIONS"):
            headers.setdefault("X-CSRFToken", self.csrf_token())
        kwargs["headers"] = headers
        return super().open(*args, **kwargs)

    def log_in(self, username: str, password: str) -> "BenchClient":
        response = self.post("/login", data={"username": username, "password": password})
        if response.status_code not in (302, 303):
            raise RuntimeError(f"log-in of {username} refused ({response.status_code})")
        return self


@dataclass
class Sample:
    """One page measured N times: wall seconds, CPU seconds (of the measuring thread, which is the one
    serving in process: what the request cost, without the waits for a core on a shared machine) and queries
    per request, the last response's sizes."""

    name: str
    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    status: int = 0
    wire_bytes: int = 0        # the body as sent (gzip when the client accepts it)
    raw_bytes: int = 0         # the body before compression
    encoding: str = ""

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1e3

    @property
    def p95_ms(self) -> float:
        return percentile(self.seconds, 95) * 1e3

    @property
    def cpu_median_ms(self) -> float:
        return statistics.median(self.cpu) * 1e3 if self.cpu else float("nan")

    @property
    def query_range(self) -> str:
        low, high = min(self.queries), max(self.queries)
        return str(low) if low == high else f"{low}–{high}"


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (p95 of 40 samples is the 38th smallest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def body_sizes(response) -> tuple[int, int, str]:
    """(bytes on the wire, bytes uncompressed, Content-Encoding) of a test-client response."""
    data = response.get_data()
    encoding = response.headers.get("Content-Encoding", "")
    raw = len(gzip.decompress(data)) if encoding == "gzip" else len(data)
    return len(data), raw, encoding


def text_of(response) -> str:
    data = response.get_data()
    if response.headers.get("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    return data.decode("utf-8")


def measure(name: str, counter: QueryCounter, request, *, runs: int, warmup: int = 2,
            expect=(200,), budget_s: float | None = None, min_runs: int = 3) -> Sample:
    """Call `request()` (which returns a response) warmup + runs times; keep time and queries of the runs.
    With `budget_s`, stop early once that many seconds were spent and at least `min_runs` were kept (the
    national-scale board takes seconds per request)."""
    sample = Sample(name)
    began = time.perf_counter()
    for i in range(warmup + runs):
        if budget_s and len(sample.seconds) >= min_runs and time.perf_counter() - began > budget_s:
            break
        counter.reset()
        started, cpu = time.perf_counter(), time.thread_time()
        response = request()
        elapsed, cpu = time.perf_counter() - started, time.thread_time() - cpu
        if response.status_code not in expect:
            raise RuntimeError(f"{name}: HTTP {response.status_code}")
        if i >= warmup:
            sample.seconds.append(elapsed)
            sample.cpu.append(cpu)
            sample.queries.append(counter.count)
    sample.status = response.status_code
    sample.wire_bytes, sample.raw_bytes, sample.encoding = body_sizes(response)
    return sample


VERSION_RE = re.compile(r'name="version" value="(\d+)"')


def machine() -> str:
    """A one-line description of the machine the figures were measured on."""
    cpu = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), "")
    except OSError:
        pass
    debian = ""
    try:
        debian = "Debian " + Path("/etc/debian_version").read_text().strip()
    except OSError:
        debian = platform.platform()
    return (f"{os.cpu_count()} cores ({cpu or platform.machine()}), Python {platform.python_version()}, "
            f"{debian}, SQLite {sqlite_version()}")


def sqlite_version() -> str:
    import sqlite3
    return sqlite3.sqlite_version


def kb(n: int) -> str:
    return f"{n / 1024:.1f} KB"
