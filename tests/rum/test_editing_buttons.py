"""The form's "Save and add another" / "Save and continue editing", export links of a list,
and coming back to the list (its filters, sort) after a save or delete."""

import csv
import io
from urllib.parse import parse_qs, urlsplit

import pytest

from rum import Admin, RumApp
from rum.actions import ActionTable
from rum.builtin_actions import BUILTIN
from tests.conftest import csrf_headers, demo_config, post, wrap

FILTERED = "/movies?f.year.ge=2000&sort=-year"


def path_of(response) -> str:
    return response.location.replace("http://localhost", "")


def new_movie_form(client, url: str = "/movies/new"):
    form = client.get(url).forms[0]
    form["title"] = "Buttons"
    form["year"] = "2001"
    form["genre"] = "1"
    return form


@pytest.mark.parametrize("then, goes_to", [
    (None, "show"), ("add", "/movies/new"), ("edit", "edit"), ("nonsense", "show")])
def test_create_goes_where_the_button_says(client, then, goes_to):
    form = new_movie_form(client)
    created = form.submit("_then", value=then) if then else form.submit()
    assert created.status_int == 303
    ident = client.get("/movies.json?q=Buttons").json["items"][0]["_id"]
    expected = {"show": f"/movies/{ident}", "edit": f"/movies/{ident}/edit"}.get(goes_to, goes_to)
    assert path_of(created) == expected
    assert "created" in created.follow().text  # the flash goes along


@pytest.mark.parametrize("then, goes_to", [
    (None, "/movies/1"), ("add", "/movies/new"), ("edit", "/movies/1/edit"),
    ("nonsense", "/movies/1")])
def test_update_goes_where_the_button_says(client, then, goes_to):
    form = client.get("/movies/1/edit").forms[0]
    form["title"] = f"Renamed {then}"
    saved = form.submit("_then", value=then) if then else form.submit()
    assert (saved.status_int, path_of(saved)) == (303, goes_to)
    assert "saved" in saved.follow().text
    assert client.get("/movies/1.json").json["title"] == f"Renamed {then}"


def test_the_form_has_named_submit_buttons(client):
    for url in ("/movies/new", "/movies/1/edit"):
        fields = client.get(url).forms[0].fields["_then"]
        assert sorted(f._value for f in fields) == ["add", "edit"]  # the plain one comes first


def test_json_ignores_then(client):
    created = client.post_json("/movies.json", {"title": "Json", "year": 2001, "genre": 1,
                                                "_then": "add"},
                               headers=csrf_headers(client), status=201)
    assert created.json["title"] == "Json"
    assert created.location.endswith(f"/movies/{created.json['_id']}")


def test_nested_create_keeps_its_list_and_adds_another_under_the_parent(client):
    for then, goes_to in ((None, "/movies/3/actors"), ("add", "/movies/3/actors/new")):
        form = client.get("/movies/3/actors/new").forms[0]
        form["name"] = f"Nested {then}"
        created = form.submit("_then", value=then) if then else form.submit()
        assert (created.status_int, path_of(created)) == (303, goes_to)
    names = {i["name"] for i in client.get("/movies/3/actors.json?limit=100").json["items"]}
    assert {"Nested None", "Nested add"} <= names


class NoNewPage(Admin):
    exclude_actions = ("new",)


def test_add_another_only_when_the_new_page_is_there(demo_db):
    client = wrap(RumApp(demo_config(demo_db), resources={"Movie": NoNewPage}))
    page = client.get("/movies/1/edit")
    assert 'value="add"' not in page.text and 'value="edit"' in page.text
    form = page.forms[0]
    saved = form.submit("_then", value="edit")
    assert path_of(saved) == "/movies/1/edit"
    saved = post(client, "/movies/1", {"_method": "PUT", "title": "X", "year": "2001",
                                       "genre": "1", "_then": "add",
                                       "_version": client.get("/movies/1/edit").forms[0]
                                       ["_version"].value})
    assert path_of(saved) == "/movies/1"  # no new page: a plain save


def export_links(page) -> dict[str, str]:
    return {a.text: a["href"] for a in page.html.select("a.export")}


def csv_rows(client, url: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(client.get(url).text)))


def test_export_links_are_the_list_s_query(client):
    page = client.get(FILTERED + "&page=2&limit=5")
    links = export_links(page)
    assert set(links) == {"CSV", "JSON"}
    csv_query = parse_qs(urlsplit(links["CSV"]).query)
    assert urlsplit(links["CSV"]).path == "/movies.csv"
    assert csv_query == {"f.year.ge": ["2000"], "sort": ["-year"], "limit": ["5"]}  # no page
    json_query = parse_qs(urlsplit(links["JSON"]).query)
    assert json_query["page"] == ["2"] and json_query["f.year.ge"] == ["2000"]
    listed = client.get(FILTERED.replace("/movies", "/movies.json") + "&limit=500").json
    rows = csv_rows(client, links["CSV"])[1:]
    assert len(rows) == listed["count"] > 5
    title = csv_rows(client, links["CSV"])[0].index("Title")
    assert [r[title] for r in rows] == [i["title"] for i in listed["items"]]
    assert client.get(links["JSON"]).json["items"] == client.get(
        FILTERED.replace("/movies", "/movies.json") + "&page=2&limit=5").json["items"]


def test_nested_lists_have_export_links(client):
    links = export_links(client.get("/movies/3/actors?sort=name"))
    assert links["CSV"] == "/movies/3/actors.csv?sort=name"
    assert "/movies/3/actors.json" in links["JSON"]


def test_export_links_follow_the_formats_the_list_serves(demo_db):
    table = ActionTable(a.but(formats=("html", "json")) if a.name == "index" else a
                        for a in BUILTIN)
    client = wrap(RumApp(demo_config(demo_db), actions=table))
    assert set(export_links(client.get("/movies"))) == {"JSON"}


def grid_link(page, text: str) -> str:
    return next(a["href"] for a in page.html.select("td.actions a") if a.text == text)


def test_save_from_a_filtered_list_returns_to_it(client):
    listing = client.get(FILTERED)
    edit = client.get(grid_link(listing, "Edit"))
    form = edit.forms[0]
    assert form["return_to"].value == FILTERED
    form["title"] = ""
    refused = form.submit(status=422)
    assert refused.forms[0]["return_to"].value == FILTERED  # kept through errors
    form = refused.forms[0]
    form["title"] = "Back to the list"
    saved = form.submit()
    assert path_of(saved) == FILTERED
    assert "saved" in saved.follow().text
    again = client.get(grid_link(client.get(FILTERED), "Edit")).forms[0]
    assert path_of(again.submit("_then", value="edit")).endswith("/edit")  # a button wins


def test_show_page_carries_return_to_on(client):
    show = client.get(grid_link(client.get(FILTERED), "Show"))
    edit_href = next(a["href"] for a in show.html.select("a.button") if a.text == "Edit")
    assert parse_qs(urlsplit(edit_href).query)["return_to"] == [FILTERED]
    back = show.html.find("a", string=lambda s: s and s.startswith("Back to"))
    assert back["href"] == FILTERED


def test_delete_from_a_filtered_list_returns_to_it(client):
    created = new_movie_form(client).submit()
    ident = path_of(created).rsplit("/", 1)[1]
    confirm = client.get(f"/movies/{ident}/confirm_delete?return_to=/movies%3Fq%3DButtons")
    deleted = confirm.forms[0].submit()
    assert path_of(deleted) == "/movies?q=Buttons"
    client.get(f"/movies/{ident}.json", status=404)


@pytest.mark.parametrize("return_to", [
    "http://evil.example/movies", "//evil.example/movies", "/genres?q=x", "/moviesx",
    "/movies/1", "movies?q=x", "/movies?\r\nX: y", "/movies\\@evil"])
def test_return_to_outside_the_list_is_ignored(client, return_to):
    edit = client.get("/movies/1/edit", {"return_to": return_to})
    assert "return_to" not in edit.forms[0].fields
    saved = post(client, "/movies/1", {"_method": "PUT", "title": "Safe", "year": "2001",
                                       "genre": "1", "return_to": return_to,
                                       "_version": edit.forms[0]["_version"].value})
    assert path_of(saved) == "/movies/1"
