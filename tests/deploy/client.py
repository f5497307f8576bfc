"""A small HTTP client for the deployment tests: cookies, forms' hidden fields, big bodies."""

import hashlib
import http.client
import json
import select
import socket
import urllib.parse
from dataclasses import dataclass
from html.parser import HTMLParser


@dataclass
class Reply:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)

    @property
    def location_path(self) -> str:
        return urllib.parse.urlsplit(self.headers.get("location", "")).path


class _Forms(HTMLParser):
    """Each form's action and its hidden inputs (CSRF token, version, method override)."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict]] = []
        self._open = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append((attrs.get("action") or "", {}))
            self._open = True
        elif tag == "input" and self._open and attrs.get("type") == "hidden" and attrs.get("name"):
            self.forms[-1][1][attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = False


class Client:
    """One browser-like visitor of 127.0.0.1:port: keeps cookies, never follows redirects."""

    def __init__(self, port: int, timeout: float = 60):
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    def _headers(self, extra=None) -> dict:
        headers = dict(extra or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def request(self, method: str, path: str, body=None, headers=None) -> Reply:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=self._headers(headers))
            resp = conn.getresponse()
            data = resp.read()
            for name, value in resp.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key.strip()] = rest.split(";", 1)[0]
            return Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, data)
        finally:
            conn.close()

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def hidden_fields(self, page_path: str, action: str) -> dict:
        """The hidden inputs of the form posting to `action` on the page at `page_path`."""
        page = self.get(page_path)
        assert page.status == 200, (page_path, page.status, page.text[:500])
        parser = _Forms()
        parser.feed(page.text)
        for form_action, hidden in parser.forms:
            if urllib.parse.urlsplit(form_action).path == action:
                return hidden
        raise AssertionError(f"no form posting to {action!r} on {page_path}")

    def submit(self, page_path: str, action: str, fields: dict) -> Reply:
        """Post `fields` with the hidden fields of the form, as a browser would."""
        data = {**self.hidden_fields(page_path, action), **fields}
        return self.request("POST", action, body=urllib.parse.urlencode(data), headers={
            "Content-Type": "application/x-www-form-urlencoded"})


def crud_round_trip(client: Client, prefix: str = "/admin", title: str = "Served Movie") -> str:
    """Create, read, update and delete a movie at `prefix` over HTTP; returns the row's path."""
    listing = client.get(f"{prefix}/movies")
    assert listing.status == 200, listing.text[:500]
    assert f'href="{prefix}/movies/new"' in listing.text
    css = client.get(f"{prefix}/_static/rum/rum.css")
    assert css.status == 200 and css.headers["content-type"].startswith("text/css")

    created = client.submit(f"{prefix}/movies/new", f"{prefix}/movies",
                            {"title": title, "year": "2011", "genre": "1"})
    assert created.status == 303, created.text[:2000]
    path = created.location_path
    assert path.startswith(f"{prefix}/movies/"), path
    shown = client.get(path)
    assert shown.status == 200 and title in shown.text

    updated = client.submit(f"{path}/edit", path, {"title": f"{title}, edited", "year": "2012",
                                                   "genre": "1"})
    assert updated.status == 303 and updated.location_path == path, updated.text[:2000]
    data = client.get(f"{path}.json").json()
    assert data["title"] == f"{title}, edited" and data["year"] == 2012

    deleted = client.submit(f"{path}/confirm_delete", path, {})
    assert deleted.status == 303, deleted.text[:2000]
    assert client.get(path).status == 404
    return path


def blocks(total: int, size: int = 1 << 20):
    """`total` bytes of varied content in blocks, and a function giving their md5 so far."""
    digest = hashlib.md5()
    seed = hashlib.sha256(b"rum").digest() * (size // 32 + 1)

    def gen():
        sent = 0
        n = 0
        while sent < total:
            block = (bytes([n % 251]) + seed)[: min(size, total - sent)]
            digest.update(block)
            sent += len(block)
            n += 1
            yield block

    return gen(), digest


def push_body(port: int, path: str, headers: dict, parts, length: int | None) -> tuple[Reply, int]:
    """POST a big body, stopping as soon as the server answers; (reply, body bytes sent).

    `length` None sends the body chunked. A server that refuses a body early answers while
    most of it is still unsent; reading that answer does not need the rest.
    """
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    try:
        head = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
        head += [f"{k}: {v}" for k, v in headers.items()]
        head.append(f"Content-Length: {length}" if length is not None
                    else "Transfer-Encoding: chunked")
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
        sent = _send_until_answered(sock, parts, chunked=length is None)
        sock.settimeout(60)
        resp = http.client.HTTPResponse(sock)
        resp.begin()
        body = resp.read()
        return Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, body), sent
    finally:
        sock.close()


def _frames(parts, chunked: bool):
    for part in parts:
        yield (b"%x\r\n" % len(part) + part + b"\r\n") if chunked else part, len(part)
    if chunked:
        yield b"0\r\n\r\n", 0


def _send_until_answered(sock, parts, chunked: bool) -> int:
    sent = 0
    sock.setblocking(False)
    try:
        for data, payload in _frames(parts, chunked):
            view = memoryview(data)
            while view:
                readable, writable, _ = select.select([sock], [sock], [], 60)
                if readable:
                    return sent
                if not writable:
                    raise TimeoutError("the server neither read the body nor answered in 60 s")
                try:
                    view = view[sock.send(view):]
                except (BlockingIOError, InterruptedError):
                    continue
                except (BrokenPipeError, ConnectionResetError):
                    return sent
            sent += payload
    finally:
        sock.setblocking(True)
    return sent
