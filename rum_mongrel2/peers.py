"""Several handler processes on one route: passing on credits that reached the wrong one.

Mongrel2 load-balances everything it sends over its PUSH socket, its `credits` and
`disconnect` messages too, so they often reach a process that is not sending the response
they are about. With `peers_dir` set, each process binds a PULL socket at
`ipc://<peers_dir>/<pid>-<random>.ipc` and passes such messages on to every other process found
there; the one sending to that connection uses them, the others drop them.
"""

import logging
import os
import secrets

import zmq

log = logging.getLogger(__name__)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Peers:
    def __init__(self, ctx: zmq.Context, directory: str):
        os.makedirs(directory, exist_ok=True)
        self.directory = directory
        self.ctx = ctx
        self.own = f"{os.getpid()}-{secrets.token_hex(4)}.ipc"
        self.path = os.path.join(directory, self.own)
        self.inbox = ctx.socket(zmq.PULL)
        self.inbox.bind(f"ipc://{self.path}")
        self._out: dict[str, zmq.Socket] = {}
        self.forwarded = 0  # messages passed on

    def forward(self, raw: bytes) -> None:
        self.forwarded += 1
        names = set()
        for name in os.listdir(self.directory):
            if not name.endswith(".ipc") or name == self.own:
                continue
            pid = name.split("-", 1)[0]
            if not pid.isdigit() or not _alive(int(pid)):
                self._drop(name)
                continue
            names.add(name)
            try:
                self._socket(name).send(raw, zmq.NOBLOCK)
            except zmq.Again:
                log.warning("peer %s is not reading; a message for it was dropped", name)
        for name in set(self._out) - names:
            self._drop(name)

    def _socket(self, name: str) -> zmq.Socket:
        if name not in self._out:
            sock = self.ctx.socket(zmq.PUSH)
            sock.setsockopt(zmq.LINGER, 0)
            sock.connect(f"ipc://{os.path.join(self.directory, name)}")
            self._out[name] = sock
        return self._out[name]

    def _drop(self, name: str) -> None:
        sock = self._out.pop(name, None)
        if sock is not None:
            sock.close()
        if name != self.own:
            try:
                os.unlink(os.path.join(self.directory, name))
            except OSError:
                pass

    def close(self) -> None:
        for name in list(self._out):
            self._out.pop(name).close()
        self.inbox.close(linger=0)
        try:
            os.unlink(self.path)
        except OSError:
            pass
