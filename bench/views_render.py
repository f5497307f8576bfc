"""The view side's render cost: the grid alone (20 rows x 8 columns) and a whole list page.

    .venv/bin/python bench/views_render.py grid|list           # this tree alone
    .venv/bin/python bench/views_render.py compare OTHER grid|list

It logs JSON: µs per render (median and best of bounded rounds). `compare` runs this tree
and the tree at OTHER (e.g. a `git archive` of main) in two worker processes and times them
in alternation, round by round, so both see the same load: on a shared machine only that
ratio (this / other, the median of the rounds' ratios) means anything.
"""

import datetime
import decimal
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from rum.builtin_actions import builtin_table  # noqa: E402
from rum.contracts import Record, Ref  # noqa: E402
from rum.fields import Field  # noqa: E402
from rum.links import ListLinks  # noqa: E402
from rum.query import Page, Query  # noqa: E402
from rum.resources import Resource  # noqa: E402
from rum.urls import Urls  # noqa: E402
from rum_toscawidgets import ToscaWidgetsViewFactory  # noqa: E402

log = logging.getLogger("bench.views_render")
ROWS, ROUNDS, BATCH = 20, 30, 0.05  # a round times as many renders as fit in BATCH seconds
FIELDS = (Field("id", "integer", primary_key=True, read_only=True), Field("title", "string"),
          Field("year", "integer"), Field("released", "date"), Field("active", "boolean"),
          Field("genre", "to_one", related="genres"), Field("price", "decimal"),
          Field("note", "string"))
RESOURCE = Resource(name="movies", model=object, label="Movie", plural_label="Movies",
                    fields=FIELDS, list_fields=FIELDS, form_fields=FIELDS[1:])


def records() -> list[Record]:
    return [Record(str(i), f"Movie {i}", {
        "id": i, "title": f"Title <{i}> & co", "year": 1990 + i,
        "released": datetime.date(1990, 1, 1 + i), "active": i % 2 == 0,
        "genre": Ref("genres", str(i % 5), f"Genre {i % 5}"),
        "price": decimal.Decimal("9.50") + i, "note": None if i % 3 else "a note"})
        for i in range(ROWS)]


def grid_render():
    views = ToscaWidgetsViewFactory({}, registry=[RESOURCE], debug=False)
    rows = records()
    page = Page(rows, Query(), count=400, has_next=True)
    links = ListLinks(Urls("/admin", builtin_table()), "movies", page.query, 20)
    grid = views.grid(RESOURCE)

    def once():
        with views.scope():
            html = grid.render(rows, page, links)
        assert html.count("<td") >= ROWS * len(FIELDS)
    return once


def list_render():
    import webtest

    import demo_data
    from rum import RumApp
    from tests.conftest import demo_config

    path = os.path.join(tempfile.mkdtemp(prefix="rum-views-bench-"), "movie.db")
    demo_data.create(path)
    client = webtest.TestApp(RumApp(demo_config(f"sqlite:///{path}")))

    def once():
        assert client.get("/movies?limit=20").status_int == 200
    return once


def batch(once) -> float:
    """µs per render over one batch (as many renders as fit in BATCH seconds)."""
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < BATCH and n < 10_000:
        once()
        n += 1
    return (time.perf_counter() - start) / n * 1e6


def measure(once) -> dict:
    once()  # warm: templates parsed, caches filled
    per_render = [batch(once) for _ in range(ROUNDS)]
    return {"median_us": round(statistics.median(per_render), 1),
            "min_us": round(min(per_render), 1)}


def serve(mode: str) -> None:
    """Worker of `compare`: one batch per line read, its µs per render written back."""
    once = grid_render() if mode == "grid" else list_render()
    once()
    for _ in sys.stdin:
        sys.stdout.write(f"{batch(once)}\n")
        sys.stdout.flush()


def worker(tree: str, mode: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": tree, "PYTHONWARNINGS": "ignore"}
    return subprocess.Popen([sys.executable, os.path.join(tree, "bench", "views_render.py"),
                             "serve", mode], cwd=tree, env=env, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)


def compare(other: str, mode: str, rounds: int = 3 * ROUNDS) -> dict:
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    procs = {"this": worker(here, mode), "other": worker(os.path.abspath(other), mode)}
    times: dict[str, list[float]] = {"this": [], "other": []}
    try:
        for n in range(rounds):
            order = ("this", "other") if n % 2 else ("other", "this")
            for name in order:
                procs[name].stdin.write("go\n")
                procs[name].stdin.flush()
                times[name].append(float(procs[name].stdout.readline()))
    finally:
        for proc in procs.values():
            proc.stdin.close()
            proc.wait(timeout=30)
    ratios = [a / b for a, b in zip(times["this"], times["other"], strict=True)]
    return {"mode": mode, "rounds": rounds,
            **{f"{k}_median_us": round(statistics.median(v), 1) for k, v in times.items()},
            **{f"{k}_min_us": round(min(v), 1) for k, v in times.items()},
            "ratio_median": round(statistics.median(ratios), 3)}


if __name__ == "__main__":
    args = sys.argv[1:] or ["grid"]
    if args[0] == "serve":
        serve(args[1])
        sys.exit(0)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args[0] == "compare":
        log.info(json.dumps(compare(args[1], args[2] if len(args) > 2 else "grid")))
    else:
        result = measure(grid_render() if args[0] == "grid" else list_render())
        log.info(json.dumps({"mode": args[0], **result}))
