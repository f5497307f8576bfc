"""The PEP 3333 environ of a Mongrel2 request.

`QUERY_STRING` is Mongrel2's `QUERY` header as the client sent it (never URL-decoded);
`PATH_INFO` is the URL-decoded path after `SCRIPT_NAME`, one character per byte (latin-1),
as PEP 3333 asks. `SCRIPT_NAME` is the configured `url_prefix`, or else the literal start of
the route's pattern (Mongrel2's `PATTERN` header, `/admin/` or `/admin` giving `/admin`).
"""

import io
import re
import sys
import urllib.parse

from rum_mongrel2.protocol import Message, header_value

# Mongrel2's own headers, not the client's: they do not become HTTP_* variables.
MONGREL2_HEADERS = frozenset({
    "METHOD", "VERSION", "URI", "PATH", "QUERY", "FRAGMENT", "PATTERN", "URL_SCHEME",
    "REMOTE_ADDR", "DOWNLOAD_CREDITS", "x-mongrel2-upload-start", "x-mongrel2-upload-done"})
_PATTERN_SPECIAL = re.compile(r"[(\[\\*+?$^|.]")


class NotUnderPrefix(ValueError):
    """The request's path is outside the handler's `url_prefix`."""


def prefix_from_pattern(pattern: str) -> str:
    """The literal start of a Mongrel2 route pattern, without a trailing `/`."""
    match = _PATTERN_SPECIAL.search(pattern)
    literal = pattern[:match.start()] if match else pattern
    return literal.rstrip("/")


def split_path(path: str, prefix: str) -> tuple[str, str]:
    """(SCRIPT_NAME, PATH_INFO) of a decoded path under `prefix`."""
    prefix = prefix.rstrip("/")
    if not prefix:
        return "", path
    if path != prefix and not path.startswith(prefix + "/"):
        raise NotUnderPrefix(path)
    return prefix, path[len(prefix):]


def _server(host: str, scheme: str) -> tuple[str, str]:
    """SERVER_NAME and SERVER_PORT from the Host header."""
    name, colon, port = host.rpartition(":")
    if not colon or not port.isdigit():
        name, port = host, ""
    return name or "localhost", port or ("443" if scheme == "https" else "80")


def build(msg: Message, body: io.BufferedIOBase, length: int, url_prefix: str | None) -> dict:
    """The environ of `msg`, with `body` (`length` bytes) as wsgi.input."""
    h = msg.headers
    raw_path = h.get("PATH", msg.path)
    path = urllib.parse.unquote_to_bytes(raw_path).decode("latin-1")
    prefix = url_prefix if url_prefix is not None else prefix_from_pattern(h.get("PATTERN", ""))
    script_name, path_info = split_path(path, prefix)
    scheme = h.get("URL_SCHEME", "http")
    name, port = _server(header_value(h.get("host", "")), scheme)
    environ = {
        "REQUEST_METHOD": h.get("METHOD", "GET"),
        "SCRIPT_NAME": script_name,
        "PATH_INFO": path_info,
        "QUERY_STRING": h.get("QUERY", ""),
        "SERVER_NAME": name,
        "SERVER_PORT": port,
        "SERVER_PROTOCOL": h.get("VERSION", "HTTP/1.1"),
        "REMOTE_ADDR": h.get("REMOTE_ADDR", ""),
        "REQUEST_URI": h.get("URI", raw_path),
        "CONTENT_LENGTH": str(length),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scheme,
        "wsgi.input": body,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for key, value in h.items():
        if key in MONGREL2_HEADERS or key.lower() in ("content-length", "transfer-encoding"):
            continue  # the body handed over is whole: its length is CONTENT_LENGTH
        joined = "; ".join(value) if key == "cookie" and isinstance(value, list) \
            else header_value(value)
        if key.lower() == "content-type":
            environ["CONTENT_TYPE"] = joined
        else:
            environ["HTTP_" + key.upper().replace("-", "_")] = joined
    return environ
