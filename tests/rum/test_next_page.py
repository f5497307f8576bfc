"""`return_to` through nested lists and the conflict page, and the open-redirect guard."""

from urllib.parse import parse_qs, quote, urlsplit

import pytest

from tests.conftest import post

NESTED = "/movies/3/actors?sort=-name"


def path_of(response) -> str:
    return response.location.replace("http://localhost", "")


def row_link(page, text: str) -> str:
    return next(a["href"] for a in page.html.select("td.actions a") if a.text == text)


def test_rows_of_a_nested_list_carry_it_as_return_to(client):
    for listed in ("/movies/3/actors", NESTED):  # a nested list always: the way back
        href = row_link(client.get(listed), "Edit")
        assert parse_qs(urlsplit(href).query)["return_to"] == [listed]


def test_save_from_a_nested_list_returns_to_it(client):
    edit = client.get(row_link(client.get(NESTED), "Edit"))
    form = edit.forms[0]
    assert form["return_to"].value == NESTED
    form["name"] = ""
    refused = form.submit(status=422)
    assert refused.forms[0]["return_to"].value == NESTED  # kept through errors
    form = refused.forms[0]
    form["name"] = "Back Under Three"
    assert path_of(form.submit()) == NESTED


def test_delete_from_a_nested_list_returns_to_it(client):
    href = row_link(client.get(NESTED), "Delete")
    deleted = client.get(href).forms[0].submit()
    assert path_of(deleted) == NESTED


def test_the_conflict_page_keeps_return_to(client):
    ident = client.get("/movies/3/actors.json").json["items"][0]["_id"]
    stale = client.get(f"/actors/{ident}/edit", {"return_to": NESTED}).forms[0]
    fresh = client.get(f"/actors/{ident}/edit").forms[0]
    fresh["name"] = "Someone Else"
    fresh.submit()
    stale["name"] = "Mine"
    conflict = stale.submit(status=409)
    form = conflict.forms[0]
    assert form["return_to"].value == NESTED
    keep = next(a["href"] for a in conflict.html.select(".form-actions a"))
    assert keep == NESTED
    assert path_of(form.submit()) == NESTED


@pytest.mark.parametrize("return_to", [
    "http://evil.example/movies/3/actors", "//evil.example/movies/3/actors",
    "///evil.example/movies/3/actors", "/\\evil.example/movies/3/actors",
    "https:/movies/3/actors", "movies/3/actors",
    "/movies/3/rentals",  # a nested list of another resource's rows
    "/movies/3/actors.json", "/movies/3", "/actorsx?q=a", "/movies/3/actors\r\nX: y",
])
def test_return_to_that_is_not_this_resources_list_is_ignored(client, return_to):
    ident = client.get("/movies/3/actors.json").json["items"][0]["_id"]
    edit = client.get(f"/actors/{ident}/edit?return_to={quote(return_to, safe='')}")
    assert "return_to" not in edit.forms[0].fields
    assert not edit.html.select("nav.breadcrumb")
    saved = post(client, f"/actors/{ident}", {"_method": "PUT", "name": "Safe",
                                               "return_to": return_to,
                                               "_version": edit.forms[0]["_version"].value})
    assert path_of(saved) == f"/actors/{ident}"
