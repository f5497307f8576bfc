"""Any WSGI host: `paste.urlmap` puts Rum at /admin beside the host's own application.

The same in a PasteDeploy file is `[composite:main] use = egg:Paste#urlmap` with
`/admin = admin` (examples/deploy/paste-http.ini); docs/embedding.md has both.

Run it (from the project root, after `make test` has made .venv and `make movie.db`):

    .venv/bin/python -m examples.urlmap.site development.cfg 8080
"""

import sys

from paste.urlmap import URLMap


def host_app(environ, start_response):
    """The host's own pages; anything not under /admin lands here."""
    body = (b"<!DOCTYPE html><html><head><title>Host</title></head><body>"
            b"<h1>Host home</h1><p><a href='/admin/'>Admin</a></p></body></html>")
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                              ("Content-Length", str(len(body)))])
    return [body]


def make_app(admin_app, host=host_app) -> URLMap:
    """`admin_app` (a RumApp) at /admin, `host` at /."""
    site = URLMap()
    site["/admin"] = admin_app
    site["/"] = host
    return site


def main(argv: list[str]) -> None:
    from wsgiref.simple_server import make_server

    from rum import RumApp

    cfg = argv[1] if len(argv) > 1 else "development.cfg"
    port = int(argv[2]) if len(argv) > 2 else 8080
    # A bare WSGI host has no error pages of its own: Rum brings them (full_stack=True).
    with make_server("127.0.0.1", port, make_app(RumApp(cfg, full_stack=True))) as server:
        server.serve_forever()


if __name__ == "__main__":
    main(sys.argv)
