"""The handler loop: requests from Mongrel2's PUSH socket, replies to its SUB socket.

One request at a time per process; run several processes on one route to serve requests
side by side (Mongrel2 load-balances between them). While a response is sent, the loop
keeps reading Mongrel2's messages: credits open the window, a disconnect stops the
response, requests wait their turn.
"""

import collections
import logging
import time
import uuid
from dataclasses import dataclass, field

import zmq

from rum_mongrel2 import environ as environs
from rum_mongrel2.flow import DEFAULT_WINDOW, Owed, Window
from rum_mongrel2.peers import Peers
from rum_mongrel2.protocol import Message, ProtocolError, parse, reply
from rum_mongrel2.response import Framing
from rum_mongrel2.uploads import BadUpload, TempStore, body_of, is_upload_start

log = logging.getLogger(__name__)


class ClientGone(Exception):
    """The client left, or its credits stopped coming: stop sending the response."""


@dataclass
class Options:
    send_spec: str  # Mongrel2's Handler send_spec: it pushes requests there
    recv_spec: str  # Mongrel2's Handler recv_spec: it reads replies there
    sender_id: str = ""
    url_prefix: str | None = None
    upload: TempStore = field(default_factory=TempStore)
    peers_dir: str = ""
    window: int = DEFAULT_WINDOW  # 0: Mongrel2 runs without download.flow_control
    credit_timeout: float = 60.0


class Handler:
    def __init__(self, app, options: Options, ctx: zmq.Context | None = None):
        self.app = app
        self.opts = options
        self.sender = options.sender_id or str(uuid.uuid4())
        self.ctx = ctx or zmq.Context.instance()
        self.pull = self.ctx.socket(zmq.PULL)
        self.pull.connect(options.send_spec)
        self.pub = self.ctx.socket(zmq.PUB)
        self.pub.connect(options.recv_spec)
        self.peers = Peers(self.ctx, options.peers_dir) if options.peers_dir else None
        self.poller = zmq.Poller()
        self.poller.register(self.pull, zmq.POLLIN)
        if self.peers:
            self.poller.register(self.peers.inbox, zmq.POLLIN)
        self.queue: collections.deque[Message] = collections.deque()
        self.window: Window | None = None
        self.gone = False
        self.waits = 0  # times the response being sent waited for credits
        self.owed = Owed()
        self.stopping = False

    def stop(self, *_args) -> None:
        self.stopping = True

    def serve(self) -> None:
        log.info("handler %s pulling from %s, publishing to %s", self.sender,
                 self.opts.send_spec, self.opts.recv_spec)
        try:
            while not self.stopping:
                self.poll(500)
                while self.queue:
                    self.handle(self.queue.popleft())
            self.poll(0)  # what zmq already took from Mongrel2 is answered, not lost
            while self.queue:
                self.handle(self.queue.popleft())
        finally:
            self.close()
        log.info("handler %s stopped", self.sender)

    def close(self) -> None:
        for sock in (self.pull, self.pub):
            sock.close(linger=1000)
        if self.peers:
            log.info("passed %d messages on to other handler processes", self.peers.forwarded)
            self.peers.close()

    def poll(self, timeout_ms: int) -> None:
        """Read every message waiting, after waiting up to `timeout_ms` for the first."""
        while True:
            events = dict(self.poller.poll(timeout_ms))
            if not events:
                return
            timeout_ms = 0
            for sock in events:
                self.dispatch(sock.recv(), forwarded=sock is not self.pull)

    def dispatch(self, raw: bytes, forwarded: bool = False) -> None:
        try:
            msg = parse(raw)
        except ProtocolError as exc:
            log.warning("ignored a message not in Mongrel2's format: %s", exc)
            return
        kind = msg.kind
        if kind == "request":
            if not forwarded:
                self.queue.append(msg)
        elif kind == "credits":
            self.credit(msg, raw, forwarded)
        elif kind == "disconnect":
            self.disconnect(msg, raw, forwarded)

    def credit(self, msg: Message, raw: bytes, forwarded: bool) -> None:
        left = self.owed.settle(msg.conn_id, msg.credits or 0)
        if self.window is not None and self.window.conn_id == msg.conn_id and left:
            self.window.give(left)
        elif left and self.peers and not forwarded:
            self.peers.forward(raw)

    def disconnect(self, msg: Message, raw: bytes, forwarded: bool) -> None:
        self.owed.forget(msg.conn_id)
        self.queue = collections.deque(m for m in self.queue if m.conn_id != msg.conn_id)
        if self.window is not None and self.window.conn_id == msg.conn_id:
            self.gone = True
        elif self.peers and not forwarded:
            self.peers.forward(raw)

    def handle(self, msg: Message) -> None:
        if is_upload_start(msg):
            return  # the request comes again when the file is complete
        if msg.credits is not None:
            self.owed.forget(msg.conn_id)  # the connection's first request: a new one
        try:
            body = body_of(msg, self.opts.upload)
        except (BadUpload, OSError) as exc:
            log.error("request %s %s: %s", msg.conn_id, msg.path, exc)
            self.send_error(msg, "400 Bad Request")
            return
        try:
            env = environs.build(msg, body.stream, body.length, self.opts.url_prefix)
        except environs.NotUnderPrefix:
            body.close()
            self.send_error(msg, "404 Not Found")
            return
        window = msg.credits or self.opts.window
        self.window = Window(msg.conn_id, window) if window else None
        self.gone = False
        self.waits = 0
        try:
            self.respond(msg, env)
        finally:
            body.close()
            if self.window is not None:
                self.owed.add(msg.conn_id, self.window.outstanding)
            self.window = None

    def respond(self, msg: Message, env: dict) -> None:
        framing = Framing(env)
        result = None
        try:
            result = self.app(env, framing.start_response)
            head = b""  # goes with the first chunk: one message per chunk
            for data in result:
                if data and not framing.head_sent:
                    head = framing.head()
                self.send(msg.conn_id, head + framing.chunk(data))
                head = b""
                if framing.head_only and framing.head_sent:
                    break  # HEAD: the rest of the body would only be thrown away
            if not framing.head_sent:
                head = framing.head()
            self.send(msg.conn_id, head + framing.end())
            if not framing.keep_alive:
                self.pub.send(reply(self.sender, msg.conn_id, b""))
            log.debug("served %s %s %s, %d waits for credits", env["REQUEST_METHOD"],
                      env["PATH_INFO"], framing.status, self.waits)
        except ClientGone as exc:
            log.info("stopped the response to %s %s: %s", msg.conn_id, msg.path, exc)
            self.pub.send(reply(self.sender, msg.conn_id, b""))
        except Exception:
            log.exception("error in the application for %s", env.get("PATH_INFO"))
            if framing.head_sent:
                self.pub.send(reply(self.sender, msg.conn_id, b""))
            else:
                self.send_error(msg, "500 Internal Server Error")
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()

    def send(self, conn_id: str, data: bytes) -> None:
        """`data` to the client, in pieces no larger than the credits allow."""
        view = memoryview(data)
        while view:
            self.poll(0)
            if self.gone:
                raise ClientGone("the client disconnected")
            piece = len(view)
            if self.window is not None:
                piece = min(piece, self.wait_for_credits())
            self.pub.send(reply(self.sender, conn_id, bytes(view[:piece])))
            if self.window is not None:
                self.window.take(piece)
            view = view[piece:]

    def wait_for_credits(self) -> int:
        assert self.window is not None
        deadline = time.monotonic() + self.opts.credit_timeout
        self.waits += self.window.available <= 0
        while not self.gone and self.window.available <= 0:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ClientGone(f"no credits for {self.opts.credit_timeout:g} s")
            before = self.window.returned
            self.poll(int(min(left, 1) * 1000))
            if self.window.returned > before:
                deadline = time.monotonic() + self.opts.credit_timeout
        if self.gone:
            raise ClientGone("the client disconnected")
        return self.window.available

    def send_error(self, msg: Message, status: str) -> None:
        body = status.encode("ascii")
        head = (f"HTTP/1.1 {status}\r\nContent-Type: text/plain\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode("ascii")
        self.pub.send(reply(self.sender, msg.conn_id, head + body))
