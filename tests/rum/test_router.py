"""URL and method -> Match, with the mapper built from the action table."""

import pytest

from rum.actions import Action
from rum.builtin_actions import builtin_table
from rum.errors import MethodNotAllowed, NotFound
from rum.results import Result
from rum.router import Router


@pytest.fixture(scope="module")
def router():
    return Router(builtin_table())


def parts(match) -> tuple:
    return (match.action.name, match.resource, match.id, match.format)


@pytest.mark.parametrize("path, expected", [
    ("/", ("home", "", "", "")),
    ("", ("home", "", "", "")),
    ("/index.json", ("home", "", "", "json")),
    ("/_meta", ("meta", "", "", "")),
    ("/_meta.json", ("meta", "", "", "json")),
    ("/openapi.json", ("openapi", "", "", "")),
    ("/movies", ("index", "movies", "", "")),
    ("/movies.json", ("index", "movies", "", "json")),
    ("/movies.csv", ("index", "movies", "", "csv")),
    ("/movies/new", ("new", "movies", "", "")),
    ("/movies/complete", ("complete", "movies", "", "")),
    ("/movies/delete_many", ("confirm_delete_many", "movies", "", "")),
    ("/movies/3", ("show", "movies", "3", "")),
    ("/movies/3.json", ("show", "movies", "3", "json")),
    ("/movies/3/edit", ("edit", "movies", "3", "")),
    ("/movies/3/confirm_delete", ("confirm_delete", "movies", "3", "")),
    ("/movies/3/actors", ("nested_index", "movies", "3", "")),
    ("/movies/3/actors.csv", ("nested_index", "movies", "3", "csv")),
    ("/movies/3/actors/new", ("nested_new", "movies", "3", "")),
])
def test_get_paths(router, path, expected):
    assert parts(router.match(path, "GET")) == expected


def test_download_and_relation_parts(router):
    assert router.match("/movies/3/download/poster", "GET").path == "poster"
    assert router.match("/movies/3/actors/link", "POST").relation == "actors"


@pytest.mark.parametrize("method, path", [("POST", "/movies.csv"),
                                          ("POST", "/movies/3/actors.csv")])
def test_a_format_the_action_does_not_speak_is_not_found(router, method, path):
    with pytest.raises(NotFound, match="form of this page"):
        router.match(path, method)


def test_unknown_extension_is_not_a_format(router):
    assert parts(router.match("/movies/3.xml", "GET")) == ("show", "movies", "3.xml", "")


@pytest.mark.parametrize("method, path, action, fmt", [
    ("POST", "/movies", "create", ""),
    ("POST", "/movies.json", "create", "json"),
    ("PUT", "/movies/3", "update", ""),
    ("PATCH", "/movies/3", "update", ""),
    ("PUT", "/movies/3.json", "update", "json"),
    ("DELETE", "/movies/3", "delete", ""),
    ("DELETE", "/movies/3.json", "delete", "json"),
    ("POST", "/movies/delete_many", "delete_many", ""),
    ("POST", "/movies/3/actors", "nested_create", ""),
])
def test_methods_pick_action(router, method, path, action, fmt):
    m = router.match(path, method)
    assert (m.action.name, m.resource, m.format) == (action, "movies", fmt)


@pytest.mark.parametrize("path, action", [
    ("/", "home"), ("/movies", "index"), ("/movies/new", "new"), ("/movies/3", "show"),
    ("/movies/3/edit", "edit"), ("/movies/3/confirm_delete", "confirm_delete"),
])
def test_head_acts_as_get(router, path, action):
    assert router.match(path, "HEAD") == router.match(path, "GET")
    assert router.match(path, "HEAD").action.name == action


@pytest.mark.parametrize("path", [
    "/movies/", "/movies/3/", "/movies/3/edit/x", "/movies/3/bogus/deeper/still", "/a/b/c/d/e",
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
    ("get", "/movies", ("GET", "POST")),
])
def test_wrong_method_is_not_allowed(router, method, path, allowed):
    with pytest.raises(MethodNotAllowed) as info:
        router.match(path, method)
    assert info.value.allowed == allowed
    assert info.value.status == 405


def test_a_table_without_an_action_has_no_route_for_it():
    router = Router(builtin_table().without("delete", "edit"))
    assert router.match("/movies/3/edit", "GET").action.name == "nested_index"  # no "edit"
    with pytest.raises(MethodNotAllowed) as info:
        router.match("/movies/3", "DELETE")
    assert "DELETE" not in info.value.allowed


def test_a_resource_that_drops_an_action_has_no_route_for_it():
    table = builtin_table().with_(excluded={"movies": frozenset({"edit"})})
    router = Router(table)
    with pytest.raises(NotFound):
        router.match("/movies/3/edit", "GET")
    assert router.match("/persons/3/edit", "GET").action.name == "edit"


def test_a_resource_s_own_action_has_a_literal_path_before_the_generic_ones():
    def handler(call):
        return Result()

    own = Action("publish", "/movies/publish", ("POST",), "update", handler, "selection",
                 ("html", "json"), resource="movies")
    router = Router(builtin_table().with_([own]))
    m = router.match("/movies/publish.json", "POST")
    assert (m.action.name, m.resource, m.format) == ("publish", "movies", "json")
    assert router.match("/persons/publish", "GET").action.name == "show"  # not theirs
