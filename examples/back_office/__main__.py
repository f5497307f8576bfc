"""`python -m examples.back_office [--cfg] [--port N] [--user NAME --roles a,b]`."""

import argparse
import logging
import os
import tempfile
from wsgiref.simple_server import make_server

from . import seed
from .app import CFG, build, from_cfg

log = logging.getLogger("examples.back_office")


def logged_in(app, user: str, roles: list[str]):
    """`app` as a host's login would hand it requests: REMOTE_USER and Rum's roles set."""
    def wrapper(environ, start_response):
        environ["REMOTE_USER"] = user
        environ["rum.roles"] = roles
        return app(environ, start_response)
    return wrapper


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m examples.back_office")
    parser.add_argument("--cfg", action="store_true", help="build from back_office.cfg")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--user", default="", help="serve every request as this user")
    parser.add_argument("--roles", default="", help="the user's roles, comma-separated")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.cfg:
        path = os.path.join(os.path.dirname(CFG), "back_office.db")
        seed.create(path)
        app = from_cfg()
    else:
        path = os.environ.get("BACK_OFFICE_DB") or os.path.join(tempfile.gettempdir(),
                                                                "back_office.db")
        seed.create(path)
        app = build(f"sqlite:///{path}")
    if args.user:
        app = logged_in(app, args.user, [r for r in args.roles.split(",") if r])
    log.info("back office on http://127.0.0.1:%d/ (database %s)", args.port, path)
    with make_server("127.0.0.1", args.port, app) as server:
        server.serve_forever()


if __name__ == "__main__":
    main()
