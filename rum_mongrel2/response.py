"""An HTTP response from a WSGI app's status, headers and chunks, as bytes for Mongrel2.

Mongrel2 writes what a handler sends as it is, so the handler frames the response: a
body with a Content-Length goes as it is; without one, an HTTP/1.1 response is chunked
and an HTTP/1.0 one ends by closing the connection.
"""

from email.utils import formatdate

NO_BODY = ("1", "204", "304")


class Framing:
    def __init__(self, environ: dict):
        self.version = environ.get("SERVER_PROTOCOL", "HTTP/1.1")
        self.head_only = environ.get("REQUEST_METHOD") == "HEAD"
        connection = environ.get("HTTP_CONNECTION", "").lower()
        self.keep_alive = ("close" not in connection if self.version == "HTTP/1.1"
                           else "keep-alive" in connection)
        self.status: str | None = None
        self.headers: list[tuple[str, str]] = []
        self.chunked = False
        self.head_sent = False

    def start_response(self, status: str, headers: list, exc_info=None):
        if exc_info is not None and self.head_sent:
            raise exc_info[1].with_traceback(exc_info[2])
        if self.status is not None and exc_info is None:
            raise AssertionError("start_response called twice without exc_info")
        self.status, self.headers = status, list(headers)
        return self._no_write

    @staticmethod
    def _no_write(data: bytes) -> None:
        raise NotImplementedError("the write() callable is not supported; return an iterable")

    def head(self) -> bytes:
        assert self.status is not None, "the app did not call start_response"
        names = {name.lower() for name, _ in self.headers}
        bodiless = self.head_only or self.status.startswith(NO_BODY)
        extra = [] if "date" in names else [("Date", formatdate(usegmt=True))]
        if "content-length" not in names and not bodiless:
            if self.version == "HTTP/1.1":
                self.chunked = True
                extra.append(("Transfer-Encoding", "chunked"))
            else:
                self.keep_alive = False
        if not self.keep_alive:
            extra.append(("Connection", "close"))
        elif self.version != "HTTP/1.1":
            extra.append(("Connection", "keep-alive"))
        lines = [f"{self.version} {self.status}"]
        lines += [f"{name}: {value}" for name, value in self.headers + extra]
        self.head_sent = True
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def chunk(self, data: bytes) -> bytes:
        if self.head_only or not data:
            return b""
        return b"%x\r\n%s\r\n" % (len(data), data) if self.chunked else data

    def end(self) -> bytes:
        return b"0\r\n\r\n" if self.chunked and not self.head_only else b""
