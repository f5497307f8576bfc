"""Delete confirmation (with what else it touches) and bulk delete."""

import sqlalchemy as sa

from model import Genre, Movie, Rental
from tests.conftest import post


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


def test_bulk_delete_needs_ids(client):
    client.get("/rentals/delete_many", status=400)
    post(client, "/rentals/delete_many", {"ids": "999999"}, status=404)
