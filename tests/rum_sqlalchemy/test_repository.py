"""SQLAlchemy repositories on every backend: reads, queries, writes, units of work, keys.

Expected results are computed from the rows themselves (read with plain SQLAlchemy), never
from the code under test.
"""

import datetime
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy import Column, Date, Integer, String, Uuid
from sqlalchemy.orm import DeclarativeBase

from model import Actor, Director, Genre, Movie, Person, Rental, movie_actor
from rum.contracts import Record, Ref
from rum.errors import BadRequest, Conflict, Invalid, NotFound
from rum.keys import encode_key
from rum.query import Filter, Query, Sort
from rum_sqlalchemy import SQLAlchemyRepositoryFactory
from rum_sqlalchemy.identity import decode_key
from rum_sqlalchemy.recording import TO_MANY_SHOWN
from tests.conftest import DEMO_MODELS, ROOT

NAMES = {Person: "persons", Genre: "genres", Actor: "actors", Director: "directors",
         Movie: "movies", Rental: "rentals"}


# -- fixtures and helpers ----------------------------------------------------------------------

def make_factory(url: str, models=None, names=None, **options) -> SQLAlchemyRepositoryFactory:
    factory = SQLAlchemyRepositoryFactory(
        {"models": list(models or DEMO_MODELS), "sqlalchemy.url": url, **options}, here=ROOT)
    factory.bind(names or NAMES)
    return factory


@pytest.fixture
def factory(any_db):
    factory = make_factory(any_db)
    yield factory
    factory.engine.dispose()


@pytest.fixture
def engine(factory):
    return factory.engine


@pytest.fixture
def movies(engine) -> dict:
    """Every movie row by id, read with plain SQLAlchemy."""
    with engine.connect() as conn:
        return {r.id: r for r in conn.execute(sa.select(Movie.__table__))}


def count(engine, table, *where) -> int:
    with engine.connect() as conn:
        return conn.scalar(sa.select(sa.func.count()).select_from(table).where(*where))


def scalars(engine, stmt) -> list:
    with engine.connect() as conn:
        return list(conn.scalars(stmt))


def select_ids(factory, resource: str, query: Query) -> list[int]:
    with factory.unit_of_work({}) as uow:
        page = uow.repository(resource).select(query)
        return [row.id for row in page.rows]


def all_ids(factory, resource: str, **query) -> list[int]:
    return select_ids(factory, resource, Query(limit=1000, **query))


def where(*filters: tuple[str, str, str]) -> Query:
    return Query(filters=tuple(Filter(*f) for f in filters), limit=1000)


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def fields_of(factory, resource: str) -> tuple:
    return factory.catalog.info_by_resource(resource).fields


# -- factory and unit of work --------------------------------------------------------------

def test_models_after_bind_name_related_resources(factory):
    infos = {i.name: i for i in factory.models()}
    assert set(infos) == {"Person", "Genre", "Actor", "Director", "Movie", "Rental"}
    movie = {f.name: f for f in infos["Movie"].fields}
    assert movie["genre"].related == "genres"
    assert movie["director"].related == "directors"
    assert movie["actors"].related == "actors"
    assert movie["rentals"].related == "rentals"
    assert {f.name: f for f in infos["Rental"].fields}["movie"].related == "movies"


def test_unknown_resource_is_not_found(factory):
    with factory.unit_of_work({}) as uow, pytest.raises(NotFound):
        uow.repository("nope")


# -- get -----------------------------------------------------------------------------------

def test_get_by_id(factory, movies):
    first = min(movies)
    with factory.unit_of_work({}) as uow:
        row = uow.repository("movies").get(str(first))
        assert isinstance(row, Movie)
        assert (row.id, row.title, row.year) == (first, movies[first].title, movies[first].year)


@pytest.mark.parametrize("ident", ["999999", "0", "-1", "abc", "", "1.5", "-", "1,2", " 1",
                                   "1 ", "0x1"])
def test_get_unknown_or_malformed_id_is_not_found(factory, ident):
    with factory.unit_of_work({}) as uow, pytest.raises(NotFound):
        uow.repository("movies").get(ident)


@pytest.mark.parametrize("ident", ["9999999999999999999", "99999999999999999999",
                                   "-9999999999999999999"])
def test_get_id_beyond_64_bits_is_not_found(factory, any_db, ident, request):
    with factory.unit_of_work({}) as uow, pytest.raises(NotFound):
        uow.repository("movies").get(ident)


def test_get_is_polymorphic_and_checks_the_subclass(factory, engine):
    actor_id = scalars(engine, sa.select(Actor.__table__.c.id).limit(1))[0]
    director_id = scalars(engine, sa.select(Director.__table__.c.id).limit(1))[0]
    with factory.unit_of_work({}) as uow:
        assert isinstance(uow.repository("persons").get(str(actor_id)), Actor)
        assert isinstance(uow.repository("actors").get(str(actor_id)), Actor)
        with pytest.raises(NotFound):
            uow.repository("actors").get(str(director_id))
        with pytest.raises(NotFound):
            uow.repository("directors").get(str(actor_id))


# -- select: filters -----------------------------------------------------------------------

def test_select_everything_counts_exactly(factory, engine):
    for model, resource in NAMES.items():
        with factory.unit_of_work({}) as uow:
            page = uow.repository(resource).select(Query(limit=5))
        expected = count(engine, model.__table__)
        assert page.count == expected, resource
        assert page.count_exact
        assert len(page.rows) == min(5, expected)
        assert all(isinstance(r, model) for r in page.rows)


def test_select_persons_returns_subclasses(factory, engine):
    ids = all_ids(factory, "persons")
    assert len(ids) == count(engine, Person.__table__)
    with factory.unit_of_work({}) as uow:
        rows = uow.repository("persons").select(Query(limit=1000)).rows
        assert {type(r) for r in rows} == {Actor, Director}


def _pivot_year(movies) -> int:
    years = sorted(m.year for m in movies.values())
    return years[len(years) // 2]


@pytest.mark.parametrize(("op", "test"), [
    ("eq", lambda year, pivot: year == pivot),
    ("ne", lambda year, pivot: year != pivot),
    ("lt", lambda year, pivot: year < pivot),
    ("le", lambda year, pivot: year <= pivot),
    ("gt", lambda year, pivot: year > pivot),
    ("ge", lambda year, pivot: year >= pivot),
])
def test_comparison_filters(factory, movies, op, test):
    pivot = _pivot_year(movies)
    expected = sorted(i for i, m in movies.items() if test(m.year, pivot))
    assert expected  # the pivot is a real year, so each side has rows
    assert all_ids(factory, "movies", filters=(Filter("year", op, str(pivot)),)) == expected


def test_filters_combine_with_and(factory, movies):
    pivot = _pivot_year(movies)
    expected = sorted(i for i, m in movies.items() if m.year >= pivot and "night" in
                      m.title.lower())
    assert expected
    query = where(("year", "ge", str(pivot)), ("title", "contains", "night"))
    assert select_ids(factory, "movies", query) == expected


def test_contains_is_case_insensitive(factory, movies):
    expected = sorted(i for i, m in movies.items() if "harbor" in m.title.lower())
    assert expected
    assert select_ids(factory, "movies", where(("title", "contains", "hArBoR"))) == expected


def test_startswith(factory, movies):
    expected = sorted(i for i, m in movies.items() if m.title.lower().startswith("night"))
    assert expected
    assert select_ids(factory, "movies", where(("title", "startswith", "night"))) == expected
    # Not a prefix: a word in the middle.
    middle = movies[expected[0]].title.split()[1]
    expected_middle = sorted(i for i, m in movies.items()
                             if m.title.lower().startswith(middle.lower()))
    assert select_ids(factory, "movies", where(("title", "startswith", middle))) == \
        expected_middle


def test_contains_on_an_integer_column(factory, movies):
    expected = sorted(i for i, m in movies.items() if "99" in str(m.year))
    assert expected
    assert select_ids(factory, "movies", where(("year", "contains", "99"))) == expected


def test_in_filter(factory, movies):
    years = sorted({m.year for m in movies.values()})[:3]
    expected = sorted(i for i, m in movies.items() if m.year in years)
    query = where(("year", "in", ",".join(str(y) for y in years)))
    assert select_ids(factory, "movies", query) == expected


def test_to_one_eq_and_in_filter_by_related_id(factory, movies):
    genre_ids = sorted({m.genre_id for m in movies.values()})
    one, two = genre_ids[0], genre_ids[-1]
    expected = sorted(i for i, m in movies.items() if m.genre_id == one)
    assert expected
    assert select_ids(factory, "movies", where(("genre", "eq", str(one)))) == expected
    expected_in = sorted(i for i, m in movies.items() if m.genre_id in (one, two))
    assert len(expected_in) > len(expected)
    assert select_ids(factory, "movies", where(("genre", "in", f"{one},{two}"))) == expected_in
    expected_ne = sorted(i for i, m in movies.items() if m.genre_id != one)
    assert select_ids(factory, "movies", where(("genre", "ne", str(one)))) == expected_ne


def test_is_null_on_column_and_relation(factory, engine, movies):
    genre_id = min(m.genre_id for m in movies.values())
    with factory.unit_of_work({}) as uow:
        repo = uow.repository("movies")
        new = repo.create({"title": "Nobody Directed This", "year": 2001,
                           "genre": str(genre_id)})
        for field in ("director", "description"):
            page = repo.select(where((field, "is_null", "true")))
            assert [r.id for r in page.rows] == [new.id], field
            page = repo.select(where((field, "is_null", "false")))
            assert page.count == len(movies), field
            assert new.id not in {r.id for r in page.rows}
        # An empty value means "is null".
        assert [r.id for r in repo.select(where(("director", "is_null", ""))).rows] == [new.id]
        uow.doom()
    assert count(engine, Movie.__table__) == len(movies)


def test_date_boolean_and_datetime_filters(factory, engine):
    person = Person.__table__
    cutoff = datetime.date(1960, 1, 1)
    expected = sorted(scalars(engine, sa.select(person.c.id).where(person.c.birth_date < cutoff)))
    assert expected
    assert select_ids(factory, "persons", where(("birth_date", "lt", "1960-01-01"))) == expected

    rental = Rental.__table__
    returned = sorted(scalars(engine, sa.select(rental.c.id).where(rental.c.returned.is_(True))))
    assert 0 < len(returned) < count(engine, rental)
    assert select_ids(factory, "rentals", where(("returned", "eq", "yes"))) == returned
    assert select_ids(factory, "rentals", where(("returned", "eq", "0"))) == sorted(
        set(scalars(engine, sa.select(rental.c.id))) - set(returned))

    since = datetime.datetime(2024, 2, 1)
    later = sorted(scalars(engine, sa.select(rental.c.id).where(rental.c.rented_at >= since)))
    assert later
    assert select_ids(factory, "rentals", where(("rented_at", "ge", "2024-02-01T00:00"))) == later


@pytest.mark.parametrize(("resource", "field", "op", "value"), [
    ("movies", "year", "eq", "soon"),
    ("movies", "year", "in", "1990,soon"),
    ("movies", "year", "lt", "19.5"),
    ("movies", "genre", "ne", "abc"),
    ("movies", "genre", "in", "1,x"),
    ("movies", "actors", "eq", "1"),
    ("movies", "rentals", "is_null", "true"),
    ("movies", "director", "is_null", "perhaps"),
    ("rentals", "returned", "eq", "maybe"),
    ("rentals", "rented_at", "ge", "last week"),
    ("persons", "birth_date", "eq", "yesterday"),
])
def test_bad_filter_values_are_bad_requests(factory, resource, field, op, value):
    with factory.unit_of_work({}) as uow, pytest.raises(BadRequest) as info:
        uow.repository(resource).select(where((field, op, value)))
    assert field in info.value.message


def test_filter_value_beyond_64_bits(factory, any_db):
    with factory.unit_of_work({}) as uow, pytest.raises(BadRequest) as info:
        uow.repository("movies").select(where(("year", "eq", "99999999999999999999")))
    assert "out of range" in info.value.message


# -- select: search, sort, paging ----------------------------------------------------------

def test_search_looks_in_title_and_description(factory, movies):
    def hit(m):
        return "harbor" in m.title.lower() or "harbor" in (m.description or "").lower()

    expected = sorted(i for i, m in movies.items() if hit(m))
    in_description_only = [i for i in expected if "harbor" not in movies[i].title.lower()]
    assert in_description_only  # the search really reaches the second column
    assert all_ids(factory, "movies", search="HARBOR") == expected


def test_search_and_filter_together(factory, movies):
    pivot = _pivot_year(movies)
    expected = sorted(i for i, m in movies.items() if m.year < pivot and (
        "river" in m.title.lower() or "river" in (m.description or "").lower()))
    assert expected
    query = Query(search="river", filters=(Filter("year", "lt", str(pivot)),), limit=1000)
    assert select_ids(factory, "movies", query) == expected


def test_search_treats_like_wildcards_literally(factory, movies):
    genre_id = min(m.genre_id for m in movies.values())
    with factory.unit_of_work({}) as uow:
        repo = uow.repository("movies")
        odd = repo.create({"title": "100% Pure_Gold \\o/", "year": 2002, "genre": str(genre_id)})
        for text in ("%", "_", "0% P", "e_G", "\\o/"):
            page = repo.select(Query(search=text, limit=1000))
            assert [r.id for r in page.rows] == [odd.id], text
        assert repo.select(Query(search="100x Pure", limit=1000)).rows == []
        page = repo.select(where(("title", "contains", "%")))
        assert [r.id for r in page.rows] == [odd.id]
        page = repo.select(where(("title", "startswith", "1_0")))
        assert page.rows == []
        uow.doom()


def test_sort_descending_with_id_tiebreak(factory, movies):
    expected = sorted(movies, key=lambda i: (-movies[i].year, i))
    assert len({m.year for m in movies.values()}) < len(movies)  # ties exist
    assert all_ids(factory, "movies", sort=(Sort("year", descending=True),)) == expected


def test_sort_ascending_with_id_tiebreak(factory, movies):
    expected = sorted(movies, key=lambda i: (movies[i].year, i))
    assert all_ids(factory, "movies", sort=(Sort("year"),)) == expected


def test_sort_on_two_fields(factory, movies):
    expected = sorted(movies, key=lambda i: (movies[i].year, -i))
    query = dict(sort=(Sort("year"), Sort("id", descending=True)))
    assert all_ids(factory, "movies", **query) == expected


def test_default_order_is_by_primary_key(factory, movies):
    assert all_ids(factory, "movies") == sorted(movies)


def test_sort_on_a_to_many_is_a_bad_request(factory):
    with factory.unit_of_work({}) as uow, pytest.raises(BadRequest):
        uow.repository("movies").select(Query(sort=(Sort("actors"),)))


def test_paging_walks_every_row_once(factory, movies):
    expected = sorted(movies, key=lambda i: (-movies[i].year, i))
    seen, page_number = [], 1
    with factory.unit_of_work({}) as uow:
        repo = uow.repository("movies")
        while True:
            query = Query(sort=(Sort("year", descending=True),), limit=7, page=page_number)
            page = repo.select(query)
            assert page.count == len(movies) and page.count_exact
            assert page.pages == -(-len(movies) // 7)
            seen.extend(r.id for r in page.rows)
            if not page.has_next:
                break
            assert len(page.rows) == 7
            page_number += 1
    assert seen == expected
    assert page_number == -(-len(movies) // 7)


def test_page_past_the_end_is_empty(factory, movies):
    with factory.unit_of_work({}) as uow:
        page = uow.repository("movies").select(Query(limit=50, page=100))
    assert page.rows == [] and not page.has_next and page.count == len(movies)


def test_has_next_is_false_on_an_exactly_full_last_page(factory, movies):
    assert len(movies) % 50 == 0  # 200 demo movies
    with factory.unit_of_work({}) as uow:
        last = uow.repository("movies").select(Query(limit=50, page=len(movies) // 50))
    assert len(last.rows) == 50 and not last.has_next


def test_filtered_count_is_exact(factory, movies):
    pivot = _pivot_year(movies)
    expected = sum(1 for m in movies.values() if m.year > pivot)
    with factory.unit_of_work({}) as uow:
        page = uow.repository("movies").select(
            Query(filters=(Filter("year", "gt", str(pivot)),), limit=3))
    assert page.count == expected and len(page.rows) == 3 and page.has_next


def test_filter_across_a_to_one_relation(factory, engine, movies):
    genre = Genre.__table__
    with engine.connect() as conn:
        genre_names = dict(conn.execute(sa.select(genre.c.id, genre.c.name)).all())
    name = genre_names[min(m.genre_id for m in movies.values())]
    expected = sorted(i for i, m in movies.items() if genre_names[m.genre_id] == name)
    assert select_ids(factory, "movies", where(("genre.name", "eq", name))) == expected
    prefix = name[:3].lower()
    expected_prefix = sorted(i for i, m in movies.items()
                             if genre_names[m.genre_id].lower().startswith(prefix))
    assert select_ids(factory, "movies", where(("genre.name", "startswith", prefix))) == \
        expected_prefix


@pytest.mark.parametrize(("field", "op", "value"), [
    ("genre.bogus", "eq", "x"),
    ("actors.name", "eq", "x"),
    ("genre.movies", "is_null", "true"),
    ("genre", "contains", "1"),
    ("genre", "startswith", "1"),
])
def test_unfilterable_relations_are_bad_requests(factory, field, op, value):
    with factory.unit_of_work({}) as uow, pytest.raises(BadRequest):
        uow.repository("movies").select(where((field, op, value)))


def test_keyset_paging_matches_offset_paging(factory, movies):
    expected = sorted(movies, key=lambda i: (-movies[i].year, i))
    sort = (Sort("year", descending=True),)
    seen, pages = [], []
    with factory.unit_of_work({}) as uow:
        repo = uow.repository("movies")
        query = Query(sort=sort, limit=9)
        for _ in range(len(movies) // 9 + 2):  # bounded: a seek ignoring `after` fails here
            page = repo.select(query)
            pages.append(page)
            seen.extend(r.id for r in page.rows)
            if not page.has_next:
                assert page.next_cursor == ""
                break
            assert page.next_cursor and page.next_cursor != query.cursor
            query = query.but(cursor=page.next_cursor, backward=False, page=query.page + 1)
        else:
            pytest.fail("the walk did not end: the cursor does not advance")
        assert seen == expected
        assert not pages[0].has_prev and all(p.has_prev for p in pages[1:])
        # Going back from the third page gives the second again.
        back = repo.select(Query(sort=sort, limit=9, cursor=pages[2].prev_cursor, backward=True,
                                 page=2))
        assert [r.id for r in back.rows] == [r.id for r in pages[1].rows]
        assert back.has_next and back.has_prev


def test_a_nullable_sort_pages_by_cursor(factory, movies):
    """`sort=description` (NULLs among the values) gets Next cursors like any other sort."""
    with factory.unit_of_work({}) as uow:
        repo = uow.repository("movies")
        whole = [r.id for r in repo.select(Query(sort=(Sort("description"),), limit=1000)).rows]
        page = repo.select(Query(sort=(Sort("description"),), limit=5))
        assert page.has_next and page.next_cursor
        after = repo.select(Query(sort=(Sort("description"),), limit=5,
                                  cursor=page.next_cursor, page=2))
        assert [r.id for r in after.rows] == whole[5:10]


@pytest.mark.parametrize("cursor", ["not base64!", "bm90IGpzb24", "WyIxIiwiMiJd"])
def test_foreign_cursors_are_bad_requests(factory, cursor):
    with factory.unit_of_work({}) as uow, pytest.raises(BadRequest):
        uow.repository("movies").select(Query(limit=5, cursor=cursor))


def test_count_is_capped_at_the_count_limit(factory, movies):
    pivot = _pivot_year(movies)
    matching = sum(1 for m in movies.values() if m.year >= pivot)
    assert matching > 30
    query = Query(filters=(Filter("year", "ge", str(pivot)),), limit=10, count_limit=30)
    with factory.unit_of_work({}) as uow:
        page = uow.repository("movies").select(query)
        assert (page.count, page.count_exact, page.count_estimated) == (30, False, False)
        assert page.pages is None and page.has_next
        exact = uow.repository("movies").select(query.but(count_limit=matching))
        assert (exact.count, exact.count_exact) == (matching, True)


# -- record, refs, choices -----------------------------------------------------------------

def test_record_gives_refs_for_relations(factory, engine, movies):
    movie_id = min(movies)
    m = movies[movie_id]
    genre_name = scalars(engine, sa.select(Genre.__table__.c.name).where(
        Genre.__table__.c.id == m.genre_id))[0]
    director_name = scalars(engine, sa.select(Person.__table__.c.name).where(
        Person.__table__.c.id == m.director_id))[0]
    actor_ids = scalars(engine, sa.select(movie_actor.c.actor_id).where(
        movie_actor.c.movie_id == movie_id))
    rental_ids = scalars(engine, sa.select(Rental.__table__.c.id).where(
        Rental.__table__.c.movie_id == movie_id))
    with factory.unit_of_work({}) as uow:
        repo = uow.repository("movies")
        record = repo.record(repo.get(str(movie_id)), fields_of(factory, "movies"))
    assert isinstance(record, Record)
    assert (record.id, record.label) == (str(movie_id), m.title)
    assert len(record.version) == 20  # a digest of the stored values: Movie has no version column
    values = record.values
    assert (values["id"], values["title"], values["year"]) == (movie_id, m.title, m.year)
    assert values["description"] == m.description
    assert values["genre"] == Ref("genres", str(m.genre_id), genre_name)
    assert values["director"] == Ref("directors", str(m.director_id), director_name)
    assert isinstance(values["actors"], list) and len(actor_ids) == 3
    assert all(isinstance(r, Ref) and r.resource == "actors" for r in values["actors"])
    assert {r.id for r in values["actors"]} == {str(i) for i in actor_ids}
    assert {r.id for r in values["rentals"]} == {str(i) for i in rental_ids}
    assert all(r.resource == "rentals" for r in values["rentals"])


def test_record_of_a_missing_to_one_is_none(factory, movies):
    genre_id = min(m.genre_id for m in movies.values())
    with factory.unit_of_work({}) as uow:
        repo = uow.repository("movies")
        row = repo.create({"title": "Lonely", "year": 1990, "genre": str(genre_id)})
        record = repo.record(row, fields_of(factory, "movies"))
        uow.doom()
    assert record.values["director"] is None
    assert record.values["actors"] == [] and record.values["rentals"] == []


def test_record_only_has_the_asked_fields(factory):
    with factory.unit_of_work({}) as uow:
        repo = uow.repository("rentals")
        row = repo.select(Query(limit=1)).rows[0]
        fields = tuple(f for f in fields_of(factory, "rentals") if f.name in ("movie", "returned"))
        record = repo.record(row, fields)
        assert set(record.values) == {"movie", "returned"}
        assert record.values["movie"] == Ref("movies", str(row.movie.id), row.movie.title)
        assert record.label == f"{row.customer} / {row.movie.title}"


@pytest.mark.parametrize("limit", [1, 3, 10, 100])
def test_choices_are_at_most_limit_refs_in_key_order(factory, engine, limit):
    ids = sorted(scalars(engine, sa.select(Genre.__table__.c.id)))
    with factory.unit_of_work({}) as uow:
        choices = uow.repository("genres").choices(limit)
    assert len(choices) == min(limit, len(ids))
    assert all(isinstance(c, Ref) and c.resource == "genres" for c in choices)
    assert [c.id for c in choices] == [str(i) for i in ids[:limit]]
    with engine.connect() as conn:
        names = dict(conn.execute(sa.select(Genre.__table__.c.id, Genre.__table__.c.name)).all())
    assert [c.label for c in choices] == [names[i] for i in ids[:limit]]


def test_person_choices_name_the_most_specific_resource(factory):
    with factory.unit_of_work({}) as uow:
        choices = uow.repository("persons").choices(200)
    assert {c.resource for c in choices} == {"actors", "directors"}


# -- writing and units of work -------------------------------------------------------------

def _some_ids(engine, table, n: int) -> list[int]:
    return sorted(scalars(engine, sa.select(table.c.id)))[:n]


def test_create_with_relations_commits_at_the_end_of_the_block(factory, engine):
    genre_id = _some_ids(engine, Genre.__table__, 2)[1]
    actor_ids = _some_ids(engine, Actor.__table__, 2)
    director_id = _some_ids(engine, Director.__table__, 1)[0]
    before = count(engine, Movie.__table__)
    with factory.unit_of_work({}) as uow:
        row = uow.repository("movies").create({
            "title": "A Test Movie", "year": 1999, "genre": str(genre_id),
            "director": str(director_id), "actors": [str(i) for i in actor_ids],
            "description": "Two actors and a director.",
        })
        assert row.id is not None  # flushed
        new_id = row.id
        assert count(engine, Movie.__table__) == before  # not committed yet (other connection)
    assert count(engine, Movie.__table__) == before + 1
    with engine.connect() as conn:
        stored = conn.execute(sa.select(Movie.__table__).where(Movie.__table__.c.id == new_id)).one()
        linked = set(conn.scalars(sa.select(movie_actor.c.actor_id).where(
            movie_actor.c.movie_id == new_id)))
    assert (stored.title, stored.year, stored.genre_id, stored.director_id) == (
        "A Test Movie", 1999, genre_id, director_id)
    assert linked == set(actor_ids)
    with factory.unit_of_work({}) as uow:
        repo = uow.repository("movies")
        record = repo.record(repo.get(str(new_id)), fields_of(factory, "movies"))
    assert {r.id for r in record.values["actors"]} == {str(i) for i in actor_ids}


def test_create_ignores_read_only_and_unknown_fields(factory, engine):
    genre_id = _some_ids(engine, Genre.__table__, 1)[0]
    with factory.unit_of_work({}) as uow:
        row = uow.repository("movies").create({
            "id": 987654, "title": "Keyed", "year": 2000, "genre": str(genre_id),
            "rentals": ["1"], "genre_id": 999, "bogus": 1})
        new_id = row.id
    assert new_id != 987654
    with engine.connect() as conn:
        stored = conn.execute(sa.select(Movie.__table__).where(Movie.__table__.c.id == new_id)).one()
    assert stored.genre_id == genre_id
    assert count(engine, Rental.__table__, Rental.__table__.c.movie_id == new_id) == 0


def test_exception_inside_the_block_rolls_back(factory, engine):
    genre_id = _some_ids(engine, Genre.__table__, 1)[0]
    before = count(engine, Movie.__table__)
    with pytest.raises(RuntimeError), factory.unit_of_work({}) as uow:
        uow.repository("movies").create({"title": "Doomed", "year": 2000, "genre": str(genre_id)})
        raise RuntimeError("validation failed later")
    assert count(engine, Movie.__table__) == before
    assert count(engine, Movie.__table__, Movie.__table__.c.title == "Doomed") == 0


def test_doom_rolls_back(factory, engine):
    genre_id = _some_ids(engine, Genre.__table__, 1)[0]
    before_movies = count(engine, Movie.__table__)
    before_genres = count(engine, Genre.__table__)
    with factory.unit_of_work({}) as uow:
        uow.repository("genres").create({"name": "Noir"})
        uow.repository("movies").create({"title": "Doomed", "year": 2000, "genre": str(genre_id)})
        uow.doom()
    assert count(engine, Movie.__table__) == before_movies
    assert count(engine, Genre.__table__) == before_genres


def test_non_transactional_sessions_commit_each_write(any_db):
    factory = make_factory(any_db, **{"session.transactional": "false"})
    try:
        before = count(factory.engine, Genre.__table__)
        with pytest.raises(RuntimeError), factory.unit_of_work({}) as uow:
            uow.repository("genres").create({"name": "Committed anyway"})
            raise RuntimeError("too late")
        assert count(factory.engine, Genre.__table__) == before + 1
    finally:
        factory.engine.dispose()


@pytest.mark.parametrize(("values", "bad"), [
    ({"genre": "999999"}, {"genre"}),
    ({"genre": "not-an-id"}, {"genre"}),
    ({"actors": ["999999"]}, {"actors"}),
    ({"genre": "999999", "actors": ["abc"]}, {"genre", "actors"}),
])
def test_nonexistent_related_id_is_invalid_naming_the_field(factory, engine, values, bad):
    genre_id = _some_ids(engine, Genre.__table__, 1)[0]
    before = count(engine, Movie.__table__)
    data = {"title": "Broken", "year": 2000, "genre": str(genre_id), **values}
    with pytest.raises(Invalid) as info, factory.unit_of_work({}) as uow:
        uow.repository("movies").create(data)
    assert set(info.value.errors) == bad
    for name in bad:
        assert info.value.errors[name]
    assert count(engine, Movie.__table__) == before


def test_related_rows_can_be_named_by_their_exact_label(factory, engine):
    genre = Genre.__table__
    with engine.connect() as conn:
        genre_id, name = conn.execute(sa.select(genre.c.id, genre.c.name).limit(1)).one()
    with factory.unit_of_work({}) as uow:
        new_id = uow.repository("movies").create(
            {"title": "By name", "year": 2000, "genre": f" {name} "}).id
    assert scalars(engine, sa.select(Movie.__table__.c.genre_id).where(
        Movie.__table__.c.id == new_id)) == [genre_id]


def test_an_ambiguous_label_is_invalid(factory, engine, movies):
    genre_id = min(m.genre_id for m in movies.values())
    actors_before = count(engine, Actor.__table__)
    with pytest.raises(Invalid) as info, factory.unit_of_work({}) as uow:
        uow.repository("actors").create({"name": "Twin Name"})
        uow.repository("actors").create({"name": "Twin Name"})
        uow.repository("movies").create({"title": "Twins", "year": 2000, "genre": str(genre_id),
                                         "actors": ["Twin Name"]})
    assert set(info.value.errors) == {"actors"}
    assert count(engine, Movie.__table__) == len(movies)
    assert count(engine, Actor.__table__) == actors_before


def test_a_related_row_of_the_wrong_subclass_is_invalid(factory, engine, movies):
    actor_id = _some_ids(engine, Actor.__table__, 1)[0]
    director_id = _some_ids(engine, Director.__table__, 1)[0]
    genre_id = min(m.genre_id for m in movies.values())
    with pytest.raises(Invalid) as info, factory.unit_of_work({}) as uow:
        uow.repository("movies").create({"title": "Mixed", "year": 2000, "genre": str(genre_id),
                                         "director": str(actor_id),
                                         "actors": [str(director_id)]})
    assert set(info.value.errors) == {"director", "actors"}
    assert count(engine, Movie.__table__) == len(movies)


def test_unique_violation_is_invalid_and_changes_nothing(factory, engine):
    names_before = sorted(scalars(engine, sa.select(Genre.__table__.c.name)))
    taken = names_before[0]
    with pytest.raises(Invalid) as info, factory.unit_of_work({}) as uow:
        uow.repository("genres").create({"name": "Brand new"})
        uow.repository("genres").create({"name": taken})
    assert set(info.value.errors) == {"name"}  # the refusal is shown beside the field
    assert sorted(scalars(engine, sa.select(Genre.__table__.c.name))) == names_before
    # The factory is still usable afterwards.
    with factory.unit_of_work({}) as uow:
        uow.repository("genres").create({"name": "After the refusal"})
    assert count(engine, Genre.__table__) == len(names_before) + 1


def test_missing_required_relation_is_refused_by_the_database(factory, engine):
    before = count(engine, Movie.__table__)
    with pytest.raises(Invalid) as info, factory.unit_of_work({}) as uow:
        uow.repository("movies").create({"title": "No genre", "year": 2000, "genre": ""})
    assert set(info.value.errors) == {"genre"}  # the key column is shown as its relation
    assert count(engine, Movie.__table__) == before


def test_too_long_string(factory, engine, any_db):
    genre_id = _some_ids(engine, Genre.__table__, 1)[0]
    before = count(engine, Movie.__table__)
    values = {"title": "x" * 201, "year": 2000, "genre": str(genre_id)}
    if is_sqlite(any_db):  # SQLite does not enforce VARCHAR lengths
        with factory.unit_of_work({}) as uow:
            uow.repository("movies").create(values)
        assert count(engine, Movie.__table__) == before + 1
    else:
        with pytest.raises(Invalid), factory.unit_of_work({}) as uow:
            uow.repository("movies").create(values)
        assert count(engine, Movie.__table__) == before


def test_update_changes_columns_and_relations(factory, engine, movies):
    movie_id = min(movies)
    actor_id = _some_ids(engine, Actor.__table__, 1)[0]
    with factory.unit_of_work({}) as uow:
        repo = uow.repository("movies")
        repo.update(repo.get(str(movie_id)), {"title": "Renamed", "actors": [str(actor_id)],
                                             "director": ""})
    with engine.connect() as conn:
        stored = conn.execute(sa.select(Movie.__table__).where(
            Movie.__table__.c.id == movie_id)).one()
        linked = list(conn.scalars(sa.select(movie_actor.c.actor_id).where(
            movie_actor.c.movie_id == movie_id)))
    assert stored.title == "Renamed" and stored.director_id is None
    assert stored.year == movies[movie_id].year
    assert linked == [actor_id]


def test_deleting_a_genre_still_used_is_a_conflict(factory, engine, movies):
    genre_id = min(m.genre_id for m in movies.values())
    used_by = sorted(i for i, m in movies.items() if m.genre_id == genre_id)
    with pytest.raises(Conflict), factory.unit_of_work({}) as uow:
        repo = uow.repository("genres")
        repo.delete(repo.get(str(genre_id)))
    assert count(engine, Genre.__table__, Genre.__table__.c.id == genre_id) == 1
    assert sorted(scalars(engine, sa.select(Movie.__table__.c.id).where(
        Movie.__table__.c.genre_id == genre_id))) == used_by


def test_deleting_an_unused_genre(factory, engine):
    with factory.unit_of_work({}) as uow:
        new_id = uow.repository("genres").create({"name": "Unused"}).id
    with factory.unit_of_work({}) as uow:
        repo = uow.repository("genres")
        repo.delete(repo.get(str(new_id)))
    assert count(engine, Genre.__table__, Genre.__table__.c.id == new_id) == 0


def test_deleting_a_movie_removes_its_rentals_and_actor_links(factory, engine):
    rental = Rental.__table__
    movie_id = scalars(engine, sa.select(rental.c.movie_id).limit(1))[0]
    assert count(engine, rental, rental.c.movie_id == movie_id) > 0
    actors_before = count(engine, Actor.__table__)
    with factory.unit_of_work({}) as uow:
        repo = uow.repository("movies")
        repo.delete(repo.get(str(movie_id)))
    assert count(engine, Movie.__table__, Movie.__table__.c.id == movie_id) == 0
    assert count(engine, rental, rental.c.movie_id == movie_id) == 0
    assert count(engine, movie_actor, movie_actor.c.movie_id == movie_id) == 0
    assert count(engine, Actor.__table__) == actors_before


# -- relations to models the factory does not serve ------------------------------------------

@pytest.fixture
def movies_only(any_db):
    factory = make_factory(any_db, models=["model:Movie"], names={Movie: "movies"})
    yield factory
    factory.engine.dispose()


def test_unserved_relation_has_no_resource(movies_only):
    fields = {f.name: f for f in movies_only.models()[0].fields}
    assert fields["genre"].related is None


def test_filter_on_a_relation_to_an_unserved_model(movies_only, movies):
    wanted = max({m.genre_id for m in movies.values()})
    assert wanted >= 10  # two digits: its first character names another genre
    expected = sorted(i for i, m in movies.items() if m.genre_id == wanted)
    assert select_ids(movies_only, "movies", where(("genre", "eq", str(wanted)))) == expected


def test_assigning_a_relation_to_an_unserved_model_is_invalid(movies_only, engine, movies):
    genre_id = min(m.genre_id for m in movies.values())
    with pytest.raises(Invalid) as info, movies_only.unit_of_work({}) as uow:
        uow.repository("movies").create({"title": "Orphan", "year": 2000,
                                         "genre": str(genre_id)})
    assert set(info.value.errors) == {"genre"}
    assert count(engine, Movie.__table__) == len(movies)


# -- identity: keys <-> path segments --------------------------------------------------------

class KeysBase(DeclarativeBase):
    pass


class Shelf(KeysBase):
    __tablename__ = "rum_test_shelf"
    room = Column(Integer, primary_key=True, autoincrement=False)
    code = Column(String(20), primary_key=True)
    name = Column(String(50), nullable=False)


class Badge(KeysBase):
    __tablename__ = "rum_test_badge"
    token = Column(Uuid, primary_key=True)
    name = Column(String(50))


class DailyTotal(KeysBase):
    __tablename__ = "rum_test_daily_total"
    day = Column(Date, primary_key=True)
    region = Column(String(10), primary_key=True)
    total = Column(Integer)


SHELF = sa.inspect(Shelf)


@pytest.mark.parametrize(("values", "text"), [
    ((3,), "3"), ((-7,), "-7"), (("abc",), "abc"), (("a,b",), "a,b"),
    ((3, "x"), "3,x"), ((3, "a,b"), "3,a%2Cb"), ((3, "50%/ ü"), "3,50%25%2F%20%C3%BC"),
])
def test_encode_key(values, text):
    assert encode_key(values) == text


@pytest.mark.parametrize("key", [(1, "A"), (0, ""), (-2, "a,b"), (12, "50%,/ ü?#"),
                                 (3, "%2C")])
def test_composite_key_round_trip(key):
    assert decode_key(encode_key(key), SHELF) == key


def test_single_keys_round_trip():
    movie = sa.inspect(Movie)
    assert decode_key(encode_key((42,)), movie) == (42,)
    assert decode_key("-3", movie) == (-3,)
    token = uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert decode_key(encode_key((token,)), sa.inspect(Badge)) == (token,)


@pytest.mark.parametrize(("mapper", "text"), [
    (SHELF, "3"), (SHELF, "3,a,b"), (SHELF, "x,a"), (SHELF, ""),
    (sa.inspect(Movie), "3,4"), (sa.inspect(Movie), "3.0"), (sa.inspect(Movie), "1" * 21),
    (sa.inspect(Badge), "not-a-uuid"),
])
def test_decode_key_refuses_what_names_no_row(mapper, text):
    with pytest.raises(NotFound):
        decode_key(text, mapper)


def test_date_key_round_trip():
    key = (datetime.date(2024, 3, 1), "north")
    assert decode_key(encode_key(key), sa.inspect(DailyTotal)) == key


@pytest.fixture
def keyed(any_db):
    """The factory serving Shelf, with its table on the backend under test."""
    factory = make_factory(any_db, models=[Shelf], names={Shelf: "shelves"})
    KeysBase.metadata.drop_all(factory.engine, tables=[Shelf.__table__])
    KeysBase.metadata.create_all(factory.engine, tables=[Shelf.__table__])
    try:
        yield factory
    finally:
        KeysBase.metadata.drop_all(factory.engine, tables=[Shelf.__table__])
        factory.engine.dispose()


def test_composite_keys_through_the_repository(keyed):
    with keyed.unit_of_work({}) as uow:
        repo = uow.repository("shelves")
        repo.create({"room": 1, "code": "a,b", "name": "Comma"})
        repo.create({"room": 1, "code": "a", "name": "Plain"})
        repo.create({"room": 2, "code": "a", "name": "Other room"})
    with keyed.unit_of_work({}) as uow:
        repo = uow.repository("shelves")
        row = repo.get("1,a%2Cb")
        assert row.name == "Comma"
        assert repo.identify(row) == "1,a%2Cb"
        assert repo.get("2,a").name == "Other room"
        record = repo.record(row, fields_of(keyed, "shelves"))
        assert record.id == "1,a%2Cb" and record.label == "Comma"
        assert [c.id for c in repo.choices(10)] == ["1,a", "1,a%2Cb", "2,a"]
        for ident in ("1,a,b", "3,a", "x,a", "1"):
            with pytest.raises(NotFound):
                repo.get(ident)


@pytest.mark.parametrize("linked", [0, TO_MANY_SHOWN, TO_MANY_SHOWN + 1])
def test_a_cut_to_many_value_is_named_partial(factory, linked):
    with factory.unit_of_work({}) as uow:
        repo = uow.repository("movies")
        movie = repo.get("1")
        movie.actors = list(uow.session.scalars(sa.select(Actor).order_by(Actor.id)
                                                .limit(linked)))
    with factory.unit_of_work({}) as uow:
        repo = uow.repository("movies")
        record = repo.record(repo.get("1"), factory.catalog.info_by_resource("movies").fields)
    assert len(record.values["actors"]) == min(linked, TO_MANY_SHOWN)
    assert record.partial == (frozenset({"actors"}) if linked > TO_MANY_SHOWN else frozenset())


@pytest.mark.parametrize("write", [False, True])
def test_a_write_unit_of_work_starts_as_a_writer_on_sqlite(tmp_path, write):
    """BEGIN IMMEDIATE: a second writer waits for the first, before it reads anything."""
    url = f"sqlite:///{tmp_path / 'lock.db'}"
    import demo_data
    demo_data.create(str(tmp_path / "lock.db"))
    factory = make_factory(url)
    with factory.unit_of_work({}, write=write) as uow:
        uow.repository("movies").get("1")  # a read only
        other = sa.create_engine(url, connect_args={"timeout": 0.1})
        with other.connect() as conn:
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                locked = False
                conn.exec_driver_sql("ROLLBACK")
            except sa.exc.OperationalError:
                locked = True
        other.dispose()
    assert locked is write
