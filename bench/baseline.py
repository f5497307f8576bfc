"""The list page of this tree against a baseline revision, measured in one run.

A redesign must keep the list page within 5% of the code before it, and a shared machine
drifts by more than that between runs, so both trees are served at once, each its own way
(`bench/rum-peer.json` of each tree: the same gunicorn of this tree's venv, the same flags,
the same database) and loaded alternately: `wrk` runs of the current tree (A) and the
baseline (B) in the order A B, B A, A B, ... (each round swaps who goes first, so a steady
drift weighs on both alike). The ratio is the median of A's req/s over the median of B's;
the spread of the per-round ratios (A over B of the same round) tells how noisy it was.
Beside req/s, the worker's CPU time per request is recorded for both: it is what the code
costs, and other processes on the machine move it far less than they move req/s.

How noisy: f4aa3c4 against itself on the 2-core machine shared with other work (load average
3.5-6) gave req/s ratios 1.000, 0.916, 1.000, 0.966 with `--quick` (12 rounds x 3 s) and
1.018 with the full run's 30 rounds x 5 s; the CPU ratios of the same runs were 0.977, 1.004,
0.987, 0.969 and 0.981. A req/s ratio just under 0.95 on a busy machine is no verdict by
itself: read the CPU ratio beside it, and run again when the two disagree.

The baseline is `git archive`d into bench/.work/baseline/ (extracted again when the
revision changes) and imports its own `rum`: gunicorn puts its working directory first on
sys.path, ahead of the project's editable install, and `served_from` checks that.
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TREE = os.path.join(HERE, ".work", "baseline")
PAGE = "list"


def log(*args):
    print(time.strftime("%H:%M:%S"), *args, file=sys.stderr, flush=True)


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True,
                          text=True).stdout.strip()


def describe_current() -> str:
    """This tree's commit, and whether it has changes not committed yet."""
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return git("rev-parse", "--short=12", "HEAD") + (" + uncommitted changes" if dirty else "")


def checkout(rev: str, tree: str = TREE) -> str:
    """The commit `rev` names, its files extracted into `tree`; returns the full hash."""
    sha = git("rev-parse", "--verify", f"{rev}^{{commit}}")
    stamp = os.path.join(tree, ".revision")
    if os.path.isfile(stamp):
        with open(stamp) as f:
            if f.read().strip() == sha:
                return sha
    log(f"extracting {rev} ({sha[:12]}) into {os.path.relpath(tree, ROOT)}")
    shutil.rmtree(tree, ignore_errors=True)
    os.makedirs(tree)
    archive = subprocess.Popen(["git", "archive", "--format=tar", sha], cwd=ROOT,
                               stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x", "-C", tree], stdin=archive.stdout, check=True)
    if archive.wait():
        raise RuntimeError(f"git archive {sha} failed")
    with open(stamp, "w") as f:
        f.write(sha + "\n")
    return sha


def rum_peer(tree: str) -> dict:
    """The first entry of `tree`'s bench/rum-peer.json, its `cwd` made absolute."""
    path = os.path.join(tree, "bench", "rum-peer.json")
    if not os.path.isfile(path):
        raise RuntimeError(f"{tree} has no bench/rum-peer.json: too old to serve as a baseline")
    with open(path) as f:
        peer = json.load(f)[0]
    peer["cwd"] = os.path.normpath(os.path.join(os.path.dirname(path), peer.get("cwd", ".")))
    return peer


def program_of(peer: dict) -> str:
    """The absolute path of the program a peer runs (a relative one is relative to `cwd`)."""
    program = peer["cmd"][0]
    if os.sep not in program:
        return shutil.which(program) or program
    return os.path.join(peer["cwd"], program)


def interpreter_of(program: str) -> str:
    """The Python a console script such as gunicorn runs on (its #! line)."""
    with open(program, "rb") as f:
        line = f.readline().decode()
    return line[2:].strip().split()[0] if line.startswith("#!") else sys.executable


def served_from(tree: str, python: str) -> str:
    """Where `rum` is imported from when a server runs in `tree` (must be inside it)."""
    where = subprocess.run([python, "-c", "import rum; print(rum.__file__)"], cwd=tree,
                           env=dict(os.environ, PYTHONPATH=tree), check=True,
                           capture_output=True, text=True).stdout.strip()
    if not where.startswith(os.path.join(tree, "")):
        raise RuntimeError(f"a server in {tree} would import rum from {where}")
    return where


def side_peer(tree: str, name: str, port: int, program: str, shared: str) -> dict:
    """`tree`'s Rum peer named `name` on `port`, run by `program` (one gunicorn for both
    trees: the server is not what is compared) with `tree` first on its path."""
    peer = rum_peer(tree)
    return dict(peer, name=name, port=port, cmd=[program] + peer["cmd"][1:],
                env={"PYTHONPATH": peer["cwd"], "BENCH_SHARED": shared})


def measure(b, current: dict, baseline: dict, rounds: int, duration: int, warm: int = 2) -> dict:
    """Alternate `rounds` wrk runs of `duration` s on the list page of both servers (the
    shared harness's `b.Server`, `b.run_wrk`); both stay up, the one not loaded is idle."""
    markers = b.expected_markers()
    sides = {"current": current, "baseline": baseline}
    servers = {}
    try:
        for side, peer in sides.items():
            servers[side] = server = b.Server(peer, peer["env"])
            server.wait_ready(peer["urls"][PAGE])
            status, body, _, _ = b.http_get(server.port, peer["urls"][PAGE])
            if status != 200 or not b.content_check(PAGE, body, markers):
                raise RuntimeError(f"{peer['name']}: the list page fails its content check "
                                   f"({status}), see {server.log_path}")
            b.run_wrk(server.port, peer["urls"][PAGE], warm)  # warm-up, not counted
            server.wait_idle()
        runs: dict[str, list[dict]] = {side: [] for side in sides}
        for i in range(rounds):
            order = ("current", "baseline") if i % 2 == 0 else ("baseline", "current")
            for side in order:
                server = servers[side]
                ticks = b.cpu_ticks(server.pids())
                r = b.run_wrk(server.port, sides[side]["urls"][PAGE], duration)
                server.wait_idle()  # the requests wrk left behind are served, and counted
                cpu_s = (b.cpu_ticks(server.pids()) - ticks) / os.sysconf("SC_CLK_TCK")
                r["cpu_ms"] = round(cpu_s * 1000 / r["requests"], 3) if r["requests"] else None
                runs[side].append({k: v for k, v in r.items() if k != "raw"})
                log(f"  round {i + 1} {side}: {r['rps']} req/s p50={r['p50']}ms "
                    f"cpu={r['cpu_ms']}ms/request non2xx={r['non2xx']}")
    finally:
        for server in servers.values():
            server.stop()
    return summarize(runs, duration)


def median_of(runs: list[dict], key: str) -> float | None:
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else None


def summarize(runs: dict[str, list[dict]], duration: int) -> dict:
    """Medians, the ratios and the per-round ratios of `measure`'s runs.

    `ratio` is the current tree's median req/s over the baseline's. `cpu_ratio` is the
    same for the worker's CPU time per request (baseline over current, so that above 1 is
    faster here too): CPU time is what the code costs, and moves far less than req/s when
    other processes take the machine's cores."""
    out: dict = {"page": PAGE, "rounds": len(runs["current"]), "duration": duration}
    for side, rr in runs.items():
        out[side] = {"rps": median_of(rr, "rps"), "p50": median_of(rr, "p50"),
                     "cpu_ms": median_of(rr, "cpu_ms"),
                     "non2xx": sum(r["non2xx"] for r in rr), "runs": rr}
    cur, base = out["current"], out["baseline"]
    out["ratio"] = round(cur["rps"] / base["rps"], 4) if cur["rps"] and base["rps"] else None
    out["cpu_ratio"] = round(base["cpu_ms"] / cur["cpu_ms"], 4) \
        if cur["cpu_ms"] and base["cpu_ms"] else None
    out["round_ratios"] = [round(a["rps"] / b["rps"], 4) for a, b in
                           zip(runs["current"], runs["baseline"], strict=True)
                           if a["rps"] and b["rps"]]
    return out


def compare(b, rev: str, shared: str, rounds: int, duration: int) -> dict:
    """Serve this tree and `rev` side by side and measure their list pages (`measure`);
    `b` is the shared harness's bench.py, `shared` its directory."""
    if not shutil.which("wrk"):
        raise RuntimeError("wrk not found: apt-get install wrk (run_all.sh does when root)")
    sha = checkout(rev)
    own = rum_peer(ROOT)
    program = program_of(own)
    current = side_peer(ROOT, "rum", own["port"], program, shared)
    baseline = side_peer(TREE, "rum-baseline", own["port"] + 1, program, shared)
    python = interpreter_of(program)
    for peer in (current, baseline):
        log(f"{peer['name']} serves rum from {served_from(peer['cwd'], python)}")
    result = {"started": time.strftime("%Y-%m-%d %H:%M:%S"), "revision": rev,
              "baseline_commit": sha, "current_commit": describe_current(),
              "path": current["urls"][PAGE], "loadavg_start": os.getloadavg()}
    log(f"== list page: this tree against {rev} ({sha[:12]}), {rounds} rounds x {duration} s")
    result.update(measure(b, current, baseline, rounds, duration))
    result["loadavg_end"] = os.getloadavg()
    log(summary_line(result))
    return result


def summary_line(result: dict) -> str:
    """'list page: N req/s vs baseline M req/s (ratio x)', then the per-round spread and
    the CPU time per request."""
    def num(x, fmt):
        return "-" if x is None else format(x, fmt)
    cur, base, rr = result["current"], result["baseline"], result["round_ratios"]
    spread = f", per-round {min(rr):.2f}-{max(rr):.2f}" if rr else ""
    return (f"list page: {num(cur['rps'], ',.1f')} req/s vs baseline {num(base['rps'], ',.1f')} "
            f"req/s (ratio {num(result['ratio'], '.3f')}{spread}); worker CPU per request "
            f"{num(cur['cpu_ms'], '.2f')} ms vs {num(base['cpu_ms'], '.2f')} ms (ratio "
            f"{num(result['cpu_ratio'], '.3f')})")
