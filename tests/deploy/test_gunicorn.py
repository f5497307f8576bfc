"""gunicorn with two workers, sync and gevent: CRUD at /admin, and one database for both."""

import contextlib
import os
import re
import shutil
import socket
import time
from urllib.parse import urlencode

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
        for _ in range(20):  # bounded: each round is 10 requests on new connections
            with _holding_a_worker(port):  # a sync worker: the reads go to the other one
                for _ in range(10):
                    reply = client.get(f"{path}.json")
                    assert reply.status == 200 and reply.json()["title"] == title
                    reads += 1
            readers = set(_served(log, "GET", path.removeprefix("/admin") + ".json", reads))
            if readers - {writer}:
                break
        assert readers - {writer}, f"every read came from the writing worker {writer}"
        assert len({pid for pid, *_ in _access(log)}) == 2


def _pairs(log, count: int) -> list[tuple[str, str, str]]:
    """(form pid, post pid, post status) of the `count` form GET + POST pairs made, in order."""
    deadline = time.monotonic() + 10
    while True:
        lines = [(pid, m, s) for pid, m, p, s in _access(log)
                 if (m, p) in (("GET", "/movies/new"), ("POST", "/movies"))]
        pairs = [(a[0], b[0], b[2]) for a, b in zip(lines[::2], lines[1::2], strict=False)]
        if len(pairs) >= count or time.monotonic() > deadline:
            return pairs
        time.sleep(0.05)


@contextlib.contextmanager
def _holding_a_worker(port: int):
    """A connection whose request never ends: the sync worker that takes it is busy until
    it closes, so the next connection goes to the other worker."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        sock.sendall(b"GET /admin/ HTTP/1.1\r\nHost: x\r\n")  # no blank line: not ended
        time.sleep(0.3)  # taken by a worker before the next connection is made
        yield sock
    finally:
        sock.close()


def _gunicorn(site, port: int, app: list[str]) -> list[str]:
    return [os.path.join(BIN, "gunicorn"), *app, "-b", f"127.0.0.1:{port}", *RECIPE,
            "--access-logfile", str(site / "access.log"), "--access-logformat", ACCESS_FORMAT]


def test_two_workers_share_the_secret_kept_beside_a_config_without_one(site):
    """No `[rum] secret`: the workers agree on the one Rum keeps in admin.cfg.secret, so a
    form served by one worker is accepted by the other, every time."""
    cfg = site / "admin.cfg"
    cfg.write_text(re.sub(r"(?m)^secret = .*\n", "", cfg.read_text()))
    assert "secret =" not in cfg.read_text()
    port = free_port()
    argv = _gunicorn(site, port, ["--paste", str(site / "rum.ini")])
    with Server(argv, port, str(site), str(site / "gunicorn.log"), ready="/admin/"):
        client = Client(port)
        statuses = []
        for n in range(3):  # each form served by one worker and posted to the other
            with _holding_a_worker(port) as first:
                form = client.hidden_fields("/admin/movies/new", "/admin/movies")
                with _holding_a_worker(port):  # the worker that served the form
                    first.close()  # the other one is free again: it gets the post
                    created = client.request("POST", "/admin/movies", body=urlencode(
                        {**form, "title": f"Kept secret {n}", "year": "2020", "genre": "1"}),
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
            statuses.append(created.status)
        assert statuses == [303] * 3, statuses
        pairs = _pairs(site / "access.log", len(statuses))
        assert len(pairs) == 3 and all(form != post for form, post, _ in pairs), pairs
    assert (site / "admin.cfg.secret").stat().st_size > 32


APP_MODULE = """from rum import RumApp

app = RumApp({"here": %r,
              "rum.repositoryfactory": {"use": "sqlalchemy", "sqlalchemy.url": "sqlite:///movie.db",
                                        "models": ["model:Genre", "model:Director", "model:Movie"]},
              "rum.viewfactory": {"use": "toscawidgets"}})
"""


def test_two_workers_without_a_shared_secret_refuse_writes_saying_what_to_set(site):
    """A dict config has no file to keep a secret beside: under two workers every write is
    a 500 naming [rum] secret, never a 403 for some of them."""
    (site / "dict_site.py").write_text(APP_MODULE % str(site))
    port = free_port()
    argv = _gunicorn(site, port, ["--chdir", str(site), "dict_site:app"])
    with Server(argv, port, str(site), str(site / "gunicorn.log"), ready="/admin/"):
        client = Client(port)
        assert client.get("/admin/movies").status == 200
        for n in range(6):
            refused = client.submit("/admin/movies/new", "/admin/movies",
                                    {"title": f"Lost {n}", "year": "2020", "genre": "1"})
            assert refused.status == 500, (refused.status, refused.text[:500])
            assert "[rum] secret" in refused.text and "shared secret" in refused.text
        assert "Lost" not in client.get("/admin/movies.json?q=Lost").text
    assert "set [rum] secret" in (site / "gunicorn.log").read_text()


def test_the_readmes_gunicorn_command_serves_development_ini(tmp_path):
    """`gunicorn --paste development.ini` ignores [server:main]; the README gives `-b`."""
    from tests.conftest import ROOT, copy_demo

    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as fh:
        readme = fh.read()
    command = "gunicorn --paste development.ini -b 127.0.0.1:5000"
    assert f"`{command}`" in readme and "binds 127.0.0.1:8000" in readme
    copy_demo(tmp_path)
    shutil.copytree(os.path.join(ROOT, "locale"), tmp_path / "locale")
    port = free_port()
    argv = [os.path.join(BIN, "gunicorn"), *command.replace("5000", str(port)).split()[1:],
            "--no-control-socket"]
    with Server(argv, port, str(tmp_path), str(tmp_path / "gunicorn.log"), ready="/movies"):
        assert Client(port).get("/movies").status == 200
    assert f"Listening at: http://127.0.0.1:{port}" in (tmp_path / "gunicorn.log").read_text()
