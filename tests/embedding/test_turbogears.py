"""Rum inside a real TurboGears 2.5 site (examples/turbogears/host.py), in process."""

import pytest
import webtest
from tw2.core import templating

pytest.importorskip("tg", reason="TurboGears2 is in the embed extra: pip install -e '.[embed]'")
pytest.importorskip("tgext.tw2", reason="tgext.tw2 is in the embed extra")
pytest.importorskip("kajiki", reason="kajiki is in the embed extra")

from examples.turbogears.host import make_app  # noqa: E402
from tests.embedding.helpers import crud_round_trip  # noqa: E402

HOST_CSS = "/tw2/resources/tw2.forms/static/forms.css"


@pytest.fixture
def host(mounted, tw2_renders):
    return webtest.TestApp(make_app(mounted))


def _login(host, user="alice", password="wonderland"):
    response = host.post("/login_handler", {"login": user, "password": password})
    assert response.status_int == 302 and "authtkt" in response.headers.get("Set-Cookie", "")


def test_crud_at_admin_with_the_hosts_identity(host, mounted):
    _login(host)
    assert "Logged in: alice" in host.get("/").text
    crud_round_trip(host, "/admin", "Through TurboGears")
    assert mounted.seen
    for seen in mounted.seen:
        assert seen["SCRIPT_NAME"] == "/admin"
        assert seen["REMOTE_USER"] == "alice" and seen["userid"] == "alice", seen
    assert {"/movies", "/movies/new"} <= {s["PATH_INFO"] for s in mounted.seen}


def test_anonymous_requests_carry_no_identity(host, mounted):
    host.get("/admin/movies")
    assert mounted.seen[-1]["REMOTE_USER"] is None and mounted.seen[-1]["userid"] is None


def test_bare_prefix_and_rums_css_under_the_mount(host):
    bare = host.get("/admin")
    assert bare.status_int == 302 and bare.location.endswith("/admin/")
    home = host.get("/admin/")
    assert 'href="/admin/movies"' in home.text
    css = host.get("/admin/_static/rum/rum.css")
    assert css.content_type == "text/css" and b"--accent" in css.body


def test_host_widgets_render_before_and_after_rum_in_one_request(host):
    page = host.get("/dashboard")
    assert 'action="/search"' in page.text and 'action="/subscribe"' in page.text
    assert page.text.count(HOST_CSS) == 1, "the host's tw2 resources were not injected"
    assert page.text.count("<li>") == 3  # three movies, from Rum's JSON


def test_host_keeps_kajiki_resources_and_engine_cache_around_rum(host, tw2_renders):
    first = host.get("/")
    assert HOST_CSS in first.text
    assert {e for e, _ in tw2_renders} == {"kajiki"}
    cache = dict(templating.engine_name_cache)
    assert cache["tw2.forms.templates.input_field"] == "kajiki"

    del tw2_renders[:]
    form = host.get("/admin/movies/new")
    assert "<form" in form.text and "/resources/" not in form.text
    assert tw2_renders and {e for e, _ in tw2_renders} == {"genshi"}, tw2_renders
    assert templating.engine_name_cache == cache

    del tw2_renders[:]
    again = host.get("/")
    assert HOST_CSS in again.text and again.text == first.text
    assert {e for e, _ in tw2_renders} <= {"kajiki"}
    assert host.get(HOST_CSS).content_type == "text/css"


def test_unexpected_errors_reach_the_hosts_error_page(host, mounted, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug inside Rum")

    monkeypatch.setattr(mounted.app.views, "grid", broken)
    page = host.get("/admin/movies", status=500)
    assert "Host error page (500)" in page.text
    assert "An unexpected error happened" not in page.text


def test_without_an_error_controller_rums_500_becomes_the_hosts_404(mounted, tw2_renders,
                                                                   monkeypatch):
    """Why docs/embedding.md's recipe has `error = ErrorController()`."""
    from examples.turbogears.host import RootController

    monkeypatch.delattr(RootController, "error")
    monkeypatch.setattr(mounted.app.views, "grid", lambda *a, **kw: 1 / 0)
    webtest.TestApp(make_app(mounted)).get("/admin/movies", status=404)


def test_rums_own_error_answers_pass_through(host):
    missing = host.get("/admin/movies/999999", status=404)
    assert 'href="/admin/_static/rum/rum.css"' in missing.text  # Rum's page, not the host's
    as_json = host.get("/admin/movies/999999.json", status=404)
    assert as_json.json["status"] == 404


def test_the_hosts_login_and_groups_reach_rums_policy(demo_db, tw2_renders):
    """Rum's policy sees TurboGears' repoze.who identity: its user and its groups as roles."""
    from rum import RumApp
    from tests.conftest import demo_config

    policy = {"default": "deny", "login_required": True, "rules": [
        {"roles": ["editors"], "allow": True},
        {"users": ["bob"], "permissions": ["read"], "allow": True}]}
    host = webtest.TestApp(make_app(RumApp(demo_config(demo_db, **{"rum.policy": policy}),
                                           full_stack=False)))
    anonymous = host.get("/admin/movies")
    assert anonymous.status_int == 302 and "/login" in anonymous.location  # the host's login

    _login(host, "bob", "builder")
    assert "<table" in host.get("/admin/movies").text
    refused = host.get("/admin/movies/new", status=403)
    assert "You may not create movies" in refused.text

    host.reset()
    _login(host, "alice", "wonderland")  # in the host's group "editors"
    crud_round_trip(host, "/admin", "Allowed by the host's group")
