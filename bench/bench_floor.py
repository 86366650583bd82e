"""The unit workspace and the item save measured against their own floor: the same response produced the
cheapest way this stack allows (bench/floor.py: one SQL statement and one flat template, served by the
portal through a route registered in this process only).

Before measuring, the floor's HTML is compared with the real page's (white space and CSRF tokens
normalised): a floor that drew a different page would measure nothing. Then real and floor requests are
interleaved in one process (real, floor, real, floor, …) so that both see the same machine: this machine
has 2 cores shared with other work, and the ratio of the medians is far steadier than either median.

Also printed: the garbage collector's longest pause over 2,000 requests of a warm worker (bench/bench_gc.py,
in a fresh process tuned by gunicorn.conf.py's hook; in CPU time, the goal's measure, and in wall-clock
time) — and, for comparison, with CPython's defaults (--quick: 300 requests, tuned only).

Two files are measured one after the other: the generated file as it is (its entries filled in bulk, so no
item has a change list), then the same file "in use", with two audited changes added to each scored item
(bench/world.py add_change_history), so that every item draws its change list. Prints, for each, the raw
medians, queries and ratios; then one line per page, `ratio workspace/floor: X.XX` and `ratio save/floor:
X.XX`, the higher of the two files (each file's in brackets). Nothing is asserted. --quick: fewer rounds
(under a minute on a quiet machine; the full run measures the GC over 2,000 requests twice and takes several
minutes).

Run from the repository root:  .venv/bin/python bench/bench_floor.py [--quick]
"""
import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import VERSION_RE, QueryCounter, bench_app, machine, quiet_logs, text_of  # noqa: E402
from bench.world import (PASSWORD, add_change_history, cached_world, reopen_self_assessment,  # noqa: E402
                         working_copy)


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
    client.username = username
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


#: The two files measured, one after the other: as generated, then with a change list on every item.
STATES = ("fresh file", "file in use")
HISTORY_CHANGES = 2


def measure(client, counter, aid: int, cid: int, rounds: int) -> dict:
    """Check that the floor draws the same HTML, then the interleaved rounds: {"workspace": ratio, "save":
    ratio, "medians": {name: ms}}. Exits when the floor draws something else."""
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
    timings = interleaved(counter, {"workspace": lambda: client.get(page_url),
                                    "workspace floor": lambda: client.get(floor_url),
                                    "save": save(""), "save floor": save("/bench-floor")}, rounds)
    med = {name: statistics.median(s) * 1e3 for name, (s, _q) in timings.items()}
    print(f"  {rounds} interleaved rounds (real, floor, real save, floor save); medians:")
    for name, (_seconds, queries) in timings.items():
        print(f"    {name:<18} {med[name]:7.2f} ms   queries {min(queries)}–{max(queries)}")
    out = {"workspace": med["workspace"] / med["workspace floor"], "save": med["save"] / med["save floor"],
           "medians": med}
    print(f"  ratio workspace/floor: {out['workspace']:.2f}   ratio save/floor: {out['save']:.2f}")
    again = check_same_output(client, aid, cid)
    print("  after the measured saves (the item's change list now cut): floor output "
          + ("= real output" if not again else f"DIFFERS: {again}"))
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
    states = {}
    for label in STATES:
        if label == "file in use":
            from portal.extensions import db
            with app.app_context():
                written = add_change_history(aid, client.username, changes=HISTORY_CHANGES)
                db.session.commit()
            print(f"\n  {label}: {written} audited changes added ({HISTORY_CHANGES} per scored item), so each "
                  "item shows its change list")
        else:
            print(f"\n  {label}: the generated file, its entries filled without audited changes")
        states[label] = measure(client, counter, aid, cid, rounds)
    worst = {key: max(states, key=lambda label: states[label][key]) for key in ("workspace", "save")}
    medians = {name: ms for key in ("workspace", "save")
               for name, ms in states[worst[key]]["medians"].items() if name.startswith(key)}
    result = {"workspace": states[worst["workspace"]]["workspace"], "save": states[worst["save"]]["save"],
              "medians": medians, "worst": worst, "rounds": rounds, "states": states}
    print()
    for key in ("workspace", "save"):
        each = "; ".join(f"{states[label][key]:.2f} ({label})" for label in STATES)
        print(f"  ratio {key}/floor: {result[key]:.2f}   [{each}]")
    result["gc_requests"] = 300 if args.quick else 2000
    result["gc"] = gc_pauses(result["gc_requests"], compare=not args.quick)
    return result


def gc_pauses(requests: int, *, compare: bool = True) -> dict:
    """The collector's pauses over `requests` requests of a warm worker, in a fresh process tuned by
    gunicorn.conf.py's own hook (bench/bench_gc.py); with `compare`, also with CPython's defaults."""
    from bench.bench_gc import goal_line, in_fresh_process, line
    out = {"tuned": in_fresh_process(requests)}
    if compare:
        out["default"] = in_fresh_process(requests, tuned=False)
    for label, figures in out.items():
        print(line(label, figures))
    print(goal_line(out["tuned"], out.get("default")))
    return out


if __name__ == "__main__":
    main()
