"""Rum installed three ways, each in a fresh venv with the pip `python -m venv` brings (not
the Makefile's upgraded one), then the demo's `development.ini` served by `paster serve`,
from the project root and from another directory.

- wheel: `pip install .`; sdist: `setup.py sdist`, then pip installs the tarball;
  editable: `pip install -e .`, which leaves `rum.egg-info` in the project root, where
  `paster serve` reads it (PasteScript resolves the project of its working directory).
- Each uses a copy of this checkout (without its venv, egg-info, build or databases), so
  the worktree's own state takes no part. pip uses the index this machine is configured
  with; when it cannot reach one, the module skips, saying so.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.deploy.client import Client
from tests.functional.servers import Server, free_port

pytestmark = pytest.mark.server
KINDS = ("wheel", "sdist", "editable")
SERVED = ("development.ini", "development.cfg", "model.py", "movie.db")
NO_NETWORK = re.compile(r"NewConnectionError|Temporary failure in name resolution|"
                        r"Network is unreachable|No matching distribution found|"
                        r"Could not find a version that satisfies|ConnectTimeout|ReadTimeout")
IGNORED = shutil.ignore_patterns(".git", ".venv", "*.egg-info", "build", "dist", "__pycache__",
                                 "*.pyc", "*.db", "*.secret", "node_modules", ".work",
                                 "artifacts", ".pytest_cache", ".ruff_cache", ".mypy_cache")


def _run(argv: list[str], cwd: Path, what: str) -> str:
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=900)
    output = done.stdout + done.stderr
    if done.returncode != 0:
        if NO_NETWORK.search(output):
            pytest.skip(f"install tests not run: {what} could not reach the package index: "
                        f"{output[-800:]}")
        raise AssertionError(f"{what} failed ({done.returncode}):\n{output[-3000:]}")
    return output


def _venv(work: Path) -> Path:
    venv = work / "venv"
    done = subprocess.run([sys.executable, "-m", "venv", str(venv)], capture_output=True,
                          text=True, timeout=300)
    if done.returncode != 0:
        pytest.skip(f"install tests not run: `python -m venv` failed: {done.stderr[-800:]}")
    return venv


def _install(kind: str, tree: Path, venv: Path) -> None:
    python, pip = str(venv / "bin" / "python"), [str(venv / "bin" / "pip"), "install", "-q"]
    _run([python, "-m", "pip", "--version"], tree, "pip")
    if kind == "wheel":
        _run(pip + ["setuptools<82", ".[serve]"], tree, "pip install .")
    elif kind == "editable":
        _run(pip + ["setuptools<82", "-e", ".[serve]"], tree, "pip install -e .")
    else:
        _run([python, "setup.py", "-q", "sdist", "--dist-dir", str(tree.parent / "dist")], tree,
             "setup.py sdist")
        tarball = next((tree.parent / "dist").glob("rum-*.tar.gz"))
        _run(pip + ["setuptools<82", f"rum[serve] @ {tarball.as_uri()}"], tree.parent,
             "pip install rum-*.tar.gz")


def _serve(venv: Path, where: Path) -> None:
    """`paster serve development.ini` in `where` (on a free port): Rum's pages answer 200."""
    port = free_port()
    ini = where / "development.ini"
    text, replaced = re.subn(r"(?m)^port = \d+$", f"port = {port}", ini.read_text())
    assert replaced == 1, text
    ini.write_text(text)
    argv = [str(venv / "bin" / "paster"), "serve", "development.ini"]
    with Server(argv, port, str(where), str(where.parent / f"paster-{where.name}.log"),
                ready="/movies"):
        client = Client(port)
        movies = client.get("/movies")
        assert movies.status == 200 and 'href="/movies/new"' in movies.text
        assert client.get("/_static/rum/rum.css").status == 200
        assert client.get("/movies.json").json()["items"]


@pytest.fixture
def clean_env(monkeypatch):
    """No trace of the test run's own Python in the venvs' processes."""
    for name in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("kind", KINDS)
def test_installed_rum_serves_development_ini_from_the_root_and_elsewhere(tmp_path, kind,
                                                                         clean_env):
    tree = tmp_path / "project"
    shutil.copytree(ROOT, tree, ignore=IGNORED)
    venv = _venv(tmp_path)
    _install(kind, tree, venv)
    version = _run([str(venv / "bin" / "python"), "-c",
                    "import rum, setuptools; print(rum.__file__, setuptools.__version__)"],
                   tmp_path, "import rum").split()
    assert version[0].startswith(str(tree if kind == "editable" else venv)), version
    if kind == "editable":
        assert (tree / "rum.egg-info").is_dir()  # what `paster serve` finds in the root

    _run([str(venv / "bin" / "python"), "demo_data.py", "movie.db"], tree, "demo_data.py")
    _serve(venv, tree)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for name in SERVED:
        shutil.copy(tree / name, elsewhere)
    shutil.copytree(tree / "locale", elsewhere / "locale")
    _serve(venv, elsewhere)
