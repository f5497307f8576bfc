"""Every action in JSON: lists, rows, writes, and errors as JSON with field messages."""

import sqlalchemy as sa

from model import Genre, Movie
from rum import RumApp
from tests.conftest import ROOT, csrf_headers, wrap
from tests.fixtures import shapes_model as sm


def test_list_and_show(client):
    data = client.get("/movies.json?sort=-year&limit=5").json
    assert len(data["items"]) == 5 and data["count"] == 200 and data["count_exact"] is True
    years = [i["year"] for i in data["items"]]
    assert years == sorted(years, reverse=True)
    assert data["next"].startswith("/movies.json?") and data["prev"] is None
    movie = client.get(data["items"][0]["_url"] + ".json").json
    assert movie["genre"]["url"].startswith("/genres/")
    assert movie["_actors_url"] == data["items"][0]["_url"] + "/actors"
    url = data["items"][0]["_url"]
    accept = client.get(url, headers={"Accept": "application/json"})
    assert accept.content_type == "application/json" and accept.json["_url"] == url
    assert "Accept" in accept.headers["Vary"]  # caches keep the two forms apart
    browser = client.get(url, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert browser.content_type == "text/html"
    assert client.get(url).content_type == "text/html"  # no preference: the page
    assert client.get(url + ".json", headers={"Accept": "text/html"}).content_type == \
        "application/json"  # the extension decides over Accept
    missing = client.get("/movies/999999", headers={"Accept": "application/json"}, status=404)
    assert missing.content_type == "application/json" and "Accept" in missing.headers["Vary"]
    assert client.get("/movies/999999", status=404).content_type == "text/html"


def test_create_update_delete(client, rum_app):
    token = csrf_headers(client)
    created = client.post_json("/movies.json", {"title": "JSON made", "year": 2020,
                                                "genre": "1", "actors": []}, headers=token)
    assert created.status_int == 201
    assert created.headers["Location"].endswith(created.json["_url"])
    url = created.json["_url"]
    updated = client.put_json(url + ".json", {"title": "JSON changed", "year": 2021,
                                              "genre": "2"},
                              headers={**token, "If-Match": created.headers["ETag"]})
    assert updated.json["title"] == "JSON changed" and updated.json["genre"]["id"] == "2"
    assert client.delete(url + ".json", headers=token).status_int == 204
    client.get(url + ".json", status=404)


def test_errors_are_json(client, rum_app):
    token = csrf_headers(client)
    invalid = client.post_json("/movies.json", {"title": "", "year": "soon"}, headers=token,
                               status=422)
    assert invalid.json["status"] == 422
    assert set(invalid.json["errors"]) >= {"title", "year", "genre"}
    with sa.orm.Session(rum_app.repositories.engine) as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Movie)) == 200
    dup = client.post_json("/genres.json", {"name": "Drama"}, headers=token, status=422)
    assert dup.json["errors"] == {"name": "already exists; choose another value"}
    assert client.get("/movies/999999.json", status=404).json["status"] == 404
    assert client.get("/nope.json", status=404).json["error"] == "Not found"
    used = client.get("/movies/1.json").json["genre"]["id"]
    conflict = client.delete(f"/genres/{used}.json", headers=token, status=409)
    assert conflict.json["status"] == 409
    client.post_json("/genres.json", {"name": "No token"}, status=403)
    bad = client.post("/genres.json", "{not json", headers={**token,
                      "Content-Type": "application/json"}, status=400)
    assert bad.json["status"] == 400
    with sa.orm.Session(rum_app.repositories.engine) as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Genre)) == 10


def test_values_in_json_terms(tmp_path):
    import datetime
    import decimal
    url = f"sqlite:///{tmp_path / 's.db'}"
    engine = sa.create_engine(url)
    sm.Base.metadata.create_all(engine)
    with sa.orm.Session(engine) as s:
        s.add(sm.Everything(name="x", price=decimal.Decimal("1.50"), blob=b"\x00\x01",
                            day=datetime.date(2024, 2, 29),
                            stamp=datetime.datetime(2024, 1, 2, 3, 4, 5), mood=sm.Mood.sad))
        s.commit()
    client = wrap(RumApp({"here": ROOT, "rum.repositoryfactory": {
        "models": list(sm.MODELS), "sqlalchemy.url": url}}))
    row = client.get("/everythings/1.json").json
    assert row["price"] == "1.50"
    assert row["day"] == "2024-02-29" and row["stamp"] == "2024-01-02T03:04:05"
    assert row["mood"] == "sad"
    assert row["blob"] == "/everythings/1/download/blob"
    assert client.get(row["blob"]).body == b"\x00\x01"
