"""What a Call settles per request from the resource class: the list's columns, the form's
fields, read-only fields and the base query, through HTTP in every format."""

import csv
import io

import pytest

from rum import Admin, RumApp
from tests.conftest import demo_config, wrap

STAFF = {"REMOTE_USER": "staff"}
GUEST = {"REMOTE_USER": "guest"}
AUDITOR = {"REMOTE_USER": "auditor"}  # the base query of guests, without their read-only year


class MovieAdmin(Admin):
    list_fields = ["title", "year", "genre"]

    def get_list_fields(self, request, identity):
        if identity is not None and identity.user == "staff":
            return ["title", "year", "genre", "director"]
        return None

    def get_form_fields(self, request, identity):
        if identity is not None and identity.user == "guest":
            return ["title", "year", "genre", "description"]
        return None

    def get_read_only_fields(self, request, identity):
        return ["year"] if identity is not None and identity.user == "guest" else []

    def base_query(self, request, identity):
        if identity is not None and identity.user in ("guest", "auditor"):
            return [("year", "ge", 2000)]
        return ()


@pytest.fixture
def client(demo_db):
    return wrap(RumApp(demo_config(demo_db), resources={"Movie": MovieAdmin}))


def token(client, env=None) -> dict:
    """The CSRF header of `env`'s identity (tokens are bound to who asks)."""
    return {"X-CSRF-Token": client.get("/", extra_environ=env or {}).headers["X-CSRF-Token"]}


def headers_of(text: str) -> list[str]:
    return next(csv.reader(io.StringIO(text)))


def test_the_list_s_columns_follow_the_identity(client):
    staff = client.get("/movies", extra_environ=STAFF)
    anyone = client.get("/movies")
    assert ">Director<" in staff.text and ">Director<" not in anyone.text
    assert headers_of(client.get("/movies.csv", extra_environ=STAFF).text) == [
        "Title", "Year", "Genre", "Director"]
    assert headers_of(client.get("/movies.csv").text) == ["Title", "Year", "Genre"]
    assert "director" in client.get("/movies.json", extra_environ=STAFF).json["items"][0]
    assert "director" not in client.get("/movies.json").json["items"][0]


def test_the_form_s_fields_follow_the_identity(client):
    guest = client.get("/movies/new", extra_environ=GUEST).text
    anyone = client.get("/movies/new").text
    assert 'name="director"' in anyone and 'name="director"' not in guest
    assert 'name="description"' in guest


def test_a_field_not_in_the_identity_s_form_is_never_written(client):
    movie = client.get("/movies.json?sort=-year&limit=1").json["items"][0]
    before = client.get(movie["_url"] + ".json").json
    form = client.get(movie["_url"] + "/edit", extra_environ=GUEST).forms[0]
    assert "director" not in form.fields
    form["title"] = "Guest Cut"
    extra = [("director", ""), ("year", "1901")]  # posted by hand: not in this form
    fields = [(k, f.value) for k, fs in form.fields.items() for f in fs if k]
    client.post(movie["_url"], fields + extra, extra_environ=GUEST, status=303)
    after = client.get(movie["_url"] + ".json").json
    assert after["title"] == "Guest Cut" and after["director"] == before["director"]


def test_a_read_only_field_of_the_request_is_shown_and_never_written(client):
    movie = client.get("/movies.json?sort=-year&limit=1").json["items"][0]
    url = movie["_url"]
    form = client.get(url + "/edit", extra_environ=GUEST)
    assert not form.html.select('input[name="year"]')
    assert str(movie["year"]) in form.text  # shown as text
    headers = {**token(client, GUEST), "If-Match": client.get(url + ".json").headers["ETag"]}
    client.patch_json(url + ".json", {"year": 2024, "title": "Still Here"}, headers=headers,
                      extra_environ=GUEST)
    after = client.get(url + ".json").json
    assert after["year"] == movie["year"] and after["title"] == "Still Here"
    assert client.get(url + "/edit").html.select('input[name="year"]')  # others may edit it


def test_the_base_query_narrows_every_path(client):
    everything = client.get("/movies.json?limit=500").json["items"]
    old = [m for m in everything if m["year"] < 2000]
    new = [m for m in everything if m["year"] >= 2000]
    assert old and new
    seen = client.get("/movies.json?limit=500", extra_environ=GUEST).json
    assert {m["_id"] for m in seen["items"]} == {m["_id"] for m in new}
    assert seen["count"] == len(new)
    hidden = old[0]["_url"]
    for path in (hidden, hidden + ".json", hidden + "/edit", hidden + "/confirm_delete"):
        client.get(path, extra_environ=GUEST, status=404)
    client.delete(hidden + ".json", headers=token(client, GUEST), extra_environ=GUEST,
                  status=404)
    rows = list(csv.reader(io.StringIO(client.get("/movies.csv", extra_environ=GUEST).text)))
    assert len(rows) - 1 == len(new)
    rentals = client.get("/rentals.json?limit=500", extra_environ=GUEST).json["items"]
    refs = [r["movie"] for r in rentals if r["movie"]["id"] == old[0]["_id"]]
    assert all(ref.get("opaque") for ref in refs)  # a rental of a hidden movie: #<id> only
    term = old[0]["title"]
    found = client.get(f"/rentals/complete?field=movie&q={term}", extra_environ=GUEST).json
    assert old[0]["_id"] not in {item["id"] for item in found["items"]}


def test_a_write_that_leaves_the_base_query_is_refused(client):
    movie = client.get("/movies.json?sort=-year&limit=1", extra_environ=GUEST).json["items"][0]
    version = client.get(movie["_url"] + ".json").headers["ETag"]
    answer = client.patch_json(movie["_url"] + ".json", {"year": 1950},
                               headers={**token(client, STAFF), "If-Match": version},
                               extra_environ=STAFF)
    assert answer.json["year"] == 1950  # staff have no base query
    created = client.post_json("/movies.json", {"title": "Too Old", "year": 1960,
                                                "genre": "1"}, headers=token(client, AUDITOR),
                               extra_environ=AUDITOR, status=403)
    assert "could not see afterwards" in created.json["message"]
    assert not [m for m in client.get("/movies.json?limit=500").json["items"]
                if m["title"] == "Too Old"]


class Broken(Admin):
    def get_list_fields(self, request, identity):
        return ["no_such_field"]


def test_a_broken_get_method_is_a_logged_500_naming_it(demo_db, caplog):
    client = wrap(RumApp(demo_config(demo_db), resources={"Movie": Broken}))
    client.get("/movies", status=500)
    assert "Broken.get_list_fields" in caplog.text
