"""gunicorn with two workers, sync and gevent: CRUD at /admin, and one database for both."""

import os
import re
import time

import pytest

from tests.deploy.client import Client, crud_round_trip
from tests.functional.servers import BIN, Server, free_port

pytestmark = pytest.mark.server
ACCESS_FORMAT = "%(p)s %(m)s %(U)s %(s)s"  # pid, method, path (after SCRIPT_NAME), status
RECIPE = ["-w", "2", "--env", "SCRIPT_NAME=/admin", "--no-control-socket"]  # docs/deploying.md


def _access(log) -> list[tuple[str, str, str, str]]:
    """(pid, method, path, status) of every request in gunicorn's access log."""
    lines = log.read_text().splitlines() if log.exists() else []
    return [m.groups() for m in map(re.compile(r"^<(\d+)> (\S+) (\S+) (\d+)$").match, lines) if m]


def _served(log, method: str, path: str, count: int) -> list[str]:
    """The pids that served the `count` `method path` requests made (waits for the log)."""
    deadline = time.monotonic() + 10
    while True:
        pids = [pid for pid, m, p, _ in _access(log) if m == method and p == path]
        if len(pids) >= count or time.monotonic() > deadline:
            return pids
        time.sleep(0.05)


@pytest.mark.parametrize("worker", ["sync", "gevent"])
def test_two_workers_serve_one_database(site, worker):
    pytest.importorskip(worker if worker != "sync" else "gunicorn")
    port = free_port()
    log = site / "access.log"
    argv = [os.path.join(BIN, "gunicorn"), "--paste", str(site / "rum.ini"),
            "-b", f"127.0.0.1:{port}", *RECIPE, "--access-logfile", str(log),
            "--access-logformat", ACCESS_FORMAT]
    if worker == "gevent":
        argv += ["-k", "gevent", "--worker-connections", "100"]
    with Server(argv, port, str(site), str(site / "gunicorn.log"), ready="/admin/"):
        client = Client(port)
        crud_round_trip(client, "/admin", f"Gunicorn {worker}")

        title = f"Seen by both {worker} workers"
        created = client.submit("/admin/movies/new", "/admin/movies",
                                {"title": title, "year": "2020", "genre": "2"})
        assert created.status == 303, created.text[:1000]
        path = created.location_path
        writer = _served(log, "POST", "/movies", 1)[-1]
        readers, reads = set(), 0
        for _ in range(10):  # bounded: each round is 20 requests on new connections
            for _ in range(20):
                reply = client.get(f"{path}.json")
                assert reply.status == 200 and reply.json()["title"] == title
                reads += 1
            readers = set(_served(log, "GET", path.removeprefix("/admin") + ".json", reads))
            if readers - {writer}:
                break
        assert readers - {writer}, f"every read came from the writing worker {writer}"
        assert len({pid for pid, *_ in _access(log)}) == 2
