"""Apache + Debian's mod_wsgi, embedded and daemon mode, Rum at /admin (WSGIScriptAlias).

The recipe of docs/deploying.md, from examples/deploy/httpd.conf.in and admin.wsgi.in:
a venv made from /usr/bin/python3.11 (the Python mod_wsgi embeds), everything in a
directory under /tmp that www-data can read, the site's directory writable by www-data
(SQLite). Apache and mod_wsgi come from `make apache-modwsgi` (apt-get), which this module
runs when they are missing; without apt-get it skips, saying so.
"""

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.deploy.bodies import refuses_big_bodies, streams_csv, uploads_a_big_file
from tests.deploy.client import Client, crud_round_trip
from tests.deploy.conftest import EXAMPLES, add_files_site, make_site
from tests.deploy.debian import ensure, unavailable
from tests.functional.servers import free_port

pytestmark = pytest.mark.server
APACHECTL = "/usr/sbin/apachectl"
MOD_WSGI = "/usr/lib/apache2/modules/mod_wsgi.so"
SYSTEM_PYTHON = "/usr/bin/python3.11"
MODES = ("embedded", "daemon")


def _ensure_apache() -> None:
    ensure("Apache/mod_wsgi", "apache-modwsgi", (MOD_WSGI, APACHECTL))


def _venv(work: Path) -> Path:
    """A venv of the Python mod_wsgi is linked with, holding Rum as it is in this checkout."""
    if not os.access(SYSTEM_PYTHON, os.X_OK):
        unavailable("Apache/mod_wsgi",
                    f"{SYSTEM_PYTHON} (the Python Debian's mod_wsgi embeds) is missing")
    src = work / "src"
    for name in ("rum", "rum_sqlalchemy", "rum_toscawidgets"):
        shutil.copytree(Path(ROOT) / name, src / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("setup.py", "pyproject.toml"):
        shutil.copy(Path(ROOT) / name, src / name)
    venv = work / "venv"
    subprocess.run([SYSTEM_PYTHON, "-m", "venv", str(venv)], check=True, timeout=300)
    pip = [str(venv / "bin" / "pip"), "install", "--quiet", "--no-cache-dir"]
    subprocess.run(pip + ["setuptools<82", str(src)], check=True, timeout=600,
                   capture_output=True)
    return venv


def _site(work: Path) -> Path:
    site = add_files_site(make_site(work / "site"))
    script = (EXAMPLES / "admin.wsgi.in").read_text().replace("@SITE@", str(site))
    (site / "admin.wsgi").write_text(script)
    (site / "files.wsgi").write_text(script.replace("rum.ini", "files.ini"))
    shutil.chown(site, "www-data", "www-data")
    for path in site.iterdir():
        shutil.chown(path, "www-data", "www-data")
    return site


def _config(work: Path, venv: Path, site: Path, ports: dict) -> Path:
    text = (EXAMPLES / "httpd.conf.in").read_text()
    for key, value in {"@W@": work, "@VENV@": venv, "@SITE@": site,
                       "@PORT_EMBEDDED@": ports["embedded"],
                       "@PORT_DAEMON@": ports["daemon"]}.items():
        text = text.replace(key, str(value))
    lines = []
    for line in text.splitlines():  # the files app beside Rum, for the 50 MB upload
        lines.append(line)
        if "WSGIScriptAlias /admin " in line:
            lines.append(line.replace("/admin ", "/files ").replace("admin.wsgi", "files.wsgi"))
    conf = work / "httpd.conf"
    conf.write_text("\n".join(lines) + "\n")
    return conf


def _wait_gone(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


@pytest.fixture(scope="module")
def apache():
    _ensure_apache()
    work = Path(tempfile.mkdtemp(prefix="rum-modwsgi-", dir="/tmp"))
    work.chmod(0o755)  # www-data must reach the venv and the site
    for name in ("run", "logs"):
        (work / name).mkdir()
    venv = _venv(work)
    site = _site(work)
    ports = {mode: free_port() for mode in MODES}
    conf = _config(work, venv, site, ports)
    started = subprocess.run([APACHECTL, "-f", str(conf), "-k", "start"], capture_output=True,
                             text=True, timeout=60)
    errors = work / "logs" / "error.log"
    assert started.returncode == 0, started.stdout + started.stderr
    pid = None
    try:
        deadline = time.monotonic() + 60
        for mode in MODES:
            while True:
                try:
                    if Client(ports[mode], timeout=30).get("/admin/").status == 200:
                        break
                except OSError:
                    pass
                assert time.monotonic() < deadline, (
                    f"Apache did not serve /admin/ ({mode}): "
                    f"{errors.read_text()[-3000:] if errors.exists() else 'no error.log'}")
                time.sleep(0.2)
        pid = int((work / "run" / "httpd.pid").read_text())
        yield {**ports, "pid": pid, "work": work}
    finally:
        pid = pid or int((work / "run" / "httpd.pid").read_text())
        os.kill(pid, signal.SIGTERM)
        if not _wait_gone(pid, 20):
            os.kill(pid, signal.SIGKILL)
            _wait_gone(pid, 5)
        if not os.environ.get("RUM_KEEP_APACHE"):  # set it to read the logs afterwards
            shutil.rmtree(work, ignore_errors=True)


@pytest.mark.parametrize("mode", MODES)
def test_crud_round_trip_at_admin(apache, mode):
    client = Client(apache[mode])
    bare = client.get("/admin")
    assert bare.status == 200 and 'href="/admin/movies"' in bare.text
    assert "Apache" in bare.headers.get("server", "")
    crud_round_trip(client, "/admin", f"Served by mod_wsgi, {mode} mode")


def test_daemon_mode_runs_two_processes_of_its_own(apache):
    Client(apache["daemon"]).get("/admin/movies.json")
    ps = subprocess.run(["ps", "-o", "args=", "--ppid", str(apache["pid"])],
                        capture_output=True, text=True, check=True).stdout.splitlines()
    assert sum(line.startswith("(wsgi:rum) ") for line in ps) == 2, ps


@pytest.mark.parametrize("mode", MODES)
def test_50mb_bodies_get_rums_413_before_they_are_read(apache, mode):
    # Embedded, Rum answers while the body is still arriving. A daemon's answer comes back
    # through Apache's child, which first passes the whole body on (mod_wsgi drops it).
    refuses_big_bodies(apache[mode], "/admin", early=mode == "embedded")


@pytest.mark.parametrize("mode", MODES)
def test_a_50mb_file_upload_within_the_limit(apache, mode):
    uploads_a_big_file(apache[mode], "/files")


@pytest.mark.parametrize("mode", MODES)
def test_csv_export_is_streamed(apache, mode):
    streams_csv(apache[mode], "/admin")


def _pid(pidfile: Path, conf: Path) -> int:
    """The main process of the Apache started with `conf`: apachectl returns before the
    daemon writes its pid file."""
    deadline = time.monotonic() + 30
    while not pidfile.exists() or not pidfile.read_text().strip():
        if time.monotonic() > deadline:  # not written: find the process to stop it anyway
            ps = subprocess.run(["pgrep", "-o", "-f", f"apache2 -f {conf} "], capture_output=True,
                                text=True).stdout.split()
            if ps:
                os.kill(int(ps[0]), signal.SIGTERM)
            raise AssertionError(f"Apache wrote no {pidfile} within 30 s")
        time.sleep(0.1)
    return int(pidfile.read_text())


def _start_stop(apache, name: str, change) -> str:
    """A second Apache with the recipe's httpd.conf changed by `change`, on the same venv
    and site: started, both vhosts served once, stopped by SIGTERM; its error.log."""
    work = apache["work"] / name
    for sub in ("run", "logs"):
        (work / sub).mkdir(parents=True)
    work.chmod(0o755)
    ports = {mode: free_port() for mode in MODES}
    conf = _config(work, apache["work"] / "venv", apache["work"] / "site", ports)
    conf.write_text(change(conf.read_text()))
    started = subprocess.run([APACHECTL, "-f", str(conf), "-k", "start"], capture_output=True,
                             text=True, timeout=60)
    assert started.returncode == 0, started.stdout + started.stderr
    pid = _pid(work / "run" / "httpd.pid", conf)
    try:
        for mode in MODES:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if Client(ports[mode], timeout=30).get("/admin/movies").status == 200:
                        break
                except OSError:
                    pass
                assert time.monotonic() < deadline, f"{name}: {mode} did not serve"
                time.sleep(0.2)
    finally:
        os.kill(pid, signal.SIGTERM)
        stopped = _wait_gone(pid, 30)
        if not stopped:
            os.kill(pid, signal.SIGKILL)
    assert stopped, f"{name}: Apache did not stop within 30 s of SIGTERM"
    return (work / "logs" / "error.log").read_text()


RESTRICTED = "OSError: sys.stdout access restricted by mod_wsgi"


def test_restricted_stdout_logs_at_shutdown_only_when_interpreters_are_destroyed(apache):
    """docs/deploying.md: with WSGIRestrictStdout On, the recipe (WSGIDestroyInterpreter
    Off) stops quietly; without WSGIDestroyInterpreter Off each process logs the flush of
    sys.stdout; neither needs SIGKILL."""
    def restrict(text: str) -> str:
        assert "WSGIDestroyInterpreter Off\n" in text
        return text.replace("WSGIChunkedRequest On\n", "WSGIChunkedRequest On\nWSGIRestrictStdout On\n")

    quiet = _start_stop(apache, "restricted", restrict)
    noisy = _start_stop(apache, "restricted-destroyed",
                        lambda text: restrict(text).replace("WSGIDestroyInterpreter Off\n", ""))
    assert "caught SIGTERM" in quiet and RESTRICTED not in quiet, quiet[-2000:]
    assert RESTRICTED in noisy and "Exception ignored in: <mod_wsgi.Restricted object" in noisy
    assert "SIGKILL" not in quiet + noisy
