"""List pages' statements kept per query shape: kept ones read what new ones read, and a
reader whose policy answers otherwise (about the resource or a related one) never reads
through statements built for another."""

import pytest

from rum.errors import BadRequest
from rum.query import Filter, Query, Sort
from rum_sqlalchemy.page_statements import shape_key, statements_for
from tests.fixtures import shelf_model as shelves
from tests.fixtures.shelf_model import access

CELLAR_OUT = shelves.Rules(scope={"shelves": [("name", "ne", "cellar")]})
SHELF_NAMES_HIDDEN = shelves.Rules(hidden={"shelves": ["name"]})
ONLY_BO = shelves.Rules(scope={"keepers": [("name", "eq", "bo")]})
ITEMS_OF_BO = shelves.Rules(scope={"items": [("keeper.name", "eq", "bo")]})
SHELF_HIDDEN = shelves.Rules(hidden={"items": ["shelf"]})
READERS = [None, CELLAR_OUT, SHELF_NAMES_HIDDEN, ONLY_BO, ITEMS_OF_BO, SHELF_HIDDEN]
QUERIES = [
    Query(limit=3),
    Query(limit=3, page=2),
    Query(limit=3, sort=(Sort("shelf"),)),
    Query(limit=3, sort=(Sort("shelf", True), Sort("title"))),
    Query(limit=100, filters=(Filter("shelf", "eq", "cellar"),)),
    Query(limit=100, filters=(Filter("shelf", "ne", "3"),)),
    Query(limit=100, filters=(Filter("shelf.name", "startswith", "c"),)),
    Query(limit=100, filters=(Filter("keeper", "in", "1,2"),)),
    Query(limit=2, search="r"),
    Query(limit=100, sort=(Sort("mood"),), filters=(Filter("done", "eq", "true"),)),
]


@pytest.fixture
def factory(tmp_path):
    made = shelves.factory(f"sqlite:///{tmp_path / 'shelves.db'}")
    yield made
    made.engine.dispose()


def page(factory, rules, query: Query):
    """What a reader's list shows: its records, count and cursors (or the error)."""
    shown = tuple(f for f in factory.catalog.info_by_resource("items").fields
                  if f.name in ("id", "title", "mood", "shelf", "keeper"))
    try:
        with factory.unit_of_work({}, access=access(rules)) as uow:
            repo = uow.repository("items")
            got = repo.select(query, shown)
            return (repo.records(got.rows, shown, versioned=False), got.count, got.count_exact,
                    got.next_cursor, got.prev_cursor, got.page_cursor)
    except BadRequest as exc:
        return type(exc)


def test_every_reader_reads_what_freshly_built_statements_read(factory):
    fresh = {}
    for query in QUERIES:
        for i, rules in enumerate(READERS):
            factory.catalog.page_shapes.clear()
            fresh[query, i] = page(factory, rules, query)
    factory.catalog.page_shapes.clear()
    for order in (READERS, READERS[::-1]):  # each reader after every other
        for query in QUERIES:
            for rules in order:
                assert page(factory, rules, query) == fresh[query, READERS.index(rules)], \
                    (query, READERS.index(rules))
    assert 0 < len(factory.catalog.page_shapes) <= len(QUERIES) * len(READERS)


def test_the_policy_still_decides_on_kept_statements(factory):
    sort_by_shelf = Query(limit=100, sort=(Sort("shelf"),))
    cellar = Query(limit=100, filters=(Filter("shelf", "eq", "cellar"),))
    for _ in range(2):
        everything = page(factory, None, sort_by_shelf)
        assert [r.values["shelf"] and r.values["shelf"].label for r in everything[0]][:3] == [
            None, "cellar", "cellar"]
        scoped = page(factory, CELLAR_OUT, sort_by_shelf)  # the cellar sorts as no shelf
        assert [(r.id, r.values["shelf"] and r.values["shelf"].label)
                for r in scoped[0]][:5] == [
            ("2", "#3"), ("3", None), ("4", "#3"), ("7", "#3"), ("6", "middle")]
        assert [r.id for r in page(factory, None, cellar)[0]] == ["2", "4", "7"]
        assert page(factory, CELLAR_OUT, cellar)[0] == []  # an unseen row has no name
        assert page(factory, SHELF_HIDDEN, sort_by_shelf) is BadRequest
        assert [r.id for r in page(factory, ITEMS_OF_BO, Query())[0]] == ["2", "5", "6"]


def test_a_shape_is_built_once(factory):
    with factory.unit_of_work({}) as uow:
        repo = uow.repository("items")
        first = statements_for(repo, Query(limit=3), None)
        assert statements_for(repo, Query(limit=3), None) is first
        assert statements_for(repo, Query(limit=3, page=2), None) is not first
        assert statements_for(repo, Query(limit=3, count_limit=5), None) is first
        assert first.count(10) is first.count(10)


def test_nested_lists_are_built_each_time(factory):
    with factory.unit_of_work({}) as uow:
        repo = uow.repository("items")
        nested = Query(parent=("keepers", "1", "items"))
        assert shape_key(repo, nested, None) is None
        assert statements_for(repo, nested, None) is not statements_for(repo, nested, None)
        assert [r.id for r in repo.select(nested).rows] == [1, 3, 4, 7]
    assert len(factory.catalog.page_shapes) == 0


def test_binding_names_again_forgets_the_statements(factory):
    with factory.unit_of_work({}) as uow:
        uow.repository("items").select(Query())
    assert len(factory.catalog.page_shapes) == 1
    factory.bind(shelves.NAMES)
    assert len(factory.catalog.page_shapes) == 0


def test_a_query_with_unhashable_parts_is_not_kept(factory):
    odd = shelves.Rules(scope={"items": [("title", "ne", "x")]})
    odd.scope = lambda identity, resource: [Filter("title", "ne", ["x"])] \
        if resource == "items" else []
    with factory.unit_of_work({}, access=access(odd)) as uow:
        assert shape_key(uow.repository("items"), Query(), None) is None
