"""What only the memory backend has: its declarations, their checks, and its store."""

import textwrap
import threading

import pytest

from rum.errors import BadRequest, ConfigError, Conflict, Invalid, NotFound
from rum.fields import Field
from rum.query import Query
from rum.testing import MemoryModel, MemoryRepositoryFactory, to_many, to_one
from rum_sqlalchemy.factory import SQLAlchemyRepositoryFactory

from . import schema
from .contract import Backend, ident

KEY = Field("id", "integer", primary_key=True, read_only=True)
NAME = Field("name", "string", required=True)
COMPARED = ("name", "kind", "label", "required", "read_only", "searchable", "sortable",
            "default", "max_length", "related", "primary_key", "filterable")


def factory(*models, bind=True) -> MemoryRepositoryFactory:
    made = MemoryRepositoryFactory({"models": list(models)})
    if bind:
        made.bind({info.model: info.name.lower() + "s" for info in made.models()})
    return made


def test_the_memory_declaration_matches_what_rum_sqlalchemy_reads(tmp_path):
    url = f"sqlite:///{tmp_path / 'fields.db'}"
    schema.fill(url)
    sql = Backend("sqlite", SQLAlchemyRepositoryFactory(
        {"models": schema.SQLALCHEMY_MODELS, "sqlalchemy.url": url}))
    memory = Backend("memory", MemoryRepositoryFactory({"models": schema.MEMORY_MODELS}))
    try:
        for resource in schema.RESOURCES.values():
            for mine, theirs in zip(memory.fields(resource), sql.fields(resource), strict=True):
                assert [getattr(mine, a) for a in COMPARED] == [
                    getattr(theirs, a) for a in COMPARED], (resource, mine.name)
                assert mine.options.get("nullable") == theirs.options.get("nullable")
    finally:
        sql.close()


@pytest.mark.parametrize(("options", "names"), [
    ({"models": []}, "models"),
    ({"models": "tests.conformance.schema:MEMORY_MODELS"}, "models"),
    ({"models": [schema.MOVIE], "bogus": 1}, "bogus"),
    ({"models": ["tests.conformance.schema:NOPE"]}, "models[0]"),
    ({"models": [object()]}, "models[0]"),
    ({"models": [MemoryModel("A", [KEY]), MemoryModel("A", [KEY])]}, "same name"),
    ({"models": [MemoryModel("A", [NAME])]}, "primary_key"),
    ({"models": [MemoryModel("A", [KEY, NAME, NAME])]}, "same name"),
    ({"models": [MemoryModel("A", [KEY], label="title")]}, "label"),
    ({"models": [MemoryModel("A", [KEY, to_one("b", "B")])]}, "no model named 'B'"),
    ({"models": [MemoryModel("A", [KEY, to_one("b", "A", reverse="name"), NAME])]}, "reverse"),
    ({"models": [MemoryModel("A", [KEY, to_one("b", "A", reverse="c"), to_one("c", "A")])]},
     "reverse"),
    ({"models": [MemoryModel("A", [KEY, to_many("m", "A", reverse="m")])]}, "own reverse"),
    ({"models": [MemoryModel("A", [KEY, to_many("m", "B", reverse="a", on_delete="drop")]),
                 MemoryModel("B", [KEY, to_one("a", "A")])]}, "on_delete"),
    ({"models": [MemoryModel("A", [KEY, NAME], rows=[{"name": "x", "nope": 1}])]}, "nope"),
    ({"models": [MemoryModel("A", [KEY, NAME], rows=[{"id": 1}, {"id": 1}])]}, "taken"),
    ({"models": [MemoryModel("A", [KEY, to_one("b", "A")], rows=[{"b": 5}])]}, "no A 5"),
    ({"models": [MemoryModel("A", [KEY, to_many("m", "A")], rows=[{"m": [9]}])]}, "no A 9"),
])
def test_declaration_mistakes_are_config_errors(options, names):
    with pytest.raises(ConfigError) as info:
        MemoryRepositoryFactory(options)
    assert names in str(info.value)


def test_models_by_path_to_one_or_to_a_list():
    made = MemoryRepositoryFactory({"models": ["tests.conformance.schema:MEMORY_MODELS"]})
    assert [i.name for i in made.models()] == list(schema.RESOURCES)
    one = MemoryRepositoryFactory({"models": ["tests.conformance.schema:GENRE",
                                              "tests.conformance.schema:MOVIE",
                                              schema.DIRECTOR, schema.ACTOR, schema.RENTAL]})
    assert [i.name for i in one.models()] == ["Genre", "Movie", "Director", "Actor", "Rental"]


def test_factories_start_from_the_declared_rows_and_share_nothing():
    first = Backend("memory", MemoryRepositoryFactory({"models": schema.MEMORY_MODELS}))
    with first.unit() as uow:
        repo = uow.repository("movies")
        repo.update(repo.get("1"), {"title": "Changed", "actors": []})
        repo.delete(repo.get("2"))
    second = Backend("memory", MemoryRepositoryFactory({"models": schema.MEMORY_MODELS}))
    assert second.record("movies", "1", "title").values == {"title": "Alpha Harbor"}
    assert len(second.ids("movies")) == 12 and len(first.ids("movies")) == 11
    assert schema.MOVIE.rows[0]["title"] == "Alpha Harbor" and schema.MOVIE.rows[0]["actors"]


SHELF = MemoryModel("Shelf", [
    Field("room", "integer", primary_key=True), Field("code", "string", primary_key=True),
    Field("name", "string", required=True)],
    rows=[{"room": 1, "code": "a,b", "name": "Comma"}, {"room": 2, "code": "a", "name": "Two"}])


def test_composite_keys():
    made = factory(SHELF)
    with made.unit_of_work({}) as uow:
        repo = uow.repository("shelfs")
        repo.create({"room": 1, "code": "a", "name": "Plain"})
        row = repo.get("1,a%2Cb")
        assert (ident(repo, row), row["name"]) == ("1,a%2Cb", "Comma")
        assert [c.id for c in repo.choices(10)] == ["1,a", "1,a%2Cb", "2,a"]
        for missing in ("1,a,b", "3,a", "x,a", "1"):
            with pytest.raises(NotFound):
                repo.get(missing)
        with pytest.raises(Invalid) as info:
            repo.create({"room": 2, "code": "a", "name": "Again"})
        assert set(info.value.errors) == {"room", "code"}


def test_default_on_delete_and_undeclared_reverses():
    owner = MemoryModel("Owner", [KEY, NAME, to_many("pets", "Pet", reverse="owner")],
                        rows=[{"name": "o1"}, {"name": "o2"}])
    pet = MemoryModel("Pet", [KEY, NAME, to_one("owner", "Owner"), to_one("vet", "Vet")],
                      rows=[{"name": "p", "owner": 1, "vet": 1}])
    vet = MemoryModel("Vet", [KEY, NAME], rows=[{"name": "v"}])
    made = factory(owner, pet, vet)
    with made.unit_of_work({}) as uow:
        owners, vets = uow.repository("owners"), uow.repository("vets")
        assert [e.action for e in owners.delete_effects(owners.get("1"), 10)] == ["unlink"]
        with pytest.raises(Conflict):  # Pet.vet declares no reverse: a plain foreign key
            vets.delete(vets.get("1"))
        owners.delete(owners.get("1"))
        pets = uow.repository("pets")
        assert pets.record(pets.get("1"), ()).id == "1" and pets.get("1")["owner"] is None


def test_a_label_callable_names_rows():
    model = MemoryModel("Tag", [KEY, NAME], rows=[{"name": "x"}],
                        label=lambda row: f"<{row['name']}>")
    with factory(model).unit_of_work({}) as uow:
        repo = uow.repository("tags")
        assert repo.record(repo.get("1"), ()).label == "<x>"


def test_write_units_never_lose_an_update():
    counter = MemoryModel("Counter", [KEY, Field("n", "integer", required=True)],
                          rows=[{"n": 0}])
    made = factory(counter)

    def bump(times: int) -> None:
        for _ in range(times):
            with made.unit_of_work({}, write=True) as uow:
                repo = uow.repository("counters")
                row = repo.get("1", for_update=True)
                repo.update(row, {"n": row["n"] + 1})

    threads = [threading.Thread(target=bump, args=(50,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    with made.unit_of_work({}) as uow:
        assert uow.repository("counters").get("1")["n"] == 200


def test_units_changing_different_rows_both_commit():
    made = factory(MemoryModel("Item", [KEY, NAME], rows=[{"name": "a"}, {"name": "b"}]))
    with made.unit_of_work({}) as first, made.unit_of_work({}) as second:
        one, two = first.repository("items"), second.repository("items")
        one.update(one.get("1"), {"name": "A"})
        two.update(two.get("2"), {"name": "B"})
        two.create({"name": "c"})
    with made.unit_of_work({}) as uow:
        repo = uow.repository("items")
        assert [r["name"] for r in repo.select(Query()).rows] == ["A", "B", "c"]


def test_a_row_removed_while_rows_are_read_is_left_out():
    made = factory(MemoryModel("Item", [KEY, NAME], rows=[{"name": "a"}, {"name": "b"}]))
    with made.unit_of_work({}) as uow:
        space, seen = uow.space, []
        for row in space.rows("Item"):
            seen.append(row["name"])
            space.remove(space.row("Item", (2,)))
        assert seen == ["a"]


def test_what_a_database_would_refuse_is_invalid():
    made = factory(SHELF, MemoryModel("Note", [KEY, Field("text", "string", max_length=5)]))
    with made.unit_of_work({}) as uow:
        notes, shelves = uow.repository("notes"), uow.repository("shelfs")
        with pytest.raises(Invalid) as info:
            notes.create({"text": "too long"})
        assert set(info.value.errors) == {"text"}
        assert ident(notes, notes.create({"text": "short"})) == "1"
        with pytest.raises(Invalid) as info:  # a key names its row: it is never rewritten
            shelves.update(shelves.get("2,a"), {"code": "b", "name": "Moved"})
        assert set(info.value.errors) == {"code"} and shelves.get("2,a")["name"] == "Two"
        with pytest.raises(BadRequest):
            notes.link(notes.get("1"), "text", ["1"])


def test_a_refused_cascade_changes_nothing():
    owner = MemoryModel("Owner", [KEY, NAME, to_many("pets", "Pet", reverse="owner",
                                                     on_delete="delete")],
                        rows=[{"name": "o"}])
    pet = MemoryModel("Pet", [KEY, NAME, to_one("owner", "Owner", required=True),
                              to_many("toys", "Toy", reverse="pet")],
                      rows=[{"name": "p1", "owner": 1}, {"name": "p2", "owner": 1}])
    toy = MemoryModel("Toy", [KEY, NAME, to_one("pet", "Pet", required=True)],
                      rows=[{"name": "t", "pet": 2}])
    made = factory(owner, pet, toy)
    with made.unit_of_work({}) as uow:
        owners = uow.repository("owners")
        with pytest.raises(Conflict):  # p2 still has a toy: its required key blocks
            owners.delete(owners.get("1"))
        assert [len(uow.repository(r).select(Query()).rows) for r in ("owners", "pets")] == [1, 2]
        toys = uow.repository("toys")
        toys.delete(toys.get("1"))
        owners.delete(owners.get("1"))
        assert uow.repository("pets").size(10) == (0, True)


def test_the_documented_example_runs():
    from rum.testing import memory

    example = textwrap.dedent(memory.__doc__.split("Declaring models::")[1].split("# ...")[0])
    names: dict = {}
    exec(example, names)  # our own docstring
    actor = MemoryModel("Actor", [KEY, NAME, to_many("movies", "Movie", reverse="actors")],
                        rows=[{"name": "Ann"}, {"name": "Bob"}])
    rental = MemoryModel("Rental", [KEY, to_one("movie", "Movie", reverse="rentals")])
    made = factory(names["DIRECTOR"], names["MOVIE"], actor, rental)
    with made.unit_of_work({}) as uow:
        movies = uow.repository("movies")
        record = movies.record(movies.get("1"), made.models()[1].fields)
    assert record.values["director"].label == "Ava Lane"
    assert [r.label for r in record.values["actors"]] == ["Ann", "Bob"]
