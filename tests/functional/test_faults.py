"""A database that accepts connections and never answers, behind a real threaded server:
requests waiting on it end as 503 within the connect bound, and `/` answers meanwhile."""

import http.client
import json
import threading
import time

import pytest

from tests.fixtures.netfaults import SilentListener
from tests.functional.servers import serve_demo

pytestmark = pytest.mark.server
HUNG = 6  # waitress serves with 8 threads: these leave two free
BOUND = 2.0  # connect_timeout 1, and libpq waits at least 2 s


def _get(port: int, path: str, results: list) -> None:
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Accept": "application/json"})
        response = conn.getresponse()
        results.append((response.status, response.getheader("Retry-After"),
                        response.read().decode(), time.monotonic() - started))
    finally:
        conn.close()


def test_silent_database_is_a_503_in_bounded_time_and_the_rest_still_answers(tmp_path):
    with SilentListener() as silent, serve_demo(
            tmp_path, waitress=True, ready="/",
            url=f"postgresql+psycopg2://postgres@127.0.0.1:{silent.port}/rum",
            repository_options="connect_timeout = 1\n") as server:
        hung: list = []
        threads = [threading.Thread(target=_get, args=(server.port, "/movies.json", hung))
                   for _ in range(HUNG)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 5
        while len(silent.accepted) < HUNG and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(silent.accepted) >= HUNG, "the requests never reached the database"
        started = time.monotonic()
        status, _headers, body = server.request("GET", "/")
        assert status == 200 and "Movies" in body
        assert time.monotonic() - started < 1.0
        assert len(hung) < HUNG, "the hung requests ended before / was asked"
        for thread in threads:
            thread.join(BOUND + 10)
        assert len(hung) == HUNG
        for status, retry_after, text, elapsed in hung:
            assert status == 503 and int(retry_after) > 0
            assert json.loads(text)["status"] == 503
            assert elapsed < BOUND + 2.0
        assert server.request("GET", "/movies/new")[0] == 503  # still bounded, still 503
