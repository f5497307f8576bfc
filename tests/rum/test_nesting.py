"""Relations as nested collections: lists with every list feature, create-in-parent, links."""

import sqlalchemy as sa

from model import Genre, Movie, Rental, movie_actor
from tests.conftest import csrf_headers, post


def count(app, stmt):
    with app.repositories.engine.connect() as conn:
        return conn.scalar(stmt)


def test_genre_movies_nested_list(client, rum_app):
    genre = client.get("/movies/1.json").json["genre"]["id"]
    n = count(rum_app, sa.select(sa.func.count()).select_from(Movie).where(
        Movie.genre_id == int(genre)))
    data = client.get(f"/genres/{genre}/movies.json?limit=5&sort=-year").json
    assert data["count"] == n and len(data["items"]) == min(5, n)
    assert all(i["genre"]["id"] == genre for i in data["items"])
    years = [i["year"] for i in data["items"]]
    assert years == sorted(years, reverse=True)
    if n > 5:
        nxt = client.get(data["next"]).json
        assert data["next"].startswith(f"/genres/{genre}/movies.json?")
        assert all(i["genre"]["id"] == genre for i in nxt["items"])
    page = client.get(f"/genres/{genre}/movies")
    assert f'href="/genres/{genre}/movies?sort=title"' in page.text  # links stay nested
    csv_rows = client.get(f"/genres/{genre}/movies.csv").text.strip().splitlines()
    assert len(csv_rows) == n + 1
    searched = client.get(f"/genres/{genre}/movies.json?q=zzzz-nothing").json
    assert searched["items"] == []


def test_movie_actors_link_and_unlink(client, rum_app):
    token = csrf_headers(client)
    before = client.get("/movies/1/actors.json").json["items"]
    others = [i["_id"] for i in client.get("/actors.json?limit=50").json["items"]
              if i["_id"] not in {b["_id"] for b in before}][:2]
    client.post_json("/movies/1/actors/link.json", {"ids": others}, headers=token, status=204)
    linked = {i["_id"] for i in client.get("/movies/1/actors.json").json["items"]}
    assert linked == {b["_id"] for b in before} | set(others)
    page = client.get("/movies/1/actors")
    form = page.forms["bulk"]
    for box in form.fields["ids"]:
        box.checked = box._value == others[0]
    assert form.submit().status_int == 303
    linked = {i["_id"] for i in client.get("/movies/1/actors.json").json["items"]}
    assert others[0] not in linked and others[1] in linked
    post(client, "/movies/1/actors/link", {"ids": others[0]})
    assert others[0] in {i["_id"] for i in client.get("/movies/1/actors.json").json["items"]}
    n_actors = count(rum_app, sa.select(sa.func.count()).select_from(movie_actor))
    assert n_actors == 200 * 3 + 2  # linking never deleted or duplicated a row


def test_create_in_parent(client, rum_app):
    form = client.get("/movies/1/rentals/new").forms[0]
    assert form.action == "/movies/1/rentals"
    assert form["movie"].value.endswith("[1]") or form["movie"].value == "1"
    form["customer"] = "Nested Customer"
    form["rented_at"] = "2024-05-06T07:08"
    done = form.submit()
    assert done.status_int == 303 and done.location.endswith("/movies/1/rentals")
    assert count(rum_app, sa.select(sa.func.count()).select_from(Rental).where(
        Rental.customer == "Nested Customer", Rental.movie_id == 1)) == 1
    token = csrf_headers(client)
    made = client.post_json("/genres/1/movies.json", {"title": "Child", "year": 2001},
                            headers=token, status=201)
    assert made.json["genre"]["id"] == "1"
    actor = client.post_json("/movies/1/actors.json", {"name": "Linked At Birth"},
                             headers=token, status=201)
    ids = {i["_id"] for i in client.get("/movies/1/actors.json?limit=50").json["items"]}
    assert actor.json["_id"] in ids
    with sa.orm.Session(rum_app.repositories.engine) as s:
        assert s.scalar(sa.select(Genre.name).where(Genre.id == 1))


def test_show_page_links_nested_lists(client):
    page = client.get("/movies/1")
    assert 'href="/movies/1/actors"' in page.text and 'href="/movies/1/rentals"' in page.text


def test_unknown_relations_are_404(client):
    client.get("/movies/1/nothing", status=404)
    client.get("/movies/1/title", status=404)
    client.get("/movies/999999/actors", status=404)
    client.get("/genres/1/movies/link", status=405)
