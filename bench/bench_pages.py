"""Server time, queries and bytes of the pages people wait on, for the provincial year (31 units × 56
items), the commune year (the demo's 2025: 15 departments and 102 communes, as `seed-demo --year 2025
--phase synthesis` makes it) and the national-scale year (2,000 units × 100 items), plus the results
computation and the first-load weight of the unit workspace.

Pages, measured in process (Flask test client, SQLite, gzip accepted as a browser does):
  * the unit workspace (Tự đánh giá) of a unit whose file is full of its own work, reopened in
    self-assessment — the whole page, and one item as an htmx fragment;
  * an item save as htmx (the fragment the browser swaps in) and as a plain form post (303, no JS);
  * the council board (Thẩm định) as the chair and as a member — whole page and the table fragment;
  * the ranking page (Kết quả) as the admin — whole page and the results panel fragment — and, last, once a
    decision is in force (the approval's snapshot);
  * the results computation (Tính kết quả) of the whole year, in process;
  * for the commune year also the progress board (Tiến độ) and the synthesis report's PDF
    (bench/bench_communes.py), with their budgets of issue 14. The commune year is measured as a gunicorn
    worker serves it (start-up heap frozen, portal.gc_tuning), as bench_communes.py always did; the other
    years with CPython's default collector, as before.
Each figure is the median and p95 of N requests after warm-up, the SQL statements per request (BEGIN and
COMMIT not counted) and the body size as sent (gzip) and uncompressed. Nothing is asserted.

Run from the repository root:  .venv/bin/python bench/bench_pages.py [--quick] [--only provincial|communes|national]
                               [--postgres postgresql://postgres@127.0.0.1:5432/cchc_perf]
"""
import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (  # noqa: E402
    VERSION_RE,
    QueryCounter,
    Sample,
    bench_app,
    kb,
    machine,
    measure,
    percentile,
    quiet_logs,
    text_of,
)
from bench.world import (  # noqa: E402
    PASSWORD,
    cached_world,
    fresh_postgres_world,
    place_synthesis,
    reopen_self_assessment,
    working_copy,
)

GOALS = {"workspace_p95_ms": 150, "workspace_queries": 20, "save_p95_ms": 50, "fragment_bytes": 5 * 1024,
         "first_load_bytes": 60 * 1024, "national_compute_s": 1.5, "national_ranking_p95_ms": 100}
NATIONAL_FACTOR = 2      # the national-scale year may take twice the provincial goals' times
ASSET_RE = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"')


KINDS = ("provincial", "communes", "national")
TITLES = {"provincial": "Provincial year", "communes": "Commune year (demo 2025; GC as in a gunicorn worker)",
          "national": "National-scale year"}


def _runs(quick: bool, kind: str) -> dict:
    """Requests per page; `budget` caps the seconds spent on one slow page (at least 3 runs are kept)."""
    if kind in ("provincial", "communes"):
        return {"page": 15 if quick else 40, "board": 10 if quick else 30, "compute": 3 if quick else 5,
                "budget": None, "warmup": 2}
    return {"page": 8 if quick else 20, "board": 3 if quick else 8, "compute": 1 if quick else 3,
            "budget": 5 if quick else 12, "warmup": 1}


def _people(kind: str) -> dict:
    if kind in ("provincial", "communes"):
        return {"admin": "admin", "chair": "chutich", "member": "tv.stp"}
    return {"admin": "admin", "chair": "chutich", "member": "tv.2"}


def _save_target(app, assessment_id: int):
    """A yes/no (or levels) item of the assessment's set and two inputs that give different points."""
    from sqlalchemy import select

    from portal.assessments.models import Assessment
    from portal.criteria.models import Criterion
    from portal.extensions import db
    with app.app_context():
        a = db.session.get(Assessment, assessment_id)
        crits = db.session.scalars(select(Criterion).where(Criterion.set_id == a.criteria_set_id,
                                                           Criterion.kind == "item")
                                   .order_by(Criterion.position, Criterion.id)).all()
        crit = next(c for c in crits if c.method == "yes_no")
        return crit.id, ({"yes": "1", "note": "Đã ban hành đúng hạn."},
                         {"yes": "0", "note": "Chưa ban hành."})


def first_load(client, html: str) -> dict:
    """Bytes on the wire (gzip as served) of the page's HTML and of every stylesheet and script it loads."""
    out = {"html": len(html.encode()), "css": 0, "js": 0, "assets": []}
    for url in ASSET_RE.findall(html):
        response = client.get(url.replace("&amp;", "&"))
        size = len(response.get_data())
        out["css" if ".css" in url else "js"] += size
        out["assets"].append((url.split("?")[0], size, response.headers.get("Content-Encoding", "identity")))
    return out


def bench_world(kind: str, *, quick: bool, now, log=print, postgres: str | None = None) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="cchc-bench-pages-"))
    if postgres:
        world, generated = fresh_postgres_world(kind, postgres, now=now, log=log), True
        app = bench_app(postgres, instance=str(workdir / "instance"))
    else:
        path, world, generated = cached_world(kind, now=now, log=log)
        copy = working_copy(path, workdir)
        app = bench_app(f"sqlite:///{copy}", instance=str(workdir / "instance"))
    from portal.extensions import db
    with app.app_context():
        counter = QueryCounter(db.engine)
        place_synthesis(world, now=now)
        db.session.commit()
    runs, who = _runs(quick, kind), _people(kind)
    # the commune year is measured as a gunicorn worker serves it (bench_communes.py's figures and budgets);
    # the process is untuned again after this year
    gc_before = tune_as_worker(app) if kind == "communes" else None
    samples: dict[str, Sample] = {}
    admin = app.test_client().log_in(who["admin"], PASSWORD)
    chair = app.test_client().log_in(who["chair"], PASSWORD)
    member = app.test_client().log_in(who["member"], PASSWORD)

    # ---- the baseline: a bare Flask page through the same test client, in this run (the ratio to it is
    # less sensitive to other work on a shared machine than the milliseconds themselves)
    from bench.wsgi import minimal
    bare = minimal()
    bare.test_client_class = type(admin)
    with QueryCounter.detached() as none:
        samples["baseline"] = measure("baseline: minimal Flask page", none, bare.test_client().get,
                                      runs=runs["page"])

    # ---- synthesis: the council board and the ranking, as generated (every round done, results computed)
    slow = {"runs": runs["board"], "warmup": runs["warmup"], "budget_s": runs["budget"]}
    samples["board_chair"] = measure("council board, chair (page)", counter, lambda: chair.get("/appraisal/"),
                                     **slow)
    samples["board_fragment"] = measure(
        "council board, chair (htmx table)", counter,
        lambda: chair.get(f"/appraisal/?type={'commune' if kind == 'communes' else 'district'}", htmx=True,
                          headers={"HX-Target": "board-table"}),
        **slow)
    samples["board_member"] = measure("council board, member (page)", counter,
                                      lambda: member.get("/appraisal/"), **slow)
    year_id = world.year_id
    # the ranking is paged (100 units a page), so the national year gets as many runs as a plain page;
    # its CPU time is kept beside the wall time (the machine is shared: waiting for a core is not work)
    ranking_cpu: list[float] = []
    samples["ranking"] = measure("ranking page, admin (page)", counter,
                                 _cpu_timed(lambda: admin.get(f"/results/{year_id}"), ranking_cpu),
                                 runs=runs["page"], warmup=runs["warmup"])
    del ranking_cpu[:runs["warmup"]]
    samples["ranking_fragment"] = measure(
        "ranking page (htmx results panel)", counter,
        lambda: admin.get(f"/results/{year_id}", htmx=True, headers={"HX-Target": "results-panel"}),
        runs=runs["page"], warmup=runs["warmup"])
    samples["ranking_page_2"] = measure("ranking page, admin (page 2)", counter,
                                        lambda: admin.get(f"/results/{year_id}?trang=2"),
                                        runs=runs["page"], warmup=runs["warmup"])
    extra = _commune_extras(app, counter, admin, world, slow, quick) if kind == "communes" else {}
    samples.update(extra.pop("samples", {}))
    compute = _compute(app, counter, world, runs["compute"], now)

    # ---- self-assessment: one unit's full file reopened as a draft (a commune in the commune year)
    index = 2 if kind == "provincial" else len(world.assessment_ids) // 2
    assessment_id, username = world.assessment_ids[index], world.staff[index]
    with app.app_context():
        reopen_self_assessment(world, [assessment_id], now=now)
        db.session.commit()
    staff = app.test_client().log_in(username, PASSWORD)
    url = f"/assessment/{assessment_id}"
    samples["workspace"] = measure("unit workspace (page)", counter, lambda: staff.get(url),
                                   runs=runs["page"])
    weight = first_load(app.test_client().log_in(username, PASSWORD), text_of(staff.get(url)))
    weight["html"] = samples["workspace"].wire_bytes
    crit_id, forms = _save_target(app, assessment_id)
    item_url = f"{url}/items/{crit_id}"
    samples["item_fragment"] = measure("unit workspace, one item (htmx GET)", counter,
                                       lambda: staff.get(item_url, htmx=True), runs=runs["page"])
    state = {"n": 0, "version": int(VERSION_RE.search(text_of(staff.get(item_url, htmx=True))).group(1))}

    def save(htmx: bool):
        state["n"] += 1
        form = {**forms[state["n"] % 2], "version": state["version"]}
        response = staff.post(item_url, htmx=htmx, data=form)
        if htmx and response.status_code == 200:
            state["version"] = int(VERSION_RE.search(text_of(response)).group(1))
        elif response.status_code == 303:
            state["version"] += 1
        return response

    samples["save"] = measure("item save (htmx fragment)", counter, lambda: save(True), runs=runs["page"])
    samples["save_nojs"] = measure("item save (form post, 303)", counter, lambda: save(False),
                                   runs=runs["page"], expect=(303,))
    # ---- the ranking once a decision is in force: the page reads the approval's frozen snapshot (last, as
    # the year then leaves synthesis)
    samples["ranking_approved"] = _approved_ranking(app, counter, admin, world, runs, now)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if gc_before:
        untune(gc_before)
    return {"kind": kind, "world": world.label, "generated": generated, "samples": samples,
            "compute": compute, "weight": weight, "unit": username, "ranking_cpu": ranking_cpu,
            "load": os.getloadavg(),
            "database": "PostgreSQL" if postgres else "SQLite", **extra}


def _commune_extras(app, counter, admin, world, slow: dict, quick: bool) -> dict:
    """The commune year's own figures (bench/bench_communes.py): the progress board and the synthesis PDF."""
    from bench.bench_communes import synthesis_pdf
    from portal.extensions import db
    from portal.years.models import AssessmentYear
    progress = measure("progress board, admin (page)", counter,
                       lambda: admin.get(f"/admin/year/{world.year_id}/progress"), **slow)
    with app.app_context():
        pdf = synthesis_pdf(db.session.get(AssessmentYear, world.year_id), repeat=1 if quick else 3)
        db.session.rollback()
    return {"samples": {"progress": progress}, "synthesis": pdf}


def tune_as_worker(app) -> tuple:
    """Collect as a warm gunicorn worker does (portal.gc_tuning.tune); returns what `untune` restores."""
    import gc

    from portal.gc_tuning import tune
    before = gc.get_threshold()
    tune(app)
    return before


def untune(thresholds: tuple) -> None:
    import gc
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def _cpu_timed(request, sink: list[float]):
    """`request` that also appends the CPU seconds of each call to `sink`."""
    def call():
        began = time.process_time()
        response = request()
        sink.append(time.process_time() - began)
        return response
    return call


def _approved_ranking(app, counter, admin, world, runs: dict, now) -> Sample:
    """Page 2 of the ranking in the approval phase: a decision freezing the results as computed is written
    directly (as portal.results.approval.approve freezes them, without its checks) and the year moved on."""
    from datetime import date

    from portal.extensions import db
    from portal.results.document import results_document
    from portal.results.models import Approval
    from portal.years.models import AssessmentYear
    with app.app_context():
        year = db.session.get(AssessmentYear, world.year_id)
        snapshot = dict(results_document(year), decision={"number": "1/QĐ-BENCH", "date": "2023-03-31"},
                        approved_at=now.isoformat(), report_settings=dict(year.report_settings or {}))
        db.session.add(Approval(year_id=year.id, decision_number="1/QĐ-BENCH", decision_date=date(2023, 3, 31),
                                approved_at=now, snapshot=snapshot))
        year.phase = "approval"
        db.session.commit()
    return measure("ranking page, approval phase (page 2)", counter,
                   lambda: admin.get(f"/results/{world.year_id}?trang=2"), runs=runs["page"], warmup=runs["warmup"])


def _compute(app, counter, world, runs: int, now) -> Sample:
    """Tính kết quả for the whole year, in process (rolled back, so each run starts from the same rows)."""
    from sqlalchemy import select

    from portal.auth.models import User
    from portal.extensions import db
    from portal.results.services import compute_results
    from portal.years.models import AssessmentYear
    sample = Sample("results computation (whole year)")
    sample.cpu_seconds = []
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        for _ in range(runs):
            year = db.session.get(AssessmentYear, world.year_id)
            counter.reset()
            started, cpu = time.perf_counter(), time.process_time()
            compute_results(year, user=admin, now=now)
            db.session.flush()
            sample.seconds.append(time.perf_counter() - started)
            sample.cpu_seconds.append(time.process_time() - cpu)
            sample.queries.append(counter.count)
            db.session.rollback()
    return sample


# ------------------------------------------------------------------------------------------ report


def _row(s: Sample) -> str:
    size = f"{kb(s.wire_bytes):>9} {kb(s.raw_bytes):>9}" if s.raw_bytes else f"{'—':>9} {'—':>9}"
    return (f"  {s.name:<38} {len(s.seconds):>4} {s.median_ms:>8.1f} {s.p95_ms:>8.1f} {s.cpu_median_ms:>7.1f} "
            f"{s.query_range:>8} {size}")


def goal_checks(result: dict) -> list[tuple[str, str, str, bool]]:
    """(what, goal, measured, met) for one world; the national year gets twice the times."""
    s, factor = result["samples"], (NATIONAL_FACTOR if result["kind"] == "national" else 1)
    w = result["weight"]
    total = w["html"] + w["css"] + w["js"]
    checks = [
        ("unit workspace p95", f"< {GOALS['workspace_p95_ms'] * factor} ms",
         f"{s['workspace'].p95_ms:.0f} ms ({s['workspace'].cpu_median_ms:.0f} ms CPU median)",
         s["workspace"].p95_ms < GOALS["workspace_p95_ms"] * factor),
        ("unit workspace queries", f"< {GOALS['workspace_queries']}", s["workspace"].query_range,
         max(s["workspace"].queries) < GOALS["workspace_queries"]),
        ("item save p95", f"< {GOALS['save_p95_ms'] * factor} ms",
         f"{s['save'].p95_ms:.0f} ms ({s['save'].cpu_median_ms:.0f} ms CPU median)",
         s["save"].p95_ms < GOALS["save_p95_ms"] * factor),
        ("item save fragment (gzip / raw)", "< 5 KB",
         f"{kb(s['save'].wire_bytes)} / {kb(s['save'].raw_bytes)}",
         s["save"].wire_bytes < GOALS["fragment_bytes"]),
    ]
    if result["kind"] == "communes":
        from bench.bench_communes import BUDGETS
        for key, what in (("board_chair", "council board (chair) p95"), ("progress", "progress board p95")):
            budget = BUDGETS["board"] * 1e3
            checks.append((what, f"< {budget:.0f} ms", f"{s[key].p95_ms:.0f} ms ({s[key].cpu_median_ms:.0f} ms CPU median)",
                           s[key].p95_ms < budget))
        pdf = result["synthesis"]
        checks.append(("synthesis PDF", f"< {BUDGETS['synthesis']:.0f} s",
                       f"{pdf['wall']:.2f} s ({pdf['cpu']:.2f} s CPU; {pdf['note']})", pdf["wall"] < BUDGETS["synthesis"]))
    if result["kind"] != "national":
        checks.append(("first load of the workspace (HTML+CSS+JS, gzip)", "< 60 KB", kb(total),
                       total < GOALS["first_load_bytes"]))
    else:
        c, cpu = result["compute"], result["ranking_cpu"]
        compute_cpu = statistics.median(c.cpu_seconds)
        checks.append(("national: results computation (median CPU)", f"≤ {GOALS['national_compute_s']} s",
                       f"{compute_cpu:.2f} s CPU ({c.median_ms / 1e3:.2f} s wall)",
                       compute_cpu <= GOALS["national_compute_s"]))
        ranking = s["ranking"]
        checks.append(("national: ranking page p95", f"≤ {GOALS['national_ranking_p95_ms']} ms",
                       f"{ranking.p95_ms:.0f} ms (CPU p95 {percentile(cpu, 95) * 1e3:.0f} ms, median "
                       f"{statistics.median(cpu) * 1e3:.0f} ms; {ranking.query_range} q)",
                       ranking.p95_ms <= GOALS["national_ranking_p95_ms"]))
    return checks


def report(result: dict) -> None:
    print(f"\n{TITLES[result['kind']]} — {result['world']} ({result['database']}; "
          f"unit {result['unit']}; load average {' '.join(f'{x:.1f}' for x in result['load'])})"
          + ("  [generated this run]" if result["generated"] else ""))
    base = result["samples"]["baseline"].median_ms
    print(f"  {'page':<38} {'runs':>4} {'med ms':>8} {'p95 ms':>8} {'CPU ms':>7} {'queries':>8} {'gzip':>9} {'raw':>9} "
          f"{'× base':>7}")
    for s in result["samples"].values():
        print(_row(s) + f" {s.median_ms / base:>7.0f}")
    c = result["compute"]
    print(f"  {c.name:<38} {len(c.seconds):>4} {c.median_ms:>8.0f} {percentile(c.seconds, 95) * 1e3:>8.0f} "
          f"{'—':>7} {c.query_range:>8}")
    w = result["weight"]
    total = w["html"] + w["css"] + w["js"]
    print(f"  first load of the workspace: HTML {kb(w['html'])} + CSS {kb(w['css'])} + JS {kb(w['js'])} "
          f"= {kb(total)} on the wire")
    for url, size, encoding in w["assets"]:
        print(f"    {url:<44} {kb(size):>9} ({encoding})")
    print("  goals:")
    for what, goal, measured, met in goal_checks(result):
        print(f"    {what:<48} {goal:<10} {measured:<20} {'met' if met else 'NOT met'}")


def main(argv=None) -> list[dict]:
    quiet_logs()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs (the figures are noisier)")
    parser.add_argument("--only", choices=KINDS, action="append",
                        help="measure this year only (may be given more than once)")
    parser.add_argument("--postgres", metavar="URL", help="measure on PostgreSQL instead of SQLite: the database "
                        "named in URL is dropped and generated afresh (no cache; the national year takes minutes)")
    args = parser.parse_args(argv)
    from portal.db import utcnow
    print(f"Page bench — {machine()}")
    results = []
    for kind in KINDS:
        if args.only and kind not in args.only:
            continue
        result = bench_world(kind, quick=args.quick, now=utcnow(), postgres=args.postgres)
        report(result)
        results.append(result)
    return results


if __name__ == "__main__":
    main()
