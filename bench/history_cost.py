"""What history costs an edit: the movie demo's edit POST with `[rum.history]` on and off,
measured in one run, in process, the two apps taking turns so drift hits both alike.

    .venv/bin/python bench/history_cost.py            # 400 saves each, about a minute
    .venv/bin/python bench/history_cost.py --saves 50  # a smoke run

Each save is a real form POST (CSRF token, `_version`, `_base` from the edit page) that
changes the title, through WebTest, on its own SQLite copy of the demo database. It prints
and writes bench/.work/results/history.json: median and p90 ms per save, SQL statements per
save, and the ratio on/off. Only the ratio is meant to travel between machines.
"""

import argparse
import json
import logging
import os
import statistics
import sys
import time

import webtest
from sqlalchemy import event

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(HERE, ".work", "results", "history.json")
MODELS = ["model:Person", "model:Genre", "model:Actor", "model:Director", "model:Movie",
          "model:Rental"]
log = logging.getLogger("bench.history")


def app_for(db: str, history: bool):
    """A RumApp over its own copy of the demo database, history on or off."""
    import demo_data
    from rum import RumApp

    if os.path.exists(db):
        os.remove(db)
    demo_data.create(db)
    config = {"here": ROOT, "rum": {"secret": "bench-history"},
              "rum.repositoryfactory": {"use": "sqlalchemy", "models": MODELS,
                                        "sqlalchemy.url": f"sqlite:///{db}"},
              "rum.viewfactory": {"use": "toscawidgets"},
              "rum.history": {"enabled": history}}
    return RumApp(config)


def save_once(client, movie: int, n: int) -> float:
    """Seconds the POST of one edit took (the GET of its form is not timed)."""
    form = client.get(f"/movies/{movie}/edit").forms[0]
    form["title"] = f"Saved {n}"
    start = time.perf_counter()
    done = form.submit()
    took = time.perf_counter() - start
    assert done.status_int == 303, done.status
    return took


def count_statements(app, client, movie: int) -> int:
    """SQL statements one edit POST runs."""
    engine = app.repositories.engine
    seen: list[str] = []
    listener = lambda *args: seen.append(args[2])  # noqa: E731  (conn, cursor, statement, ...)
    form = client.get(f"/movies/{movie}/edit").forms[0]
    form["title"] = "Counted"
    event.listen(engine, "before_cursor_execute", listener)
    try:
        form.submit()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(seen)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--saves", type=int, default=400)
    parser.add_argument("--out", default=OUT, help="where the JSON goes (and the databases)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    sys.path.insert(0, ROOT)
    work = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(work, exist_ok=True)
    apps = {state: app_for(os.path.join(work, f"history-{state}.db"), state == "on")
            for state in ("on", "off")}
    clients = {state: webtest.TestApp(app) for state, app in apps.items()}
    times: dict[str, list[float]] = {"on": [], "off": []}
    for n in range(args.saves):  # bounded; on and off take turns
        for state in (("on", "off") if n % 2 else ("off", "on")):
            times[state].append(save_once(clients[state], 1 + n % 150, n))
    result = {state: {"median_ms": round(statistics.median(t) * 1000, 3),
                      "p90_ms": round((statistics.quantiles(t, n=10)[-1] if len(t) > 1
                                       else t[0]) * 1000, 3),
                      "statements": count_statements(apps[state], clients[state], 151)}
              for state, t in times.items()}
    result["ratio_on_off"] = round(result["on"]["median_ms"] / result["off"]["median_ms"], 3)
    result["saves"] = args.saves
    with open(args.out, "w") as f:
        json.dump(result, f, indent=2)
    log.info("%s", json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
