"""A CSV export's cost in process: Rum's `/movies.csv` against the floor's loop.

    .venv/bin/python bench/export_cost.py --db movies.db [--rounds 3]

Both read the shared harness's database (`--db`, else BENCH_DB). The floor is the loop of
the harness's floor app (`apps/floor_app.py`, `movie_export`): sqlite3, `fetchmany(1000)`,
`csv.writer.writerows` into a reused buffer. Rum's is the bench app (bench/rum_bench.py)
called through WSGI with the body read to the end, as a client would. Logs seconds
(median of the rounds, the two taking turns), rows, bytes and the ratio.
"""

import argparse
import csv
import io
import logging
import os
import sqlite3
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from bench.profile_list import build  # noqa: E402

log = logging.getLogger("bench.export_cost")


def floor_export(db: str) -> tuple[int, int]:
    """(bytes, lines) of the floor's export, as its app writes it."""
    con = sqlite3.connect(db)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(("id", "title", "year", "genre"))
    cur = con.execute("SELECT m.id, m.title, m.year, g.name FROM movie m "
                      "JOIN genre g ON g.id = m.genre_id ORDER BY m.id")
    size = lines = 0
    while True:
        rows = cur.fetchmany(1000)
        if not rows:
            break
        w.writerows(rows)
        lines += len(rows)
        chunk = buf.getvalue().encode()
        size += len(chunk)
        buf.seek(0)
        buf.truncate()
    size += len(buf.getvalue().encode())
    con.close()
    return size, lines


def rum_export(app) -> tuple[int, int]:
    """(bytes, lines) of Rum's `/movies.csv` through WSGI."""
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/movies.csv", "QUERY_STRING": "",
               "SCRIPT_NAME": "", "SERVER_NAME": "localhost", "SERVER_PORT": "80",
               "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "localhost",
               "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr,
               "wsgi.version": (1, 0), "wsgi.multithread": False, "wsgi.multiprocess": True,
               "wsgi.run_once": False}
    body = app(environ, lambda status, headers, exc_info=None: None)
    size = lines = 0
    try:
        for chunk in body:
            size += len(chunk)
            lines += chunk.count(b"\n")
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()
    return size, lines - 1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", default=os.environ.get("BENCH_DB"))
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if not a.db or not os.path.isfile(a.db):
        ap.error("--db (or BENCH_DB) must name the shared harness's database (gen_db.py)")
    app = build(a.db)
    times: dict[str, list[float]] = {"floor": [], "rum": []}
    sizes = {}
    for _ in range(a.rounds):
        for name, run in (("floor", lambda: floor_export(a.db)), ("rum", lambda: rum_export(app))):
            start = time.perf_counter()
            sizes[name] = run()
            times[name].append(time.perf_counter() - start)
    floor, rum = statistics.median(times["floor"]), statistics.median(times["rum"])
    log.info("floor %.2f s (%s bytes, %s rows); rum %.2f s (%s bytes, %s rows); rum/floor %.2fx",
             floor, *sizes["floor"], rum, *sizes["rum"], rum / floor)


if __name__ == "__main__":
    main()
