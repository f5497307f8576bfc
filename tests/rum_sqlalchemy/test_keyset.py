"""Keyset paging on every backend: walking Next (and Previous) cursors gives exactly the rows,
in exactly the order, that one OFFSET query gives, whatever the sort: nullable, boolean, date,
enum, numeric columns, mixed directions.

Every walk is bounded (a page count it may not exceed) and checks that the cursor moves, so a
seek that ignores `after=` fails instead of looping.
"""

import datetime
import time

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from rum.access import Access
from rum.fields import Field
from rum.query import Filter, Query, Sort
from rum.query_text import decode_cursor, encode_cursor
from rum_sqlalchemy import SQLAlchemyRepositoryFactory
from tests.conftest import ROOT, server_url
from tests.fixtures import paging_model
from tests.fixtures.paging_model import KIND_NAMES, ROWS, Entry, Kind

LIMIT = 4
MAX_PAGES = ROWS // LIMIT + 2  # a walk taking more pages than this repeats itself
SORTS = [
    "notes", "-notes", "is_active", "-is_active", "flag", "-flag", "day", "-day", "-stamp",
    "score", "shade", "-shade", "size", "price", "-ratio", "rank",
    "-day,notes", "notes,-day", "is_active,-notes,day", "-flag,score,-stamp",
    "shade,-is_active", "-rank,-price,size", "-score,id", "-id",
    "kind", "-kind", "kind,-notes", "-kind,day",  # by the related row's label
]


@pytest.fixture(scope="module", params=["sqlite", "postgresql", "mariadb"])
def entries_factory(request, tmp_path_factory):
    """The paging table, filled once per backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('keyset') / 'paging.db'}"
    else:
        url = server_url(request.param)
    engine = sa.create_engine(url)
    paging_model.Base.metadata.drop_all(engine)
    paging_model.Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add_all(paging_model.kinds())
        session.flush()
        session.add_all(paging_model.entries())
        session.commit()
    factory = SQLAlchemyRepositoryFactory(
        {"models": ["tests.fixtures.paging_model:Entry", "tests.fixtures.paging_model:Kind"],
         "sqlalchemy.url": url}, here=ROOT)
    factory.bind({Entry: "entries", Kind: "kinds"})
    yield factory
    factory.engine.dispose()
    paging_model.Base.metadata.drop_all(engine)
    engine.dispose()


def parse_sort(text: str) -> tuple[Sort, ...]:
    return tuple(Sort(p.lstrip("-"), p.startswith("-")) for p in text.split(","))


def offset_order(repo, sort) -> list[int]:
    """The reference: the whole list in one OFFSET query."""
    return [r.id for r in repo.select(Query(sort=sort, limit=ROWS + 10)).rows]


def walk_forward(repo, sort) -> tuple[list[int], list]:
    query, seen, pages = Query(sort=sort, limit=LIMIT), [], []
    for _ in range(MAX_PAGES):
        page = repo.select(query)
        pages.append(page)
        seen.extend(r.id for r in page.rows)
        if not page.has_next:
            assert page.next_cursor == ""
            return seen, pages
        assert page.next_cursor and page.next_cursor != query.cursor, "the cursor must advance"
        query = query.but(cursor=page.next_cursor, backward=False, page=query.page + 1)
    pytest.fail(f"{MAX_PAGES} pages walked and still a next one: the seek does not move")


def walk_backward(repo, sort, last_page) -> list[int]:
    """From the last page back to the first, following Previous cursors."""
    seen = [r.id for r in reversed(last_page.rows)]
    cursor, number = last_page.prev_cursor, last_page.query.page
    for _ in range(MAX_PAGES):
        if not cursor:
            return seen[::-1]
        number -= 1
        page = repo.select(Query(sort=sort, limit=LIMIT, cursor=cursor, backward=True,
                                 page=number))
        assert page.has_next
        seen.extend(r.id for r in reversed(page.rows))
        assert page.prev_cursor != cursor, "the cursor must move back"
        cursor = page.prev_cursor if page.has_prev else ""
    pytest.fail(f"{MAX_PAGES} pages walked back and still a previous one")


@pytest.mark.parametrize("sort_text", SORTS)
def test_keyset_walks_equal_offset_paging(entries_factory, sort_text):
    sort = parse_sort(sort_text)
    with entries_factory.unit_of_work({}) as uow:
        repo = uow.repository("entries")
        expected = offset_order(repo, sort)
        assert sorted(expected) == list(range(1, ROWS + 1))
        forward, pages = walk_forward(repo, sort)
        assert forward == expected  # same rows, same order: no gaps, no duplicates
        assert len(pages) == -(-ROWS // LIMIT)
        assert all(p.next_cursor for p in pages[:-1]) and all(p.prev_cursor for p in pages[1:])
        assert walk_backward(repo, sort, pages[-1]) == expected
        # each keyset page is the OFFSET page of the same number
        for number, page in enumerate(pages[:3], start=1):
            by_offset = repo.select(Query(sort=sort, limit=LIMIT, page=number))
            assert [r.id for r in page.rows] == [r.id for r in by_offset.rows]


@pytest.mark.parametrize("sort_text", ["notes", "-day", "flag,-score"])
def test_a_page_after_a_null_boundary_row(entries_factory, sort_text):
    """Cursors whose boundary values are NULL seek to the right place from any row."""
    sort = parse_sort(sort_text)
    with entries_factory.unit_of_work({}) as uow:
        repo = uow.repository("entries")
        expected = offset_order(repo, sort)
        rows = {r.id: r for r in repo.select(Query(sort=sort, limit=ROWS)).rows}
        names = [s.field for s in sort] + ["id"]
        for position, ident in enumerate(expected):
            cursor = encode_cursor([getattr(rows[ident], n) for n in names])
            after = repo.select(Query(sort=sort, limit=LIMIT, cursor=cursor, page=2))
            assert [r.id for r in after.rows] == expected[position + 1:position + 1 + LIMIT]
            before = repo.select(Query(sort=sort, limit=LIMIT, cursor=cursor, backward=True,
                                       page=2))
            assert [r.id for r in before.rows] == expected[max(0, position - LIMIT):position]


def test_cursors_carry_nulls_booleans_and_dates():
    fields = [Field("n", "string"), Field("b", "boolean"), Field("d", "date"), Field("i", "integer")]
    values = [None, False, datetime.date(2020, 1, 2), 7]
    assert decode_cursor(encode_cursor(values), fields) == values


NOTES = 200_000


@pytest.fixture(scope="module")
def notes_app(tmp_path_factory):
    from rum import RumApp
    url = f"sqlite:///{tmp_path_factory.mktemp('notes') / 'notes.db'}"
    engine = sa.create_engine(url)
    paging_model.fill_notes(engine, NOTES)
    engine.dispose()
    app = RumApp({"rum.repositoryfactory": {"models": ["tests.fixtures.paging_model:Note"],
                                            "sqlalchemy.url": url}})
    yield app
    app.repositories.engine.dispose()


def test_deep_pages_of_a_nullable_sort_are_fast_or_refused(notes_app):
    """`sort=-notes&page=9000` used to OFFSET 180,000 rows (seconds, starving the server):
    now that page number is refused at once, and the same depth by cursor is quick."""
    from tests.conftest import wrap
    client = wrap(notes_app)
    started = time.perf_counter()
    refused = client.get("/notes?sort=-notes&page=9000", status=400)
    assert "Next" in refused.text and time.perf_counter() - started < 0.5
    with notes_app.repositories.engine.connect() as conn:
        boundary = conn.execute(sa.text(
            "SELECT notes, id FROM paging_note ORDER BY notes DESC, id LIMIT 1 OFFSET 179999"
        )).one()
        expected = conn.execute(sa.text(
            "SELECT id FROM paging_note ORDER BY notes DESC, id LIMIT 20 OFFSET 180000"
        )).scalars().all()
    cursor = encode_cursor(list(boundary))
    started = time.perf_counter()
    page = client.get(f"/notes.json?sort=-notes&after={cursor}&page=9001").json
    elapsed = time.perf_counter() - started
    assert [item["id"] for item in page["items"]] == expected
    assert page["next"] and "after=" in page["next"]
    assert elapsed < 1.5, f"a deep keyset page took {elapsed:.2f} s"


def kind_label(entry, hidden_kinds=()) -> str:
    """What `sort=kind` orders an entry by: its kind's name, "" without one (or unseen)."""
    if entry.kind_id is None or entry.kind_id in hidden_kinds:
        return ""
    return KIND_NAMES[entry.kind_id] or ""


@pytest.mark.parametrize("descending, hidden_kinds", [
    (False, ()), (True, ()), (False, (1,)), (True, (1, 6)),
])
def test_a_relation_sorts_by_its_label_and_pages_by_cursor(entries_factory, descending,
                                                            hidden_kinds):
    """`sort=kind`: by the kind's name, entries without one first ascending (on every
    database); a kind outside the access's row filters sorts as nameless, so the order
    tells nothing the grid does not show."""
    def base(resource):
        return tuple(Filter("id", "ne", str(k)) for k in hidden_kinds) \
            if resource == "kinds" else ()
    sort = (Sort("kind", descending),)
    with entries_factory.unit_of_work({}, Access(base=base)) as uow:
        repo = uow.repository("entries")
        rows = repo.select(Query(sort=sort, limit=ROWS + 10)).rows
        expected = sorted(rows, key=lambda e: (kind_label(e, hidden_kinds), e.id))
        if descending:  # labels descending, the id tiebreak still ascending
            expected = sorted(expected, key=lambda e: kind_label(e, hidden_kinds),
                              reverse=True)
        assert [r.id for r in rows] == [e.id for e in expected]
        forward, pages = walk_forward(repo, sort)
        assert forward == [e.id for e in expected]
        assert walk_backward(repo, sort, pages[-1]) == forward
