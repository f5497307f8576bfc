"""A TurboGears 2.5 site that mounts Rum at /admin: the recipe of docs/embedding.md.

The host has its own login (repoze.who through TurboGears' simple auth: form login, then
an auth_tkt cookie), renders its own ToscaWidgets 2 forms with Kajiki (its tw2 middleware
injects their CSS), and hands every request under /admin to Rum through a
`WSGIAppController`. Rum runs with `full_stack=False`, so unexpected errors reach
TurboGears' own error handling; Rum sees the host's identity in the WSGI environ
(`repoze.who.identity`, `REMOTE_USER`).

Run it (from the project root, after `make test` has made .venv and `make movie.db`):

    .venv/bin/python -m examples.turbogears.host development.cfg 8080

then open http://127.0.0.1:8080/ (log in as alice / wonderland) and /admin/.
"""

import sys

import tgext.tw2
import tw2.forms as twf
import webob
from markupsafe import escape
from tg import FullStackApplicationConfigurator, TGController, expose, request
from tg import request as tg_request
from tg.configuration.auth import TGAuthMetadata
from tg.controllers import WSGIAppController

USERS = {"alice": "wonderland", "bob": "builder"}
GROUPS = {"alice": ["editors"], "bob": []}


class HostAuth(TGAuthMetadata):
    """The host's users: a dict here, a user table in a real site."""

    def authenticate(self, environ, identity):
        login = identity.get("login")
        if login in USERS and USERS[login] == identity.get("password"):
            return login
        return None

    def get_user(self, identity, userid):
        return {"user_name": userid}

    def get_groups(self, identity, userid):
        return GROUPS.get(userid, [])

    def get_permissions(self, identity, userid):
        return []


class HostGlobals:
    """tg.app_globals and the template helpers of a real site; empty here."""


class SearchForm(twf.Form):
    """The host's own tw2 form (its layout brings tw2.forms' CSS as a resource)."""

    action = "/search"
    submit = twf.SubmitButton(value="Search")

    class child(twf.TableLayout):
        q = twf.TextField(label="Search the catalogue")


class NewsletterForm(twf.Form):
    action = "/subscribe"

    class child(twf.ListLayout):
        email = twf.EmailField(label="Your e-mail")


def _page(title: str, body: str) -> str:
    return (f"<!DOCTYPE html><html><head><title>{escape(title)}</title></head>"
            f"<body><h1>{escape(title)}</h1>{body}</body></html>")


class AdminController(WSGIAppController):
    """Hands /admin/... to Rum. Rum's own answers below 500 (its 404, 403 and 422 pages and
    JSON errors) go out as they are; unexpected errors (Rum runs with full_stack=False)
    get the host's error page."""

    def delegate(self, request):
        response = request.get_response(self.app)
        if response.status_int < 500:
            tg_request.disable_error_pages()
        return response


class ErrorController(TGController):
    """The host's error page (TurboGears serves /error/document for trapped errors)."""

    @expose(content_type="text/html")
    def document(self, *args, **kw):
        original = request.state.get("original_response")
        code = original.status_int if original is not None else 500
        return _page(f"Host error page ({code})", "<p>Sorry, something went wrong.</p>")


class RootController(TGController):
    """The host site. `admin` is any WSGI app; here it is Rum."""

    error = ErrorController()

    def __init__(self, admin_app):
        super().__init__()
        self.admin = AdminController(admin_app)
        self._admin_app = admin_app

    @expose(content_type="text/html")
    def index(self):
        identity = request.identity
        who = identity["repoze.who.userid"] if identity else "nobody"
        return _page("Host home", f"<p class='who'>Logged in: {escape(who)}</p>"
                     f"<p><a href='/admin/'>Admin</a></p>{SearchForm.display()}")

    @expose(content_type="text/html")
    def dashboard(self):
        """Host widgets rendered before and after a call into Rum, in one request."""
        before = SearchForm.display()
        sub = webob.Request.blank("/movies.json?limit=3", base_url=request.host_url + "/admin")
        sub.environ.update({k: v for k, v in request.environ.items()
                            if k in ("REMOTE_USER", "repoze.who.identity")})
        movies = sub.get_response(self._admin_app).json["items"]
        titles = "".join(f"<li>{escape(m['title'])}</li>" for m in movies)
        after = NewsletterForm.display()
        return _page("Dashboard", f"{before}<ul class='latest'>{titles}</ul>{after}")

    @expose(content_type="text/html")
    def login(self, **kw):
        return _page("Log in", "<form method='post' action='/login_handler'>"
                     "<input name='login'/><input name='password' type='password'/>"
                     "<button>Log in</button></form>")


def make_app(admin_app, secret: str = "change-me"):
    """The TurboGears WSGI app with `admin_app` (a RumApp) at /admin."""
    config = FullStackApplicationConfigurator()
    tgext.tw2.plugme(config)  # TurboGears 2.5 moved its tw2 support into tgext.tw2
    config.update_blueprint({
        "root_controller": RootController(admin_app),
        "renderers": ["kajiki"],  # the host's templates and its tw2 widgets use Kajiki
        "default_renderer": "kajiki",
        "tw2.enabled": True,
        "make_body_seekable": True,  # WSGIAppController needs it to hand the body on
        "sa_auth.enabled": True,
        "sa_auth.authmetadata": HostAuth(),
        "sa_auth.cookie_secret": secret,
        "sa_auth.post_login_url": "/",
        "sa_auth.post_logout_url": "/",
        "app_globals": HostGlobals,
        "helpers": HostGlobals(),
        "tm.enabled": False,
        "i18n.enabled": False,
        "session.enabled": False,
        "cache.enabled": False,
    })
    return config.make_wsgi_app()


def main(argv: list[str]) -> None:
    from wsgiref.simple_server import make_server

    from rum import RumApp

    cfg, port = argv[1] if len(argv) > 1 else "development.cfg", int(argv[2] if len(argv) > 2
                                                                        else 8080)
    app = make_app(RumApp(cfg, full_stack=False))
    with make_server("127.0.0.1", port, app) as server:
        server.serve_forever()


if __name__ == "__main__":
    main(sys.argv)
