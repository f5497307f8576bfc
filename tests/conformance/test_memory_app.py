"""A RumApp served by the memory backend (`use = 'memory'`), through WebTest."""

import csv
import io
from importlib.metadata import entry_points

import pytest

from rum import RumApp
from tests.conftest import ROOT, csrf_headers, post, wrap

MODELS = "tests.conformance.schema:MEMORY_MODELS"


@pytest.fixture
def memory_plugin(tmp_path, monkeypatch):
    """`memory` in the rum.repositoryfactory group, as setup.py registers it, also for an
    installed tree that predates it (a dist-info of its own on sys.path)."""
    if any(ep.name == "memory" for ep in entry_points(group="rum.repositoryfactory")):
        return
    dist = tmp_path / "rum_memory_plugin-0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: rum-memory-plugin\n"
                                   "Version: 0\n")
    (dist / "entry_points.txt").write_text("[rum.repositoryfactory]\n"
                                           "memory = rum.testing:MemoryRepositoryFactory\n")
    monkeypatch.syspath_prepend(str(tmp_path))


def memory_config(**repository) -> dict:
    return {"here": ROOT, "rum": {"secret": "conformance"},
            "rum.repositoryfactory": {"use": "memory", "models": [MODELS], **repository},
            "rum.viewfactory": {"use": "toscawidgets"}}


@pytest.fixture
def client(memory_plugin):
    return wrap(RumApp(memory_config()))


def test_the_list_page_and_its_json(client):
    page = client.get("/movies")
    assert page.status_int == 200
    for title in ("Alpha Harbor", "Lost Road", "Ava Lane", "Drama"):
        assert title in page.text
    data = client.get("/movies.json").json
    assert (data["count"], data["count_exact"], len(data["items"])) == (12, True, 12)
    assert data["items"][0]["title"] == "Alpha Harbor"


@pytest.mark.parametrize(("query", "titles"), [
    ("f.director.name.eq=Ava+Lane&sort=-year", ["Hollow Night", "Bright Night", "Alpha Harbor"]),
    ("q=harbor&sort=title", ["Alpha Harbor", "Cold River", "Dark Harbor"]),
    ("f.year.ge=2005&f.color.eq=true", ["Far Night", "Iron Bay"]),
])
def test_list_queries(client, query, titles):
    assert [i["title"] for i in client.get(f"/movies.json?{query}").json["items"]] == titles


def test_keyset_links_walk_the_list(client):
    titles, url = [], "/movies.json?limit=5&sort=year"
    for _ in range(4):  # bounded: three pages of five
        data = client.get(url).json
        titles += [i["title"] for i in data["items"]]
        if not data["next"]:
            break
        url = data["next"]
    assert len(titles) == 12 and len(set(titles)) == 12


def test_pages_of_one_row(client):
    for path in ("/movies/1", "/movies/1/edit", "/movies/new", "/movies/1/confirm_delete",
                 "/movies/1/actors", "/directors/1/movies", "/", "/rentals"):
        assert client.get(path).status_int == 200, path
    shown = client.get("/movies/1.json").json
    assert shown["title"] == "Alpha Harbor"
    assert client.get("/movies/99", status=404).status_int == 404


def test_create_update_and_delete_through_json(client):
    token = csrf_headers(client)
    made = client.post_json("/movies.json", {"title": "Via JSON", "year": 2021, "genre": "2",
                                             "actors": ["1", "2"]}, headers=token)
    new = made.headers["Location"].rstrip("/").rsplit("/", 1)[-1].removesuffix(".json")
    shown = client.get(f"/movies/{new}.json")
    assert shown.json["title"] == "Via JSON"
    etag = shown.headers["ETag"]
    client.patch_json(f"/movies/{new}.json", {"title": "Renamed"},
                    headers={**token, "If-Match": '"stale"'}, status=412)
    done = client.patch_json(f"/movies/{new}.json", {"title": "Renamed"},
                           headers={**token, "If-Match": etag})
    assert done.json["title"] == "Renamed" and done.headers["ETag"] != etag
    client.delete(f"/movies/{new}.json", headers={**token, "If-Match": done.headers["ETag"]})
    client.get(f"/movies/{new}.json", status=404)
    assert client.get("/movies.json").json["count"] == 12


def test_invalid_input_and_blocked_deletes_are_answered(client):
    token = csrf_headers(client)
    refused = client.post_json("/movies.json", {"title": "No genre", "year": 2021},
                               headers=token, status=422)
    assert "genre" in refused.json["errors"]
    etag = client.get("/genres/1.json").headers["ETag"]
    client.delete("/genres/1.json", headers={**token, "If-Match": etag}, status=409)


def test_forms_link_and_export(client):
    form = client.get("/genres/new").forms[0]
    form["name"] = "Noir"
    form.submit(status=303)
    assert "Noir" in client.get("/genres").text
    post(client, "/movies/4/actors/link", {"ids": "Gus Gray"}, status=303)
    assert [a["name"] for a in client.get("/movies/4/actors.json").json["items"]] == ["Gus Gray"]
    rows = list(csv.reader(io.StringIO(client.get("/movies.csv?sort=-year&limit=2").text)))
    assert len(rows) == 13 and rows[1][1] in ("Far Night", "Iron Bay")


def test_two_apps_share_no_rows(memory_plugin):
    first, second = wrap(RumApp(memory_config())), wrap(RumApp(memory_config()))
    first.post_json("/genres.json", {"name": "Only here"}, headers=csrf_headers(first))
    assert len(first.get("/genres.json").json["items"]) == 5
    assert len(second.get("/genres.json").json["items"]) == 4
