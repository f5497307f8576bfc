"""URL and method -> Match for the REST scheme."""

import pytest

from rum.errors import MethodNotAllowed, NotFound
from rum.router import Match, Router


@pytest.fixture(scope="module")
def router():
    return Router()


@pytest.mark.parametrize("path, expected", [
    ("/", Match("home")),
    ("", Match("home")),
    ("/index.json", Match("home", format="json")),
    ("/movies", Match("index", "movies")),
    ("/movies.json", Match("index", "movies", format="json")),
    ("/movies.csv", Match("index", "movies", format="csv")),
    ("/movies/new", Match("new", "movies")),
    ("/movies/3", Match("show", "movies", "3")),
    ("/movies/3.json", Match("show", "movies", "3", format="json")),
    ("/movies/3.csv", Match("show", "movies", "3", format="csv")),
    ("/movies/3/edit", Match("edit", "movies", "3")),
    ("/movies/3/confirm_delete", Match("confirm_delete", "movies", "3")),
    ("/_static/rum/rum.css", Match("static", path="rum/rum.css")),
])
def test_get_paths(router, path, expected):
    assert router.match(path, "GET") == expected


def test_unknown_extension_is_not_a_format(router):
    assert router.match("/movies/3.xml", "GET") == Match("show", "movies", "3.xml")


@pytest.mark.parametrize("method, path, action, fmt", [
    ("POST", "/movies", "create", "html"),
    ("POST", "/movies.json", "create", "json"),
    ("PUT", "/movies/3", "update", "html"),
    ("PATCH", "/movies/3", "update", "html"),
    ("PUT", "/movies/3.json", "update", "json"),
    ("DELETE", "/movies/3", "delete", "html"),
    ("DELETE", "/movies/3.json", "delete", "json"),
])
def test_methods_pick_action(router, method, path, action, fmt):
    m = router.match(path, method)
    assert (m.action, m.resource, m.format) == (action, "movies", fmt)


@pytest.mark.parametrize("path, action", [
    ("/", "home"), ("/movies", "index"), ("/movies/new", "new"), ("/movies/3", "show"),
    ("/movies/3/edit", "edit"), ("/movies/3/confirm_delete", "confirm_delete"),
    ("/_static/rum/rum.css", "static"),
])
def test_head_acts_as_get(router, path, action):
    assert router.match(path, "HEAD") == router.match(path, "GET")
    assert router.match(path, "HEAD").action == action


@pytest.mark.parametrize("path", [
    "/movies/", "/movies/3/", "/movies/3/edit/x", "/movies/3/bogus/deeper/still", "/a/b/c/d/e", "/_static/",
])
def test_unknown_paths_are_not_found(router, path):
    with pytest.raises(NotFound):
        router.match(path, "GET")


@pytest.mark.parametrize("method, path, allowed", [
    ("PUT", "/movies", ("GET", "POST")),
    ("DELETE", "/movies.json", ("GET", "POST")),
    ("POST", "/movies/3", ("GET", "PUT", "PATCH", "DELETE")),
    ("OPTIONS", "/movies/3.json", ("GET", "PUT", "PATCH", "DELETE")),
    ("POST", "/movies/new", ("GET",)),
    ("DELETE", "/movies/3/edit", ("GET",)),
    ("POST", "/movies/3/confirm_delete", ("GET",)),
    ("POST", "/", ("GET",)),
    ("PUT", "/_static/rum/rum.css", ("GET",)),
    ("get", "/movies", ("GET", "POST")),
])
def test_wrong_method_is_not_allowed(router, method, path, allowed):
    with pytest.raises(MethodNotAllowed) as info:
        router.match(path, method)
    assert info.value.allowed == allowed
    assert info.value.status == 405
