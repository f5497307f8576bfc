"""Start and stop real server processes for functional tests; plain HTTP clients for them."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse

BIN = os.path.dirname(sys.executable)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A server process on 127.0.0.1:port, stopped by PID on exit."""

    def __init__(self, argv: list[str], port: int, cwd: str, log_path: str, ready: str = "/"):
        self.port = port
        self.cookies: dict[str, str] = {}
        self._token: str | None = None
        self.log = open(log_path, "wb")
        self.proc = subprocess.Popen(argv, cwd=cwd, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}; see {log_path}")
            try:
                if self.request("GET", ready)[0] < 500:
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not answer within 30 s; see {log_path}")

    def request(self, method: str, path: str, form: dict | None = None, headers=None,
                prefix: str = ""):
        """(status, headers dict, body text) of one request; redirects are not followed.

        Cookies persist like a browser's; a form POST gets the CSRF token a browser's form
        would carry (fetched from `prefix` + '/' once) unless it brings its own `_csrf`.
        """
        if form is not None and method == "POST" and "_csrf" not in form:
            form = {**form, "_csrf": self.csrf_token(prefix)}
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        body = urllib.parse.urlencode(form, doseq=True) if form is not None else None
        hdrs = dict(headers or {})
        if body is not None:
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            hdrs.setdefault("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        try:
            conn.request(method, path, body=body, headers=hdrs)
            resp = conn.getresponse()
            for name, value in resp.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key.strip()] = rest.split(";", 1)[0]
            return resp.status, dict(resp.getheaders()), resp.read().decode("utf-8", "replace")
        finally:
            conn.close()

    def csrf_token(self, prefix: str = "") -> str:
        if self._token is None:
            self._token = self.request("GET", prefix + "/")[1].get("X-CSRF-Token", "")
        return self._token

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def serve_demo(tmp_path, waitress: bool = False, rum_options: str = "", url: str = "",
               ready: str = "/movies", repository_options: str = "") -> Server:
    """The movie demo copied into `tmp_path` and served by `paster serve` on a free port.

    By default the copy's own development.ini (egg:Paste#http) with only its port changed;
    `waitress=True` serves the same app through egg:waitress#main instead. `rum_options`
    are lines added to the `[rum]` section, `repository_options` to `[rum.repositoryfactory]`;
    `url` replaces the demo's SQLite database.
    """
    from tests.conftest import copy_demo

    copy_demo(tmp_path)
    cfg = tmp_path / "development.cfg"
    text = cfg.read_text().replace("[rum]\n", "[rum]\n" + rum_options).replace(
        "[rum.repositoryfactory]\n", "[rum.repositoryfactory]\n" + repository_options)
    text = text.replace("sqlite:///movie.db", url) if url else text
    if waitress:
        server = serve_config(tmp_path, text, ready, cfg_name="development.cfg")
    else:
        cfg.write_text(text)
        port = free_port()
        ini = tmp_path / "development.ini"
        ini.write_text(ini.read_text().replace("port = 5000", f"port = {port}"))
        server = Server([os.path.join(BIN, "paster"), "serve", ini.name], port, str(tmp_path),
                        str(tmp_path / "server.log"), ready=ready)
        server.base = f"http://127.0.0.1:{port}"
    server.db = str(tmp_path / "movie.db")
    return server


def serve_config(home, cfg: str, ready: str = "/", threads: int = 8,
                 cfg_name: str = "rum.cfg") -> Server:
    """`cfg` (a Rum config's text) written into `home` and served through egg:waitress#main
    by `paster serve` on a free port; the Server has `base`, its URL."""
    (home / cfg_name).write_text(cfg)
    port = free_port()
    (home / "waitress.ini").write_text(
        f"[app:main]\nuse = egg:rum\nconfig = %(here)s/{cfg_name}\n\n"
        f"[server:main]\nuse = egg:waitress#main\nlisten = 127.0.0.1:{port}\n"
        f"threads = {threads}\n")
    server = Server([os.path.join(BIN, "paster"), "serve", "waitress.ini"], port, str(home),
                    str(home / "server.log"), ready=ready)
    server.base = f"http://127.0.0.1:{port}"
    return server
