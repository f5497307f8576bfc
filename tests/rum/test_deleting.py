"""Delete confirmation (with what else it touches) and bulk delete."""

import pytest
import sqlalchemy as sa

from model import Actor, Director, Genre, Movie, Person, Rental, movie_actor
from rum import RumApp
from tests.conftest import csrf_headers, demo_config, post, wrap


def count(app, model, where=None) -> int:
    stmt = sa.select(sa.func.count()).select_from(model)
    if where is not None:
        stmt = stmt.where(where)
    with app.repositories.engine.connect() as conn:
        return conn.scalar(stmt)


def test_confirmation_lists_cascades_unlinks_and_blocks(client, rum_app):
    movie = client.get("/movies/1/confirm_delete").text
    rentals = count(rum_app, Rental, Rental.movie_id == 1)
    assert f"Also deletes {rentals} rentals" in movie
    assert "Unlinks 3 actors" in movie
    genre_id = client.get("/movies/1.json").json["genre"]["id"]
    genre = client.get(f"/genres/{genre_id}/confirm_delete").text
    movies = count(rum_app, Movie, Movie.genre_id == int(genre_id))
    assert f"{movies} movies still refer to it" in genre


def test_delete_cascades_to_rentals(client, rum_app):
    assert count(rum_app, Rental, Rental.movie_id == 1) > 0
    client.get("/movies/1/confirm_delete").forms[0].submit().follow()
    assert count(rum_app, Rental, Rental.movie_id == 1) == 0
    assert count(rum_app, Movie, Movie.id == 1) == 0


def test_bulk_delete_with_confirmation(client, rum_app):
    before = count(rum_app, Rental)
    listing = client.get("/rentals")
    bulk = listing.forms["bulk"]
    boxes = bulk.fields["ids"]
    boxes[0].checked = True
    boxes[1].checked = True
    chosen = [boxes[0]._value, boxes[1]._value]
    confirm = bulk.submit()
    assert confirm.status_int == 200 and "Delete 2 rentals?" in confirm.text
    assert count(rum_app, Rental) == before  # nothing yet
    done = confirm.forms[0].submit()
    assert done.status_int == 303
    assert "2 rentals deleted." in done.follow().text
    assert count(rum_app, Rental) == before - 2
    for ident in chosen:
        client.get(f"/rentals/{ident}", status=404)


def test_bulk_delete_is_all_or_nothing(client, rum_app):
    free = Genre(name="Unused")
    with sa.orm.Session(rum_app.repositories.engine) as s:
        s.add(free)
        s.commit()
        free_id = free.id
    used = client.get("/movies/1.json").json["genre"]["id"]
    before = count(rum_app, Genre)
    post(client, "/genres/delete_many", {"ids": [str(free_id), used]}, status=409)
    assert count(rum_app, Genre) == before  # the free one was not deleted either


NOTHING_TICKED = "No rows were selected: tick the rows to act on first."


def test_bulk_delete_needs_ids(client):
    post(client, "/rentals/delete_many", {"ids": "999999"}, status=404)
    answer = client.post_json("/rentals/delete_many.json", {"ids": []},
                              headers=csrf_headers(client), status=400)
    assert "tick at least one row" in answer.json["message"]


@pytest.mark.parametrize("query, back", [
    ("", "/rentals"),
    ("ids=", "/rentals"),
    ("sort=-id&q=a&page=2", "/rentals?sort=-id&q=a&page=2"),
])
def test_delete_selected_with_nothing_ticked_goes_back_to_the_list(client, query, back):
    answer = client.get(f"/rentals/delete_many?{query}", status=303)
    assert answer.location.endswith(back)
    assert NOTHING_TICKED in answer.follow().text


def test_the_list_s_bulk_form_carries_its_query_back(client):
    listing = client.get("/rentals", {"sort": "-id", "page": "2"})
    answer = listing.forms["bulk"].submit(status=303)
    assert answer.location.endswith("/rentals?sort=-id&page=2")
    back = answer.follow()
    assert NOTHING_TICKED in back.text and back.request.GET["sort"] == "-id"


def _most_linked(app, column) -> tuple[int, int]:
    """(person id, rows referring to it through `column`) of the most referred-to person."""
    stmt = sa.select(column, sa.func.count()).where(column.is_not(None)).group_by(column) \
        .order_by(sa.func.count().desc(), column).limit(1)
    with app.repositories.engine.connect() as conn:
        ident, n = conn.execute(stmt).one()
    return ident, n


@pytest.mark.parametrize("subclass", ["director", "actor"])
def test_deleting_through_the_base_resource_says_and_does_what_the_subclass_does(
        any_db, subclass):
    """A Person who is a Director (or an Actor) deleted through /persons: the page lists
    the subclass's relations as /directors (/actors) does, and the delete does that."""
    app = RumApp(demo_config(any_db))
    client = wrap(app)
    column = Movie.director_id if subclass == "director" else movie_actor.c.actor_id
    ident, movies = _most_linked(app, column)
    assert movies > 1
    own = client.get(f"/{subclass}s/{ident}/confirm_delete").text
    base = client.get(f"/persons/{ident}/confirm_delete")
    assert f"Unlinks {movies} movies" in own
    assert f"Unlinks {movies} movies" in base.text
    all_movies = count(app, Movie)
    base.forms[0].submit(status=303).follow()
    assert count(app, Person, Person.id == ident) == 0
    assert count(app, Director if subclass == "director" else Actor, Person.id == ident) == 0
    assert count(app, Movie) == all_movies  # unlinked, not deleted
    with app.repositories.engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).where(column == ident)) == 0
    app.repositories.engine.dispose()
