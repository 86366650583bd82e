"""The guide's pages (open to everyone: they show the demo data only) and the help link of the header."""
from flask import abort, request, url_for
from flask_login import current_user

from portal.guide import bp
from portal.guide.content import BY_ROLE, BY_SLUG, HELP_AT, ROLES, YEAR
from portal.policy.actors import actor_for
from portal.web.htmx import render
from portal.web.permissions import public


def own_guide():
    """The guide page of the signed-in person's role, or None (signed out: the actor is anonymous)."""
    return BY_ROLE.get(str(actor_for(current_user).role))


def help_url() -> str:
    """Where "Hướng dẫn" in the header leads: the reader's role page, at the step explaining this page."""
    guide = own_guide()
    if guide is None:
        return url_for("guide.index")
    anchor = HELP_AT.get(guide.role, {}).get(request.endpoint or "")
    return url_for("guide.role_page", slug=guide.slug, _anchor=anchor)


@bp.app_context_processor
def _help_link():
    return {"guide_url": help_url}


@bp.route("/")
@public
def index():
    return render("guide/index.html", roles=ROLES, year_steps=YEAR, own=own_guide())


@bp.route("/<slug>")
@public
def role_page(slug: str):
    guide = BY_SLUG.get(slug)
    if guide is None:
        abort(404)
    return render("guide/role.html", guide=guide, roles=ROLES, own=own_guide())
