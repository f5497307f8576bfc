"""Request size limits: `[rum] max_body` bytes of body (10 MiB unless configured) and
`[rum] max_query` bytes of query string (8 KiB; longer ones get 414).

A body that declares a larger Content-Length is refused (413) before a byte of it is read.
A body without a length (chunked, where the server passes it through as a stream ending
at EOF) is counted while it is read, and refused as soon as it passes the limit, so it is
never held whole in memory. The refusal is a `TooLarge` domain error: `rum.app` turns it
into the 413 page like any other.
"""

from .errors import BadRequest, TooLarge, UriTooLong
from .i18n import N_


def _too_large(limit: int) -> TooLarge:
    return TooLarge(N_("The request body is larger than this admin accepts (%(limit)s bytes)."),
                    limit=limit)


class LimitedInput:
    """`wsgi.input` counted as it is read; raises TooLarge once more than `limit` bytes came."""

    def __init__(self, stream, limit: int):
        self.stream = stream
        self.limit = limit
        self.count = 0

    def _counted(self, data: bytes) -> bytes:
        self.count += len(data)
        if self.count > self.limit:
            raise _too_large(self.limit)
        return data

    def read(self, *args) -> bytes:
        return self._counted(self.stream.read(*args))

    def readline(self, *args) -> bytes:
        return self._counted(self.stream.readline(*args))

    def readlines(self, *args) -> list[bytes]:
        return [self._counted(line) for line in self.stream.readlines(*args)]

    def __iter__(self):
        while True:
            line = self.readline()
            if not line:
                return
            yield line


def check_body(environ: dict, limit: int) -> None:
    """Refuse a declared length over `limit`; count a body of unknown length as it is read."""
    declared = (environ.get("CONTENT_LENGTH") or "").strip()
    if declared:
        try:
            length = int(declared)
        except ValueError:
            raise BadRequest(N_("Content-Length %(value)s is not a number"), value=repr(declared)) from None
        if length > limit:
            raise _too_large(limit)
        return
    stream = environ.get("wsgi.input")
    if stream is not None and not isinstance(stream, LimitedInput):
        environ["wsgi.input"] = LimitedInput(stream, limit)


def check_query_string(environ: dict, limit: int) -> None:
    """Refuse a query string longer than `limit` bytes (414), before anything parses it."""
    length = len(environ.get("QUERY_STRING") or "")
    if length > limit:
        raise UriTooLong(N_("The query string is %(length)s bytes long; this admin accepts up to "
                            "%(limit)s. Use fewer or shorter search and filter terms."),
                         length=length, limit=limit)
