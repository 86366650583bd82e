"""The guide's screenshots are taken by bench/guide_screens.py (`make guide`): here its `take` step runs on
the test server for two shots (a visitor's page and a unit's file) and writes both languages' WebP images
at 1024×768; the guide's pages then load in Chromium without a console error or a missing image."""
import io

import pytest
from PIL import Image, ImageChops

from bench.guide_screens import SHOTS, take
from portal.guide.content import ROLES
from tests.e2e.browser_helpers import seed_year, watch_console

# No per-test emptying of the tables (keep_tables): the module seeds once.
pytestmark = [pytest.mark.e2e, pytest.mark.keep_tables]


@pytest.fixture(scope="module")
def world(app):
    ids = seed_year(app, "self_assessment")
    return {"year": ids["year"], "year2022": ids["year"], **ids["assessments"],
            **{f"u_{code}": unit_id for code, unit_id in ids["units"].items()}}


def test_the_screenshot_step_writes_both_languages_at_1024_by_768(browser, _server, world, tmp_path):
    shots = [s for s in SHOTS if s.name in ("login", "staff-workspace")]
    written = take(browser, _server, shots, world, tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in written) == [
        "en/login.webp", "en/staff-workspace.webp", "vi/login.webp", "vi/staff-workspace.webp"]
    images = {p.relative_to(tmp_path).as_posix(): Image.open(io.BytesIO(p.read_bytes())).convert("RGB")
              for p in written}
    for name, image in images.items():
        assert image.size == (1024, 768), name
        assert len(image.convert("L").getcolors(maxcolors=1 << 16) or range(1 << 16)) > 16, f"{name} is blank"
    # the two languages are two different pictures of the same page
    assert ImageChops.difference(images["vi/login.webp"], images["en/login.webp"]).getbbox() is not None


def test_the_guide_pages_load_every_image_without_a_console_error(browser, _server):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1024, "height": 768})
    page = context.new_page()
    errors = watch_console(page)
    for guide in ROLES:
        page.goto(f"{_server}/huong-dan/{guide.slug}")
        # lazy images load as they scroll into view: bring every one in and wait for it
        broken = page.evaluate("""async () => {
            const out = [];
            for (const img of document.querySelectorAll(".guide-step img")) {
                img.loading = "eager";
                img.scrollIntoView();
                if (!img.complete) { await new Promise(r => { img.onload = img.onerror = r; }); }
                if (!img.naturalWidth) { out.push(img.getAttribute("src")); }
            }
            return out;
        }""")
        assert broken == [], f"{guide.slug}: {broken}"
    assert errors == []
    context.close()
