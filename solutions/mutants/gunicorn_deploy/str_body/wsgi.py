"""Returns the body as a str (not bytes) from the bare WSGI callable, which PEP 3333 forbids."""

from _reference.wsgi import *
from _reference.wsgi import _text as _bytes_text


def _text(start_response, status, body, extra=None):
    return [chunk.decode() for chunk in _bytes_text(start_response, status, body, extra)]


def application(environ, start_response):
    method = environ["REQUEST_METHOD"]
    if (environ.get("PATH_INFO") or "/") != "/":
        return _text(start_response, "404 Not Found", b"not found\n")
    if method not in ("GET", "HEAD"):
        return _text(start_response, "405 Method Not Allowed", b"method not allowed\n",
                     [("Allow", "GET, HEAD")])
    body = _text(start_response, "200 OK", GREETING)
    return [] if method == "HEAD" else body
