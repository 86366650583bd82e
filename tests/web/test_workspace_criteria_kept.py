"""The workspace's criteria tree is kept by the process (portal.criteria.snapshot) and rebuilt from the set's
rows as they stand: an edit of the set — by the admin's pages, an import, or another worker process — shows
on the unit's next page and save, never a stale tree."""
import pytest
from sqlalchemy import delete, update

from portal.criteria import snapshot
from portal.criteria.models import Criterion
from portal.extensions import db
from tests.web.assess_setup import build


@pytest.fixture
def s(ctx):
    return build()


@pytest.fixture
def staff(auth, s):
    return auth.sign_in("a.staff")


def page(client, s) -> str:
    return client.get(f"/assessment/{s.a_id}").get_data(as_text=True)


def edit(crit_id: int, **values) -> None:
    """An edit as another process would make it: straight into the database, nobody told."""
    db.session.execute(update(Criterion).where(Criterion.id == crit_id).values(**values))
    db.session.commit()


def test_the_kept_tree_is_reused_while_the_set_is_unchanged(staff, s):
    page(staff, s)
    first = snapshot.set_tree(s.set_id)
    assert snapshot.set_tree(s.set_id) is first
    edit(s.crit("1.1.1").id, title="Tiêu đề đã sửa")
    assert snapshot.set_tree(s.set_id) is not first


def test_an_edited_title_guidance_and_level_show_at_once(staff, s):
    crit = s.crit("1.1.1")
    old_title, levels = crit.title, crit.config["levels"]
    assert old_title in page(staff, s)
    edit(crit.id, title="Ban hành kế hoạch (đã sửa)", guidance="Hướng dẫn chấm đã sửa",
         config=dict(crit.config, levels=[["Mức mới", levels[0][1]]] + levels[1:]))
    html = page(staff, s)
    assert "Ban hành kế hoạch (đã sửa)" in html and old_title not in html
    assert "Hướng dẫn chấm đã sửa" in html and "Mức mới" in html


def test_the_save_fragment_draws_the_edited_item(staff, s):
    crit = s.crit("1.2")
    page(staff, s)
    edit(crit.id, title="Báo cáo định kỳ (đã sửa)")
    response = staff.post(f"/assessment/{s.a_id}/items/{crit.id}", headers={"HX-Request": "true"},
                          data={"yes": "1", "note": "", "version": "0"})
    assert response.status_code == 200
    assert "Báo cáo định kỳ (đã sửa)" in response.get_data(as_text=True)


def test_a_removed_item_leaves_the_page(staff, s):
    crit = s.crit("1.1.2")
    assert f'id="item-{crit.id}"' in page(staff, s)
    db.session.execute(delete(Criterion).where(Criterion.id == crit.id))
    db.session.commit()
    assert f'id="item-{crit.id}"' not in page(staff, s)
