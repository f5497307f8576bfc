"""`bench/run.py --baseline`'s parts that need no server: the revision's tree, the check that
a server in it imports its own `rum`, and the ratios written out (bench/baseline.py)."""

import os
import subprocess
import sys

import pytest

from bench import baseline
from tests.conftest import ROOT


def test_checkout_extracts_a_revision_once(tmp_path):
    tree = str(tmp_path / "baseline")
    sha = baseline.checkout("HEAD", tree)
    assert sha == baseline.git("rev-parse", "HEAD")
    assert os.path.isfile(os.path.join(tree, "rum", "__init__.py"))
    assert os.path.isfile(os.path.join(tree, "bench", "rum-peer.json"))
    marker = os.path.join(tree, "left-by-a-run")
    open(marker, "w").close()
    assert baseline.checkout("HEAD", tree) == sha and os.path.exists(marker)  # reused
    parent = baseline.checkout("HEAD~1", tree)
    assert parent != sha and not os.path.exists(marker)  # another revision: extracted anew
    with open(os.path.join(tree, ".revision")) as f:
        assert f.read().strip() == parent


def test_a_server_in_a_tree_must_import_that_trees_rum(tmp_path):
    assert baseline.served_from(ROOT, sys.executable) == os.path.join(ROOT, "rum", "__init__.py")
    with pytest.raises((RuntimeError, subprocess.CalledProcessError)):
        baseline.served_from(str(tmp_path), sys.executable)  # no rum of its own


def test_both_sides_run_one_program_on_neighbouring_ports(tmp_path):
    own = baseline.rum_peer(ROOT)
    program = baseline.program_of(own)
    assert os.path.isabs(program) and program.endswith("gunicorn")
    side = baseline.side_peer(ROOT, "rum-baseline", own["port"] + 1, program, "/shared")
    assert side["cmd"] == [program] + own["cmd"][1:] and side["port"] == own["port"] + 1
    assert side["env"] == {"PYTHONPATH": ROOT, "BENCH_SHARED": "/shared"}
    assert side["cwd"] == ROOT and side["urls"]["list"] == own["urls"]["list"]


def run(rps, cpu_ms):
    return {"rps": rps, "p50": 10.0, "cpu_ms": cpu_ms, "non2xx": 0}


@pytest.mark.parametrize("current, base, ratio, cpu_ratio, rounds", [
    # (req/s, CPU ms) per round of each side -> median ratios and each round's A/B
    ([(200, 5), (210, 5), (190, 5)], [(100, 10), (100, 10), (100, 10)], 2.0, 2.0, [2.0, 2.1, 1.9]),
    ([(95, 4), (90, 4)], [(100, 4), (100, 4)], 0.925, 1.0, [0.95, 0.9]),
    ([(None, None), (100, 4)], [(100, 4), (50, 2)], 1.3333, 0.75, [2.0]),  # a failed wrk run
])
def test_summary_ratios(current, base, ratio, cpu_ratio, rounds):
    result = baseline.summarize({"current": [run(*r) for r in current],
                                 "baseline": [run(*r) for r in base]}, 3)
    assert (result["ratio"], result["cpu_ratio"], result["round_ratios"]) == \
        (ratio, cpu_ratio, rounds)
    assert result["rounds"] == len(current) and result["page"] == "list"


def test_summary_line_names_both_sides():
    result = baseline.summarize({"current": [run(150, 5), run(170, 5)],
                                 "baseline": [run(100, 6), run(200, 6)]}, 3)
    assert baseline.summary_line(result) == (
        "list page: 160.0 req/s vs baseline 150.0 req/s (ratio 1.067, per-round 0.85-1.50); "
        "worker CPU per request 5.00 ms vs 6.00 ms (ratio 1.200)")
