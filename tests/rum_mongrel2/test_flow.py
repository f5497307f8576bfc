"""Download credits, on their own and through a handler on real ZeroMQ sockets."""

from rum_mongrel2.flow import Owed, Window
from tests.rum_mongrel2.conftest import credits, parse_response, read_response, request

CHUNK = 30_000


def test_a_window_counts_bytes_and_messages_in_flight():
    w = Window("1", 100, max_messages=3)
    w.take(60)
    assert w.available == 40
    w.give(1000)  # never more back than was sent
    assert w.available == 100 and w.outstanding == 0
    for _ in range(3):
        w.take(1)
    assert w.available == 0  # three messages unanswered
    w.give(1)
    assert w.available == 98


def test_owed_credits_are_paid_before_any_are_used():
    owed = Owed(limit=2)
    owed.add("1", 100)
    assert owed.settle("1", 30) == 0 and owed.settle("1", 100) == 30
    assert "1" not in owed
    for conn in ("a", "b", "c"):
        owed.add(conn, 5)
    assert "a" not in owed and "c" in owed  # the oldest is forgotten past the limit
    owed.forget("c")
    assert owed.settle("c", 7) == 7


def chunks(n: int):
    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "application/octet-stream")])
        return (bytes([65 + i]) * CHUNK for i in range(n))
    return app


def test_the_handler_stops_at_the_window_and_goes_on_with_credits(serve, mongrel2):
    serve(chunks(10))
    mongrel2.send(request("8", DOWNLOAD_CREDITS="50000"))
    data = b""
    while len(data) < 50_000:  # bounded: each reply carries bytes
        got = mongrel2.reply()
        assert got is not None, len(data)
        data += got[2]
    assert len(data) == 50_000  # pieces cut to the window
    assert mongrel2.reply(timeout=0.5) is None  # and nothing more without credits
    mongrel2.send(credits("8", 50_000))
    whole = None
    for _ in range(100):
        got = mongrel2.reply()
        assert got is not None, len(data)
        assert len(got[2]) <= 50_000
        data += got[2]
        mongrel2.send(credits("8", len(got[2])))
        whole = parse_response(data)
        if whole:
            break
    assert whole is not None
    assert whole[2] == b"".join(bytes([65 + i]) * CHUNK for i in range(10))


def test_a_streamed_response_arrives_whole_with_credits(serve, mongrel2):
    serve(chunks(20))
    mongrel2.send(request("3", DOWNLOAD_CREDITS="65536"))
    status, headers, body = read_response(mongrel2, "3")
    assert status == "HTTP/1.1 200 OK" and headers["transfer-encoding"] == "chunked"
    assert body == b"".join(bytes([65 + i]) * CHUNK for i in range(20))


def test_late_credits_of_a_finished_response_do_not_open_the_next_ones_window(serve,
                                                                              mongrel2):
    def sized(environ, start_response):
        n = int(environ["QUERY_STRING"])
        start_response("200 OK", [("Content-Length", str(n))])
        return [b"z" * (n // 2), b"z" * (n - n // 2)]

    serve(sized, window=20_000)
    mongrel2.send(request("30", query="15000", DOWNLOAD_CREDITS="20000"))
    first = b""
    while parse_response(first) is None:  # bounded: every reply carries bytes
        got = mongrel2.reply()
        assert got is not None
        first += got[2]
    # no credits back yet; the next request on that keep-alive connection starts anew
    mongrel2.send(request("30", query="30000"))
    second = b""
    while len(second) < 20_000:
        got = mongrel2.reply()
        assert got is not None
        second += got[2]
    assert len(second) == 20_000
    mongrel2.send(credits("30", len(first)))  # the first response's, arriving late
    assert mongrel2.reply(timeout=0.5) is None  # they are not the second's to use
    mongrel2.send(credits("30", 20_000))
    for _ in range(10):
        got = mongrel2.reply()
        assert got is not None
        second += got[2]
        if parse_response(second):
            break
    assert parse_response(second)[2] == b"z" * 30_000
