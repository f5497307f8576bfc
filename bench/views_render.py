"""The view side's render cost: the grid alone (20 rows x 8 columns) and a whole list page.

Run from a tree: `PYTHONPATH=. .venv/bin/python bench/views_render.py grid` (or `list`).
It logs one line of JSON: the median and best µs per render over bounded rounds. Only the
ratios of interleaved runs mean anything on a shared machine: alternate two trees' runs.
"""

import datetime
import decimal
import json
import logging
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

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
    links = ListLinks(Urls("/admin"), "movies", page.query, 20)
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


def measure(once) -> dict:
    once()  # warm: templates parsed, caches filled
    per_render = []
    for _ in range(ROUNDS):
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < BATCH and n < 10_000:
            once()
            n += 1
        per_render.append((time.perf_counter() - start) / n * 1e6)
    return {"median_us": round(statistics.median(per_render), 1),
            "min_us": round(min(per_render), 1)}


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    mode = sys.argv[1] if len(sys.argv) > 1 else "grid"
    result = measure(grid_render() if mode == "grid" else list_render())
    log.info(json.dumps({"mode": mode, **result}))
