"""Concurrent writers on PostgreSQL through a real multi-threaded server.

16 threads create, update (with If-Match) and delete rows for 20 seconds, half of their
updates aimed at a few shared rows so conflicts really happen. Not a timing test: it checks
that nothing answers 5xx, that the database ends exactly as the successful responses say,
and that stale writes to the shared rows really were refused (409/412), not let through.
"""

import http.client
import json
import os
import threading
import time

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from model import Base, Genre
from tests.conftest import fresh_demo_schema, server_url
from tests.functional.servers import serve_demo

pytestmark = pytest.mark.server
THREADS, SECONDS, HOT = 16, float(os.environ.get("RUM_LOAD_SECONDS", "20")), 4


class Client:
    def __init__(self, port):
        self.port, self.cookie, self.token = port, "", ""
        status, headers, body = self.call("GET", "/genres.json")
        assert status == 200, (status, body[:300])
        self.token = headers["x-csrf-token"]

    def call(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        hdrs = {"Accept": "application/json", **(headers or {})}
        if self.cookie:
            hdrs["Cookie"] = self.cookie
        if self.token:
            hdrs["X-CSRF-Token"] = self.token
        data = None
        if body is not None:
            data = json.dumps(body)
            hdrs["Content-Type"] = "application/json"
        try:
            conn.request(method, path, body=data, headers=hdrs)
            resp = conn.getresponse()
            text = resp.read().decode()
            cookie = resp.getheader("Set-Cookie")
            if cookie and not self.cookie:
                self.cookie = cookie.split(";")[0]
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, text
        finally:
            conn.close()


@pytest.fixture
def pg_server(tmp_path):
    url = server_url("postgresql")
    engine = fresh_demo_schema(url)
    with serve_demo(tmp_path, waitress=True, rum_options="secret = 'load'\n", url=url,
                    ready="/genres") as server:
        yield server, engine
    Base.metadata.drop_all(engine)
    engine.dispose()


def test_concurrent_writers_lose_nothing(pg_server):
    server, engine = pg_server
    with Session(engine) as s:
        hot = [g.id for g in s.scalars(sa.select(Genre).order_by(Genre.id).limit(HOT))]
    lock = threading.Lock()
    errors, alive, gone, hot_wins = [], {}, set(), []  # hot_wins: (id, etag, name)
    refused = []  # statuses of hot updates turned away as stale
    stop = time.monotonic() + SECONDS

    def worker(n):
        try:
            work(n)
        except Exception as exc:  # a crashed thread must fail the test, with its reason
            errors.append(("thread", repr(exc)))

    def work(n):
        client, i = Client(server.port), 0
        while time.monotonic() < stop:
            i += 1
            name = f"w{n}-{i}"
            status, headers, body = client.call("POST", "/genres.json", {"name": name})
            if status >= 500 or status != 201:
                errors.append(("create", status, body[:200]))
                continue
            ident = json.loads(body)["_id"]
            etag = headers["etag"]
            status, headers, body = client.call("PUT", f"/genres/{ident}.json",
                                                {"name": name + "u"}, {"If-Match": etag})
            if status != 200:
                errors.append(("update own", status, body[:200]))
            final = name + "u"
            if i % 3 == 0:
                status, _, body = client.call("DELETE", f"/genres/{ident}.json")
                if status != 204:
                    errors.append(("delete", status, body[:200]))
                with lock:
                    gone.add(ident)
            else:
                with lock:
                    alive[ident] = final
            target = hot[i % HOT]
            status, headers, body = client.call("GET", f"/genres/{target}.json")
            if status != 200:
                errors.append(("read hot", status, body[:200]))
                continue
            hot_name = f"hot-{n}-{i}"
            status, headers, body = client.call("PUT", f"/genres/{target}.json",
                                                {"name": hot_name}, {"If-Match": headers["etag"]})
            if status == 200:
                with lock:
                    hot_wins.append((target, headers["etag"], hot_name))
            elif status in (409, 412):
                with lock:
                    refused.append(status)
            else:
                errors.append(("update hot", status, body[:200]))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:5]
    assert len(alive) + len(gone) > THREADS  # it really ran
    assert refused, "16 writers on 4 rows never met a conflict: is the version check on?"
    assert hot_wins, "no write to a shared row succeeded"
    with Session(engine) as s:
        stored = {str(g.id): g.name for g in s.scalars(sa.select(Genre))}
    for ident, name in alive.items():
        assert stored.get(ident) == name, (ident, name, stored.get(ident))
    assert not gone & set(stored)
    client = Client(server.port)
    for target in hot:
        status, headers, body = client.call("GET", f"/genres/{target}.json")
        wins = [(etag, name) for t, etag, name in hot_wins if t == target]
        if wins:
            assert (headers["etag"], json.loads(body)["name"]) in wins
