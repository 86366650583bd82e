"""XSS (security.md §7.4): 60 hostile payloads posted as council comments, sent to the unit, and rendered
for the council (thread and field page) and for the unit — not one becomes markup: no script without src, no
on* attribute, no hx-* attribute or link pointing at the probe address, no javascript: URL, no svg/iframe/
object. Jinja's autoescape does the work; this proves no template bypasses it with |safe or Markup."""
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from portal.comments.models import Comment
from portal.extensions import db
from portal.years.models import AssessmentYear
from tests.web.assess_setup import build_council

PROBE = "/xss-probe"
BASES = [
    "<script>alert(1)</script>", f"<img src=x onerror=\"fetch('{PROBE}')\">", "<svg onload=alert(1)>",
    f'<div hx-get="{PROBE}" hx-trigger="load">x</div>', f'<a href="javascript:fetch(\'{PROBE}\')">bấm</a>',
    f"<iframe src=\"{PROBE}\"></iframe>", "<object data=x></object>", "<body onload=alert(1)>",
    f'<form action="{PROBE}"><button>Gửi</button></form>', "{{7*7}} {% raw %}x{% endraw %}",
    f'"><script src="{PROBE}"></script>', f"'><img src={PROBE} onerror=alert(1)>",
    f'<a hx-post="{PROBE}" hx-trigger="mouseover">rê chuột</a>', "<style>body{display:none}</style>",
    f'<meta http-equiv="refresh" content="0;url={PROBE}">',
]
WRAPS = ["{}", "Ý kiến: {}", "{} — đề nghị bổ sung", "<b>Đậm</b> {}"]
PAYLOADS = [wrap.format(base) for base in BASES for wrap in WRAPS]        # 15 × 4 = 60


class Markup(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        names = {name for name, _value in attrs}
        if tag == "script" and "src" not in names:
            self.problems.append("inline <script>")
        if tag in ("svg", "iframe", "object", "embed", "math", "style", "base") or (tag == "meta" and "http-equiv" in names):
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}=")
            if value and PROBE in value:
                self.problems.append(f"{tag} {name}={value}")
            if value and value.strip().lower().startswith("javascript:"):
                self.problems.append(f"{tag} {name}=javascript:")


def _problems(html: str) -> list[str]:
    parser = Markup()
    parser.feed(html)
    return parser.problems


@pytest.fixture
def thread(app, ctx, auth):
    w = build_council("review_1")
    c = w.crit("1.2")
    member = app.test_client()
    auth.post("member", client=member)
    for body in PAYLOADS:
        assert member.post(f"/comments/{w.a_id}/{c.id}/", data={"body": body}).status_code in (200, 303)
    ids = list(db.session.scalars(select(Comment.id).order_by(Comment.id)))
    for comment_id in ids:
        member.post(f"/comments/{w.a_id}/{c.id}/{comment_id}/send")
    return w, c, member


def test_sixty_payloads_render_as_text_for_the_council_and_the_unit(app, thread, auth):
    w, c, member = thread
    stored = set(db.session.scalars(select(Comment.body)))
    assert len(PAYLOADS) == 60 and stored == set(PAYLOADS)
    pages = {"member thread": member.get(f"/comments/{w.a_id}/{c.id}/"),
             "member thread (htmx)": member.get(f"/comments/{w.a_id}/{c.id}/", htmx=True),
             "member field page": member.get(f"/appraisal/{w.a_id}/F1")}
    chair = app.test_client()
    auth.post("chair", client=chair)
    pages["chair thread"] = chair.get(f"/comments/{w.a_id}/{c.id}/")
    db.session.get(AssessmentYear, w.year_id).phase = "explanation"
    db.session.commit()
    unit = app.test_client()
    auth.post("a.staff", client=unit)
    pages["unit thread"] = unit.get(f"/comments/{w.a_id}/{c.id}/")
    pages["unit explanation page"] = unit.get(f"/assessment/{w.a_id}/explain")
    shown = {name: r.get_data(as_text=True) for name, r in pages.items()}
    assert all(r.status_code == 200 for r in pages.values()), {n: r.status_code for n, r in pages.items()}
    visible = {name: sum(p.replace("<", "&lt;").split("&lt;")[0][:6] in html for p in PAYLOADS)
               for name, html in shown.items()}
    problems = {name: _problems(html) for name, html in shown.items()}
    print(f"\n[security] XSS: 60 payloads × {len(shown)} renderings (council and unit) → "
          f"{sum(len(p) for p in problems.values())} live tags or attributes")
    assert all(count > 0 for count in visible.values())      # the comments are on the pages, as text
    assert problems == {name: [] for name in shown}
    assert "{{7*7}}" in shown["member thread"] and "&lt;script&gt;alert(1)&lt;/script&gt;" in shown["member thread"]
