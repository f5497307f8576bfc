"""Every built-in action of the table, through HTTP, in each of its formats, against the
in-memory backend (`rum.testing`): the core's actions without SQLAlchemy in the way.

The case table must name every action of `builtin_table()`: a new action cannot land
untested."""

import csv
import io

import pytest

from rum import RumApp
from rum.builtin_actions import builtin_table
from tests.conftest import ROOT, wrap

MODELS = "tests.conformance.schema:MEMORY_MODELS"
NEW_MOVIE = {"title": "Zeta Memory", "year": "2020", "genre": "1"}
NEW_RENTAL = {"customer": "Quinn", "rented_on": "2024-05-01"}

# action -> (method, path, body of the JSON request or None, JSON status, HTML status,
#            form of the HTML request or None for a GET)
CASES = {
    "home": ("GET", "/", None, 200, 200, None),
    "meta": ("GET", "/_meta", None, 200, 200, None),
    "recent_changes": ("GET", "/_history", None, 200, 200, None),
    "history": ("GET", "/movies/1/history", None, 200, 200, None),
    "restore": ("GET", "/movies/1/history/1/restore", None, None, 404, None),
    "openapi": ("GET", "/openapi.json", None, 200, None, None),
    "new": ("GET", "/movies/new", None, None, 200, None),
    "complete": ("GET", "/movies/complete?field=director&q=a", None, 200, None, None),
    "confirm_delete_many": ("GET", "/rentals/delete_many?ids=1&ids=2", None, None, 200, None),
    "delete_many": ("POST", "/rentals/delete_many", {"ids": ["1"]}, 204, 303, {"ids": "2"}),
    "edit": ("GET", "/movies/1/edit", None, None, 200, None),
    "download": ("GET", "/movies/1/download/title", None, None, 404, None),
    "confirm_delete": ("GET", "/movies/1/confirm_delete", None, None, 200, None),
    "nested_new": ("GET", "/movies/1/rentals/new", None, None, 200, None),
    "link": ("POST", "/movies/1/actors/link", {"ids": ["3"]}, 204, 303, {"ids": "4"}),
    "unlink": ("POST", "/movies/1/actors/unlink", {"ids": ["1"]}, 204, 303, {"ids": "2"}),
    "nested_index": ("GET", "/movies/1/actors", None, 200, 200, None),
    "nested_create": ("POST", "/movies/1/rentals", NEW_RENTAL, 201, 303, NEW_RENTAL),
    "index": ("GET", "/movies", None, 200, 200, None),
    "create": ("POST", "/movies", {**NEW_MOVIE, "year": 2020}, 201, 303, NEW_MOVIE),
    "show": ("GET", "/movies/1", None, 200, 200, None),
    "update": ("PATCH", "/movies/1", {"title": "Alpha Prime"}, 200, 303,
               {"title": "Alpha Prime", "year": "2001", "genre": "1"}),
    "delete": ("DELETE", "/rentals/3", None, 204, 303, {}),
}


def memory_config() -> dict:
    return {"here": ROOT, "rum": {"secret": "builtin"},
            "rum.repositoryfactory": {"use": "memory", "models": [MODELS]},
            "rum.viewfactory": {"use": "toscawidgets"}}


@pytest.fixture
def client():
    return wrap(RumApp(memory_config()))


def token(client) -> str:
    return client.get("/").headers["X-CSRF-Token"]


def test_the_case_table_names_every_builtin_action():
    assert set(CASES) == builtin_table().names()


def _json_path(path: str) -> str:
    base, _, query = path.partition("?")
    if base.endswith(".json"):
        return path
    base = base + ("index.json" if base == "/" else ".json")
    return base + (f"?{query}" if query else "")


@pytest.mark.parametrize("name", sorted(n for n, case in CASES.items() if case[3]))
def test_each_action_in_json(client, name):
    method, path, body, status, _html, _form = CASES[name]
    headers = {"X-CSRF-Token": token(client)}
    url = _json_path(path)
    if method == "PATCH":
        headers["If-Match"] = client.get("/movies/1.json").headers["ETag"]
    if method == "GET":
        answer = client.get(url, status=status)
    elif body is None:
        answer = client.request(url, method=method, headers=headers, expect_errors=True)
    else:
        send = getattr(client, f"{method.lower()}_json")
        answer = send(url, body, headers=headers, expect_errors=True)
    assert answer.status_int == status, answer.text
    if status == 200:
        assert answer.content_type == "application/json" and answer.json is not None


@pytest.mark.parametrize("name", sorted(n for n, case in CASES.items() if case[4]))
def test_each_action_as_a_page(client, name):
    method, path, _body, _json, status, form = CASES[name]
    if method == "GET":
        answer = client.get(path, status=status)
        if status == 200:
            assert answer.content_type == "text/html" and "<main" in answer.text
        return
    fields = dict(form, _csrf=token(client))
    if method in ("PATCH", "PUT", "DELETE"):
        fields["_method"] = method
        if method != "DELETE":
            fields["_version"] = client.get(path + "/edit").forms[0]["_version"].value
    answer = client.post(path, fields, status=status)
    assert answer.status_int == 303 and answer.location


def test_csv_of_the_list_and_of_a_relation(client):
    rows = list(csv.reader(io.StringIO(client.get("/movies.csv").text)))
    assert "Title" in rows[0] and len(rows) == 13  # the header and 12 movies
    actors = list(csv.reader(io.StringIO(client.get("/movies/1/actors.csv").text)))
    json_actors = client.get("/movies/1/actors.json").json["items"]
    assert len(actors) - 1 == len(json_actors)


def test_writes_are_kept_and_read_back(client):
    headers = {"X-CSRF-Token": token(client)}
    made = client.post_json("/movies.json", {**NEW_MOVIE, "year": 2020}, headers=headers)
    assert client.get(made.headers["Location"] + ".json").json["title"] == "Zeta Memory"
    client.post_json("/movies/1/actors/link.json", {"ids": ["5"]}, headers=headers,
                     status=204)
    assert "5" in {a["id"] for a in client.get("/movies/1.json").json["actors"]}


@pytest.mark.parametrize("accept, kind", [
    ("application/json", "application/json"), ("text/csv", "text/csv"),
    ("text/html", "text/html"), ("*/*", "text/html"), ("image/png", "text/html")])
def test_accept_picks_among_the_action_s_formats(client, accept, kind):
    assert client.get("/movies", headers={"Accept": accept}).content_type == kind


def test_a_refused_write_is_422_in_either_format_and_nothing_is_kept(client):
    headers = {"X-CSRF-Token": token(client)}
    answer = client.post_json("/movies.json", {"title": "", "year": "x", "genre": "1"},
                              headers=headers, status=422)
    assert set(answer.json["errors"]) >= {"title", "year"}
    page = client.post("/movies", {"title": "", "year": "1999", "genre": "1",
                                   "_csrf": token(client)}, status=422)
    assert page.html.select_one('[name="year"]')["value"] == "1999"
    assert client.get("/movies.json").json["count"] == 12
