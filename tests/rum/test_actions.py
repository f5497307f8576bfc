"""The action table: one declaration per action; removing one removes its route, its links
and its OpenAPI entry, for the whole admin or for one resource."""

import pytest

from rum import Admin, RumApp
from rum.actions import Action, ActionTable
from rum.builtin_actions import builtin_table
from rum.errors import ConfigError, RumError
from rum.results import Page, Result
from rum.urls import Urls
from tests.conftest import csrf_headers, demo_config, wrap


def test_every_builtin_action_is_declared_once_with_a_known_permission():
    table = builtin_table()
    names = [a.name for a in table]
    assert len(names) == len(set(names))
    assert {a.permission for a in table} <= {"read", "create", "update", "delete"}
    assert all(callable(a.handler) for a in table)


def test_two_actions_of_one_name_are_a_config_error():
    show = builtin_table().get("show")
    with pytest.raises(ConfigError, match="two actions"):
        ActionTable([show, show])


def test_without_names_an_unknown_action_at_start_up():
    with pytest.raises(ConfigError, match="no action named 'publish'"):
        builtin_table().without("publish")


@pytest.fixture
def no_delete(demo_db):
    table = builtin_table().without("delete", "delete_many")  # their pages go with them
    return wrap(RumApp(demo_config(demo_db), actions=table))


def test_a_removed_action_loses_its_route(no_delete):
    headers = csrf_headers(no_delete)
    answer = no_delete.delete("/movies/1.json", headers=headers, status=405)
    assert "DELETE" not in answer.headers["Allow"]
    no_delete.get("/movies/delete_many", {"ids": "1"}, status=404)
    assert no_delete.get("/movies/1.json").json["title"]  # still there


def test_a_removed_action_loses_its_links(client, no_delete):
    for app, present in ((client, True), (no_delete, False)):
        show = app.get("/movies/1").text
        listing = app.get("/movies").text
        assert ("/movies/1/confirm_delete" in show) is present
        assert ("/movies/1/confirm_delete" in listing) is present
        assert ("Delete selected" in listing) is present


def test_a_removed_action_loses_its_openapi_entry(client, no_delete):
    full = client.get("/openapi.json").json["paths"]["/movies/{id}.json"]
    cut = no_delete.get("/openapi.json").json["paths"]["/movies/{id}.json"]
    assert "delete" in full and "delete" not in cut
    assert {"get", "put", "patch"} <= set(cut)


@pytest.mark.parametrize("dropped, gone", [
    ("delete", {"delete", "confirm_delete"}), ("create", {"create", "new"}),
    ("update", {"update", "edit"}), ("nested_create", {"nested_create", "nested_new"}),
    ("confirm_delete", {"confirm_delete"})])  # a page alone may go: JSON deletes stay
def test_an_action_s_pages_go_with_it(dropped, gone):
    full, cut = builtin_table().names(), builtin_table().without(dropped).names()
    assert full - cut == gone


class NoDeletingMovies(Admin):
    exclude_actions = ("delete",)


def test_a_resource_class_drops_actions_for_its_resource_only(demo_db):
    app = wrap(RumApp(demo_config(demo_db), resources={"Movie": NoDeletingMovies}))
    headers = csrf_headers(app)
    app.delete("/movies/1.json", headers=headers, status=405)
    assert "/movies/1/confirm_delete" not in app.get("/movies/1").text
    assert "/genres/1/confirm_delete" in app.get("/genres/1").text
    paths = app.get("/openapi.json").json["paths"]
    assert "delete" not in paths["/movies/{id}.json"] and "delete" in paths["/genres/{id}.json"]


def test_a_resource_class_cannot_drop_an_action_that_does_not_exist(demo_db):
    class Typo(Admin):
        exclude_actions = ("destroy",)

    with pytest.raises(ConfigError, match="exclude_actions"):
        RumApp(demo_config(demo_db), resources={"Movie": Typo})


def test_an_added_site_action_is_served_and_named(demo_db):
    def about(call):
        return Result(data={"resources": len(call.app.registry)},
                      page=Page("error.html", {"error": RumError("About this admin")}))

    table = builtin_table().with_([Action("about", "/_about", ("GET",), "read", about, "site",
                                          ("html", "json"))])
    app = wrap(RumApp(demo_config(demo_db), actions=table))
    assert app.get("/_about.json").json == {"resources": 6}
    assert app.get("/_about", headers={"Accept": "application/json"}).json == {"resources": 6}
    assert "About this admin" in app.get("/_about").text


def test_urls_come_from_the_table(rum_app):
    urls = Urls("/admin", rum_app.actions)
    assert urls.url("meta", fmt="json") == "/admin/_meta.json"
    assert urls.url("link", "movies", "3", "actors") == "/admin/movies/3/actors/link"
    assert urls.url("show", "movies", "a/b") == "/admin/movies/a%2Fb"
    assert urls.url("home", fmt="json") == "/admin/index.json"
