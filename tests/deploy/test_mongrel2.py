"""Mongrel2 (Debian's mongrel2-core) in front of Rum at /admin, served by `paster serve`
with `use = egg:rum#mongrel2`: the recipe of docs/deploying.md.

From examples/deploy/mongrel2.conf.in and mongrel2.ini.in, in a directory under /tmp.
Mongrel2 comes from `make mongrel2` (apt-get), which this module runs when it is missing;
without apt-get as root it skips, saying so. The movie database gets 50,000 movies.
"""

import hashlib
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.deploy.client import Client, crud_round_trip, push_body
from tests.deploy.conftest import EXAMPLES, make_site
from tests.deploy.debian import ensure
from tests.functional.servers import BIN, free_port

pytestmark = pytest.mark.server
MONGREL2 = "/usr/bin/mongrel2"
M2SH = "/usr/bin/m2sh"
SERVER_UUID = "3f1a6c0e-8d2b-4c57-9e0a-5b7d1c2e4f60"
MOVIES = 50_000
# Long titles make the export (about 6 MB) larger than what the kernel's socket buffers
# hold on loopback (4 MiB), so that a slow reader holds the handler back.
LONG = "a title long enough to make the export bigger than the socket buffers"
LOGGING = """
[loggers]
keys = root, handler

[handlers]
keys = stderr

[formatters]
keys = plain

[logger_root]
level = INFO
handlers = stderr

[logger_handler]
level = DEBUG
handlers =
qualname = rum_mongrel2

[handler_stderr]
class = StreamHandler
args = (sys.stderr,)
formatter = plain

[formatter_plain]
format = %(process)d %(levelname)s %(name)s %(message)s
"""


def _ensure_mongrel2() -> None:
    pytest.importorskip("zmq", reason="pyzmq is not installed (the `mongrel2` extra)")
    ensure("Mongrel2", "mongrel2", (MONGREL2, M2SH))


def _fill(site: Path) -> None:
    """The demo's 200 movies and more, to MOVIES, with long titles."""
    db = sqlite3.connect(site / "movie.db")
    try:
        have = db.execute("select count(*) from movie").fetchone()[0]
        db.executemany("insert into movie (title, year, genre_id, description) values (?,?,?,?)",
                       ((f"Bulk movie {n}: {LONG}", 1950 + n % 70, 1 + n % 10, f"Row {n}, with \"quotes\"")
                        for n in range(have, MOVIES)))
        db.commit()
    finally:
        db.close()


def _from_template(name: str, values: dict) -> str:
    text = (EXAMPLES / name).read_text()
    for key, value in values.items():
        text = text.replace(key, str(value))
    return text


def _wait_port(port: int, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"mongrel2 exited: {log.read_text()[-3000:]}"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"mongrel2 did not listen on {port}: {log.read_text()[-3000:]}")


class Handlers:
    """`paster serve mongrel2.ini` processes, each logging to its own file."""

    def __init__(self, site: Path, port: int):
        self.site, self.port = site, port
        self.procs: list[tuple[subprocess.Popen, Path]] = []

    def start(self) -> subprocess.Popen:
        log = self.site / f"handler-{len(self.procs)}.log"
        out = open(log, "wb")
        proc = subprocess.Popen([os.path.join(BIN, "paster"), "serve", "mongrel2.ini"],
                                cwd=self.site, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
        out.close()
        self.procs.append((proc, log))
        deadline = time.monotonic() + 30
        while "pulling from" not in log.read_text():
            assert proc.poll() is None, f"the handler exited: {log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"the handler did not start: {log.read_text()}"
            time.sleep(0.1)
        return proc

    def stop(self, proc: subprocess.Popen) -> int:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
        return proc.returncode

    def log(self, proc: subprocess.Popen) -> Path:
        return dict((p.pid, lg) for p, lg in self.procs)[proc.pid]

    def served(self, proc: subprocess.Popen) -> list[str]:
        """`METHOD PATH_INFO STATUS, N waits for credits` of each request `proc` answered."""
        return re.findall(rf"^{proc.pid} DEBUG \S+ served (.*)$", self.log(proc).read_text(),
                          re.M)


@pytest.fixture(scope="module")
def mongrel2():
    _ensure_mongrel2()
    work = Path(tempfile.mkdtemp(prefix="rum-mongrel2-", dir="/tmp"))
    chroot = work / "chroot"
    for name in ("logs", "run", "tmp"):
        (chroot / name).mkdir(parents=True)
    site = make_site(work / "site")
    _fill(site)
    ports = {"@PORT@": free_port(), "@SEND_PORT@": free_port(), "@RECV_PORT@": free_port()}
    # As root Mongrel2 chroots, and its upload paths are inside the chroot; as another
    # user it only prefixes its logs with it, and the upload paths are the real ones.
    in_chroot = os.geteuid() == 0
    values = {**ports, "@CHROOT@": chroot}
    conf = _from_template("mongrel2.conf.in", values)
    ini = _from_template("mongrel2.ini.in", values)
    if not in_chroot:
        conf = conf.replace('"/tmp/upload.XXXXXX"', f'"{chroot}/tmp/upload.XXXXXX"')
        ini = ini.replace(f"chroot = {chroot}\n", "").replace(
            "= /tmp/upload.XXXXXX", f"= {chroot}/tmp/upload.XXXXXX")
    (work / "mongrel2.conf").write_text(conf)
    (site / "mongrel2.ini").write_text(ini + LOGGING)
    env = {**os.environ, "LOGNAME": os.environ.get("LOGNAME", "rum")}  # m2sh wants one
    loaded = subprocess.run([M2SH, "load", "-config", "mongrel2.conf", "-db", "config.sqlite"],
                            cwd=work, capture_output=True, text=True, timeout=60, env=env)
    # m2sh exits with 0 even when the file does not parse: its errors say so
    assert loaded.returncode == 0 and "ERROR" not in loaded.stdout + loaded.stderr, (
        loaded.stdout + loaded.stderr)
    m2log = work / "mongrel2.out"
    with open(m2log, "wb") as out:
        server = subprocess.Popen([MONGREL2, "config.sqlite", SERVER_UUID], cwd=work,
                                  stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    handlers = Handlers(site, ports["@PORT@"])
    try:
        _wait_port(ports["@PORT@"], server, m2log)
        first = handlers.start()
        yield {"port": ports["@PORT@"], "server": server, "handlers": handlers, "first": first,
               "chroot": chroot, "site": site}
    finally:
        for proc, _ in handlers.procs:
            handlers.stop(proc)
        if server.poll() is None:
            os.kill(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)
        if not os.environ.get("RUM_KEEP_MONGREL2"):  # set it to read the logs afterwards
            shutil.rmtree(work, ignore_errors=True)


def _uploads_left(chroot: Path) -> list[str]:
    """Mongrel2's upload files still there (the handler removes them after the response)."""
    deadline = time.monotonic() + 10
    while any((chroot / "tmp").iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return sorted(p.name for p in (chroot / "tmp").iterdir())


def _csv(port: int, slow: bool = False) -> tuple[dict, bytes]:
    """(headers, body) of /admin/movies.csv.

    `slow` reads it as a client slower than the export: a 16 KiB receive buffer, a pause
    of 3 s after the first bytes (the export fills the socket buffers and Mongrel2's
    window meanwhile), then 8 KiB at a time with pauses.
    """
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    if slow:
        conn.sock = socket.socket()
        conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
        conn.sock.settimeout(120)
        conn.sock.connect(("127.0.0.1", port))
    try:
        conn.request("GET", "/admin/movies.csv")
        resp = conn.getresponse()
        assert resp.status == 200, resp.read()[:500]
        parts = []
        for n in range(100_000):  # bounded: the export is a few MB
            part = resp.read(8192) if slow else resp.read()
            if not part:
                break
            parts.append(part)
            if slow:
                time.sleep(3 if n == 0 else 0.005)
        return {k.lower(): v for k, v in resp.getheaders()}, b"".join(parts)
    finally:
        conn.close()


def _movies(site: Path) -> int:
    db = sqlite3.connect(site / "movie.db")
    try:
        return db.execute("select count(*) from movie").fetchone()[0]
    finally:
        db.close()


def _complete_csv(mongrel2: dict, slow: bool = False) -> None:
    total = _movies(mongrel2["site"])
    assert total >= MOVIES
    headers, body = _csv(mongrel2["port"], slow)
    assert headers.get("transfer-encoding") == "chunked", headers
    lines = body.decode("utf-8").splitlines()
    assert lines[0] == "Id,Title,Genre,Director,Year", lines[0]
    assert len(lines) == total + 1, (len(lines), total, lines[-1][:200])
    assert any(line.startswith(f"{MOVIES},Bulk movie {MOVIES - 1}: {LONG},")
               for line in lines[MOVIES - 10:]), lines[-10:]


def test_crud_round_trip_under_admin(mongrel2):
    client = Client(mongrel2["port"])
    bare = client.get("/admin")
    assert bare.status == 200 and 'href="/admin/movies"' in bare.text
    crud_round_trip(client, "/admin", "Served through Mongrel2")


def test_a_50000_row_csv_is_complete_5_times_of_5(mongrel2):
    for _ in range(5):
        _complete_csv(mongrel2)


def test_a_50000_row_csv_is_complete_for_a_slow_reader(mongrel2):
    handlers, first = mongrel2["handlers"], mongrel2["first"]
    before = len(handlers.served(first))
    _complete_csv(mongrel2, slow=True)
    export = [line for line in handlers.served(first)[before:] if "/movies.csv" in line]
    waits = int(re.search(r"(\d+) waits for credits", export[-1]).group(1))
    assert waits > 0, export  # the export got ahead of the reader and was held back


def test_a_100kb_form_post_goes_through_an_upload_file(mongrel2):
    client = Client(mongrel2["port"])
    description = hashlib.sha256(b"rum").hexdigest() * (100 * 1024 // 64)  # 100 KiB
    created = client.submit("/admin/movies/new", "/admin/movies", {
        "title": "A hundred kilobytes", "year": "2001", "genre": "1",
        "description": description})
    assert created.status == 303, created.text[:2000]
    data = client.get(f"{created.location_path}.json").json()
    assert data["description"] == description
    assert _uploads_left(mongrel2["chroot"]) == []  # the temp file was removed


def test_a_chunked_json_post(mongrel2):
    port = mongrel2["port"]
    client = Client(port)
    token = client.get("/admin/").headers["x-csrf-token"]
    body = json.dumps({"title": "Chunked Ünïcode and co", "year": 1999, "genre": 2}).encode()
    parts = [body[i:i + 7] for i in range(0, len(body), 7)]
    reply, sent = push_body(port, "/admin/movies.json", {
        "Content-Type": "application/json", "Accept": "application/json",
        "X-CSRF-Token": token,
        "Cookie": "; ".join(f"{k}={v}" for k, v in client.cookies.items())}, parts, None)
    assert reply.status in (200, 201), (reply.status, reply.text[:1000])
    assert sent == len(body)
    made = reply.json()
    assert made["title"] == "Chunked Ünïcode and co" and made["year"] == 1999, made
    assert _uploads_left(mongrel2["chroot"]) == []


def test_query_strings_arrive_exactly(mongrel2):
    client = Client(mongrel2["port"])
    assert client.get("/admin/movies.json?q=%26").json()["count"] == 0  # no title has "&"
    title = "Äpfel & Birnen"
    client.submit("/admin/movies/new", "/admin/movies", {"title": title, "year": "2003",
                                                         "genre": "1"})
    for q in ("%26", "%C3%84pfel", urllib.parse.quote(title)):
        found = client.get(f"/admin/movies.json?q={q}")
        assert found.status == 200, (q, found.status, found.text[:300])
        assert [m["title"] for m in found.json()["items"]] == [title], q
    assert client.get("/admin/movies.json?q=%25").json()["count"] == 0  # "%" is not a wildcard


def test_two_handler_processes_share_the_route(mongrel2):
    handlers, first = mongrel2["handlers"], mongrel2["first"]
    second = handlers.start()
    try:
        # Mongrel2 deals out every message in turn, its credits and disconnects too: one
        # client's requests in a row can all land on one process; several clients spread.
        def reads(_):
            return [Client(mongrel2["port"]).get("/admin/movies.json?limit=1").status
                    for _ in range(10)]
        for _ in range(10):  # bounded: each round is 40 requests from 4 clients at once
            with ThreadPoolExecutor(4) as pool:
                assert {s for got in pool.map(reads, range(4)) for s in got} == {200}
            if handlers.served(second) and handlers.served(first):
                break
        assert handlers.served(first) and handlers.served(second)
        crud_round_trip(Client(mongrel2["port"]), "/admin", "Served by two Mongrel2 handlers")
        for _ in range(3):  # most credits reach the other process, which passes them on
            _complete_csv(mongrel2)
    finally:
        assert handlers.stop(second) == 0
    passed = re.findall(r"passed (\d+) messages on", handlers.log(second).read_text())
    assert passed and int(passed[0]) > 0, handlers.log(second).read_text()[-2000:]


def test_a_handler_restarted_while_mongrel2_runs(mongrel2):
    handlers, server = mongrel2["handlers"], mongrel2["server"]
    old = mongrel2["first"]
    assert handlers.stop(old) == 0  # SIGTERM: a clean exit
    assert "stopped" in handlers.log(old).read_text()
    new = handlers.start()
    mongrel2["first"] = new
    client = Client(mongrel2["port"])
    assert client.get("/admin/movies.json?limit=1").status == 200
    crud_round_trip(client, "/admin", "Served after a handler restart")
    assert server.poll() is None  # the same Mongrel2 all along
    assert handlers.served(new)
