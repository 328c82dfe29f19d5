"""Static files: a version in every URL, a year in the browser's cache, and gzip when the browser takes it.

`asset(filename)` (a template global) gives `/static/style.css?v=<hash of the file>`: a changed file gets a
new URL, so the old one may be cached for a year ("immutable"). A file of text (CSS, JavaScript, SVG) goes
out gzip-compressed to a browser that accepts it; it is compressed once per version of the file and kept
in memory (the package folder may be read-only, so no .gz files are written beside it).
"""
from __future__ import annotations

import gzip
import hashlib
import os
from functools import lru_cache

from flask import Flask, Response, current_app, request, url_for
from werkzeug.security import safe_join

COMPRESSIBLE = ("text/css", "text/javascript", "application/javascript", "image/svg+xml")
YEAR = 365 * 24 * 3600


def _static_path(filename: str) -> str | None:
    path = safe_join(current_app.static_folder, filename)
    return path if path and os.path.isfile(path) else None


@lru_cache(maxsize=128)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()[:12]


@lru_cache(maxsize=64)
def _gzipped(path: str, mtime_ns: int, size: int) -> bytes:
    with open(path, "rb") as file:
        return gzip.compress(file.read(), compresslevel=9, mtime=0)


def _stamp(path: str) -> tuple[str, int, int]:
    st = os.stat(path)
    return path, st.st_mtime_ns, st.st_size


def asset(filename: str) -> str:
    """The URL of a static file with its version (a hash of its content) in the query string."""
    path = _static_path(filename)
    if path is None:
        return url_for("static", filename=filename)
    return url_for("static", filename=filename, v=_digest(*_stamp(path)))


def _static_response(response: Response) -> Response:
    """after_request: long caching for a versioned URL, gzip for text files when the browser accepts it."""
    if request.endpoint != "static" or response.status_code != 200:
        return response
    path = _static_path((request.view_args or {}).get("filename", ""))
    if path is None:
        return response
    stamp = _stamp(path)
    if request.args.get("v") == _digest(*stamp):
        response.cache_control.no_cache = None
        response.cache_control.public = True
        response.cache_control.max_age = YEAR
        response.cache_control.immutable = True
        response.headers.pop("Expires", None)
    if response.mimetype in COMPRESSIBLE:
        response.vary.add("Accept-Encoding")
        if "gzip" in request.accept_encodings:
            body = _gzipped(*stamp)
            response.close()  # the file Flask opened for the plain body
            response.direct_passthrough = False
            response.set_data(body)
            response.content_encoding = "gzip"
            response.headers.pop("Accept-Ranges", None)  # ranges of the compressed body are not offered
            etag, weak = response.get_etag()
            if etag:
                response.set_etag(etag + "-gz", weak=weak)
                response.make_conditional(request.environ)  # a browser holding this body gets a 304
    return response


def register(app: Flask) -> None:
    app.add_template_global(asset, "asset")
    app.after_request(_static_response)
