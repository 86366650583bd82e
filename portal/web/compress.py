"""Nén phản hồi — gzip for text responses, so a page reaches an office PC on a slow link in a few packets.

What is compressed: HTML pages and htmx fragments, CSS, JavaScript, JSON, CSV, plain text, SVG and XML
bodies of at least MIN_SIZE bytes, when the request's Accept-Encoding allows gzip (a `gzip;q=0` refusal is
honoured). Every response of a compressible type carries `Vary: Accept-Encoding`, compressed or not, so a
shared cache never hands a gzip body to a client that cannot read it.

What is not: bodies already compressed (PDF, XLSX, ZIP, images, fonts: their types are not in the list),
a response that already has a Content-Encoding or says `Cache-Control: no-transform`, partial (206) and
empty (204, 304) responses, and streamed bodies (evidence downloads, which keep their Range support).
Static files are the one streamed body that is compressed: they are small, and their compressed bytes are
kept in memory per file version (ETag), so htmx is compressed once per process, not once per request.

ETags stay correct: a compressed body is another representation, so its ETag gets a `-gzip` suffix, and a
conditional request carrying that ETag is answered 304 here (the identity ETag is answered 304 by
send_file before this hook runs). gzip output is deterministic (mtime 0): the same body gives the same bytes.
"""
import gzip
from collections import OrderedDict
from threading import Lock

from flask import Flask, Request, Response, request

MIN_SIZE = 500          # below this, gzip's header and the extra CPU gain nothing on the wire
LEVEL = 6               # zlib's default: nearly the size of level 9 at a fraction of the CPU
COMPRESSIBLE = frozenset({
    "text/html", "text/css", "text/plain", "text/csv", "text/javascript", "text/xml",
    "application/javascript", "application/json", "application/xml", "image/svg+xml",
})
_NO_BODY = (204, 206, 304)
_STATIC_CACHE_SIZE = 64


class _StaticCache:
    """Compressed bytes of static files, keyed by path and ETag (a changed file has a new ETag)."""

    def __init__(self, size: int):
        self.size, self.items, self.lock = size, OrderedDict(), Lock()

    def get(self, key):
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


_static = _StaticCache(_STATIC_CACHE_SIZE)


def accepts_gzip(req: Request) -> bool:
    """True when the request's Accept-Encoding gives gzip a quality above zero (also through `*`)."""
    return req.accept_encodings["gzip"] > 0


def _is_static(req: Request) -> bool:
    return req.endpoint == "static"


def compressible(response: Response, req: Request) -> bool:
    """Whether this response is a representation that may be sent gzip-compressed at all."""
    if response.status_code in _NO_BODY or response.status_code < 200:
        return False
    if response.mimetype not in COMPRESSIBLE or "Content-Encoding" in response.headers:
        return False
    if "no-transform" in (response.headers.get("Cache-Control") or ""):
        return False
    return not response.is_streamed or (_is_static(req) and response.status_code == 200)


def _body(response: Response) -> bytes:
    # A static file comes as a file wrapper in passthrough mode; reading it here is fine (static files
    # are small) and get_data() arranges for the file to be closed with the response.
    response.direct_passthrough = False
    return response.get_data()


def compress(response: Response, req: Request | None = None) -> Response:
    """gzip the response in place when it is compressible and the client accepts gzip."""
    req = req if req is not None else request
    if not compressible(response, req):
        return response
    response.vary.add("Accept-Encoding")
    if not accepts_gzip(req):
        return response
    etag, weak = response.get_etag()
    key = (req.path, etag) if _is_static(req) and etag else None
    packed = _static.get(key) if key else None
    if packed is None:
        body = _body(response)
        if len(body) < MIN_SIZE:
            return response
        packed = gzip.compress(body, compresslevel=LEVEL, mtime=0)
        if key:
            _static.put(key, packed)
    else:
        response.close()  # the cached bytes replace the file, which is not read at all
    response.direct_passthrough = False
    response.set_data(packed)
    response.headers["Content-Encoding"] = "gzip"
    # Byte ranges would address the identity file, not these bytes: do not advertise them here.
    response.headers.pop("Accept-Ranges", None)
    if etag:
        response.set_etag(f"{etag}-gzip", weak=weak)
        response.make_conditional(req)   # If-None-Match with the -gzip ETag → 304 without a body
    return response


def init_compression(app: Flask) -> None:
    """Register `compress` so that it runs after every other after_request hook (Flask runs app-level
    hooks in reverse order of registration, after the blueprints' ones): the body it compresses is final."""
    app.after_request_funcs.setdefault(None, []).insert(0, compress)
