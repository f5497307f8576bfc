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
