"""Page weight budgets of the unit workspace, on the provincial demo year filled up to synthesis and one
unit's file reopened in self-assessment (all 56 items scored, evidence attached): what an office PC on a
slow link downloads. Bytes are exact for given data, so these budgets are asserted; times never are.

* first load: the page's HTML plus every stylesheet and script it loads, gzip as served — under 60 KB;
* an item save by htmx: the fragment swapped in (item, field total and summary out of band) — under 5 KB
  on the wire;
* the page must not grow with the size of the unit's evidence library (a document picker per item would
  repeat the whole library 56 times).
"""
import gzip
import re
from datetime import date

import pytest
from sqlalchemy import insert, select

from bench.world import describe, reopen_self_assessment
from portal.criteria.models import Criterion
from portal.db import utcnow
from portal.evidence.models import EvidenceDocument
from portal.extensions import db
from portal.seed import seed_demo

GZIP = {"Accept-Encoding": "gzip"}
FIRST_LOAD_BUDGET = 60 * 1024
FRAGMENT_BUDGET = 5 * 1024
ASSET = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"')
EXTRA_DOCUMENTS = 100
LIBRARY_GROWTH_BUDGET = 40 * 1024      # raw bytes the page may gain for 100 more documents (a list once)


def _text(response) -> str:
    data = response.get_data()
    if response.headers.get("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    return data.decode()


@pytest.fixture
def workspace(ctx, auth):
    """(logged-in staff client, workspace URL, unit id, year id) of Sở Tư pháp's full file, reopened."""
    info = seed_demo(now=utcnow(), phase="synthesis")
    db.session.commit()
    world = describe(info["year"].id)
    index = world.staff.index("stp.canbo")
    reopen_self_assessment(world, [world.assessment_ids[index]], now=utcnow())
    db.session.commit()
    client = auth.login("stp.canbo", info["password"])
    return client, f"/assessment/{world.assessment_ids[index]}", world.unit_ids[index], world.year_id


def test_first_load_of_the_workspace_is_under_60_kb(workspace):
    client, url, _unit, _year = workspace
    page = client.get(url, headers=GZIP)
    assert page.status_code == 200 and page.headers["Content-Encoding"] == "gzip"
    html = _text(page)
    assert html.count('class="item') >= 56
    total, parts = len(page.get_data()), {"html": len(page.get_data())}
    for asset in ASSET.findall(html):
        response = client.get(asset.replace("&amp;", "&"), headers=GZIP)
        assert response.status_code == 200
        parts[asset.split("?")[0]] = len(response.get_data())
        total += len(response.get_data())
    assert any(name.endswith(".css") for name in parts) and any(name.endswith(".js") for name in parts)
    assert total < FIRST_LOAD_BUDGET, parts


def test_item_save_fragment_is_under_5_kb_on_the_wire(workspace):
    client, url, _unit, _year = workspace
    html = _text(client.get(url))
    crit_id = next(int(cid) for cid in re.findall(rf'action="{url}/items/(\d+)"', html)
                   if db.session.get(Criterion, int(cid)).method == "yes_no")
    fragment = _text(client.get(f"{url}/items/{crit_id}", htmx=True))
    version = re.search(r'name="version" value="(\d+)"', fragment).group(1)
    saved = client.post(f"{url}/items/{crit_id}", htmx=True, headers=GZIP,
                        data={"yes": "0", "note": "Chưa ban hành trong năm.", "version": version})
    assert saved.status_code == 200 and "Đã lưu" in _text(saved)
    assert 'hx-swap-oob="true"' in _text(saved) and "<html" not in _text(saved)
    assert len(saved.get_data()) < FRAGMENT_BUDGET, (len(saved.get_data()), len(_text(saved).encode()))


def test_workspace_does_not_grow_with_the_evidence_library(workspace):
    client, url, unit_id, year_id = workspace
    before = len(_text(client.get(url)).encode())
    staff = db.session.scalar(select(EvidenceDocument.created_by_id).where(EvidenceDocument.unit_id == unit_id))
    db.session.execute(insert(EvidenceDocument), [
        {"unit_id": unit_id, "year_id": year_id, "symbol": f"{n}/KH-STP", "issued_on": date(2022, 3, 1),
         "issuer": "Sở Tư pháp", "summary": f"Kế hoạch thực hiện nhiệm vụ cải cách hành chính số {n}",
         "created_by_id": staff, "created_at": utcnow()} for n in range(1, EXTRA_DOCUMENTS + 1)])
    db.session.commit()
    after = len(_text(client.get(url)).encode())
    assert after - before < LIBRARY_GROWTH_BUDGET, (before, after)
