"""Per-request variants of a resource class: fields, read-only fields and the base query,
and the base query through Access on every repository path of the SQLAlchemy backend
(SQLite, and PostgreSQL and MariaDB when their URLs are set)."""

import datetime
import decimal
from dataclasses import replace

import pytest
import sqlalchemy as sa

import model
from rum import RumApp
from rum.access import Access
from rum.admin import Admin
from rum.contracts import ModelInfo
from rum.errors import NotFound
from rum.fields import Field
from rum.policy import Identity
from rum.query import Filter, Query, Sort
from rum.resources import Registry, build_resource
from rum.variants import (
    base_filters,
    base_for,
    form_fields,
    list_fields,
    read_only,
    read_only_names,
)
from tests.conftest import demo_config

FIELDS = (
    Field("id", "integer", read_only=True, primary_key=True),
    Field("title", "string"),
    Field("year", "integer"),
    Field("budget", "decimal"),
    Field("released", "date"),
    Field("seen", "boolean"),
    Field("genre", "to_one", related="genres"),
    Field("actors", "to_many", related="actors"),
    Field("poster", "binary"),
)
GENRE = ModelInfo(dict, "Genre", (Field("id", "integer", primary_key=True),
                                  Field("name", "string"), Field("movies", "to_many")))
EDITOR, GUEST = Identity("ed", frozenset({"editor"})), Identity("guest")


def names(fields) -> list[str]:
    return [f.name for f in fields]


def resource(attrs: dict | None = None, options: dict | None = None):
    admin = type("MovieAdmin", (Admin,), attrs or {})()
    return build_resource(ModelInfo(object, "Movie", FIELDS), options or {},
                          "resources.Movie", 20, admin=admin)


def by_role(editor, guest):
    """A get_* method: `editor` for editors, `guest` for everyone else."""
    return lambda self, request, identity: editor if identity is EDITOR else guest


# -- fields per request ----------------------------------------------------------------------
def test_without_overrides_the_configured_fields_apply():
    r = resource(options={"list_fields": ["title"], "form_fields": ["year", "title"]})
    assert names(list_fields(r, None, EDITOR)) == ["title"]
    assert names(form_fields(r, None, EDITOR)) == ["year", "title"]
    plain = replace(build_resource(ModelInfo(object, "Movie", FIELDS), {}, "resources.Movie",
                                   20), admin=None)  # a Resource made by hand
    assert list_fields(plain, None, None) == plain.list_fields
    assert base_filters(plain, None, None) == ()


@pytest.mark.parametrize("function, method", [(list_fields, "get_list_fields"),
                                              (form_fields, "get_form_fields")])
def test_get_fields_per_identity(function, method):
    r = resource({method: by_role(["year", "title"], None)},
                 {"list_fields": ["title"], "form_fields": ["title"]})
    assert names(function(r, None, EDITOR)) == ["year", "title"]
    assert names(function(r, None, GUEST)) == ["title"]  # None: the configured ones
    assert function(r, None, EDITOR)[0] is r.field("year")


@pytest.mark.parametrize("method", ["get_list_fields", "get_form_fields",
                                    "get_read_only_fields"])
@pytest.mark.parametrize("returned, words", [
    (["title", "nope"], "returned unknown field(s) ['nope']"),
    ("title", "must return a list of field names"),
    (3, "not int"),
    ([("title",)], "unknown field(s)"),
])
def test_wrong_names_are_errors_naming_the_method(method, returned, words):
    r = resource({method: lambda self, request, identity: returned})
    function = {"get_list_fields": list_fields, "get_form_fields": form_fields,
                "get_read_only_fields": read_only}[method]
    with pytest.raises(ValueError) as info:
        function(r, None, EDITOR)
    assert f"MovieAdmin.{method}" in str(info.value) and words in str(info.value)


def test_read_only_adds_per_request_never_relaxes():
    r = resource({"get_read_only_fields": by_role([], ["title"]),
                  "read_only_fields": ["budget"]})
    assert r.field("budget").read_only
    assert read_only_names(r, None, GUEST) == {"id", "budget", "title"}
    guest = read_only(r, None, GUEST)
    assert [(f.name, f.read_only) for f in guest][:3] == [("title", True), ("year", False),
                                                          ("released", False)]
    assert names(guest) == names(r.form_fields)  # turned read-only in place, none dropped
    editor = read_only(r, None, EDITOR)
    assert editor == r.form_fields  # [] relaxes nothing: budget stays out of the form
    assert "budget" in read_only_names(r, None, EDITOR)
    chosen = read_only(r, None, GUEST, fields=(r.field("title"), r.field("budget")))
    assert [(f.name, f.read_only) for f in chosen] == [("title", True), ("budget", True)]


def test_an_ini_read_only_option_is_not_undone_by_the_class_attribute():
    """Admin's own get_read_only_fields returns the class attribute, which the INI option
    replaced: it must not bring it back per request."""
    r = resource({"read_only_fields": ["year"]}, {"read_only_fields": ["title"]})
    assert not r.field("year").read_only
    assert "year" not in read_only_names(r, None, GUEST)
    assert [f.name for f in read_only(r, None, GUEST) if f.read_only] == []
    assert "year" in names(read_only(r, None, GUEST))


# -- the base query --------------------------------------------------------------------------
@pytest.mark.parametrize("item, expected", [
    (Filter("year", "ge", "1990"), Filter("year", "ge", "1990")),
    (("year", "ge", 1990), Filter("year", "ge", "1990")),
    (["title", "contains", "harbor"], Filter("title", "contains", "harbor")),
    (("seen", "eq", False), Filter("seen", "eq", "false")),
    (("released", "lt", datetime.date(2001, 2, 3)),
     Filter("released", "lt", "2001-02-03")),
    (("budget", "le", decimal.Decimal("1.50")), Filter("budget", "le", "1.50")),
    (("year", "in", [1990, 1991]), Filter("year", "in", "1990,1991")),
    (("genre", "in", (1, 2)), Filter("genre", "in", "1,2")),
    (("genre", "is_null", True), Filter("genre", "is_null", "true")),
    (("genre", "eq", 3), Filter("genre", "eq", "3")),
    (("genre.name", "eq", "Drama"), Filter("genre.name", "eq", "Drama")),
])
def test_base_query_items_become_filters(item, expected):
    r = resource({"base_query": lambda self, request, identity: [item]})
    assert base_filters(r, None, None) == (expected,)


@pytest.mark.parametrize("returned, words", [
    ([("nope", "eq", "1")], "unknown field 'nope'"),
    ([("year", "like", "1")], "unknown operator 'like'"),
    ([("seen", "ge", True)], "operator 'ge' does not apply to 'seen'"),
    ([("actors", "eq", "1")], "operator 'eq' does not apply to 'actors'"),
    ([("year", "eq", "nineteen")], "'nineteen' is no value of 'year' (integer)"),
    ([("year", "in", [1990, "x"])], "'x' is no value of 'year'"),
    ([("genre", "is_null", "maybe")], "'maybe' is no value of 'genre' (boolean)"),
    ([("title.name", "eq", "x")], "unknown field 'title.name'"),
    ([("genre.nope", "eq", "x")], "genres has no column 'nope'"),
    ([("genre.movies", "eq", "x")], "genres has no column 'movies'"),
    ([("year", "ge")], "is not a filter"),
    (["year"], "is not a filter"),
    (Filter("year", "ge", "1"), "must return a list of filters"),
    ("year>1990", "must return a list of filters"),
])
def test_base_query_mistakes_are_value_errors_naming_the_method(returned, words):
    r = resource({"base_query": lambda self, request, identity: returned})
    genres = build_resource(GENRE, {}, "resources.Genre", 20)
    with pytest.raises(ValueError) as info:
        base_filters(r, None, None, Registry([r, genres]))
    assert "MovieAdmin.base_query" in str(info.value) and words in str(info.value)


def test_base_query_sees_the_request_and_identity():
    seen = []

    def base_query(self, request, identity):
        seen.append((request, identity))
        return [] if identity is EDITOR else [("year", "ge", 2000)]
    r = resource({"base_query": base_query})
    assert base_filters(r, "req", EDITOR) == ()
    assert base_filters(r, "req", GUEST) == (Filter("year", "ge", "2000"),)
    assert seen == [("req", EDITOR), ("req", GUEST)]
    base = base_for(Registry([r]), "req", GUEST)
    assert base("movies") == (Filter("year", "ge", "2000"),) and base("nothing") == ()


# -- Access with a base --------------------------------------------------------------------
class OwnRows:
    """A policy whose row filter of `a` keeps the identity's own rows."""

    def permits(self, identity, permission, resource):
        return True

    def scope(self, identity, resource):
        return (Filter("owner", "eq", identity.user),) if resource == "a" else ()


def test_access_adds_the_base_to_the_policy_row_filters_once_per_resource():
    asked = []
    policy = OwnRows()

    def base(name):
        asked.append(name)
        return (Filter("year", "ge", "1"), Filter("owner", "eq", "x")) if name == "a" else ()
    access = Access(policy, Identity("x"), base=base)
    assert access.scope("a") == (Filter("owner", "eq", "x"), Filter("year", "ge", "1"))
    assert access.scope("a") is access.scope("a") and access.scope("b") == ()
    assert asked == ["a", "b"]
    no_policy = Access(base=lambda name: (Filter("year", "ge", "1"),))
    assert no_policy.scope("z") == (Filter("year", "ge", "1"),)
    assert not no_policy.unrestricted and no_policy.can_read("z")
    assert Access.everything().unrestricted


class RecentMovies(Admin):
    """Movies of 2000 on only, except for editors."""

    def base_query(self, request, identity):
        return [] if identity is EDITOR else [("year", "ge", 2000)]


@pytest.fixture
def recent_app(any_db):
    app = RumApp(demo_config(any_db), resources={"Movie": RecentMovies})
    yield app
    app.repositories.engine.dispose()


def db_ids(app, stmt) -> list[str]:
    with app.repositories.engine.connect() as conn:
        return [str(i) for i in conn.execute(stmt).scalars()]


def test_base_query_narrows_every_repository_path(recent_app):
    app = recent_app
    recent = db_ids(app, sa.select(model.Movie.id).where(model.Movie.year >= 2000)
                    .order_by(model.Movie.id))
    old = db_ids(app, sa.select(model.Movie.id).where(model.Movie.year < 2000)
                 .order_by(model.Movie.id))
    assert recent and old
    access = Access(app.policy, GUEST, base=base_for(app.registry, None, GUEST))
    movies = app.registry.get("movies")
    with app.repositories.unit_of_work({}, access=access) as uow:
        repo = uow.repository("movies")
        page = repo.select(Query(sort=(Sort("id"),), limit=500))
        assert [repo.record(r, ()).id for r in page.rows] == recent
        assert page.count == len(recent)
        with pytest.raises(NotFound):
            repo.get(old[0])
        assert repo.get(recent[0]) is not None
        assert [r.id for r in repo.stream(Query(sort=(Sort("id"),)),
                                          (movies.field("title"),))] == recent
        assert repo.size(1000) == (len(recent), True)
        assert {r.id for r in repo.choices(1000)} == set(recent)
        assert repo.complete(old[0], 10) == []
        # rows of other resources point at old movies only opaquely
        rentals = uow.repository("rentals")
        movie_field = (app.registry.get("rentals").field("movie"),)
        refs = [rentals.record(r, movie_field).values["movie"]
                for r in rentals.select(Query(limit=500), movie_field).rows]
        assert {r.id for r in refs if not r.opaque} <= set(recent)
        assert any(r.opaque for r in refs) and all(r.label.startswith("#") for r in refs
                                                   if r.opaque)
    everyone = Access(app.policy, EDITOR, base=base_for(app.registry, None, EDITOR))
    with app.repositories.unit_of_work({}, access=everyone) as uow:
        assert uow.repository("movies").select(Query(limit=500)).count == len(recent + old)
