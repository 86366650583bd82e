"""An old office PC on a slow link: Chromium with the CPU throttled 4× and DevTools' "Slow 3G" network
opens a unit's workspace with an empty cache and saves one item by htmx.

`throttled_save` is the scenario, shared by the browser test (tests/e2e/test_slow_network_browser.py, on
the fresh demo year) and this bench (on the provincial year with every item already scored, which is the
heavier page). It prints, and returns, the time to a usable page (the HTML, stylesheet and scripts loaded,
htmx running, the item's Lưu button on screen) and the time from pressing Lưu to "Đã lưu". Nothing is
asserted on the times.

Run from the repository root:  .venv/bin/python bench/slow_browser.py [--runs 3]
"""
import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# DevTools' "Slow 3G" preset (as Puppeteer's PredefinedNetworkConditions): 400 ms × 5 round trip,
# 500 kbit/s × 0.8 each way.
SLOW_3G = {"offline": False, "latency": 2000, "downloadThroughput": 50_000, "uploadThroughput": 50_000}
CPU_SLOWDOWN = 4


def throttled_save(browser, base: str, username: str, password: str) -> dict:
    """Log in (unthrottled), then with an empty cache, 4× CPU and Slow 3G: open the workspace and save the
    first yes/no item with the other answer. Returns the times (s) and what went over the wire."""
    from playwright.sync_api import expect

    from bench.browser import signed_in
    with signed_in(browser, base, username, password) as page:
        workspace = page.url
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.clearBrowserCache")
        cdp.send("Network.emulateNetworkConditions", SLOW_3G)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        page.goto("about:blank")

        started = time.perf_counter()
        page.goto(workspace, wait_until="domcontentloaded")
        page.wait_for_function("() => window.htmx !== undefined && document.readyState !== 'loading'")
        yes_no = page.locator("fieldset legend", has_text="Kết quả")
        box = page.locator("article.item").filter(has=yes_no).first
        button = box.get_by_role("button", name="Lưu")
        expect(button).to_be_visible()
        usable = time.perf_counter() - started
        wire = page.evaluate("""() => performance.getEntriesByType("navigation").concat(
            performance.getEntriesByType("resource")).reduce((n, e) => n + (e.transferSize || 0), 0)""")
        requests = page.evaluate("() => performance.getEntriesByType('resource').length + 1")

        page.evaluate("() => { window.__samePage = true; }")   # gone if the save reloaded the page
        answer = box.get_by_label(re.compile(r"– Không$"))
        (box.get_by_label(re.compile(r"– Có$")) if answer.is_checked() else answer).check()
        code = box.locator(".item-title .code").inner_text()
        pressed = time.perf_counter()
        button.click()
        saved_note = page.locator("article.item").filter(
            has=page.locator(f".item-title .code:text-is('{code}')")).locator(".saved-note")
        expect(saved_note).to_have_text("Đã lưu", timeout=60_000)
        saved = time.perf_counter() - pressed
        same_page = page.evaluate("() => window.__samePage === true")
        return {"usable_s": usable, "saved_s": saved, "wire_bytes": wire, "requests": requests,
                "item": code, "same_page": same_page}


def report_line(result: dict) -> str:
    return (f"usable page {result['usable_s']:.2f} s ({result['requests']} requests, "
            f"{result['wire_bytes'] / 1024:.1f} KB on the wire), item {result['item']} saved "
            f"{result['saved_s']:.2f} s after pressing Lưu")


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    from bench.browser import chromium, served
    from bench.common import machine, quiet_logs
    quiet_logs()
    from bench.world import PASSWORD, reopened_copy
    from portal.db import utcnow
    index = 2
    app, world = reopened_copy("provincial", Path(tempfile.mkdtemp(prefix="cchc-bench-browser-")), [index],
                               now=utcnow())
    print(f"Slow browser bench — {machine()}, Chromium (CPU ×{CPU_SLOWDOWN} slower, Slow 3G: "
          f"{SLOW_3G['latency']} ms, {SLOW_3G['downloadThroughput'] * 8 // 1000} kbit/s), provincial year, "
          f"workspace of {world.staff[index]} with every item scored")
    runs = []
    with served(app) as base, chromium() as browser:
        for n in range(args.runs):
            result = throttled_save(browser, base, world.staff[index], PASSWORD)
            print(f"  run {n + 1}: {report_line(result)}")
            runs.append(result)
    summary = {"usable_s": statistics.median(r["usable_s"] for r in runs),
               "saved_s": statistics.median(r["saved_s"] for r in runs),
               "wire_bytes": runs[-1]["wire_bytes"], "requests": runs[-1]["requests"], "runs": len(runs)}
    print(f"  median of {len(runs)}: usable page {summary['usable_s']:.2f} s, "
          f"saved item {summary['saved_s']:.2f} s")
    return summary


if __name__ == "__main__":
    main()
