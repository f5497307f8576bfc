"""bench/history_cost.py: the edit POST with history on and off, in one short run."""

import json
import subprocess
import sys

from bench import history_cost
from tests.conftest import ROOT


def test_a_save_with_history_costs_one_statement_more(tmp_path, monkeypatch):
    out = tmp_path / "history.json"
    monkeypatch.setattr(sys, "argv", ["history_cost.py", "--saves", "3", "--out", str(out)])
    history_cost.main()
    result = json.loads(out.read_text())
    assert result["saves"] == 3
    assert result["on"]["statements"] == result["off"]["statements"] + 1  # the entry's INSERT
    assert result["ratio_on_off"] > 0


def test_the_script_runs_on_its_own(tmp_path):
    done = subprocess.run([sys.executable, "bench/history_cost.py", "--saves", "1",
                           "--out", str(tmp_path / "history.json")], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert '"ratio_on_off"' in done.stderr
