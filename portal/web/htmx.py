"""htmx in one place (conventions rules 5–7).

`render` returns the whole page, or only the named block when the request comes from htmx (not boosted);
it always adds `Vary: HX-Request`. Response headers (HX-Redirect, HX-Trigger, HX-Retarget, HX-Reswap) are
set here, not through htmx-flask's make_response, which rejects some valid swap values.
"""
import json

from flask import current_app, g, make_response, redirect, render_template, request, session
from jinja2_fragments import render_block as render_plain_block
from jinja2_fragments.flask import render_block


def is_htmx() -> bool:
    """True for an htmx request that is not a boosted navigation."""
    hx = getattr(request, "htmx", None)
    return bool(hx) and not hx.boosted


def render(template: str, *, block: str | None = None, status: int = 200, page_context: bool = True,
           **context):
    """Render `template` whole, or only `block` for an htmx request. The view names the block it allows.

    ``page_context=False``: the block draws nothing of the page around it (header, menu, year switch,
    inbox count), so the context processors that read those for every page are skipped for it — the view
    passes all the block reads. The whole page, when it is drawn instead, gets them as always."""
    if block and is_htmx():
        if page_context:
            body = render_block(template, block, **context)
        else:
            context.update(g=g, request=request, session=session)   # as Flask's own context processor
            body = render_plain_block(current_app.jinja_env, template, block, **context)
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
