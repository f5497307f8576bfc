"""The handler loop on real ZeroMQ sockets: responses, disconnects, uploads, errors, peers."""

import os
import time

from rum_mongrel2.uploads import DONE, START, TempStore
from tests.rum_mongrel2.conftest import credits, disconnect, parse_response, read_response, request


def gone(path, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while path.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    return not path.exists()


def echo(environ, start_response):
    body = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))
    out = (f"{environ['SCRIPT_NAME']}|{environ['PATH_INFO']}|{environ['QUERY_STRING']}|"
           f"{len(body)}|").encode("latin-1") + body[:20]
    start_response("200 OK", [("Content-Type", "text/plain"),
                              ("Content-Length", str(len(out)))])
    return [out]


class Endless:
    """A streamed body that never ends by itself; notes when it is closed."""

    def __init__(self):
        self.closed = False
        self.sent = 0

    def __call__(self, environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return self

    def __iter__(self):
        for _ in range(100_000):  # bounded
            self.sent += 1
            yield b"x" * 1000

    def close(self):
        self.closed = True


def test_a_plain_response_keeps_the_connection(serve, mongrel2):
    serve(echo)
    mongrel2.send(request("4", "/app/a%20b", "q=%26&x=%C3%84"))
    status, headers, body = read_response(mongrel2, "4")
    assert status == "HTTP/1.1 200 OK" and "connection" not in headers
    assert body == b"/app|/a b|q=%26&x=%C3%84|0|"
    assert mongrel2.reply(timeout=0.3) is None  # no close message


def test_http_1_0_and_connection_close_end_with_a_close_message(serve, mongrel2):
    serve(Endless.__call__.__get__(_Short()))
    mongrel2.send(request("5", VERSION="HTTP/1.0"))
    status, headers, body = read_response(mongrel2, "5")
    assert status == "HTTP/1.0 200 OK" and headers["connection"] == "close"
    assert body == b"abc"  # not chunked: the close ends it
    mongrel2.send(request("6", connection="close"))
    status, headers, body = read_response(mongrel2, "6")
    assert headers["transfer-encoding"] == "chunked" and headers["connection"] == "close"


class _Short(Endless):
    def __iter__(self):
        yield b"abc"


def test_a_disconnect_stops_the_response_and_closes_the_app(serve, mongrel2):
    app = Endless()
    serve(app)
    before = app.sent  # the warm-up's HEAD requests
    mongrel2.send(request("7", DOWNLOAD_CREDITS="20000"))
    got = 0
    while got < 20_000:  # bounded: every reply carries bytes
        reply = mongrel2.reply()
        assert reply is not None
        got += len(reply[2])
    mongrel2.send(disconnect("7"))
    closing = mongrel2.reply()
    assert closing is not None and closing[1:] == ("7", b"")  # the connection is closed
    assert app.closed and app.sent - before < 100
    mongrel2.send(credits("7", 20_000))  # late credits for it change nothing
    mongrel2.send(request("8", "/app/next", method="HEAD"))  # and serves the next request
    assert read_response(mongrel2, "8", limit=50)[0] == "HTTP/1.1 200 OK"


def test_an_upload_is_read_from_the_chroot_and_removed(serve, mongrel2, tmp_path):
    (tmp_path / "tmp").mkdir()
    store = tmp_path / "tmp" / "upload.A1b2C3"
    store.write_bytes(b"u" * 300_000)
    serve(echo, upload=TempStore("/tmp/upload.XXXXXX", str(tmp_path)))
    headers = {START: "/tmp/upload.A1b2C3", "content-length": "300000"}
    mongrel2.send(request("9", "/app/up", method="POST", **headers))
    assert mongrel2.reply(timeout=0.3) is None  # the start is not answered
    mongrel2.send(request("9", "/app/up", method="POST", **headers,
                          **{DONE: "/tmp/upload.A1b2C3"}))
    assert read_response(mongrel2, "9")[2] == b"/app|/up||300000|" + b"u" * 20
    assert gone(store)  # removed once the response is sent


def test_a_chunked_upload_gets_its_length(serve, mongrel2, tmp_path):
    (tmp_path / "upload.zzzzzz").write_bytes(b"0123456789")
    serve(echo, upload=TempStore(str(tmp_path / "upload.XXXXXX")))
    name = str(tmp_path / "upload.zzzzzz")
    mongrel2.send(request("10", method="POST", **{"transfer-encoding": "chunked",
                                                  START: name, DONE: name}))
    assert read_response(mongrel2, "10")[2] == b"/app|/||10|0123456789"


def test_upload_headers_from_a_client_cannot_name_other_files(serve, mongrel2, tmp_path):
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me")
    (tmp_path / "other").mkdir()
    lookalike = tmp_path / "other" / "upload.abcdef"  # named like one, elsewhere
    lookalike.write_text("keep me too")
    serve(echo, upload=TempStore(str(tmp_path / "store" / "upload.XXXXXX")))
    for name in (str(victim), str(lookalike), f"{tmp_path}/store/../other/upload.abcdef"):
        mongrel2.send(request("11", method="POST", **{START: name, DONE: name}))
        assert read_response(mongrel2, "11")[0] == "HTTP/1.1 400 Bad Request"
    assert victim.read_text() == "keep me" and lookalike.read_text() == "keep me too"


def test_outside_the_prefix_is_404_and_app_errors_are_500(serve, mongrel2):
    def broken(environ, start_response):
        raise RuntimeError("boom")

    serve(broken, url_prefix="/app")
    mongrel2.send(request("12", "/application"))
    assert read_response(mongrel2, "12")[0] == "HTTP/1.1 404 Not Found"
    mongrel2.send(request("13", "/app/x"))
    assert read_response(mongrel2, "13")[0] == "HTTP/1.1 500 Internal Server Error"


def test_two_handlers_pass_credits_on_to_each_other(serve, mongrel2, tmp_path):
    def big(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return (bytes([97 + i % 26]) * 5000 for i in range(200))

    peers = str(tmp_path / "peers")
    first, second = serve(big, peers_dir=peers), serve(big, peers_dir=peers)
    assert len(os.listdir(peers)) == 2
    # Credits go out of one PUSH socket, to both handlers in turn: about half reach the
    # handler that is not sending, and only passing them on lets the response end.
    mongrel2.send(request("14", DOWNLOAD_CREDITS="16384"))
    status, headers, body = read_response(mongrel2, "14", limit=1000)
    assert body == b"".join(bytes([97 + i % 26]) * 5000 for i in range(200))
    assert first.handler.peers.forwarded + second.handler.peers.forwarded > 0
    assert parse_response(b"") is None
