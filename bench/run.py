"""`make bench`: Rum beside the anchors of ../shared/bench in one run, then Rum alone at
1,000,000 movies, then the tables, ratios and targets written into bench/RESULTS.md.

    .venv/bin/python bench/run.py                 # everything (about 35 minutes)
    .venv/bin/python bench/run.py --quick         # QUICK=1 PEERS=floor,rum smoke run, no 1M
    .venv/bin/python bench/run.py --report-only   # rewrite RESULTS.md from the saved runs
    .venv/bin/python bench/run.py --no-peers --no-scale   # only history's cost on an edit
    .venv/bin/python bench/run.py --baseline REV  # everything, plus the list page against REV
    .venv/bin/python bench/run.py --baseline REV --quick   # only that list page comparison

`--baseline REV` serves this tree and the revision REV side by side after the run beside
the anchors and loads their list pages alternately (bench/baseline.py): the ratio of the
two is measured in one run, so a redesign can be held to "within 5% of the code before
it". It goes into results/latest.json (`baseline`) and the targets of RESULTS.md. With
`--quick` only that comparison runs (shorter wrk runs, about two minutes), its JSON in
results-quick/baseline.json, RESULTS.md untouched.

Everything generated goes under bench/.work/ (git-ignored): the anchors' venvs and the
100,000-movie database (the shared run_all.sh makes them, BENCH_WORK=bench/.work), the
1,000,000-movie database (data-1m/), server logs, SQL traces and the results JSON
(results/latest.json, results-1m/latest.json). Only the part of RESULTS.md between the
`make bench` markers is rewritten; the notes around it are kept.
"""

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time

import baseline as baseline_cmp
import targets as issue_targets

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.abspath(os.environ.get("BENCH_SHARED") or os.path.join(ROOT, os.pardir,
                                                                         "shared", "bench"))
WORK = os.path.join(HERE, ".work")
PEER_FILE = os.path.join(HERE, "rum-peer.json")
RESULTS_MD = os.path.join(HERE, "RESULTS.md")
OUT = os.path.join(WORK, "results")
OUT_1M = os.path.join(WORK, "results-1m")
DB_1M = os.path.join(WORK, "data-1m", "movies.db")
MOVIES_1M = 1_000_000
BEGIN, END = "<!-- make bench: begin -->", "<!-- make bench: end -->"


def log(*args):
    print(time.strftime("%H:%M:%S"), *args, file=sys.stderr, flush=True)


def shared_bench(db: str, work: str):
    """The shared harness's bench.py as a module, its paths set for `db` and `work`."""
    os.environ.update(BENCH_DB=db, BENCH_WORK=work)
    spec = importlib.util.spec_from_file_location("shared_bench", os.path.join(SHARED, "bench.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ------------------------------------------------------------------ the run beside the anchors
def prepare_flask_venv() -> None:
    """Flask-Admin 2.2.1 (reqs/flask.txt) cannot import `flask_admin.contrib.sqla` without
    Flask-SQLAlchemy installed (`_types.T_SESSION` is only defined when it imports), although
    the anchor uses a plain scoped_session: add it to that venv, before run_all.sh installs
    the pins into it (which it leaves as they are)."""
    venv = os.path.join(WORK, "venv-flask")
    python = os.path.join(venv, "bin", "python")
    if not os.path.exists(python):
        subprocess.run([os.environ.get("PYTHON", "python3"), "-m", "venv", venv], check=True)
    probe = subprocess.run([python, "-c", "import flask_sqlalchemy"], capture_output=True)
    if probe.returncode:
        log("adding Flask-SQLAlchemy to the flask-admin venv (see bench/run.py)")
        subprocess.run([python, "-m", "pip", "install", "-q", "-r",
                        os.path.join(SHARED, "reqs", "flask.txt"), "Flask-SQLAlchemy"], check=True)


def compile_sources(tree: str = ROOT) -> None:
    """Byte-compile Rum's packages in `tree`, as installing them would: the anchors come
    from pip with their bytecode, while an editable Rum under PYTHONDONTWRITEBYTECODE would
    otherwise compile every module at each start (about 0.13 s of its start-up)."""
    paths = [os.path.join(tree, p) for p in ("rum", "rum_sqlalchemy", "rum_toscawidgets",
                                              "rum_mongrel2", "bench")]
    subprocess.run([sys.executable, "-m", "compileall", "-q",
                    *[p for p in paths if os.path.isdir(p)]], check=True, stdout=subprocess.DEVNULL)


def run_peers(quick: bool) -> None:
    compile_sources()
    env = dict(os.environ, BENCH_WORK=WORK, EXTRA=PEER_FILE,
               OUT=os.path.join(WORK, "results-quick") if quick else OUT)
    env.pop("BENCH_DB", None)
    if quick:
        env.update(QUICK="1", PEERS=env.get("PEERS", "floor,rum"))
    if "flask-admin" in env.get("PEERS", "flask-admin"):
        prepare_flask_venv()
    log(f"run_all.sh with Rum as a peer ({'quick' if quick else 'every anchor, about 25 min'})")
    subprocess.run([os.path.join(SHARED, "run_all.sh")], env=env, check=True)


# ------------------------------------------------------------------ the list page against a revision
def run_baseline(rev: str, quick: bool, rounds: int | None, duration: int | None) -> dict:
    """This tree's list page against `rev`'s (bench/baseline.py), on the 100,000-movie
    database; saved as baseline.json beside the run's other results."""
    db = os.path.join(WORK, "data", "movies.db")
    if not os.path.isfile(db):
        log("generating the 100,000-movie database (gen_db.py)")
        os.makedirs(os.path.dirname(db), exist_ok=True)
        subprocess.run([sys.executable, os.path.join(SHARED, "gen_db.py"), "--out", db], check=True)
    b = shared_bench(db, WORK)
    result = baseline_cmp.compare(b, rev, SHARED, rounds or (12 if quick else 30),
                                  duration or (3 if quick else 5))
    out = os.path.join(WORK, "results-quick") if quick else OUT
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "baseline.json"), "w") as f:
        json.dump(result, f, indent=1)
    return result


def add_to_latest(comparison: dict) -> None:
    """Keep the comparison in results/latest.json, next to the run it follows."""
    path = os.path.join(OUT, "latest.json")
    results = load(path)
    if results is None:
        log(f"no {path}: the comparison is only in baseline.json beside it")
        return
    results["baseline"] = comparison
    with open(path, "w") as f:
        json.dump(results, f, indent=1)


# ------------------------------------------------------------------ Rum alone at 1,000,000
def scale_peer() -> dict:
    """rum-peer.json's entry, with a second deep page in the middle of the bigger table."""
    sys.path.insert(0, ROOT)
    from rum.query_text import encode_cursor

    with open(PEER_FILE) as f:
        peer = json.load(f)[0]
    peer["cwd"] = os.path.normpath(os.path.join(HERE, peer.get("cwd", ".")))
    middle = MOVIES_1M // 2 // 20  # page 25,000: movies 499,981-500,000
    peer["urls"]["deep_middle"] = f"/movies?after={encode_cursor([(middle - 1) * 20])}&page={middle}"
    return peer


def run_floor(b, runs: int, duration: int) -> dict:
    """The floor's list page and export on the same database, after Rum's (the targets
    compare the two at 1,000,000 movies)."""
    peer = next(p for p in b.PEERS if p["name"] == "floor")
    log("== the floor at the same size: list and export")
    out: dict = {"wrk": {}}
    server = b.Server(peer)
    try:
        server.wait_ready(peer["urls"]["list"])
        worker = server.worker_pid()
        b.http_get(server.port, peer["urls"]["list"])
        server.wait_idle()
        rr = []
        for i in range(runs):
            r = b.run_wrk(server.port, peer["urls"]["list"], duration)
            server.wait_idle()
            rr.append({k: v for k, v in r.items() if k != "raw"})
            log(f"  floor wrk list #{i + 1}: {r['rps']} req/s p50={r['p50']}ms")
        out["wrk"]["list"] = dict(runs=rr, rps=b.med([r["rps"] for r in rr]),
                                  p50=b.med([r["p50"] for r in rr]), p99=b.med([r["p99"] for r in rr]))
        exports = []
        for i in range(runs):
            status, nbytes, rows, seconds = b.do_export(peer)
            server.wait_idle()
            exports.append(dict(status=status, bytes=nbytes, rows=rows, seconds=round(seconds, 3)))
            log(f"  floor export #{i + 1}: {status} rows={rows} {seconds:.2f}s")
        out["export"] = dict(runs=exports, seconds=b.med([e["seconds"] for e in exports]),
                             rss_after=b.proc_status(worker))
    finally:
        server.stop()
    return out


def run_scale(runs: int, duration: int) -> None:
    if not os.path.isfile(DB_1M):
        log(f"generating {MOVIES_1M:,} movies (gen_db.py, about a minute)")
        os.makedirs(os.path.dirname(DB_1M), exist_ok=True)
        subprocess.run([sys.executable, os.path.join(SHARED, "gen_db.py"), "--out", DB_1M,
                        "--movies", str(MOVIES_1M)], check=True)
    os.environ.setdefault("BENCH_VENV_PREFIX", os.path.join(WORK, "venv-"))  # the floor's venv
    b = shared_bench(DB_1M, os.path.join(WORK, "scale-1m"))
    peer = scale_peer()
    markers = b.expected_markers()
    import sqlite3
    with sqlite3.connect(f"file:{DB_1M}?mode=ro", uri=True) as con:
        markers["deep_middle"] = con.execute("SELECT title FROM movie WHERE id = ?",
                                             (MOVIES_1M // 2 - 19,)).fetchone()[0]
    measurements = ["list", "deep", "deep_middle", "search"]
    compile_sources()
    result = {"started": time.strftime("%Y-%m-%d %H:%M:%S"), "movies": markers["movies"],
              "runs": runs, "duration": duration, "urls": peer["urls"],
              "loadavg_start": os.getloadavg()}
    log(f"== rum at {markers['movies']:,} movies")
    result["startup_s"] = [round(t, 3) for t in b.phase_startup(peer, 3)]
    os.makedirs(b.TRACES, exist_ok=True)
    trace = os.path.join(b.TRACES, "trace-rum-1m.sql")
    open(trace, "w").close()
    probe = {}
    server = b.Server(peer, {"BENCH_SQLTRACE": trace})
    try:
        server.wait_ready(peer["urls"]["list"])
        for meas in measurements:
            path = peer["urls"][meas]
            b.http_get(server.port, path)
            start = os.path.getsize(trace)
            status, body, first, _ = b.http_get(server.port, path)
            with open(trace) as f:
                f.seek(start)
                sql = [line.rstrip("\n") for line in f if line.strip()]
            times = [first] + [b.http_get(server.port, path)[2] for _ in range(2)]
            text = body.decode("utf-8", "replace")
            import html
            ok = status == 200 and markers[meas] in html.unescape(text)
            if meas == "search":
                ok = ok and text.lower().count("harbor") >= 20
            probe[meas] = dict(status=status, bytes=len(body), content_ok=ok, sql=sql,
                               sql_count=len(sql), single_ms=[round(t * 1000, 1) for t in times])
            log(f"  probe {meas}: {status} ok={ok} sql={len(sql)} single={probe[meas]['single_ms']}")
    finally:
        server.stop()
    result["probe"] = probe
    load = {"wrk": {}}
    server = b.Server(peer)
    try:
        server.wait_ready(peer["urls"]["list"])
        worker = server.worker_pid()
        for meas in measurements:
            path = peer["urls"][meas]
            b.http_get(server.port, path)
            server.wait_idle()
            rr = []
            for i in range(runs):
                r = b.run_wrk(server.port, path, duration)
                server.wait_idle()
                rr.append({k: v for k, v in r.items() if k != "raw"})
                log(f"  wrk {meas} #{i + 1}: {r['rps']} req/s p50={r['p50']}ms n={r['requests']} "
                    f"non2xx={r['non2xx']}")
            load["wrk"][meas] = dict(runs=rr, rps=b.med([r["rps"] for r in rr]),
                                     p50=b.med([r["p50"] for r in rr]),
                                     p99=b.med([r["p99"] for r in rr]))
        load["rss_after_load"] = b.proc_status(worker)
        exports = []
        for i in range(runs):
            status, nbytes, rows, seconds = b.do_export(peer)
            server.wait_idle()
            exports.append(dict(status=status, bytes=nbytes, rows=rows, seconds=round(seconds, 3)))
            log(f"  export #{i + 1}: {status} {nbytes}B rows={rows} {seconds:.2f}s "
                f"rss={b.proc_status(worker)}")
        load["export"] = dict(runs=exports, seconds=b.med([e["seconds"] for e in exports]),
                              rss_after=b.proc_status(worker))
    finally:
        server.stop()
    result["load"] = load
    result["floor"] = run_floor(b, runs, duration)
    result["loadavg_end"] = os.getloadavg()
    os.makedirs(OUT_1M, exist_ok=True)
    with open(os.path.join(OUT_1M, "latest.json"), "w") as f:
        json.dump(result, f, indent=1)


# ------------------------------------------------------------------ RESULTS.md
def fmt(x, nd=1):
    if x is None:
        return "-"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.{nd}f}"


def all_targets(results: dict | None, big: dict | None) -> list[tuple[str, str, str, str]]:
    """bench/targets.py's rows, plus the list page against a baseline revision if run."""
    rows = issue_targets.targets(results, big)
    cmp = (results or {}).get("baseline")
    if cmp and cmp.get("ratio"):
        x = cmp["ratio"]
        rows.append((f"list within 5% of the baseline ({cmp['revision']})",
                     baseline_cmp.summary_line(cmp), "met" if x >= 0.95 else "**missed**",
                     f"{x - 1:+.1%}"))
    return rows


def print_targets(results: dict | None, big: dict | None) -> None:
    """The targets, met or missed, on standard output (what `make bench` ends with)."""
    rows = all_targets(results, big)
    if not rows:
        log("no targets: the run has no Rum and floor measurements")
        return
    width = max(len(t) for t, *_ in rows)
    lines = [f"{t:<{width}}  {ok.strip('*'):<6}  {m}  ({margin})" for t, m, ok, margin in rows]
    sys.stdout.write("Targets of issue 16 (ratios from one run):\n" + "\n".join(lines) + "\n")


def scale_section(big: dict, small: dict | None) -> list[str]:
    small_rum = (small or {}).get("peers", {}).get("rum", {})
    L = [f"### Rum alone at {big['movies']:,} movies (run of {big['started']})", "",
         f"Same server, flags and `wrk -t1 -c4 -d{big['duration']}s` (median of {big['runs']}); "
         "`deep` is the page holding movies 49,981-50,000 as at 100,000, `deep_middle` the page "
         "holding 499,981-500,000 (page 25,000), both by Rum's own next-page link. The x100k "
         "column divides by the same measurement of the run above (a different run: read it "
         "as a trend only).", "",
         "| page | req/s | p50 ms | 1 request ms | SQL statements | x100k req/s |",
         "|---|---|---|---|---|---|"]
    for meas in ("list", "deep", "deep_middle", "search"):
        w = big["load"]["wrk"].get(meas, {})
        pr = big["probe"].get(meas, {})
        base = small_rum.get("load", {}).get("wrk", {}).get(meas if meas != "deep_middle" else "deep")
        ratio = f"{w['rps'] / base['rps']:.2f}x" if base and w.get("rps") else "-"
        L.append(f"| {meas} | {fmt(w.get('rps'))} | {fmt(w.get('p50'))} | "
                 f"{fmt(statistics.median(pr['single_ms'])) if pr else '-'} | "
                 f"{pr.get('sql_count', '-')} | {ratio} |")
    ex = big["load"]["export"]
    sex = small_rum.get("load", {}).get("export")
    L += ["", f"CSV export of all {ex['runs'][0]['rows']:,} movies: {ex['seconds']:.2f} s "
          f"({ex['runs'][0]['bytes'] // 1024 // 1024} MiB)"
          + (f", {ex['seconds'] / sex['seconds']:.1f}x the 100,000-row export" if sex else "")
          + f"; worker peak RSS {ex['rss_after'].get('VmHWM')} MiB (after load: "
          f"{big['load']['rss_after_load'].get('VmRSS')} MiB). Start-up "
          f"{statistics.median(big['startup_s']):.2f} s."
          + (f" The floor at the same size: list {fmt(big['floor']['wrk']['list']['rps'])} req/s, "
             f"export {big['floor']['export']['seconds']:.2f} s." if big.get("floor") else ""),
          "content checks: " + ("every probed page was 200 with the expected movie titles"
                                if all(p["content_ok"] for p in big["probe"].values())
                                else "FAILED for " + ", ".join(m for m, p in big["probe"].items()
                                                                if not p["content_ok"])),
          f"load average at start/end: {big['loadavg_start']} / {big['loadavg_end']}"]
    return L


def baseline_section(cmp: dict) -> list[str]:
    """The list page against the baseline revision: medians, ratio and every round."""
    order = " ".join("AB" if i % 2 == 0 else "BA" for i in range(cmp["rounds"]))
    L = [f"#### The list page against {cmp['revision']} ({cmp['baseline_commit'][:12]}), "
         f"run of {cmp['started']}", "",
         f"This tree ({cmp['current_commit']}, A) and the baseline (B) served side by side "
         f"by the same gunicorn on the same database, `wrk -t1 -c4 -d{cmp['duration']}s` on "
         f"`{cmp['path']}` in the order {order} (`bench/baseline.py`).", "",
         baseline_cmp.summary_line(cmp), "",
         "| round | A req/s | B req/s | A/B | A CPU ms/request | B CPU ms/request |",
         "|---|---|---|---|---|---|"]
    pairs = zip(cmp["current"]["runs"], cmp["baseline"]["runs"], strict=True)
    for i, (a, b) in enumerate(pairs, 1):
        ratio = f"{a['rps'] / b['rps']:.3f}" if a["rps"] and b["rps"] else "-"
        L.append(f"| {i} | {fmt(a['rps'])} | {fmt(b['rps'])} | {ratio} | "
                 f"{fmt(a.get('cpu_ms'), 2)} | {fmt(b.get('cpu_ms'), 2)} |")
    L.append(f"\nload average at start/end: {cmp['loadavg_start']} / {cmp['loadavg_end']}")
    return L


def write_results(results: dict | None, big: dict | None, cost: dict | None = None) -> None:
    b = shared_bench(os.environ.get("BENCH_DB") or os.path.join(WORK, "data", "movies.db"), WORK)
    L = [BEGIN, ""]
    if results:
        rum = results["peers"].get("rum", {})
        L += [f"### Rum beside the anchors: one run of {results['started']} "
              f"({results['runs']} x {results['duration']} s per page, "
              f"{len(results['peers'])} peers, {results['markers']['movies']:,} movies)", "",
              "Written by `make bench` (`bench/run.py`): the shared `run_all.sh` with "
              "`EXTRA=bench/rum-peer.json`, its own tables unchanged below. Rum's `deep` URL is its "
              f"next-page link (`{rum.get('urls', {}).get('deep')}`). One deviation from the "
              "harness: Flask-SQLAlchemy is added to the flask-admin venv, without which the pinned "
              "Flask-Admin 2.2.1 does not import its SQLAlchemy views (`prepare_flask_venv`); the "
              "anchor still uses its plain `scoped_session`.", "",
              b.report(results).replace("### ", "#### "), ""]
        if results.get("baseline"):
            L += baseline_section(results["baseline"]) + [""]
    if big:
        L += scale_section(big, results) + [""]
    if results or big:
        L += ["### The targets of issue 16, as ratios from these runs", "",
              "`bench/targets.py`: the run beside the anchors above and the 1,000,000-movie "
              "point (where Rum and the floor run one after the other). Sorted and typed-page "
              "rows compare Rum's `sorted`, `sorted_deep` and `typed_page` (`/movies?page=2500`, "
              "an OFFSET page) with the floor's `sorted`, `sorted_deep` and `deep` (its OFFSET "
              "page); deep, search and edit with the ratios to the floor of the run of "
              f"2026-11-30, allowing {issue_targets.NOISE:.0%} for noise.", "",
              *issue_targets.table(all_targets(results, big)), "",
              "The profile of the list page after issue 16: [PROFILE.md](PROFILE.md) "
              "(`bench/profile_list.py --write`).", ""]
    if cost:
        L += history_section(cost) + [""]
    L.append(END)
    block = "\n".join(L)
    text = open(RESULTS_MD).read() if os.path.exists(RESULTS_MD) else "# Rum benchmark results\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        first, _, rest = text.partition("\n## ")
        text = first.rstrip("\n") + "\n\n" + block + "\n\n" + ("## " + rest if rest else "")
    with open(RESULTS_MD, "w") as f:
        f.write(text)
    log(f"wrote {os.path.relpath(RESULTS_MD, ROOT)}")


def run_history_cost() -> None:
    """The edit POST with history on and off (bench/history_cost.py), in its own process."""
    log("history on/off: the edit POST")
    subprocess.run([sys.executable, os.path.join(HERE, "history_cost.py"),
                    "--out", os.path.join(OUT, "history.json")], cwd=ROOT, check=True)


def history_section(cost: dict) -> list[str]:
    """History's cost on an edit POST: medians, statements and the ratio from one run."""
    rows = [f"| history {state} | {fmt(cost[state]['median_ms'], 2)} | "
            f"{fmt(cost[state]['p90_ms'], 2)} | {cost[state]['statements']} |"
            for state in ("off", "on")]
    return ["#### History's cost on an edit POST (`bench/history_cost.py`, "
            f"{cost['saves']} saves per side, taking turns)", "",
            "| edit POST | median ms | p90 ms | SQL statements |", "|---|---|---|---|", *rows,
            f"| **on / off** | **{cost['ratio_on_off']:.2f}x** | | "
            f"+{cost['on']['statements'] - cost['off']['statements']} |"]


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="QUICK=1 PEERS=floor,rum, no 1M point, "
                    "RESULTS.md untouched")
    ap.add_argument("--report-only", action="store_true", help="only rewrite RESULTS.md")
    ap.add_argument("--no-peers", action="store_true", help="skip the run beside the anchors")
    ap.add_argument("--no-scale", action="store_true", help="skip the 1,000,000-movie point")
    ap.add_argument("--no-history", action="store_true", help="skip history's cost on an edit")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--baseline", metavar="REV", help="also compare the list page with this "
                    "git revision's, in the same run (with --quick: only that)")
    ap.add_argument("--baseline-rounds", type=int, help="A/B rounds (default 30; quick 12)")
    ap.add_argument("--baseline-duration", type=int, help="seconds per wrk run (default 5; "
                    "quick 3)")
    a = ap.parse_args()
    if a.quick and a.baseline:
        run_baseline(a.baseline, True, a.baseline_rounds, a.baseline_duration)
        return
    if a.quick:
        run_peers(quick=True)
        print_targets(load(os.path.join(WORK, "results-quick", "latest.json")), None)
        return
    if not a.report_only:
        if not a.no_peers:
            run_peers(quick=False)
        if a.baseline:
            add_to_latest(run_baseline(a.baseline, False, a.baseline_rounds,
                                       a.baseline_duration))
        if not a.no_scale:
            run_scale(a.runs, a.duration)
        if not a.no_history:
            run_history_cost()
    results, big = load(os.path.join(OUT, "latest.json")), load(os.path.join(OUT_1M, "latest.json"))
    write_results(results, big, load(os.path.join(OUT, "history.json")))
    print_targets(results, big)


if __name__ == "__main__":
    main()
