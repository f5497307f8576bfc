"""Where a list page's time goes: the bench app (bench/rum_bench.py) called in process.

    .venv/bin/python bench/profile_list.py --db movies.db                 # print the profile
    .venv/bin/python bench/profile_list.py --db movies.db --write         # and bench/PROFILE.md
    .venv/bin/python bench/profile_list.py --db movies.db --url '/movies?sort=-year' -n 200

The app is built as `bench.ini` builds it over the shared harness's database (`--db`, else
BENCH_DB); the WSGI callable is called directly, no server. It first times the page
without the profiler (median ms of CPU per request over bounded rounds), then runs `-n`
requests under cProfile and lists the top functions by cumulative time. `--write` puts
both into bench/PROFILE.md, which bench/RESULTS.md links to.
"""

import argparse
import cProfile
import io
import logging
import os
import pstats
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

log = logging.getLogger("bench.profile_list")
PROFILE_MD = os.path.join(HERE, "PROFILE.md")
ROUNDS = 15


def build(db: str):
    from bench.rum_bench import make_app
    return make_app(db=db)


def call(app, url: str) -> bytes:
    """One GET through the WSGI app; the body (status checked)."""
    path, _, query = url.partition("?")
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query,
               "SCRIPT_NAME": "", "SERVER_NAME": "localhost", "SERVER_PORT": "80",
               "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "localhost",
               "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr,
               "wsgi.version": (1, 0), "wsgi.multithread": False, "wsgi.multiprocess": True,
               "wsgi.run_once": False}
    status = []

    def start_response(s, headers, exc_info=None):
        status.append(s)

    body = b"".join(app(environ, start_response))
    if not status or not status[0].startswith("200"):
        raise RuntimeError(f"{url}: {status}")
    return body


def cpu_ms(app, url: str, rounds: int = ROUNDS, per_round: int = 40) -> dict:
    """Median and best CPU ms per request over `rounds` rounds of `per_round` requests."""
    times = []
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(per_round):
            call(app, url)
        times.append((time.process_time() - start) * 1000 / per_round)
    return {"median_ms": round(statistics.median(times), 3), "best_ms": round(min(times), 3)}


# the parts of a list page: (label, file name ending, function name), cumulative time
PARTS = (("page template (index + layout, rum/rendering.py)", "rum/rendering.py", "render"),
         ("grid (rum_toscawidgets/grid.py)", "rum_toscawidgets/grid.py", "render"),
         ("filter bar", "rum_toscawidgets/factory.py", "filter_bar"),
         ("rows and count (repository select)", "rum_sqlalchemy/repository.py", "select"),
         ("records of the rows", "rum_sqlalchemy/recording.py", "records"),
         ("filter bar's relation choices (value_choices)", "rum/filter_names.py",
          "value_choices"),
         ("navigation (rendered once per key)", "rum/navigation.py", "html"))


def profile(app, url: str, n: int, top: int) -> tuple[str, list[str]]:
    """The top `top` functions by cumulative time over `n` requests, as pstats prints them,
    and the share of the request of each of PARTS."""
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(n):
        call(app, url)
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    total = max(v[3] for v in stats.stats.values())  # type: ignore[attr-defined]
    shares = []
    for label, ending, name in PARTS:
        cum = sum(v[3] for (path, _line, fn), v in stats.stats.items()  # type: ignore[attr-defined]
                  if fn == name and path.endswith(ending))
        shares.append(f"{label}: {cum / total:.0%}")
    stats.strip_dirs().sort_stats("cumulative").print_stats(top)
    text = out.getvalue()
    return (text[text.index("   ncalls"):].rstrip() if "   ncalls" in text else text), shares


def markdown(url: str, n: int, timing: dict, table: str, db: str, shares: list[str]) -> str:
    return "\n".join([
        "# Profile of the list page", "",
        f"Written by `bench/profile_list.py --write` on {time.strftime('%Y-%m-%d %H:%M:%S')}: "
        f"the bench app (`bench/rum_bench.py`) over `{os.path.basename(db)}`, `GET {url}` "
        "called in process (no server). Without the profiler: "
        f"{timing['median_ms']:.2f} ms CPU a request (median of {ROUNDS} rounds; best "
        f"{timing['best_ms']:.2f} ms). Under cProfile, {n} requests, the top functions by "
        "cumulative time (the profiler roughly doubles every time; read the shares):", "",
        "```", table, "```", "",
        "Shares of the request (cumulative time under the profiler):", "",
        *(f"* {line}" for line in shares), ""])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", default=os.environ.get("BENCH_DB"), help="the gen_db.py database")
    ap.add_argument("--url", default="/movies")
    ap.add_argument("-n", type=int, default=500, help="requests under the profiler")
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--write", action="store_true", help=f"write {os.path.relpath(PROFILE_MD)}")
    a = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if not a.db or not os.path.isfile(a.db):
        ap.error("--db (or BENCH_DB) must name the shared harness's database (gen_db.py)")
    app = build(a.db)
    for _ in range(20):  # templates compiled, caches warm
        call(app, a.url)
    timing = cpu_ms(app, a.url)
    table, shares = profile(app, a.url, a.n, a.top)
    log.info("%s: %.2f ms CPU a request (best %.2f)\n%s\n%s", a.url, timing["median_ms"],
             timing["best_ms"], table, "\n".join(shares))
    if a.write:
        with open(PROFILE_MD, "w") as f:
            f.write(markdown(a.url, a.n, timing, table, a.db, shares))
        log.info("wrote %s", os.path.relpath(PROFILE_MD, ROOT))


if __name__ == "__main__":
    main()
