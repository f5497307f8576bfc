"""Every repository path under an `Access`, the same on every backend: row filters narrow
everything, hidden fields are no search/sort/filter and no label, related rows the
identity may not read are opaque `Ref`s or left out, and writes never reach past them."""

import pytest

from rum.contracts import Effect, Ref
from rum.errors import BadRequest, Forbidden, Invalid, NotFound
from rum.query import Filter, Query, Sort

from . import schema
from .contract import DIRECTOR_BY_ID, access, ident, movie_ids, where

RECENT = access(scope={"movies": [("year", "ge", "2001")]})
OLD_DIRECTORS = access(scope={"directors": [("born", "lt", "1960-01-01")]})  # Ava only
TWO_ACTORS = access(scope={"actors": [("name", "in", "Ann Ames,Bob Best")]})
NO_ACTORS = access(unreadable={"actors"})
NO_DIRECTORS = access(unreadable={"directors"})
NO_DESCRIPTION = access(hidden={"movies": {"description"}})
NAMELESS_DIRECTORS = access(hidden={"directors": {"name", "born"}})
RETURNED_ONLY = access(scope={"rentals": [("returned", "eq", "true")]})
RECENT_RENTALS = access(scope={"rentals": [("movie.year", "ge", "2005")]}, unreadable={"movies"})


def recent(m) -> bool:
    return m["year"] >= 2001


# -- the resource's own row filters ----------------------------------------------------------

def test_own_row_filters_narrow_every_read(backend):
    want = movie_ids(recent)
    with backend.unit(RECENT) as uow:
        repo = uow.repository("movies")
        assert [ident(repo, r) for r in repo.select(Query(limit=100)).rows] == want
        assert repo.select(Query(limit=2)).count == len(want)
        assert ident(repo, repo.get("4")) == "4"
        for missing in ("1", "2"):
            with pytest.raises(NotFound):
                repo.get(missing)
        with pytest.raises(NotFound):
            repo.get("4", scope=(Filter("year", "eq", "2010"),))  # narrows further
        assert [r.id for r in repo.stream(Query(), backend.fields("movies", "title"))] == want
        assert repo.size(100) == (len(want), True)
        assert [r.id for r in repo.choices(100)] == want
        assert [r.id for r in repo.complete("", 100)] == sorted(
            want, key=lambda i: schema.MOVIES[int(i) - 1]["title"])
        assert repo.complete("1", 10) == [] and repo.complete("Alpha", 10) == []


def test_query_scope_cannot_widen_the_access_scope(backend):
    query = Query(scope=(Filter("year", "lt", "2005"),), limit=100)
    assert backend.ids("movies", query, RECENT) == movie_ids(lambda m: 2001 <= m["year"] < 2005)


def test_a_row_filter_across_a_relation_applies_as_written(backend):
    """Rentals of movies from 2005 on, for an identity that may not read movies at all."""
    want = [str(r["id"]) for r in schema.RENTALS
            if schema.MOVIES[r["movie"] - 1]["year"] >= 2005]
    assert backend.ids("rentals", access=RECENT_RENTALS) == want == ["6", "7", "8"]
    with backend.unit(RECENT_RENTALS) as uow:
        repo = uow.repository("rentals")
        with pytest.raises(NotFound):
            repo.get("1")
        record = repo.record(repo.get("8"), backend.fields("rentals", "movie"))
    assert record.values["movie"] == Ref("movies", "12", "#12", opaque=True)


def test_a_row_filter_on_an_unknown_field_is_a_bad_request(backend):
    with backend.unit(access(scope={"movies": [("bogus", "eq", "1")]})) as uow, \
            pytest.raises(BadRequest):
        uow.repository("movies").select(Query())


# -- related rows ----------------------------------------------------------------------------

def test_to_one_targets_out_of_scope_are_opaque(backend):
    fields = backend.fields("movies", "director")
    with backend.unit(OLD_DIRECTORS) as uow:
        repo = uow.repository("movies")
        page = repo.select(Query(limit=100), fields)
        refs = {ident(repo, r): repo.record(r, fields).values["director"] for r in page.rows}
    for m in schema.MOVIES:
        d = m["director"]
        want = None if d is None else Ref("directors", "1", "Ava Lane") if d == 1 else \
            Ref("directors", str(d), f"#{d}", opaque=True)
        assert refs[str(m["id"])] == want


@pytest.mark.parametrize(("who", "filters", "test"), [
    (OLD_DIRECTORS, [("director", "eq", "2")], lambda m: False),
    (OLD_DIRECTORS, [("director", "in", "1,2")], lambda m: m["director"] == 1),
    (OLD_DIRECTORS, [("director", "ne", "2")], lambda m: m["director"] is not None),
    (OLD_DIRECTORS, [("director", "ne", "1")], lambda m: m["director"] not in (None, 1)),
    (OLD_DIRECTORS, [("director.name", "eq", "Ben Moss")], lambda m: False),
    (OLD_DIRECTORS, [("director.name", "contains", "a")], lambda m: m["director"] == 1),
    (OLD_DIRECTORS, [("director", "is_null", "true")], lambda m: m["director"] is None),
    (NO_DIRECTORS, [("director", "eq", "1")], lambda m: False),
    (NO_DIRECTORS, [("director", "ne", "1")], lambda m: m["director"] is not None),
    (NO_DIRECTORS, [("genre.name", "eq", "Drama")], lambda m: m["genre"] == 1),
])
def test_filters_treat_unseen_related_rows_as_absent(backend, who, filters, test):
    assert backend.ids("movies", where(*filters), who) == movie_ids(test)


@pytest.mark.parametrize(("who", "field", "op", "value"), [
    (NO_DIRECTORS, "director.name", "eq", "Ava Lane"),
    (NAMELESS_DIRECTORS, "director.name", "startswith", "A"),
    (NAMELESS_DIRECTORS, "director.born", "is_null", "true"),
    (access(hidden={"movies": {"director"}}), "director.name", "eq", "Ava Lane"),
    (access(hidden={"movies": {"director"}}), "director", "eq", "1"),
    (NO_DESCRIPTION, "description", "contains", "harbor"),
])
def test_filters_on_unreadable_or_hidden_fields_are_bad_requests(backend, who, field, op, value):
    with backend.unit(who) as uow, pytest.raises(BadRequest):
        uow.repository("movies").select(where((field, op, value)))


@pytest.mark.parametrize(("who", "resource", "row_id", "relation", "want", "size"), [
    (RECENT, "directors", "1", "movies", ["8"], (1, True)),
    (RECENT, "actors", "1", "movies", ["6", "12"], (2, True)),
    (TWO_ACTORS, "movies", "2", "actors", ["2"], (1, True)),
    (TWO_ACTORS, "movies", "5", "actors", [], (0, True)),
    (RETURNED_ONLY, "movies", "1", "rentals", ["1"], (1, True)),
    (NO_ACTORS, "movies", "1", "actors", [], None),
])
def test_to_many_values_and_sizes_leave_out_unseen_rows(backend, who, resource, row_id,
                                                        relation, want, size):
    fields = backend.fields(resource, relation)
    with backend.unit(who) as uow:
        repo = uow.repository(resource)
        row = repo.get(row_id)
        refs = repo.record(row, fields).values[relation]
        sizes = repo.related_sizes(row, fields, 100)
    assert sorted((r.id for r in refs), key=int) == want and not any(r.opaque for r in refs)
    assert sizes == ({} if size is None else {relation: size})


def test_a_parent_list_is_narrowed_by_the_child_scope(backend):
    assert backend.ids("actors", Query(parent=("movies", "1", "actors")), TWO_ACTORS) == ["1", "2"]
    assert backend.ids("actors", Query(parent=("movies", "5", "actors")), TWO_ACTORS) == []


def test_an_unreadable_resource_gives_nothing_to_pick(backend):
    with backend.unit(NO_ACTORS) as uow:
        actors = uow.repository("actors")
        assert (actors.choices(10), actors.complete("", 10), actors.complete("1", 10),
                actors.size(10)) == ([], [], [], (0, True))


# -- hidden fields ---------------------------------------------------------------------------

def test_a_hidden_field_is_never_searched_or_sorted(backend):
    assert backend.ids("movies", Query(search="harbor", limit=100), NO_DESCRIPTION) == \
        movie_ids(lambda m: "harbor" in m["title"].lower())
    with backend.unit(NO_DESCRIPTION) as uow, pytest.raises(BadRequest):
        uow.repository("movies").select(Query(sort=(Sort("description"),)))


def test_a_hidden_label_makes_refs_and_labels_opaque(backend):
    with backend.unit(NAMELESS_DIRECTORS) as uow:
        movies = uow.repository("movies")
        ref = movies.record(movies.get("1"), backend.fields("movies", "director")).values[
            "director"]
        directors = uow.repository("directors")
        own = directors.record(directors.get("2"), backend.fields("directors", "name"))
        assert ref == Ref("directors", "1", "#1", opaque=True)
        assert own.label == "#2"
        assert directors.complete("Ava", 10) == []
        assert [r.label for r in directors.complete("3", 10)] == ["#3"]
        assert [r.label for r in directors.choices(2)] == ["#1", "#2"]


# -- writes ----------------------------------------------------------------------------------

def test_rows_the_identity_may_not_see_cannot_be_assigned(backend):
    new = {"title": "T", "year": 2020, "genre": "1"}
    for who, values in ((NO_ACTORS, {"actors": ["1"]}), (TWO_ACTORS, {"actors": ["3"]}),
                        (OLD_DIRECTORS, {"director": "2"}), (NAMELESS_DIRECTORS,
                                                              {"director": "Ava Lane"})):
        with pytest.raises(Invalid) as info, backend.unit(who) as uow:
            uow.repository("movies").create({**new, **values})
        assert set(info.value.errors) == set(values)
    with backend.unit(NAMELESS_DIRECTORS) as uow:  # by id it is fine
        repo = uow.repository("movies")
        new_id = ident(repo, repo.create({**new, "director": "1"}))
    assert backend.record("movies", new_id, "director").values["director"].id == "1"


def test_an_assignment_keeps_the_members_it_cannot_see(backend):
    for who, row_id, given, want in ((TWO_ACTORS, "5", ["1"], [1, 4, 5, 6]),
                                     (TWO_ACTORS, "1", [], []), (NO_ACTORS, "2", [], [2, 3])):
        with backend.unit(who) as uow:
            repo = uow.repository("movies")
            repo.update(repo.get(row_id), {"actors": given})
        record = backend.record("movies", row_id, "actors")
        assert sorted(int(r.id) for r in record.values["actors"]) == want


def test_a_to_one_sent_back_unchanged_is_kept_even_when_unseen(backend):
    with backend.unit(OLD_DIRECTORS) as uow:
        repo = uow.repository("movies")
        repo.update(repo.get("3"), {"title": "Kept", "director": "2"})
        with pytest.raises(Invalid):
            repo.update(repo.get("3"), {"director": "3"})
    record = backend.record("movies", "3", "title", "director")
    assert (record.values["title"], record.values["director"].id) == ("Kept", "2")
    assert DIRECTOR_BY_ID[2]["born"].year >= 1960  # Ben is out of OLD_DIRECTORS' scope


def test_links_reach_rows_in_scope_only(backend):
    with backend.unit(TWO_ACTORS) as uow:
        repo = uow.repository("movies")
        for idents, add in ((["3"], True), (["4"], False), (["Cat Cole"], True)):
            with pytest.raises(NotFound):
                repo.link(repo.get("5"), "actors", idents, add=add)
        repo.link(repo.get("5"), "actors", ["Bob Best"])
    record = backend.record("movies", "5", "actors")
    assert sorted(int(r.id) for r in record.values["actors"]) == [2, 4, 5, 6]


@pytest.mark.parametrize(("who", "row_id", "effects"), [
    (NO_ACTORS, "1", {Effect("Actors", "actors", 0, False, "unseen"),
                      Effect("Rentals", "rentals", 2, True, "delete")}),
    (RETURNED_ONLY, "1", {Effect("Actors", "actors", 2, True, "unlink"),
                          Effect("Rentals", "rentals", 1, True, "delete"),
                          Effect("Rentals", "rentals", 0, False, "unseen")}),
    (TWO_ACTORS, "5", {Effect("Actors", "actors", 0, False, "unseen"),
                       Effect("Rentals", "rentals", 1, True, "delete")}),
])
def test_a_delete_touching_unseen_rows_is_forbidden(backend, who, row_id, effects):
    with backend.unit(who) as uow:
        repo = uow.repository("movies")
        assert set(repo.delete_effects(repo.get(row_id), 100)) == effects
    with pytest.raises(Forbidden), backend.unit(who) as uow:
        repo = uow.repository("movies")
        repo.delete(repo.get(row_id))
    assert row_id in backend.ids("movies")


def test_a_delete_touching_only_seen_rows_goes_through(backend):
    with backend.unit(RETURNED_ONLY) as uow:
        repo = uow.repository("movies")
        repo.delete(repo.get("3"))  # its one rental is returned: in scope
    assert "3" not in backend.ids("movies") and "4" not in backend.ids("rentals")
