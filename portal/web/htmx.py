"""htmx in one place (conventions rules 5–7).

`render` returns the whole page, or only the named block when the request comes from htmx (not boosted);
it always adds `Vary: HX-Request`. Response headers (HX-Redirect, HX-Trigger, HX-Retarget, HX-Reswap) are
set here, not through htmx-flask's make_response, which rejects some valid swap values.
"""
import json

from flask import make_response, redirect, render_template, request
from jinja2_fragments.flask import render_block


def is_htmx() -> bool:
    """True for an htmx request that is not a boosted navigation."""
    hx = getattr(request, "htmx", None)
    return bool(hx) and not hx.boosted


def render(template: str, *, block: str | None = None, status: int = 200, **context):
    """Render `template` whole, or only `block` for an htmx request. The view names the block it allows."""
    if block and is_htmx():
        body = render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response


def redirect_after_post(url: str):
    """Redirect after a successful post: HX-Redirect for htmx (full navigation), 303 otherwise."""
    if is_htmx():
        response = make_response("", 200)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, code=303)


def hx_trigger(response, events: dict | str):
    """Ask htmx to fire client events after the swap."""
    response.headers["HX-Trigger"] = events if isinstance(events, str) else json.dumps(events)
    return response


def hx_retarget(response, target: str, swap: str = "outerHTML"):
    response.headers["HX-Retarget"] = target
    response.headers["HX-Reswap"] = swap
    return response
