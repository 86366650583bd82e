"""URLs built once per page for links repeated once per item.

A unit's workspace links to the same few endpoints from each of its hundred items (save, detach a document,
open the evidence picker, download a file). ``url_for`` costs a route build each time; ``url_pattern``
builds the URL once, with each varying part left as a ``%(name)s`` placeholder, and the template fills it
per item (``item_url % {"criterion_id": c.id}``). The route map stays the one source of the URLs.
"""
from flask import url_for

# Stand-ins for the varying parts: integers (so that the routes' int converters accept them) that no real
# id or other part of a URL contains.
_MARK = 918_273_645_546_372


def url_pattern(endpoint: str, *slots: str, **values) -> str:
    """``url_for(endpoint, **values)`` with each of ``slots`` as a ``%(slot)s`` placeholder."""
    marks = {name: _MARK + i for i, name in enumerate(slots)}
    url = url_for(endpoint, **values, **marks).replace("%", "%%")
    for name, mark in marks.items():
        if url.count(str(mark)) != 1:
            raise ValueError(f"{endpoint}: {name} is not one part of the URL")
        url = url.replace(str(mark), f"%({name})s")
    return url
