"""Route guards. Every view declares exactly one rule (public, authenticated or roles); a test walks the
URL map and fails on a view without one. Object-level rules (whose unit, which phase) are the modules'
`can_*` predicates, called inside the views."""
from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def public(view):
    """Open to anyone, logged in or not."""
    view.permission = "public"
    return view


def authenticated(view):
    """Any logged-in account."""
    guarded = login_required(view)
    guarded.permission = "authenticated"
    return guarded


def roles(*allowed: str):
    """Logged in with one of these roles; anything else is 403."""
    def decorator(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)
        guarded = login_required(guarded)
        guarded.permission = ("roles", frozenset(allowed))
        return guarded
    return decorator
