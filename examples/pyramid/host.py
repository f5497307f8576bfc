"""A Pyramid 2 site that mounts Rum at /admin with `wsgiapp2`: the recipe of docs/embedding.md.

Two routes reach Rum, `/admin` itself and `/admin/*subpath`; `wsgiapp2` moves the matched
prefix into SCRIPT_NAME, so Rum's links, redirects and static files stay under /admin.
The host's security policy (an auth_tkt cookie after its own login form) decides who may
open the admin at all (`permission="admin"`), and the view hands the logged-in user on
to Rum as REMOTE_USER.

Run it (from the project root, after `make test` has made .venv and `make movie.db`):

    .venv/bin/python -m examples.pyramid.host development.cfg 8080

then open http://127.0.0.1:8080/login (alice / wonderland) and /admin.
"""

import sys

from markupsafe import escape
from pyramid.authentication import AuthTktCookieHelper
from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPForbidden, HTTPSeeOther
from pyramid.response import Response
from pyramid.security import Allowed, Denied, forget, remember
from pyramid.wsgi import wsgiapp2

USERS = {"alice": "wonderland"}


class HostSecurity:
    """Pyramid 2 security policy: who is logged in (cookie) and whether they may use /admin."""

    def __init__(self, secret: str):
        self.cookie = AuthTktCookieHelper(secret, hashalg="sha512")

    def identity(self, request):
        return self.cookie.identify(request)

    def authenticated_userid(self, request):
        identity = self.identity(request)
        return identity["userid"] if identity else None

    def permits(self, request, context, permission):
        if permission == "admin" and self.authenticated_userid(request) is None:
            return Denied("log in to use the admin")
        return Allowed("logged in")

    def remember(self, request, userid, **kw):
        return self.cookie.remember(request, userid, **kw)

    def forget(self, request, **kw):
        return self.cookie.forget(request, **kw)


def _page(title: str, body: str) -> Response:
    return Response(f"<!DOCTYPE html><html><head><title>{escape(title)}</title></head>"
                    f"<body><h1>{escape(title)}</h1>{body}</body></html>")


def home(request):
    who = request.authenticated_userid or "nobody"
    return _page("Host home", f"<p class='who'>Logged in: {escape(who)}</p>"
                 "<p><a href='/admin'>Admin</a></p>")


def login(request):
    if request.method == "POST":
        user = request.POST.get("login", "")
        if USERS.get(user) == request.POST.get("password"):
            return HTTPSeeOther("/", headers=remember(request, user))
        raise HTTPForbidden("wrong login or password")
    return _page("Log in", "<form method='post'><input name='login'/>"
                 "<input name='password' type='password'/><button>Log in</button></form>")


def logout(request):
    return HTTPSeeOther("/", headers=forget(request))


def admin_view(admin_app):
    """The view for both admin routes: the host's user as REMOTE_USER, then Rum."""
    inner = wsgiapp2(admin_app)

    def view(context, request):
        user = request.authenticated_userid
        if user:
            request.environ["REMOTE_USER"] = user
        else:
            request.environ.pop("REMOTE_USER", None)
        return inner(context, request)

    return view


def make_app(admin_app, secret: str = "change-me"):
    """The Pyramid WSGI app with `admin_app` (a RumApp) at /admin."""
    with Configurator() as config:
        config.set_security_policy(HostSecurity(secret))
        config.add_route("home", "/")
        config.add_view(home, route_name="home")
        config.add_route("login", "/login")
        config.add_view(login, route_name="login")
        config.add_route("logout", "/logout")
        config.add_view(logout, route_name="logout")
        view = admin_view(admin_app)
        config.add_route("admin_root", "/admin")  # the bare prefix, without a slash
        config.add_route("admin", "/admin/*subpath")
        config.add_view(view, route_name="admin_root", permission="admin")
        config.add_view(view, route_name="admin", permission="admin")
        return config.make_wsgi_app()


def main(argv: list[str]) -> None:
    from wsgiref.simple_server import make_server

    from rum import RumApp

    cfg = argv[1] if len(argv) > 1 else "development.cfg"
    port = int(argv[2]) if len(argv) > 2 else 8080
    with make_server("127.0.0.1", port, make_app(RumApp(cfg, full_stack=False))) as server:
        server.serve_forever()


if __name__ == "__main__":
    main(sys.argv)
