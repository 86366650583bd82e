"""The fragment an item save returns keeps its size however often the item was saved: the item lists its
latest changes only, with a link to the item's history page, which lists them all (for those who may see
the file)."""
import re

import pytest
from sqlalchemy import select

from portal.assessments.models import Assessment
from portal.assessments.services import save_self_item
from portal.auth.models import User
from portal.criteria.models import Criterion
from portal.db import utcnow
from portal.extensions import db
from tests.web.assess_setup import build

VERSION = re.compile(r'name="version" value="(\d+)"')


@pytest.fixture
def s(ctx):
    return build()


def _save(client, url, version, n):
    response = client.post(url, headers={"HX-Request": "true"},
                           data={"yes": str(n % 2), "note": f"Lần lưu số {n:04d}", "version": str(version)})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return html, int(VERSION.search(html).group(1))


def _saves_in_process(s, crit, count, first):
    """Earlier saves through the same service as the route (faster than HTTP for a long history)."""
    assessment = db.session.get(Assessment, s.a_id)
    staff = db.session.query(User).filter_by(username="a.staff").one()
    for n in range(first, first + count):
        entry = save_self_item(assessment, crit, {"yes": str(n % 2), "note": f"Lần lưu số {n:04d}"},
                               expected_version=n - 1, actor=staff, now=utcnow())
        assert entry.version == n
    db.session.commit()


def test_save_fragment_keeps_its_size_from_1_to_200_saves(s, auth):
    client = auth.sign_in("a.staff")
    crit = db.session.scalar(select(Criterion).where(Criterion.set_id == s.set_id, Criterion.method == "yes_no")
                             .order_by(Criterion.position, Criterion.id).limit(1))
    url = f"/assessment/{s.a_id}/items/{crit.id}"
    after_1, version = _save(client, url, 0, 1)
    _saves_in_process(s, crit, 98, first=2)
    after_100, version = _save(client, url, 99, 100)
    _saves_in_process(s, crit, 99, first=101)
    after_200, version = _save(client, url, 199, 200)
    assert version == 200
    assert "Các lần thay đổi (200)" in after_200 and after_200.count("<li><time") == 5
    # from the sixth save on the fragment has a constant size (100 and 200 saves: the same number of bytes);
    # against the first save it carries at most the four more listed changes and the link (≈ 0.6 KB), where
    # the whole list would have added ≈ 20 KB
    assert len(after_200.encode()) == len(after_100.encode())
    assert len(after_200.encode()) - len(after_1.encode()) < 700
    link = re.search(r'href="(/assessment/\d+/items/\d+/history)"', after_200).group(1)
    page = client.get(link)
    assert page.status_code == 200 and page.get_data(as_text=True).count("<li><time") == 200


def test_item_history_page_is_for_those_who_may_see_the_file(app, s, auth):
    crit = s.crit("1.1.1")
    link = f"/assessment/{s.a_id}/items/{crit.id}/history"
    for username, status in (("a.staff", 200), ("a.leader", 200), ("admin1", 200), ("chair", 200),
                             ("b.staff", 404), ("member", 404)):
        client = auth.sign_in(username)
        assert client.get(link).status_code == status, username
    anonymous = app.test_client().get(link)
    assert anonymous.status_code in (302, 401)
