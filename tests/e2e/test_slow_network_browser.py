"""An old office PC on a slow link: CPU throttled 4× and DevTools' Slow 3G network (bench/slow_browser.py).
The 56-item workspace opens with an empty cache and an item is saved by htmx; the times are printed, and
only that the page became usable and the save succeeded is asserted (no time limit)."""
import pytest

from bench.slow_browser import report_line, throttled_save
from tests.e2e.browser_helpers import PASSWORD

pytestmark = pytest.mark.e2e


def test_workspace_usable_and_item_saved_on_a_slow_pc_and_link(browser, demo, capsys):
    result = throttled_save(browser, demo, "stp.canbo", PASSWORD)
    assert result["same_page"]                            # saved by htmx, without reloading the page
    assert result["usable_s"] > 0 and result["saved_s"] > 0
    with capsys.disabled():
        print(f"\n[slow PC, Slow 3G] {report_line(result)}")
