"""Lost updates: many browsers open one edit form and save it at once, on every database.

16 threads each open the edit form of one row 50 times and save it with its counter one
higher, through a real multi-threaded server (waitress). Each save either wins (303) or is
refused as a conflict (409); the counter must end exactly as high as the wins say. Without
an atomic version check two saves read the same version, both win, and one is lost.
"""

import http.client
import os
import re
import shutil
import threading
import urllib.parse

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from tests.conftest import server_url
from tests.fixtures import counters_model
from tests.fixtures.counters_model import Base, Counter, VersionedCounter
from tests.functional.servers import serve_config

pytestmark = pytest.mark.server
THREADS = int(os.environ.get("RUM_LOST_UPDATE_THREADS", "16"))
EDITS = int(os.environ.get("RUM_LOST_UPDATE_EDITS", "50"))
HIDDEN = re.compile(r'<input type="hidden" name="(_version|_csrf)" value="([^"]*)"')
HITS = re.compile(r'<input\b[^>]*\bname="hits"[^>]*>')
VALUE = re.compile(r'\bvalue="(\d+)"')


class Browser:
    """One user's cookie jar over plain HTTP connections."""

    def __init__(self, port: int):
        self.port, self.cookies = port, {}

    def request(self, method: str, path: str, form: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = urllib.parse.urlencode(form) if form is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            for name, value in resp.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key.strip()] = rest.split(";", 1)[0]
            return resp.status, resp.read().decode("utf-8", "replace")
        finally:
            conn.close()

    def edit_once(self, path: str) -> int:
        """Open the edit form, add one to the counter, save: the save's status."""
        status, page = self.request("GET", f"{path}/edit")
        assert status == 200, (status, page[:300])
        hidden = dict(HIDDEN.findall(page))
        hits = int(VALUE.search(HITS.search(page).group(0)).group(1))
        status, body = self.request("POST", path, {
            "_method": "PUT", "_csrf": hidden["_csrf"], "_version": hidden["_version"],
            "name": "counted", "hits": str(hits + 1)})
        assert status < 500, (status, body[:500])
        return status


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def counters_server(request, tmp_path):
    """A waitress server over the two counters (hits = 0), on each database."""
    url = f"sqlite:///{tmp_path / 'counters.db'}" if request.param == "sqlite" \
        else server_url(request.param)
    engine = sa.create_engine(url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        s.add_all([Counter(id=1, name="plain", hits=0), VersionedCounter(id=1, name="v", hits=0)])
        s.commit()
    shutil.copy(counters_model.__file__, tmp_path / "counters_model.py")
    server = serve_config(tmp_path, "[rum.repositoryfactory]\nuse = 'sqlalchemy'\n"
                          f"models = {list(counters_model.MODELS)!r}\nsqlalchemy.url = {url!r}\n\n"
                          "[rum.viewfactory]\nuse = 'toscawidgets'\n\n"
                          "[rum]\nsecret = 'lost-updates'\n", ready="/counters")
    try:
        yield server, engine
    finally:
        server.stop()
        Base.metadata.drop_all(engine)
        engine.dispose()


def hammer(port: int, path: str) -> dict[int, int]:
    """THREADS browsers, EDITS form saves each, all on `path`: {status: how many}."""
    counts: dict[int, int] = {}
    lock, failures = threading.Lock(), []

    def browse():
        browser = Browser(port)
        try:
            for _ in range(EDITS):
                status = browser.edit_once(path)
                with lock:
                    counts[status] = counts.get(status, 0) + 1
        except Exception as exc:  # a crashed thread must fail the test, with its reason
            failures.append(repr(exc))

    threads = [threading.Thread(target=browse) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, failures[:3]
    return counts


@pytest.mark.parametrize("model,path", [(Counter, "/counters/1"),
                                        (VersionedCounter, "/versioned_counters/1")])
def test_every_saved_edit_counts_once(counters_server, model, path):
    server, engine = counters_server
    counts = hammer(server.port, path)
    assert set(counts) <= {303, 409}, counts
    assert sum(counts.values()) == THREADS * EDITS
    with Session(engine) as s:
        hits = s.get(model, 1).hits
    assert hits == counts.get(303, 0), counts  # no save was lost, none counted twice
    assert counts.get(409, 0) > 0, counts  # concurrent saves really met, and were refused
