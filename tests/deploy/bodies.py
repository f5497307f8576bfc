"""Big bodies through a real server: Rum's 413 for too much, a 50 MB upload, a streamed CSV."""

import hashlib
import http.client
import secrets

from tests.deploy.client import Client, blocks, push_body

FIFTY_MB = 50 * 1024 * 1024


def refuses_big_bodies(port: int, prefix: str = "/admin", early: bool = False) -> None:
    """A 50 MB form post, with Content-Length and chunked, gets Rum's own 413 page.

    `early`: the server hands the request to Rum before the body has arrived (mod_wsgi), so
    the refusal must come while most of the body is still unsent: Rum did not read it.
    """
    for length in (FIFTY_MB, None):
        parts, _ = blocks(FIFTY_MB)
        reply, sent = push_body(port, f"{prefix}/movies", {
            "Content-Type": "application/x-www-form-urlencoded"}, parts, length)
        how = "chunked" if length is None else "with Content-Length"
        assert reply.status == 413, (how, reply.status, reply.text[:500])
        assert "Request body too large" in reply.text, reply.text[:500]
        assert f'href="{prefix}/_static/rum/rum.css"' in reply.text  # Rum's page, not the server's
        if early:
            assert sent < FIFTY_MB // 2, f"{how}: {sent} bytes were taken before the 413"


def _multipart(fields: dict, boundary: str) -> bytes:
    out = b""
    for name, value in fields.items():
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n"
                f"{value}\r\n").encode()
    return out


def uploads_a_big_file(port: int, prefix: str = "/files") -> None:
    """A 50 MiB file into `Everything.blob` through the real form, then downloaded intact."""
    client = Client(port, timeout=120)
    hidden = client.hidden_fields(f"{prefix}/everythings/new", f"{prefix}/everythings")
    boundary = "rum" + secrets.token_hex(12)
    name = f"fifty megabytes {secrets.token_hex(4)}"  # `name` is unique
    head = _multipart({**hidden, "name": name}, boundary) + (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"blob\"; filename=\"big.bin\""
        "\r\nContent-Type: application/octet-stream\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    parts, digest = blocks(FIFTY_MB)

    def body():
        yield head
        yield from parts
        yield tail

    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}",
               "Cookie": "; ".join(f"{k}={v}" for k, v in client.cookies.items())}
    length = len(head) + FIFTY_MB + len(tail)
    reply, sent = push_body(port, f"{prefix}/everythings", headers, body(), length)
    assert reply.status == 303, (reply.status, reply.text[:1000])
    assert sent == length
    path = reply.location_path
    download = client.get(f"{path}/download/blob")
    assert download.status == 200 and len(download.body) == FIFTY_MB
    assert hashlib.md5(download.body).hexdigest() == digest.hexdigest()


def streams_csv(port: int, prefix: str = "/admin") -> None:
    """The CSV export goes out as it is made: no Content-Length, chunked by the server."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", f"{prefix}/movies.csv")
        resp = conn.getresponse()
        body = resp.read().decode("utf-8")
        headers = {k.lower(): v for k, v in resp.getheaders()}
    finally:
        conn.close()
    assert resp.status == 200 and headers["content-type"].startswith("text/csv")
    assert "content-length" not in headers, headers
    assert headers.get("transfer-encoding") == "chunked", headers
    lines = body.splitlines()
    total = Client(port).get(f"{prefix}/movies.json?limit=1").json()["count"]
    assert "Title" in lines[0], lines[0]
    assert len(lines) == total + 1, (len(lines), total)
