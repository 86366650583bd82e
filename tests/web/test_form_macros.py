"""The form macros of templates/macros/forms.html render forms that post without JavaScript: method, action,
the session's CSRF token, hidden fields and the button, every value escaped; hx=True adds hx-post with the
same URL; attributes set to None or False are left out and True writes a bare attribute."""
import re

from flask import render_template_string
from flask_wtf.csrf import generate_csrf

TEMPLATE = '''{% from "macros/forms.html" import csrf_field, post_button, post_form %}
{{ post_button(url, label, item=item, hx=hx, hidden=hidden, button=button) }}
{% call post_form("/b", {"class": "inline", "novalidate": true, "hx-confirm": none}) %}<em>body</em>{% endcall %}'''


def render(app, **values):
    with app.test_request_context("/"):
        html = render_template_string(TEMPLATE, **values)
        return html, generate_csrf()


def test_post_button_posts_with_the_token_and_escapes_every_value(app):
    html, token = render(app, url="/a?x=1&y=2", label="Khóa", item="<b>user</b>", hx=True,
                         hidden={"next": '/p?q="x"'}, button={"class": "link-button", "disabled": False,
                                                            "title": None})
    first = html.split("</form>")[0]
    assert '<form method="post" action="/a?x=1&amp;y=2" hx-post="/a?x=1&amp;y=2" class="inline">' in first
    assert re.findall(r'name="csrf_token" value="([^"]+)"', first) == [token]
    assert '<input type="hidden" name="next" value="/p?q=&#34;x&#34;">' in first
    assert ('<button type="submit" class="link-button">Khóa<span class="visually-hidden"> '
            '&lt;b&gt;user&lt;/b&gt;</span></button>') in first
    assert "disabled" not in first and "title" not in first


def test_post_button_without_htmx_and_a_disabled_button(app):
    html, _ = render(app, url="/a", label="Kết thúc", item=None, hx=False, hidden={},
                     button={"class": "link-button", "disabled": True, "title": "Chưa xong"})
    first = html.split("</form>")[0]
    assert "hx-post" not in first and "visually-hidden" not in first
    assert '<button type="submit" class="link-button" disabled title="Chưa xong">Kết thúc</button>' in first


def test_post_form_wraps_the_callers_content(app):
    html, token = render(app, url="/a", label="x", item=None, hx=False, hidden={}, button={})
    second = html.split("</form>")[1]
    assert '<form method="post" action="/b" class="inline" novalidate>' in second
    assert "hx-confirm" not in second and f'value="{token}"' in second and "<em>body</em>" in second
