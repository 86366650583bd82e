"""`make bench`: every benchmark in sequence, then one summary with the goals, written also as a Markdown
table for the README (bench/out/latest.md) and as JSON (bench/out/latest.json).

  1. the pure scoring core at 2,000 units × 100 items (bench_scoring.py)
  2. pages: workspace, item save, council board, ranking; results computation; first-load weight —
     provincial year, the commune year (demo 2025, 117 units: also the progress board and the synthesis
     PDF) and the national-scale year (bench_pages.py)
  3. the workspace and the item save against their own floor, and GC pauses (bench_floor.py)
  4. throughput against gunicorn next to a minimal Flask page and the floors (bench_throughput.py)
  5. the workspace on a throttled browser: CPU 4×, Slow 3G (slow_browser.py)
  6. the other benchmark scripts of bench/ (reports, load test), when present, as they are

--quick: the provincial and commune years only, fewer runs and shorter load windows, and of the other scripts
only those with a quick mode (about three minutes).
The national-scale year is generated once (about two minutes) and cached in bench/out/cache/.
"""
import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import kb, machine  # noqa: E402  (after the sys.path insertion)

OUT = ROOT / "bench" / "out"
OTHERS = ("bench_reports.py", "bench_communes.py", "load_test.py", "bench_keystrokes.py")    # written by other work; run as they are, if present
# Measured in section 2 already when --quick; the full run adds their seeding time, results document,
# assignments page and ZIP of every notice.
FULL_ONLY = ("bench_communes.py",)


def _section(title: str) -> None:
    print(f"\n{'=' * 100}\n{title}\n{'=' * 100}", flush=True)


def run_scoring() -> None:
    import bench.bench_scoring as scoring
    scoring.main()


def run_others(quick: bool) -> list[tuple[str, str, float]]:
    """Run the other benchmark scripts as they are; with --quick only those that have a --quick option."""
    done = []
    for name in OTHERS:
        script = ROOT / "bench" / name
        if not script.exists():
            continue
        if quick and name in FULL_ONLY:
            done.append((name, "skipped (--quick; its pages are in section 2)", 0.0))
            continue
        if quick and "--quick" not in script.read_text(encoding="utf-8"):
            done.append((name, "skipped (--quick; it has no quick mode)", 0.0))
            continue
        _section(f"bench/{name}")
        started = time.perf_counter()
        code = subprocess.call([sys.executable, str(script), *(["--quick"] if quick else [])], cwd=ROOT)
        done.append((name, f"exit {code}", time.perf_counter() - started))
    return done


def floor_rows(floor: dict | None) -> list[tuple[str, str, str, str]]:
    if not floor:
        return []
    med = floor["medians"]
    rows = []
    for key in ("workspace", "save"):
        ratio = floor[key]
        each = "; ".join(f"{state[key]:.2f} {label}" for label, state in floor.get("states", {}).items())
        rows.append((f"floor: ratio {key}/floor (medians of {floor['rounds']} interleaved rounds)", "≤ 1.5",
                     f"{ratio:.2f} ({med[key]:.1f} ms / {med[key + ' floor']:.1f} ms, {floor['worst'][key]})"
                     + (f" [{each}]" if each else ""),
                     "met" if ratio <= 1.5 else "NOT met"))
    tuned, default = floor["gc"]["tuned"], floor["gc"].get("default")
    rows.append((f"GC pauses (max over {floor['gc_requests']:,} requests of a warm worker, gunicorn.conf.py's "
                 "tuning), CPU time", "≤ 10 ms",
                 f"{tuned['max_cpu_ms']:.1f} ms CPU; {tuned['max_ms']:.1f} ms wall at load {tuned['load']:.1f} "
                 "(waits for a core)" + (f"; CPython defaults {default['max_cpu_ms']:.1f} ms CPU" if default else ""),
                 "met" if tuned["max_cpu_ms"] <= 10 else "NOT met"))
    return rows


def summary_rows(pages: list[dict], load: dict | None,
                 browser: dict | None, floor: dict | None = None) -> list[tuple[str, str, str, str]]:
    """(figure, goal, measured, verdict) rows of the README table."""
    from bench.bench_pages import goal_checks
    rows = floor_rows(floor)
    for result in pages:
        label = {"communes": "commune year"}.get(result["kind"], result["kind"])
        s = result["samples"]
        for what, goal, measured, met in goal_checks(result):
            what = what.removeprefix(f"{label}: ")      # the national checks name their world already
            rows.append((f"{label}: {what}", goal, measured, "met" if met else "NOT met"))
        for key, name in (("board_chair", "council board (chair), p95 / queries"),
                          ("progress", "progress board (admin), p95 / queries"),
                          ("ranking", "ranking page (admin), p95 / queries")):
            if key not in s:
                continue
            measured = f"{s[key].p95_ms:.0f} ms / {s[key].query_range} q, {kb(s[key].wire_bytes)} gzip"
            rows.append((f"{label}: {name}", "—", measured, ""))
        c = result["compute"]
        rows.append((f"{label}: results computation (whole year)", "—",
                     f"{c.median_ms / 1000:.2f} s / {c.query_range} q", ""))
    if load:
        from bench.bench_throughput import baseline_rps
        base = baseline_rps(load)
        for key in ("workspace", "save", "login_page"):     # for reference: the old ⅓-of-hello goal is retired
            r = load[key]
            rows.append((f"throughput: {r.name.replace('portal: ', '')}", "—",
                         f"{r.rps:.0f} req/s = {r.rps / base:.2f} × the minimal page's {base:.0f} req/s", ""))
        for key in ("workspace", "save"):
            low = load.get(f"{key}_floor")
            if low is not None and low.rps:
                rows.append((f"throughput: {key} beside its floor (same gunicorn, same run)", "printed",
                             f"{load[key].rps:.1f} req/s against {low.rps:.1f} req/s "
                             f"= {load[key].rps / low.rps:.2f} of the floor", "printed"))
    if browser:
        measured = (f"{browser['usable_s']:.1f} s / {browser['saved_s']:.1f} s "
                    f"({kb(browser['wire_bytes'])} on the wire)")
        rows.append(("throttled browser (CPU 4×, Slow 3G): usable workspace / saved item", "printed",
                     measured, ""))
    return rows


def load_note(loads: list[float]) -> str:
    """The machine's load while measuring (other work on a shared machine slows every figure)."""
    return (f"1-minute load average {min(loads):.1f}–{max(loads):.1f} on {os.cpu_count()} cores "
            "during the run")


def write_outputs(rows, started: float, quick: bool, loads: list[float]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    when = time.strftime("%Y-%m-%d")
    lines = [f"Measured {when} on {machine()}{' (--quick)' if quick else ''}; {load_note(loads)}.", "",
             "| figure | goal | measured | |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    (OUT / "latest.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (OUT / "latest.json").write_text(json.dumps({"date": when, "machine": machine(), "quick": quick,
                                                 "load_average": loads,
                                                 "seconds": round(time.perf_counter() - started),
                                                 "rows": rows}, ensure_ascii=False, indent=1),
                                     encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="provincial and commune years only, fewer runs")
    parser.add_argument("--no-browser", action="store_true", help="skip the throttled-browser run")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    loads = [os.getloadavg()[0]]
    print(f"make bench — {machine()}; load average {loads[0]:.1f}")

    _section("1. Scoring core (pure Python, no database)")
    run_scoring()

    loads.append(os.getloadavg()[0])
    _section("2. Pages, results computation and first-load weight (in process)")
    import bench.bench_pages as pages
    page_results = pages.main(["--only", "provincial", "--only", "communes", "--quick"] if args.quick else [])

    loads.append(os.getloadavg()[0])
    _section("3. The workspace and the item save against their own floor; GC pauses")
    import bench.bench_floor as floor_bench
    floor = floor_bench.main(["--quick"] if args.quick else [])

    loads.append(os.getloadavg()[0])
    _section("4. Throughput: gunicorn on loopback, against a minimal Flask page and the floors")
    import bench.bench_throughput as throughput
    load = throughput.main(["--quick"] if args.quick else [])

    browser = None
    if not args.no_browser:
        loads.append(os.getloadavg()[0])
        _section("5. Throttled browser: CPU 4×, Slow 3G")
        import bench.slow_browser as slow
        try:
            browser = slow.main(["--runs", "1" if args.quick else "3"])
        except Exception as error:  # noqa: BLE001  (no Chromium here, or it crashed: keep the other figures)
            print(f"  skipped: {error}")

    loads.append(os.getloadavg()[0])
    others = run_others(args.quick)

    loads.append(os.getloadavg()[0])
    rows = summary_rows(page_results, load, browser, floor)
    _section(f"Summary — {machine()}; {load_note(loads)}")
    width = max(len(r[0]) for r in rows)
    for figure, goal, measured, verdict in rows:
        print(f"  {figure:<{width}}  {goal:<18} {measured:<40} {verdict}")
    for name, outcome, seconds in others:
        print(f"  bench/{name}: {outcome}" + (f" after {seconds:.0f} s" if seconds else ""))
    write_outputs(rows, started, args.quick, loads)
    print(f"\n  README table written to {OUT.relative_to(ROOT)}/latest.md; "
          f"total {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
