"""A resource class's checks and hooks around writes, through HTTP in HTML and JSON: they
run inside the request's transaction; a refusal is 422 beside the fields, and rolls back."""

import pytest
import sqlalchemy as sa

from model import Movie, Rental
from rum import Admin, RumApp
from rum.errors import Invalid
from tests.conftest import csrf_headers, demo_config, edit_version, post, wrap

KEPT = 1  # the movie before_delete refuses to delete


class MovieAdmin(Admin):
    def validate(self, call, values, row=None):
        title = values.get("title", getattr(row, "title", ""))
        if "year" in values and values["year"] < 1888 or "Silent" in title and \
                values.get("year", getattr(row, "year", 0)) > 1930:
            raise Invalid({"year": "No films before 1888; no silent films after 1930."})

    def before_create(self, call, values):
        values["title"] = values["title"].strip().title()

    def after_create(self, call, row):
        if row.title == "Rollback After Create":
            raise Invalid({"title": "Refused after the row was made."})
        # a write of its own, in the same transaction
        call.uow.repository("rentals").create({"movie": str(row.id), "customer": "Launch",
                                               "returned": False})

    def before_update(self, call, row, values):
        if "description" in values:
            values["description"] = (values["description"] or "") + " [edited]"

    def after_update(self, call, row):
        if row.title == "Rollback After Update":
            raise RuntimeError("a hook failed")

    def before_delete(self, call, row):
        if row.id == KEPT:
            raise Invalid({"": "Classics are kept."})


@pytest.fixture
def app(demo_db):
    return wrap(RumApp(demo_config(demo_db), resources={"Movie": MovieAdmin}))


def rows(db_url, model, **where):
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        query = sa.select(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        found = conn.execute(query).all()
    engine.dispose()
    return found


def new_movie(app, title, year="2001"):
    return post(app, "/movies", {"title": title, "year": year, "genre": "1"}, status="*")


def test_cross_field_validation_is_422_beside_the_field_with_input_kept(app, demo_db):
    page = new_movie(app, "Silent Night", "1999")
    assert page.status_int == 422
    field = page.html.select_one('[name="year"]')
    assert field["value"] == "1999"  # the input kept
    assert "no silent films after 1930" in page.text
    assert rows(demo_db, Movie, title="Silent Night") == []


def test_cross_field_validation_in_json(app, demo_db):
    headers = csrf_headers(app)
    answer = app.post_json("/movies.json", {"title": "Old", "year": 1700, "genre": "1"},
                           headers=headers, status=422)
    assert "1888" in answer.json["errors"]["year"]
    assert rows(demo_db, Movie, title="Old") == []


def test_before_create_changes_what_is_stored_and_after_create_writes_too(app, demo_db):
    done = new_movie(app, "  the quiet harbour ")
    assert done.status_int == 303
    stored = rows(demo_db, Movie, title="The Quiet Harbour")
    assert len(stored) == 1
    assert len(rows(demo_db, Rental, movie_id=stored[0].id, customer="Launch")) == 1


@pytest.mark.parametrize("json", [False, True])
def test_a_hook_refusing_after_the_insert_keeps_nothing(app, demo_db, json):
    before = len(rows(demo_db, Rental))
    if json:
        headers = csrf_headers(app)
        app.post_json("/movies.json", {"title": "rollback after create", "year": 2000,
                                       "genre": "1"}, headers=headers, status=422)
    else:
        page = new_movie(app, "rollback after create")
        assert page.status_int == 422 and "Refused after the row was made." in page.text
    assert rows(demo_db, Movie, title="Rollback After Create") == []
    assert len(rows(demo_db, Rental)) == before


def test_before_update_changes_values_and_validation_sees_the_row(app, demo_db):
    form = app.get("/movies/1/edit").forms[0]
    form["description"] = "Quiet"
    assert form.submit().status_int == 303
    assert rows(demo_db, Movie, id=1)[0].description == "Quiet [edited]"
    headers = csrf_headers(app)
    version = app.get("/movies/1.json").headers["ETag"].strip('"')
    refused = app.patch_json("/movies/1.json", {"year": 1500},
                             headers={**headers, "If-Match": version}, status=422)
    assert "year" in refused.json["errors"]


def test_an_unexpected_hook_error_rolls_the_update_back(app, demo_db):
    version = edit_version(app, "/movies/2")
    answer = post(app, "/movies/2", {"_method": "PUT", "_version": version,
                                     "title": "Rollback After Update", "year": "2000",
                                     "genre": "1"}, status=500)
    assert answer.status_int == 500
    assert rows(demo_db, Movie, title="Rollback After Update") == []


def test_before_delete_refuses_with_its_message(app, demo_db):
    headers = csrf_headers(app)
    refused = app.delete(f"/movies/{KEPT}.json", headers=headers, status=422)
    assert refused.json["errors"] == {"": "Classics are kept."}
    assert rows(demo_db, Movie, id=KEPT)
    page = app.delete(f"/movies/{KEPT}", headers=headers, status=422)
    assert "Classics are kept." in page.text
    app.delete("/movies/2.json", headers=headers, status=204)
    assert rows(demo_db, Movie, id=2) == []


def test_bulk_delete_is_all_or_nothing_through_the_hook(app, demo_db):
    headers = csrf_headers(app)
    app.post_json("/movies/delete_many.json", {"ids": ["2", str(KEPT)]},
                  headers=headers, status=422)
    assert rows(demo_db, Movie, id=2) and rows(demo_db, Movie, id=KEPT)
