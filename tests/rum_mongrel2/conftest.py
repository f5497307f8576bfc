"""A stand-in for Mongrel2 on real ZeroMQ sockets, and handlers run in threads.

`FakeMongrel2` binds what Mongrel2 binds (a PUSH socket for requests, a SUB socket for
replies) on 127.0.0.1 and speaks its JSON protocol; each `Handler` runs in a thread of its
own, with its own sockets, as `paster serve` runs it in a process.
"""

import json
import threading

import pytest

zmq = pytest.importorskip("zmq", reason="pyzmq is not installed (the `mongrel2` extra)")

from rum_mongrel2.handler import Handler, Options  # noqa: E402

SENDER = "54c6755b-9628-40a4-9a2d-cc82a816345e"


def message(conn_id: str, path: str, headers: dict, body: bytes = b"") -> bytes:
    head = json.dumps(headers).encode("latin-1")
    return b"%s %s %s %d:%s,%d:%s," % (SENDER.encode(), conn_id.encode(), path.encode(),
                                       len(head), head, len(body), body)


def request(conn_id: str, path: str = "/app/", query: str = "", method: str = "GET",
            body: bytes = b"", **headers) -> bytes:
    h = {"PATH": path, "METHOD": method, "VERSION": "HTTP/1.1", "PATTERN": "/app",
         "URI": path + ("?" + query if query else ""), "host": "example.org:8080",
         "REMOTE_ADDR": "10.0.0.1", "URL_SCHEME": "http", **headers}
    if query:
        h["QUERY"] = query
    if body:
        h.setdefault("content-length", str(len(body)))
    return message(conn_id, path, h, body)


def credits(conn_id: str, n: int) -> bytes:
    return message(conn_id, "@*", {"METHOD": "JSON", "DOWNLOAD_CREDITS": str(n)},
                   b'{"type":"credits"}')


def disconnect(conn_id: str) -> bytes:
    return message(conn_id, "@*", {"METHOD": "JSON"}, b'{"type":"disconnect"}')


class FakeMongrel2:
    def __init__(self, ctx):
        self.push = ctx.socket(zmq.PUSH)
        self.sub = ctx.socket(zmq.SUB)
        self.sub.setsockopt(zmq.SUBSCRIBE, b"")
        self.send_spec = f"tcp://127.0.0.1:{self.push.bind_to_random_port('tcp://127.0.0.1')}"
        self.recv_spec = f"tcp://127.0.0.1:{self.sub.bind_to_random_port('tcp://127.0.0.1')}"

    def send(self, raw: bytes) -> None:
        self.push.send(raw)

    def reply(self, timeout: float = 10) -> tuple[str, str, bytes] | None:
        """(sender, connection id, data) of the next reply, None after `timeout` s."""
        if not self.sub.poll(int(timeout * 1000)):
            return None
        sender, rest = self.sub.recv().split(b" ", 1)
        size, rest = rest.split(b":", 1)
        conn_id, data = rest[:int(size)], rest[int(size) + 2:]
        return sender.decode(), conn_id.decode(), data

    def close(self) -> None:
        self.push.close(linger=0)
        self.sub.close(linger=0)


class Running:
    """A Handler serving `app` in a thread; stopped (and joined) by `stop()`."""

    def __init__(self, ctx, app, options: Options):
        self.ready = threading.Event()
        self.error: BaseException | None = None
        self.handler: Handler | None = None
        self.thread = threading.Thread(target=self._run, args=(ctx, app, options), daemon=True)
        self.thread.start()
        assert self.ready.wait(10), "the handler did not start"

    def _run(self, ctx, app, options):
        try:
            self.handler = Handler(app, options, ctx)
            self.ready.set()
            self.handler.serve()
        except BaseException as exc:  # reported by stop()
            self.error = exc
            self.ready.set()

    def stop(self) -> None:
        if self.handler is not None:
            self.handler.stop()
        self.thread.join(10)
        assert not self.thread.is_alive(), "the handler did not stop"
        if self.error is not None:
            raise self.error


def warm_up(mongrel2: FakeMongrel2, handlers: int = 1) -> None:
    """HEAD requests until one is answered: the handler's PUB socket is then connected.

    Between two pyzmq sockets (libzmq 4.3.5 at both ends) a PUB that connects to a bound
    SUB drops its first message; Mongrel2's SUB (Debian's libzmq) does not show this.
    """
    senders = set()
    for n in range(100):
        mongrel2.send(request(f"w{n}", method="HEAD"))
        got = mongrel2.reply(timeout=0.2)
        senders |= {got[0]} if got else set()
        if len(senders) == handlers:
            break
    else:
        raise AssertionError(f"{handlers - len(senders)} handlers answered no warm-up request")
    while mongrel2.reply(timeout=0.2) is not None:  # bounded: one reply per request sent
        pass


@pytest.fixture
def ctx():
    context = zmq.Context()
    yield context
    context.term()


@pytest.fixture
def mongrel2(ctx):
    fake = FakeMongrel2(ctx)
    yield fake
    fake.close()


@pytest.fixture
def serve(ctx, mongrel2):
    """serve(app, **options) runs a handler connected to `mongrel2`; all stop at the end."""
    running = []

    def start(app, **options):
        opts = Options(send_spec=mongrel2.send_spec, recv_spec=mongrel2.recv_spec, **options)
        running.append(Running(ctx, app, opts))
        warm_up(mongrel2, len(running))
        return running[-1]

    yield start
    for r in running:
        r.stop()


def dechunk(body: bytes) -> bytes:
    out, rest = b"", body
    while True:
        size, _, rest = rest.partition(b"\r\n")
        n = int(size, 16)
        if n == 0:
            return out
        out, rest = out + rest[:n], rest[n + 2:]


def parse_response(data: bytes) -> tuple[str, dict, bytes] | None:
    """(status line, headers, body) once `data` holds a whole response, else None."""
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        return None
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v for k, _, v in (line.partition(": ") for line in lines[1:])}
    if "content-length" in headers:
        n = int(headers["content-length"])
        return (lines[0], headers, body[:n]) if len(body) >= n else None
    if headers.get("transfer-encoding") == "chunked":
        return (lines[0], headers, dechunk(body)) if body.endswith(b"0\r\n\r\n") else None
    return lines[0], headers, body


def read_response(mongrel2: FakeMongrel2, conn_id: str, grant: bool = True,
                  limit: int = 10_000) -> tuple[str, dict, bytes]:
    """The response to `conn_id`, answering each message with its credits as Mongrel2 does."""
    data = b""
    for _ in range(limit):
        got = mongrel2.reply()
        assert got is not None, f"no reply after {len(data)} bytes: {data[:300]!r}"
        _, to, chunk = got
        assert to == conn_id, (to, conn_id)
        data += chunk
        if grant:
            mongrel2.send(credits(conn_id, len(chunk)))
        whole = parse_response(data)
        if whole is not None and (whole[1].get("connection") != "close" or not chunk):
            return whole
    raise AssertionError("the response did not end")
