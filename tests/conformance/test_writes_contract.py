"""The Repository and UnitOfWork contract's writes, the same on every backend: create,
update, delete and its effects, link/unlink, versions, commit and rollback."""

import threading
from contextlib import nullcontext

import pytest

from rum.contracts import Effect
from rum.errors import Conflict, Invalid, NotFound
from rum.names import MATCHES_SHOWN
from rum.query import Filter, Query

from . import schema
from .contract import ident, movie_ids, where

NEW_MOVIE = {"title": "New One", "year": 2020, "genre": "2", "director": "4",
             "actors": ["5", "6"], "description": "Fresh."}


def movie_count(backend) -> int:
    return len(backend.ids("movies"))


def actor_ids(record) -> list[int]:
    return sorted(int(r.id) for r in record.values["actors"])


# -- create, commit, rollback --------------------------------------------------------------

def test_create_is_visible_in_its_unit_and_committed_at_the_end(backend):
    with backend.unit() as uow:
        repo = uow.repository("movies")
        new_id = ident(repo, repo.create(NEW_MOVIE))
        assert new_id not in {str(m["id"]) for m in schema.MOVIES}
        assert new_id in [ident(repo, r) for r in repo.select(Query(limit=100)).rows]
        with backend.unit() as other:  # not committed yet: another unit does not see it
            assert other.repository("movies").size(100) == (12, True)
    record = backend.record("movies", new_id)
    assert (record.label, record.values["year"], record.values["color"]) == ("New One", 2020,
                                                                             True)
    assert (record.values["genre"].label, record.values["director"].label) == ("Comedy",
                                                                               "Dee Ray")
    assert actor_ids(record) == [5, 6] and record.values["rentals"] == []


@pytest.mark.parametrize("how", ["exception", "doom"])
def test_a_failed_or_doomed_unit_changes_nothing(backend, how):
    with pytest.raises(RuntimeError) if how == "exception" else nullcontext():
        with backend.unit() as uow:
            uow.repository("genres").create({"name": "Noir"})
            movies = uow.repository("movies")
            movies.update(movies.get("1"), {"title": "Changed", "actors": []})
            movies.delete(movies.get("2"))
            if how == "doom":
                uow.doom()
            else:
                raise RuntimeError("a later step failed")
    assert backend.ids("genres") == ["1", "2", "3", "4"]
    record = backend.record("movies", "1", "title", "actors")
    assert (record.values["title"], actor_ids(record)) == ("Alpha Harbor", [1, 2])
    assert movie_count(backend) == 12


@pytest.mark.parametrize(("values", "bad"), [
    ({"genre": "999"}, {"genre"}),
    ({"genre": "not-an-id"}, {"genre"}),
    ({"genre": ""}, {"genre"}),
    ({"actors": ["999"]}, {"actors"}),
    ({"director": "Nobody", "actors": ["abc"]}, {"director", "actors"}),
    ({"title": None}, {"title"}),
    ({"year": None}, {"year"}),
])
def test_invalid_values_name_their_fields_and_store_nothing(backend, values, bad):
    with pytest.raises(Invalid) as info, backend.unit() as uow:
        uow.repository("movies").create({**NEW_MOVIE, **values})
    assert set(info.value.errors) == bad and all(info.value.errors.values())
    assert movie_count(backend) == 12


def test_related_rows_are_named_by_id_or_exact_label(backend):
    with backend.unit() as uow:
        repo = uow.repository("movies")
        new_id = ident(repo, repo.create({**NEW_MOVIE, "genre": " Western ", "director": "Cy Hart",
                                          "actors": ["Gus Gray", "1"]}))
    record = backend.record("movies", new_id, "genre", "director", "actors")
    assert (record.values["genre"].id, record.values["director"].id) == ("3", "3")
    assert actor_ids(record) == [1, 7]


@pytest.mark.parametrize(("twins", "field", "value", "shown", "more"), [
    (2, "actors", ["1", "Twin"], 2, False),  # a to-many, among other rows
    (MATCHES_SHOWN + 3, "actors", ["Twin"], MATCHES_SHOWN, True),
])
def test_an_ambiguous_label_is_invalid_and_offers_its_rows(backend, twins, field, value,
                                                           shown, more):
    with pytest.raises(Invalid) as info, backend.unit() as uow:
        actors = uow.repository("actors")
        made = [ident(actors, actors.create({"name": "Twin"})) for _ in range(twins)]
        uow.repository("movies").create({**NEW_MOVIE, field: value})
    assert set(info.value.errors) == {field}
    choice = info.value.choices[field]
    assert (choice.text, len(choice.refs), choice.more) == ("Twin", shown, more)
    assert [r.id for r in choice.refs] == made[:shown]  # in key order
    assert {r.label for r in choice.refs} == {"Twin"}
    assert len(backend.ids("actors")) == 7


def test_an_ambiguous_label_of_a_to_one_offers_its_rows(backend):
    with pytest.raises(Invalid) as info, backend.unit() as uow:
        directors = uow.repository("directors")
        made = [ident(directors, directors.create({"name": "Ava Lane"}))]
        uow.repository("movies").create({**NEW_MOVIE, "director": "Ava Lane"})
    assert [r.id for r in info.value.choices["director"].refs] == ["1", *made]


def test_a_unique_value_taken_is_invalid_and_the_factory_goes_on(backend):
    with pytest.raises(Invalid) as info, backend.unit() as uow:
        genres = uow.repository("genres")
        genres.create({"name": "Brand new"})
        genres.create({"name": "Drama"})
    assert set(info.value.errors) == {"name"}
    assert backend.ids("genres") == ["1", "2", "3", "4"]
    with backend.unit() as uow:
        uow.repository("genres").create({"name": "Later"})
    assert len(backend.ids("genres")) == 5


def test_read_only_and_unknown_names_are_left_out(backend):
    with backend.unit() as uow:
        repo = uow.repository("movies")
        new_id = ident(repo, repo.create({**NEW_MOVIE, "id": 987654, "rentals": ["1"],
                                          "genre_id": 3, "bogus": 1}))
    assert new_id != "987654"
    record = backend.record("movies", new_id, "genre", "rentals")
    assert (record.values["genre"].id, record.values["rentals"]) == ("2", [])
    assert backend.ids("rentals", where(("movie", "eq", "1"))) == ["1", "2"]


# -- update and versions -------------------------------------------------------------------

def test_update_changes_columns_and_relations(backend):
    with backend.unit() as uow:
        repo = uow.repository("movies")
        repo.update(repo.get("5"), {"title": "Renamed", "director": "", "actors": ["1"],
                                    "genre": "2", "color": True})
    record = backend.record("movies", "5")
    values = record.values
    assert (values["title"], values["director"], values["genre"].id, values["color"]) == (
        "Renamed", None, "2", True)
    assert (values["year"], actor_ids(record)) == (1995, [1])
    with backend.unit() as uow:  # the actors' side shows the change too
        actors = uow.repository("actors")
        fields = backend.fields("actors", "movies")
        assert "5" not in [r.id for r in actors.record(actors.get("4"), fields).values["movies"]]


@pytest.mark.parametrize(("values", "changes"), [
    ({"title": "Other"}, True), ({"year": 1991}, True), ({"director": "2"}, True),
    ({"released": None}, True), ({"title": "Alpha Harbor"}, False), ({}, False),
    ({"director": "1"}, False),
])
def test_the_version_changes_when_the_stored_row_does(backend, values, changes):
    with backend.unit() as uow:
        repo = uow.repository("movies")
        before = repo.version(repo.get("1"))
        assert before and repo.version(repo.get("1")) == before
    with backend.unit() as uow:
        repo = uow.repository("movies")
        row = repo.update(repo.get("1"), values)
        within = repo.version(row)
    with backend.unit() as uow:
        repo = uow.repository("movies")
        after = repo.version(repo.get("1"))
    assert after == within and (after != before) == changes


def test_a_key_is_not_written_by_update(backend):
    with backend.unit() as uow:
        repo = uow.repository("genres")
        repo.update(repo.get("4"), {"id": 40, "name": "Musicals"})
    assert backend.ids("genres") == ["1", "2", "3", "4"]
    assert backend.record("genres", "4", "name").values == {"name": "Musicals"}


def test_write_units_serialize_a_read_then_write(backend):
    """`write=True`: a second writer reads the row only after the first has committed."""
    seen, first_read = [], threading.Event()

    def second_writer():
        first_read.wait(5)
        with backend.unit(write=True) as uow:
            repo = uow.repository("movies")
            row = repo.get("1", for_update=True)
            year = repo.record(row, backend.fields("movies", "year")).values["year"]
            seen.append(("second read", year))
            repo.update(row, {"year": year + 1})

    thread = threading.Thread(target=second_writer)
    thread.start()
    try:
        with backend.unit(write=True) as uow:
            repo = uow.repository("movies")
            row = repo.get("1", for_update=True)
            first_read.set()
            thread.join(0.5)  # the second writer waits for this unit to end
            repo.update(row, {"year": 1991})
            seen.append("first wrote")
    finally:
        first_read.set()
        thread.join(10)
    assert seen == ["first wrote", ("second read", 1991)]
    assert backend.record("movies", "1", "year").values == {"year": 1992}


# -- delete --------------------------------------------------------------------------------

@pytest.mark.parametrize(("resource", "row_id", "limit", "effects"), [
    ("movies", "1", 100, {Effect("Actors", "actors", 2, True, "unlink"),
                          Effect("Rentals", "rentals", 2, True, "delete")}),
    ("movies", "1", 1, {Effect("Actors", "actors", 1, False, "unlink"),
                        Effect("Rentals", "rentals", 1, False, "delete")}),
    ("movies", "4", 100, set()),
    ("genres", "1", 100, {Effect("Movies", "movies", 5, True, "block")}),
    ("genres", "4", 100, set()),
    ("directors", "1", 100, {Effect("Movies", "movies", 3, True, "unlink")}),
    ("actors", "1", 100, {Effect("Movies", "movies", 4, True, "unlink")}),
    ("rentals", "1", 100, set()),
])
def test_delete_effects(backend, resource, row_id, limit, effects):
    with backend.unit() as uow:
        repo = uow.repository(resource)
        assert set(repo.delete_effects(repo.get(row_id), limit)) == effects


def test_deleting_a_movie_deletes_its_rentals_and_links_only(backend):
    with backend.unit() as uow:
        repo = uow.repository("movies")
        repo.delete(repo.get("1"))
    assert "1" not in backend.ids("movies") and movie_count(backend) == 11
    assert backend.ids("rentals") == ["3", "4", "5", "6", "7", "8"]
    assert len(backend.ids("actors")) == 7
    record = backend.record("actors", "2", "movies")
    assert sorted(int(r.id) for r in record.values["movies"]) == [2, 8]


def test_deleting_a_director_unlinks_its_movies(backend):
    with backend.unit() as uow:
        repo = uow.repository("directors")
        repo.delete(repo.get("1"))
    assert backend.ids("directors") == ["2", "3", "4"]
    assert backend.ids("movies", where(("director", "is_null", "true"))) == movie_ids(
        lambda m: m["director"] in (None, 1))
    assert movie_count(backend) == 12


def test_deleting_a_genre_in_use_is_a_conflict_and_changes_nothing(backend):
    with pytest.raises(Conflict), backend.unit() as uow:
        repo = uow.repository("genres")
        repo.delete(repo.get("1"))
    assert backend.ids("genres") == ["1", "2", "3", "4"]
    assert backend.ids("movies", where(("genre", "eq", "1"))) == movie_ids(
        lambda m: m["genre"] == 1)


def test_deleting_an_unused_genre(backend):
    with backend.unit() as uow:
        repo = uow.repository("genres")
        repo.delete(repo.get("4"))
    assert backend.ids("genres") == ["1", "2", "3"]


# -- link and unlink -----------------------------------------------------------------------

@pytest.mark.parametrize(("steps", "want"), [
    ([(True, ["1", "Bob Best"])], [1, 2]),
    ([(True, ["1"]), (True, ["1", " 1 "])], [1]),
    ([(True, ["1", "2", "3"]), (False, ["2", "Cat Cole"])], [1]),
    ([(False, ["4"])], []),
])
def test_link_and_unlink_a_many_to_many(backend, steps, want):
    with backend.unit() as uow:
        repo = uow.repository("movies")
        for add, idents in steps:
            repo.link(repo.get("4"), "actors", idents, add=add)
    assert actor_ids(backend.record("movies", "4", "actors")) == want


@pytest.mark.parametrize("idents", [["999"], ["Nobody"], ["1", "abc"]])
def test_linking_a_row_that_does_not_exist_is_not_found(backend, idents):
    with pytest.raises(NotFound), backend.unit() as uow:
        repo = uow.repository("movies")
        repo.link(repo.get("4"), "actors", idents)


def test_link_a_one_to_many_moves_the_row(backend):
    with backend.unit() as uow:
        repo = uow.repository("movies")
        repo.link(repo.get("4"), "rentals", ["1"])
    assert backend.ids("rentals", where(("movie", "eq", "4"))) == ["1"]
    assert backend.ids("rentals", where(("movie", "eq", "1"))) == ["2"]


def test_unlinking_a_required_one_to_many_is_invalid(backend):
    with pytest.raises(Invalid), backend.unit() as uow:
        repo = uow.repository("movies")
        repo.link(repo.get("1"), "rentals", ["1"], add=False)
    assert backend.ids("rentals", where(("movie", "eq", "1"))) == ["1", "2"]


@pytest.mark.parametrize("linked", [0, 50, 51])
def test_a_to_many_of_more_than_50_rows_is_cut_and_partial(backend, linked):
    with backend.unit() as uow:
        actors = uow.repository("actors")
        new = [ident(actors, actors.create({"name": f"Extra {i:02}"})) for i in range(linked)]
        movies = uow.repository("movies")
        movies.update(movies.get("4"), {"actors": new})
    record = backend.record("movies", "4", "actors", "title")
    assert len(record.values["actors"]) == min(linked, 50)
    assert record.partial == (frozenset({"actors"}) if linked > 50 else frozenset())
    with backend.unit() as uow:
        repo = uow.repository("movies")
        sizes = repo.related_sizes(repo.get("4"), backend.fields("movies", "actors"), 1000)
    assert sizes == {"actors": (linked, True)}


def test_scope_filters_given_to_get_and_select_are_applied(backend):
    query = Query(scope=(Filter("year", "ge", "2001"),), limit=100)
    assert backend.ids("movies", query) == movie_ids(lambda m: m["year"] >= 2001)
