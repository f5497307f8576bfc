"""Records of rows: a page's records made at once are the records made row by row, and what
the reader may see of related rows shows in both the same way."""

import pytest

from rum.contracts import Ref
from rum.query import Query, Sort
from tests.fixtures import shelf_model as shelves
from tests.fixtures.shelf_model import access

READERS = {
    "everything": None,
    "keeper names hidden": shelves.Rules(hidden={"keepers": ["name"]}),
    "cellar out of scope": shelves.Rules(scope={"shelves": [("name", "ne", "cellar")]}),
    "shelves unreadable": shelves.Rules(unreadable=["shelves"]),
    "items' titles hidden, keepers scoped": shelves.Rules(
        hidden={"items": ["title"]}, scope={"keepers": [("name", "eq", "bo")]}),
}


@pytest.fixture
def factory(tmp_path):
    made = shelves.factory(f"sqlite:///{tmp_path / 'shelves.db'}")
    yield made
    made.engine.dispose()


def fields(factory, *names):
    by_name = {f.name: f for f in factory.catalog.info_by_resource("items").fields}
    return tuple(by_name[n] for n in names) if names else tuple(by_name.values())


def read(factory, rules, make, query=Query(sort=(Sort("id"),), limit=100), shown=None):
    """`make(repo, rows, shown)` over a page of items, in a unit of work of its own."""
    shown = shown or fields(factory)
    with factory.unit_of_work({}, access=access(rules)) as uow:
        repo = uow.repository("items")
        return make(repo, repo.select(query, shown).rows, shown)


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("versioned", [False, True])
def test_a_pages_records_are_its_rows_records(factory, reader, versioned):
    one_by_one = read(factory, READERS[reader], lambda repo, rows, shown: [
        repo.record(r, shown, versioned=versioned) for r in rows])
    together = read(factory, READERS[reader], lambda repo, rows, shown: repo.records(
        rows, shown, versioned=versioned))
    assert together == one_by_one
    assert len(together) == len(shelves.ITEMS)


def test_record_values_by_kind(factory):
    records = read(factory, None, lambda repo, rows, shown: repo.records(rows, shown, False))
    by_id = {r.id: r for r in records}
    assert by_id["1"].values["mood"] == "mood-calm"  # the stored name, not the member
    assert by_id["3"].values["mood"] is None
    assert by_id["1"].values["done"] is True and by_id["2"].values["done"] is False
    assert by_id["3"].values["shelf"] is None  # a nullable to-one left empty
    assert by_id["1"].values["shelf"] == Ref("shelves", "1", "top")
    assert by_id["1"].values["keeper"] == Ref("keepers", "1", "keeper ann")  # its __str__
    assert (by_id["1"].label, by_id["1"].version) == ("lamp", "")


def test_related_rows_show_as_the_reader_may_see_them(factory):
    def refs(rules):
        records = read(factory, rules, lambda repo, rows, shown: repo.records(rows, shown, False))
        return {r.id: (r.label, r.values["shelf"], r.values["keeper"]) for r in records}

    hidden = refs(READERS["keeper names hidden"])
    assert hidden["1"][2] == Ref("keepers", "1", "#1", opaque=True)
    scoped = refs(READERS["cellar out of scope"])
    assert scoped["2"][1] == Ref("shelves", "3", "#3", opaque=True)  # the cellar
    assert scoped["1"][1] == Ref("shelves", "1", "top")
    unreadable = refs(READERS["shelves unreadable"])
    assert unreadable["1"][1] == Ref("shelves", "1", "#1", opaque=True)
    assert unreadable["3"][1] is None
    own = refs(READERS["items' titles hidden, keepers scoped"])
    assert own["1"][0] == "#1"  # the item's own label column is hidden
    assert own["1"][2] == Ref("keepers", "1", "#1", opaque=True)
    assert own["2"][2] == Ref("keepers", "2", "keeper bo")


def test_a_target_several_rows_share_is_made_one_ref(factory):
    made = []

    def make(repo, rows, shown):
        ref = repo.ref
        repo.ref = lambda target: made.append(target) or ref(target)
        return repo.records(rows, shown, versioned=False)

    records = read(factory, READERS["cellar out of scope"], make,
                   shown=fields(factory, "title", "shelf", "keeper"))
    assert len(made) == 3 + 2  # three shelves in use (one out of scope), two keepers
    assert [r.values["shelf"] and r.values["shelf"].id for r in records] == [
        str(s) if s else None for _t, _m, _d, s, _k in shelves.ITEMS]
