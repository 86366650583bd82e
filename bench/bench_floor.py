"""The unit workspace and the item save measured against their own floor: the same response produced the
cheapest way this stack allows (bench/floor.py: one SQL statement and one flat template, served by the
portal through a route registered in this process only).

Before measuring, the floor's HTML is compared with the real page's (white space and CSRF tokens
normalised): a floor that drew a different page would measure nothing. Then real and floor requests are
interleaved in one process (real, floor, real, floor, …) so that both see the same machine: this machine
has 2 cores shared with other work, and the ratio of the medians is far steadier than either median.

Also printed: the garbage collector's longest pause over the requests (gc.callbacks), with the portal's
start-up heap frozen as the gunicorn hook does (portal.gc_tuning) — and, for comparison, without it.

Prints one line per page, `ratio workspace/floor: X.XX` and `ratio save/floor: X.XX`, with the raw medians
and queries. Nothing is asserted. --quick: fewer rounds (about a minute on a quiet machine; the full run
measures the GC over 2,000 requests and takes several minutes).

Run from the repository root:  .venv/bin/python bench/bench_floor.py [--quick]
"""
import argparse
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import VERSION_RE, QueryCounter, bench_app, machine, quiet_logs, text_of  # noqa: E402
from bench.world import PASSWORD, cached_world, reopen_self_assessment, working_copy  # noqa: E402


class GcPauses:
    """The duration of every collection while installed (gc.callbacks start/stop)."""

    def __init__(self):
        self.pauses: list[tuple[int, float]] = []
        self.cpu: list[float] = []          # the same pauses in CPU time (this machine is shared)
        self._began = self._cpu = 0.0

    def __call__(self, phase, info):
        if phase == "start":
            self._began, self._cpu = time.perf_counter(), time.thread_time()
        else:
            self.pauses.append((info["generation"], time.perf_counter() - self._began))
            self.cpu.append(time.thread_time() - self._cpu)

    def __enter__(self):
        gc.callbacks.append(self)
        return self

    def __exit__(self, *_exc):
        gc.callbacks.remove(self)

    @property
    def longest_ms(self) -> float:
        return max((p for _g, p in self.pauses), default=0.0) * 1e3

    @property
    def longest_cpu_ms(self) -> float:
        return max(self.cpu, default=0.0) * 1e3


def setup(log=print):
    from portal.db import utcnow
    from portal.extensions import db
    now = utcnow()
    path, world, _generated = cached_world("provincial", now=now, log=log)
    workdir = Path(tempfile.mkdtemp(prefix="cchc-bench-floor-"))
    app = bench_app(f"sqlite:///{working_copy(path, workdir)}", instance=str(workdir / "instance"))
    from bench import floor
    floor.install(app)
    index = 2
    aid, username = world.assessment_ids[index], world.staff[index]
    with app.app_context():
        counter = QueryCounter(db.engine)
        reopen_self_assessment(world, [aid], now=now)
        db.session.commit()
    client = app.test_client().log_in(username, PASSWORD)
    return app, client, counter, aid


def save_target(client, aid: int) -> int:
    """The first yes/no item of the file (two values that score differently)."""
    import re
    html = text_of(client.get(f"/assessment/{aid}"))
    for cid in re.findall(r'action="/assessment/%d/items/(\d+)"' % aid, html):
        if f'id="item-{cid}"' in html and 'name="yes"' in html.split(f'id="item-{cid}"', 1)[1].split("</article>")[0]:
            return int(cid)
    raise RuntimeError("no yes/no item in this file")


def check_same_output(client, aid: int, cid: int) -> dict:
    """The floor's HTML equals the real page's, for the whole page and for a saved item's fragment."""
    from bench.floor import normalise
    real = normalise(text_of(client.get(f"/assessment/{aid}")))
    low = normalise(text_of(client.get(f"/bench-floor/assessment/{aid}")))
    problems = {}
    if real != low:
        problems["workspace"] = _first_difference(real, low)
    # after a real save, the floor draws the same fragment from the same rows (the save floor's own write
    # is checked by its answer: 200 and a version one higher)
    version = _version(client, aid, cid)
    real_save = client.post(f"/assessment/{aid}/items/{cid}", htmx=True,
                            data={"yes": "1", "note": "Kiểm tra sàn", "version": version})
    floor_save = client.get(f"/bench-floor/assessment/{aid}/items/{cid}/saved", htmx=True)
    if real_save.status_code != 200 or floor_save.status_code != 200:
        problems["save"] = f"HTTP {real_save.status_code} / {floor_save.status_code}"
    elif normalise(text_of(real_save)) != normalise(text_of(floor_save)):
        problems["save"] = _first_difference(normalise(text_of(real_save)), normalise(text_of(floor_save)))
    written = client.post(f"/bench-floor/assessment/{aid}/items/{cid}", htmx=True,
                          data={"yes": "0", "note": "Kiểm tra sàn", "version": version + 1})
    if written.status_code != 200 or f'name="version" value="{version + 2}"' not in text_of(written):
        problems["save floor"] = f"HTTP {written.status_code}: the floor's write did not take"
    return problems


def _first_difference(a: str, b: str) -> str:
    i = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return f"at {i}: real …{a[max(0, i - 120):i + 120]}…\n   floor …{b[max(0, i - 120):i + 120]}…"


def _version(client, aid, cid) -> int:
    return int(VERSION_RE.search(text_of(client.get(f"/assessment/{aid}/items/{cid}", htmx=True))).group(1))


def interleaved(counter, pairs: dict, rounds: int) -> dict:
    """{name: (seconds, queries)} for request functions called in turn, `rounds` times each."""
    out = {name: ([], []) for name in pairs}
    for _ in range(rounds):
        for name, call in pairs.items():
            counter.reset()
            began = time.perf_counter()
            response = call()
            elapsed = time.perf_counter() - began
            if response.status_code != 200:
                raise RuntimeError(f"{name}: HTTP {response.status_code}")
            out[name][0].append(elapsed)
            out[name][1].append(counter.count)
    return out


def main(argv=None) -> dict:
    quiet_logs()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds (noisier)")
    args = parser.parse_args(argv)
    rounds = 60 if args.quick else 150
    print(f"Floor bench — {machine()}")
    app, client, counter, aid = setup()
    cid = save_target(client, aid)
    problems = check_same_output(client, aid, cid)
    if problems:
        for page, where in problems.items():
            print(f"  FLOOR DIFFERS from the real {page}: {where}")
        raise SystemExit(1)
    print("  floor output = real output (workspace page and save fragment; white space and CSRF tokens "
          "normalised)")
    state = {"real": _version(client, aid, cid), "n": 0}

    def save(url_prefix: str):
        def call():
            state["n"] += 1
            response = client.post(f"{url_prefix}/assessment/{aid}/items/{cid}", htmx=True,
                                   data={"yes": str(state["n"] % 2), "note": "Lưu để đo", "version": state["real"]})
            state["real"] = int(VERSION_RE.search(text_of(response)).group(1))
            return response
        return call

    page_url, floor_url = f"/assessment/{aid}", f"/bench-floor/assessment/{aid}"
    for _ in range(3):      # warm-up
        client.get(page_url), client.get(floor_url)
    with GcPauses() as pauses:
        timings = interleaved(counter, {"workspace": lambda: client.get(page_url),
                                        "workspace floor": lambda: client.get(floor_url),
                                        "save": save(""), "save floor": save("/bench-floor")}, rounds)
    med = {name: statistics.median(s) * 1e3 for name, (s, _q) in timings.items()}
    print(f"  {rounds} interleaved rounds (real, floor, real save, floor save); medians:")
    for name, (seconds, queries) in timings.items():
        print(f"    {name:<18} {med[name]:7.2f} ms   queries {min(queries)}–{max(queries)}")
    result = {"workspace": med["workspace"] / med["workspace floor"], "save": med["save"] / med["save floor"],
              "medians": med, "rounds": rounds, "gc_max_ms": pauses.longest_ms,
              "gc_collections": len(pauses.pauses)}
    print(f"  ratio workspace/floor: {result['workspace']:.2f}")
    print(f"  ratio save/floor: {result['save']:.2f}")
    again = check_same_output(client, aid, cid)
    print("  after the measured saves (the item's change list now cut): floor output "
          + ("= real output" if not again else f"DIFFERS: {again}"))
    result["gc_requests"] = 300 if args.quick else 2000
    result["gc"] = gc_pauses(app, client, aid, cid, result["gc_requests"], state)
    return result


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096 / 2**20


def gc_pauses(app, client, aid: int, cid: int, requests: int, state: dict, thresholds=None) -> dict:
    """The longest collection pause over `requests` requests (workspace pages and saves, 3 to 1), first
    with CPython's defaults, then as a tuned worker runs (portal.gc_tuning: warm, collect, freeze,
    thresholds). The process is warm in both runs."""
    from portal.gc_tuning import THRESHOLDS, tune
    thresholds = thresholds or THRESHOLDS
    page = f"/assessment/{aid}"
    state["real"] = _version(client, aid, cid)
    out = {}
    for label in ("default", "tuned"):
        if label == "tuned":
            tune(app, thresholds)
        else:
            gc.unfreeze()
            gc.set_threshold(700, 10, 10)
            gc.collect()
        before = _rss_mb()
        with GcPauses() as pauses:
            for n in range(requests):
                if n % 4 == 3:
                    state["n"] += 1
                    response = client.post(f"{page}/items/{cid}", htmx=True,
                                           data={"yes": str(state["n"] % 2), "note": "Lưu để đo",
                                                 "version": state["real"]})
                    state["real"] = int(VERSION_RE.search(text_of(response)).group(1))
                else:
                    response = client.get(page)
                if response.status_code != 200:
                    raise RuntimeError(f"HTTP {response.status_code}")
        full = [p for g, p in pauses.pauses if g == 2]
        out[label] = {"max_ms": pauses.longest_ms, "max_cpu_ms": pauses.longest_cpu_ms, "collections": len(pauses.pauses), "full": len(full),
                      "full_max_ms": max(full, default=0) * 1e3, "rss_mb": (before, _rss_mb())}
        print(f"  GC pauses over {requests} requests, {label:<7} thresholds {gc.get_threshold()}"
              f"{' + frozen start-up heap' if label == 'tuned' else ''}: longest {pauses.longest_ms:.1f} ms "
              f"({pauses.longest_cpu_ms:.1f} ms CPU); "
              f"{len(pauses.pauses)} collections, {len(full)} full (longest {max(full, default=0) * 1e3:.1f} ms); "
              f"memory {before:.0f} → {_rss_mb():.0f} MB")
    print(f"  max GC pause over {requests} requests (tuned worker, {thresholds}): {out['tuned']['max_ms']:.1f} ms "
          f"wall, {out['tuned']['max_cpu_ms']:.1f} ms CPU (default: {out['default']['max_ms']:.1f} ms wall, "
          f"{out['default']['max_cpu_ms']:.1f} ms CPU)")
    return out


if __name__ == "__main__":
    main()
