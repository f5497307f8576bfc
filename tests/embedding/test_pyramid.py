"""Rum inside a real Pyramid 2 site (examples/pyramid/host.py) through `wsgiapp2`, in process."""

import pytest
import webtest

pytest.importorskip("pyramid", reason="pyramid is in the embed extra: pip install -e '.[embed]'")

from examples.pyramid.host import make_app  # noqa: E402
from tests.embedding.helpers import crud_round_trip  # noqa: E402


@pytest.fixture
def host(mounted):
    return webtest.TestApp(make_app(mounted))


def _login(host):
    response = host.post("/login", {"login": "alice", "password": "wonderland"})
    assert response.status_int == 303


def test_the_host_policy_guards_the_admin(host, mounted):
    host.get("/admin", status=403)
    host.get("/admin/movies", status=403)
    assert mounted.seen == [], "Rum was called although the host refused"


def test_crud_at_admin_with_the_hosts_user(host, mounted):
    _login(host)
    crud_round_trip(host, "/admin", "Through Pyramid")
    assert mounted.seen
    assert all(s["SCRIPT_NAME"] == "/admin" and s["REMOTE_USER"] == "alice"
               for s in mounted.seen), mounted.seen


@pytest.mark.parametrize("url, path_info", [("/admin", "/"), ("/admin/", "/"),
                                            ("/admin/movies", "/movies")])
def test_bare_prefix_and_subpaths(host, mounted, url, path_info):
    _login(host)
    page = host.get(url)
    assert mounted.seen[-1]["SCRIPT_NAME"] == "/admin"
    assert mounted.seen[-1]["PATH_INFO"] == path_info
    assert 'href="/admin/movies"' in page.text and 'href="/movies"' not in page.text


def test_rums_css_under_the_mount(host):
    _login(host)
    css = host.get("/admin/_static/rum/rum.css")
    assert css.content_type == "text/css" and b"--accent" in css.body


def test_unexpected_errors_reach_pyramid(host, mounted, monkeypatch):
    """full_stack=False: the exception goes to the host (here: out of Pyramid to the server)."""
    def broken(*args, **kwargs):
        raise RuntimeError("a bug inside Rum")

    monkeypatch.setattr(mounted.app.views, "grid", broken)
    _login(host)
    with pytest.raises(RuntimeError, match="a bug inside Rum"):
        host.get("/admin/movies")


def test_the_hosts_user_reaches_rums_policy(demo_db):
    from rum import RumApp
    from tests.conftest import demo_config

    policy = {"default": "deny", "rules": [{"users": ["alice"], "allow": True}]}
    host = webtest.TestApp(make_app(RumApp(demo_config(demo_db, **{"rum.policy": policy}),
                                           full_stack=False)))
    _login(host)
    crud_round_trip(host, "/admin", "Allowed for the host's user")
