"""CRUD round trips for every demo model, in process, through the real stack."""

import pytest
import sqlalchemy as sa

from model import Actor, Director, Genre, Movie, Person, Rental
from rum import RumApp
from tests.conftest import post, wrap


def count(rum_app, model) -> int:
    engine = rum_app.repositories.engine
    with engine.connect() as conn:
        return conn.scalar(sa.select(sa.func.count()).select_from(model))


def test_home_lists_every_resource(client):
    page = client.get("/")
    for name in ("persons", "genres", "actors", "directors", "movies", "rentals"):
        assert f'href="/{name}"' in page.text


def test_index_shows_rows_and_pager(client):
    page = client.get("/movies")
    assert page.status_int == 200
    assert page.text.count("<tr>") >= 20
    assert "200 rows" in page.text
    assert 'rel="next"' in page.text
    second = client.get("/movies?page=2")
    assert 'aria-current="page">2<' in second.text


def test_sortable_headers_sort(client, rum_app):
    page = client.get("/movies?sort=-year")
    engine = rum_app.repositories.engine
    with engine.connect() as conn:
        newest = conn.scalar(sa.select(Movie.title).order_by(Movie.year.desc(), Movie.id))
    assert newest in page.text
    assert 'href="/movies?sort=year"' in page.text  # header toggles direction


def test_movie_round_trip_with_relations(client, rum_app):
    form = client.get("/movies/new").forms[0]
    form["title"] = "A Test Movie"
    form["year"] = "1999"
    form["genre"] = "2"
    assert "data-complete" in form.html.find(id="director").decode()  # 120 directors: autocomplete
    director_id = client.get("/movies/complete?field=director&q=a").json["items"][0]["id"]
    form["director"] = f"Whoever [{director_id}]"
    actor_ids = [i["id"] for i in client.get("/movies/complete?field=actors&q=a").json["items"][:2]]
    form["actors"] = ", ".join(actor_ids)
    form["description"] = "Two actors <b>and</b> a director."
    created = form.submit()
    assert created.status_int == 303
    shown = created.follow()
    assert "A Test Movie" in shown.text
    assert "created" in shown.text  # flash message
    assert "&lt;b&gt;and&lt;/b&gt;" in shown.text  # escaped
    movie_url = created.location.replace("http://localhost", "")
    movie_id = int(movie_url.rsplit("/", 1)[1])
    with sa.orm.Session(rum_app.repositories.engine) as s:
        movie = s.get(Movie, movie_id)
        assert movie.genre_id == 2
        assert movie.director_id == int(director_id)
        assert sorted(a.id for a in movie.actors) == sorted(int(i) for i in actor_ids)

    edit = client.get(f"{movie_url}/edit").forms[0]
    assert edit["title"].value == "A Test Movie"
    assert edit["director"].value.endswith(f"[{director_id}]")
    edit["title"] = "A Renamed Movie"
    edit["actors"] = actor_ids[0]
    saved = edit.submit()
    assert saved.status_int == 303
    assert "A Renamed Movie" in saved.follow().text
    with sa.orm.Session(rum_app.repositories.engine) as s:
        movie = s.get(Movie, movie_id)
        assert movie.title == "A Renamed Movie"
        assert [a.id for a in movie.actors] == [int(actor_ids[0])]

    confirm = client.get(f"{movie_url}/confirm_delete")
    gone = confirm.forms[0].submit()
    assert gone.status_int == 303
    assert "deleted" in gone.follow().text
    client.get(movie_url, status=404)


def test_validation_failure_keeps_input_and_writes_nothing(client, rum_app):
    before = count(rum_app, Movie)
    form = client.get("/movies/new").forms[0]
    form["title"] = "Kept <title>"
    form["year"] = "nineteen"
    page = form.submit(status=422)
    assert "Enter a whole number" in page.text
    assert 'value="Kept &lt;title&gt;"' in page.text
    assert 'value="nineteen"' in page.text
    assert "Enter a value" in page.text  # genre is required
    assert count(rum_app, Movie) == before


def _create(client, resource, values) -> str:
    form = client.get(f"/{resource}/new").forms[0]
    for key, value in values.items():
        form[key] = value
    response = form.submit()
    assert response.status_int == 303, response.text
    return response.location.replace("http://localhost", "")


def test_round_trip_every_other_model(client, rum_app):
    cases = [
        ("genres", Genre, {"name": "Noir"}, {"name": "Neo-noir"}),
        ("persons", Person, {"name": "Pat Doe", "birth_date": "1970-05-06"}, {"name": "Pat Roe"}),
        ("actors", Actor, {"name": "Ann Actor"}, {"birth_date": "1980-01-02"}),
        ("directors", Director, {"name": "Dan Director"}, {"name": "Dana Director"}),
        ("rentals", Rental, {"movie": "1", "customer": "Cleo", "rented_at": "2025-02-03T04:05"},
         {"returned": True}),
    ]
    for resource, model, create_values, update_values in cases:
        before = count(rum_app, model)
        url = _create(client, resource, create_values)
        assert count(rum_app, model) == before + 1, resource
        form = client.get(f"{url}/edit").forms[0]
        for key, value in update_values.items():
            form[key] = value
        assert form.submit().status_int == 303
        with sa.orm.Session(rum_app.repositories.engine) as s:
            row = s.get(model, int(url.rsplit("/", 1)[1]))
            for key, value in update_values.items():
                got = getattr(row, key)
                assert str(got) == str(value) or got is value, (resource, key, got)
        client.get(f"{url}/confirm_delete").forms[0].submit().follow()
        assert count(rum_app, model) == before, resource


def test_joined_subclass_keeps_its_type(client, rum_app):
    url = _create(client, "directors", {"name": "Kim Kind"})
    with sa.orm.Session(rum_app.repositories.engine) as s:
        person = s.get(Person, int(url.rsplit("/", 1)[1]))
        assert isinstance(person, Director)
        assert person.type == "director"


def test_delete_blocked_by_reference_is_a_conflict(client, rum_app):
    genre_in_use = client.get("/movies/1.json").json["genre"]["id"]
    page = post(client, f"/genres/{genre_in_use}", {"_method": "DELETE"}, status=409)
    assert "still referred to" in page.text
    client.get(f"/genres/{genre_in_use}", status=200)


def test_unknown_things_are_404(client):
    client.get("/nothing", status=404)
    client.get("/movies/999999", status=404)
    client.get("/movies/not-a-number", status=404)
    client.get("/movies/1/elsewhere/deeper", status=404)


def test_malformed_parameters_are_400(client):
    client.get("/movies?page=zero", status=400)
    client.get("/movies?page=-1", status=400)
    client.get("/movies?sort=nonexistent", status=400)
    client.get("/movies?f.year.around=2000", status=400)
    client.get("/movies?f.year.ge=soon", status=400)


def test_wrong_method_is_405_with_allow(client):
    response = client.delete("/movies", status=405)
    assert set(response.headers["Allow"].split(", ")) == {"GET", "POST"}


def test_json_index_and_show(client):
    data = client.get("/movies.json").json
    assert len(data["items"]) == 20
    first = data["items"][0]
    assert {"title", "year", "genre", "_id", "_url"} <= set(first)
    shown = client.get(first["_url"] + ".json").json
    assert shown["title"] == first["title"]
    assert isinstance(shown["actors"], list)
    assert client.get("/movies", headers={"Accept": "application/json"}).status_int == 200


def test_search_and_filter(client, rum_app):
    data = client.get("/movies.json?q=harbor&limit=500").json
    with sa.orm.Session(rum_app.repositories.engine) as s:
        expected = {str(m.id) for m in s.scalars(sa.select(Movie)) if "harbor" in
                    (m.title + " " + (m.description or "")).lower()}
    assert expected, "the demo has harbor titles"
    assert {i["_id"] for i in data["items"]} == expected
    recent = client.get("/movies.json?f.year.ge=2000&limit=500").json["items"]
    assert recent and all(i["year"] >= 2000 for i in recent)
    genre = client.get("/movies.json?f.genre.eq=3&limit=500").json["items"]
    assert genre and all(i["genre"]["id"] == "3" for i in genre)


def test_complete_finds_related_rows(client):
    found = client.get("/movies/complete?field=genre&q=dra").json["items"]
    assert [i["label"] for i in found] == ["Drama"]
    assert found[0]["url"] == f"/genres/{found[0]['id']}"
    by_id = client.get(f"/movies/complete?field=genre&q={found[0]['id']}").json["items"]
    assert by_id[0]["label"] == "Drama"
    many = client.get("/movies/complete?field=actors&q=a&limit=5").json["items"]
    assert 0 < len(many) <= 5
    client.get("/movies/complete?field=title&q=x", status=400)
    client.get("/movies/complete?field=genre&limit=lots", status=400)


def test_complete_leaves_out_the_rows_an_input_holds(client):
    def ids(query):
        return [i["id"] for i in client.get(f"/movies/complete?field=actors&{query}").json["items"]]
    first = ids("q=maya&limit=10")
    assert len(first) >= 3
    rest = ids(f"q=maya&limit=10&exclude={first[0]},{first[1]}")
    assert first[0] not in rest and first[1] not in rest and set(first[2:]) <= set(rest)
    assert ids(f"q=maya&limit=10&exclude={first[0]}&exclude={first[1]}") == rest  # repeated
    assert len(ids("q=&limit=10&exclude=" + ",".join(ids("q=&limit=10")))) == 10  # still full


@pytest.mark.parametrize("exclude", ["abc", "1,abc", "1.5", ",".join(["1"] * 501),
                                     "9" * 201])
def test_complete_refuses_a_malformed_exclude(client, exclude):
    client.get(f"/movies/complete?field=actors&q=a&exclude={exclude}", status=400)


def test_filter_bar_builds_filters(client, rum_app):
    page = client.get("/movies")
    bar = next(f for f in page.forms.values() if "op.year" in f.fields)
    bar["op.year"] = "ge"
    bar["v.year"] = "2000"
    bar["v.genre"] = "3"
    filtered = bar.submit()
    assert "Filters (2)" in filtered.text
    data = client.get(filtered.request.url.replace("/movies?", "/movies.json?")).json
    with sa.orm.Session(rum_app.repositories.engine) as s:
        expected = s.scalar(sa.select(sa.func.count()).select_from(Movie).where(
            Movie.year >= 2000, Movie.genre_id == 3))
    assert data["count"] == expected
    assert all(i["year"] >= 2000 and i["genre"]["id"] == "3" for i in data["items"])
    client.get("/movies?op.year=near&v.year=2000", status=400)
    empty = client.get("/movies?op.director=is_null")
    assert "Filters (1)" in empty.text


def genre_ids(client, query: str) -> set[str]:
    return {i["genre"]["id"] for i in client.get(f"/movies.json?{query}&limit=500").json["items"]}


def test_the_filter_bar_takes_a_genre_by_name_or_by_id(client, rum_app):
    with sa.orm.Session(rum_app.repositories.engine) as s:
        drama = s.scalar(sa.select(Genre.id).where(Genre.name == "Drama"))
        dramas = s.scalar(sa.select(sa.func.count()).select_from(Movie).where(
            Movie.genre_id == drama))
    by_name = client.get("/movies.json?op.genre=eq&v.genre=Drama&limit=500").json
    assert by_name["count"] == dramas > 0
    assert genre_ids(client, "op.genre=eq&v.genre=drama") == {str(drama)}  # any case
    assert genre_ids(client, f"op.genre=eq&v.genre={drama}") == {str(drama)}
    assert genre_ids(client, "f.genre.eq=Drama") == {str(drama)}
    nothing = client.get("/movies?op.genre=eq&v.genre=No+such+genre")
    assert "Nothing found." in nothing.text
    assert client.get("/movies.json?op.genre=eq&v.genre=No+such+genre").json["count"] == 0
    page = client.get("/movies")
    bar = next(f for f in page.forms.values() if "op.year" in f.fields)
    bar["v.genre"].select(text="Drama")  # ten genres: a list to choose from
    assert "Nothing found." not in bar.submit().text


def test_movies_sort_by_their_genre_name(client, rum_app):
    page = client.get("/movies")
    assert 'href="/movies?sort=genre"' in page.text
    with sa.orm.Session(rum_app.repositories.engine) as s:
        names = dict(s.execute(sa.select(Genre.id, Genre.name)).all())
    for sort, reverse in (("genre", False), ("-genre", True)):
        items, url = [], f"/movies.json?sort={sort}&limit=7"
        for _ in range(100):  # bounded: Next must reach the end
            data = client.get(url).json
            items += data["items"]
            if not data["next"]:
                break
            url = data["next"]
        labels = [names[int(i["genre"]["id"])] if i["genre"] else "" for i in items]
        assert labels == sorted(labels, reverse=reverse) and len(set(labels)) > 1
        assert len({i["id"] for i in items}) == len(items) == data["count"]


def test_show_page_counts_to_many(client, rum_app):
    genre_id = client.get("/movies/1.json").json["genre"]["id"]
    with sa.orm.Session(rum_app.repositories.engine) as s:
        n = s.scalar(sa.select(sa.func.count()).select_from(Movie).where(
            Movie.genre_id == int(genre_id)))
    assert (f'<p class="size"><a href="/genres/{genre_id}/movies">{n} movies</a></p>'
            in client.get(f"/genres/{genre_id}").text)


def test_template_override(demo_db, tmp_path):
    from tests.conftest import demo_config
    (tmp_path / "movies").mkdir()
    (tmp_path / "movies" / "show.html").write_text(
        '<html xmlns:py="http://genshi.edgewall.org/"><body>'
        '<p id="custom">Custom ${record.label}</p></body></html>')
    (tmp_path / "home.html").write_text(
        '<html xmlns:py="http://genshi.edgewall.org/"><body>My own home</body></html>')
    client = wrap(RumApp(demo_config(demo_db, rum={"templates": [str(tmp_path)]})))
    title = client.get("/movies/1.json").json["title"]
    assert f'<p id="custom">Custom {title}</p>' in client.get("/movies/1").text
    assert "My own home" in client.get("/").text
    assert "<dl" in client.get("/genres/1").text  # other resources keep Rum's show page
