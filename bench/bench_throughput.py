"""Throughput under a bounded loopback load: the portal served by a real gunicorn, next to a minimal Flask
page served by the same gunicorn settings in the same run (the baseline; the ratio is the figure).

Setup: a working copy of the provincial year (31 units × 56 items, every round filled) with the year
moved back to self-assessment and the load's units reopened as drafts; gunicorn with the README's
deployment settings (4 sync workers) on 127.0.0.1, started in the repository's root so that it reads
gunicorn.conf.py (each worker's collector tuned as in production, portal.gc_tuning). The load is closed-loop: C virtual users, each with
its own session, send a request, wait for the whole answer, then send the next one (a new connection each
time, as a sync worker closes it), for D seconds after a warm-up second. Every client accepts gzip.

Scenarios: the minimal page (baseline, measured before and after the portal to expose drift), the login
page (anonymous), the unit workspace (each user opens its own unit's file), and item saves (each user
saves one item of its own unit by htmx, alternating two values, with the version it was given).

The load client runs on the same 2 cores as the server, so absolute figures are low and noisy; ratios to
what was measured in the same run are the figures that count. The one that means something is each page
against its floor (bench/floor.py: the same answer the cheapest way, served by the same gunicorn; issue 19).
The ratio to the minimal page is printed for reference only: the old goal of a third of it is retired (even
a finished page returned from a cache behind the portal's login reaches about 0.15 of it, so that ratio
measures the login and the framework, not the page). Nothing is asserted.

Run from the repository root:  .venv/bin/python bench/bench_throughput.py [--quick]
"""
import argparse
import gzip
import http.client
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import machine, percentile, quiet_logs  # noqa: E402  (after the sys.path insertion)
from bench.world import PASSWORD, cached_world, reopen_self_assessment, working_copy  # noqa: E402

WORKERS = 4
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
VERSION_RE = re.compile(r'name="version" value="(\d+)"')


class Http:
    """One virtual user: its cookies, a fresh connection per request, gzip accepted like a browser."""

    def __init__(self, port: int):
        self.port, self.cookies = port, {}

    def request(self, method: str, path: str, form: dict | None = None, headers: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        sent = {"Accept-Encoding": "gzip", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            data = response.read()
            for value in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(value).items():
                    self.cookies[name] = morsel.value
            if response.headers.get("Content-Encoding") == "gzip":
                data = gzip.decompress(data)
            return response.status, data
        finally:
            conn.close()

    def log_in(self, username: str) -> None:
        _status, page = self.request("GET", "/login")
        token = CSRF_RE.search(page.decode()).group(1)
        status, _ = self.request("POST", "/login", {"username": username, "password": PASSWORD,
                                                    "csrf_token": token})
        if status not in (302, 303):
            raise RuntimeError(f"log-in of {username} refused ({status})")


@dataclass
class Result:
    name: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


START_SECONDS = 300


class Gunicorn:
    """A gunicorn this bench starts and stops itself (by its process id)."""

    def __init__(self, app: str, env: dict):
        self.port = free_port()
        self.process = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "-w", str(WORKERS), "-k", "sync",
             "-b", f"127.0.0.1:{self.port}", "--log-level", "warning", app],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        # each worker builds and tunes the app (about 10 s of CPU): on a busy 2-core machine 4 of them take
        # minutes to start
        deadline = time.time() + START_SECONDS
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn {app} stopped: {self.process.stderr.read().decode()[-2000:]}")
            try:
                Http(self.port).request("GET", "/")
                return
            except OSError:
                time.sleep(0.2)
        self.stop()             # not left running behind the bench
        raise RuntimeError(f"gunicorn {app} did not answer within {START_SECONDS} s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def run_load(name: str, users: list, step, *, seconds: float, warmup: float = 1.0) -> Result:
    """Closed loop: each user calls step(user) → ok, over and over; keep what ends inside the window."""
    result = Result(name, seconds)
    lock = threading.Lock()
    start = time.perf_counter() + warmup
    stop = start + seconds

    def loop(user):
        while True:
            began = time.perf_counter()
            if began >= stop:
                return
            try:
                ok = step(user)
            except (OSError, http.client.HTTPException):
                ok = False
            ended = time.perf_counter()
            if began >= start and ended <= stop:
                with lock:
                    if ok:
                        result.latencies.append(ended - began)
                    else:
                        result.errors += 1

    threads = [threading.Thread(target=loop, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return result


def _prepare(now, concurrency: int, workdir: Path) -> tuple[Path, list[tuple[str, int, int]]]:
    """A working copy of the provincial year with the load's units reopened; [(staff, assessment, item)]."""
    from sqlalchemy import select

    from bench.common import bench_app
    from portal.criteria.models import Criterion
    from portal.extensions import db
    path, world, _generated = cached_world("provincial", now=now)
    copy = working_copy(path, workdir)
    app = bench_app(f"sqlite:///{copy}", instance=str(workdir / "instance"))
    chosen = list(range(min(concurrency, len(world.assessment_ids))))
    with app.app_context():
        reopen_self_assessment(world, [world.assessment_ids[i] for i in chosen], now=now)
        db.session.commit()
        targets = []
        from portal.assessments.models import Assessment
        for i in chosen:
            a = db.session.get(Assessment, world.assessment_ids[i])
            crit = db.session.scalar(select(Criterion).where(Criterion.set_id == a.criteria_set_id,
                                                             Criterion.method == "yes_no")
                                     .order_by(Criterion.position, Criterion.id).limit(1))
            targets.append((world.staff[i], a.id, crit.id))
        db.session.remove()
        db.engine.dispose()
    return copy, targets


def main(argv=None) -> dict:
    quiet_logs()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter load windows")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=None)
    args = parser.parse_args(argv)
    seconds = args.seconds or (4.0 if args.quick else 8.0)
    import os

    from portal.db import utcnow
    workdir = Path(tempfile.mkdtemp(prefix="cchc-bench-load-"))
    copy, targets = _prepare(utcnow(), args.concurrency, workdir)
    env = {**os.environ, "BENCH_DATABASE_URL": f"sqlite:///{copy}",
           "BENCH_INSTANCE": str(workdir / "instance"), "PYTHONPATH": str(ROOT)}
    print(f"Throughput bench — {machine()}")
    print(f"  gunicorn {WORKERS} sync workers on loopback; {args.concurrency} users in a closed loop; "
          f"{seconds:.0f} s per scenario after 1 s warm-up")
    results = {}

    results["baseline_before"] = baseline("before", env, args.concurrency, seconds)

    portal = Gunicorn("bench.wsgi:portal()", env)
    try:
        anonymous = [Http(portal.port) for _ in range(args.concurrency)]
        results["login_page"] = run_load("portal: login page (anonymous)", anonymous,
                                         lambda u: u.request("GET", "/login")[0] == 200, seconds=seconds)
        staff = []
        for username, assessment_id, crit_id in targets:
            user = Http(portal.port)
            user.log_in(username)
            _s, page = user.request("GET", f"/assessment/{assessment_id}/items/{crit_id}",
                                    headers={"HX-Request": "true"})
            text = page.decode()
            user.state = {"aid": assessment_id, "crit": crit_id, "n": 0,
                          "version": int(VERSION_RE.search(text).group(1)),
                          "csrf": CSRF_RE.search(text).group(1)}
            staff.append(user)
        results["workspace"] = run_load(
            "portal: unit workspace (whole page)", staff,
            lambda u: u.request("GET", f"/assessment/{u.state['aid']}")[0] == 200, seconds=seconds)
        results["save"] = run_load("portal: item save (htmx)", staff, _save, seconds=seconds)
        # the floors of the same two requests (bench/floor.py), by the same users in the same server
        results["workspace_floor"] = run_load(
            "floor: unit workspace (whole page)", staff,
            lambda u: u.request("GET", f"/bench-floor/assessment/{u.state['aid']}")[0] == 200, seconds=seconds)
        results["save_floor"] = run_load("floor: item save (htmx)", staff, lambda u: _save(u, "/bench-floor"),
                                         seconds=seconds)
    finally:
        portal.stop()

    results["baseline_after"] = baseline("after", env, args.concurrency, seconds)
    report(results)
    return results


def baseline(when: str, env: dict, concurrency: int, seconds: float) -> Result:
    """The minimal Flask page under the same gunicorn settings and the same load (before or after the portal)."""
    minimal = Gunicorn("bench.wsgi:minimal()", env)
    try:
        users = [Http(minimal.port) for _ in range(concurrency)]
        return run_load(f"minimal Flask page ({when})", users, lambda u: u.request("GET", "/")[0] == 200,
                        seconds=seconds)
    finally:
        minimal.stop()


def _save(user, prefix: str = "") -> bool:
    s = user.state
    s["n"] += 1
    form = {"yes": "1" if s["n"] % 2 else "0", "note": f"Lưu lần {s['n']:06d}", "version": str(s["version"])}
    status, body = user.request("POST", f"{prefix}/assessment/{s['aid']}/items/{s['crit']}", form,
                                headers={"HX-Request": "true", "X-CSRFToken": s["csrf"]})
    if status == 200:
        s["version"] = int(VERSION_RE.search(body.decode()).group(1))
        return True
    return False


def baseline_rps(results: dict) -> float:
    return statistics.mean([results["baseline_before"].rps, results["baseline_after"].rps])


def report(results: dict) -> None:
    base = baseline_rps(results)
    print(f"  {'scenario':<38} {'req/s':>8} {'ratio':>7} {'median ms':>10} {'p95 ms':>8} {'errors':>7}")
    for r in results.values():
        med = statistics.median(r.latencies) * 1e3 if r.latencies else float("nan")
        p95 = percentile(r.latencies, 95) * 1e3 if r.latencies else float("nan")
        print(f"  {r.name:<38} {r.rps:>8.1f} {r.rps / base:>7.2f} {med:>10.1f} {p95:>8.1f} {r.errors:>7}")
    for key in ("workspace", "save"):
        real, low = results[key], results.get(f"{key}_floor")
        if low is not None and low.rps:
            print(f"  throughput {key} beside its floor (same gunicorn, same run): {real.rps:.1f} req/s against "
                  f"{low.rps:.1f} req/s = {real.rps / low.rps:.2f} of the floor")


if __name__ == "__main__":
    main()
