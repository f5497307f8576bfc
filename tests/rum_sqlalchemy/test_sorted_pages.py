"""Sorted and numbered pages read the keys first: on every backend, a typed page number
gives the rows one plain OFFSET query gives, skipping rows in the narrow key select only;
the pages beside it, reached by cursor, skip none; the wide row query reads only the
columns the list shows. Filters across a simple to-one are an IN, not an EXISTS."""

import pytest
import sqlalchemy as sa
from sqlalchemy.sql import visitors

from rum.fields import Field
from rum.query import Filter, Query, Sort
from tests.fixtures.paging_model import ROWS, Entry, Kind
from tests.rum_sqlalchemy import test_keyset

entries_factory = test_keyset.entries_factory  # the paging table on every backend

LIMIT = 4
# sort text -> the ORDER BY of a plain OFFSET query giving the same order (the reference):
# each database's own NULL place, a relation by its label ('' without one), id last
REFERENCE = {
    "notes": lambda: [Entry.notes, Entry.id],
    "-notes": lambda: [Entry.notes.desc(), Entry.id],
    "-day,notes": lambda: [Entry.day.desc(), Entry.notes, Entry.id],
    "score": lambda: [Entry.score, Entry.id],
    "-score,-rank": lambda: [Entry.score.desc(), Entry.rank.desc(), Entry.id],
    "flag,-is_active": lambda: [Entry.flag, Entry.is_active.desc(), Entry.id],
    "kind": lambda: [sa.func.coalesce(Kind.name, ""), Entry.id],
    "-kind,notes": lambda: [sa.func.coalesce(Kind.name, "").desc(), Entry.notes, Entry.id],
    "-id": lambda: [Entry.id.desc()],
}


def parse_sort(text: str) -> tuple[Sort, ...]:
    return tuple(Sort(p.lstrip("-"), p.startswith("-")) for p in text.split(","))


def reference(session, text: str, page: int) -> list[int]:
    stmt = sa.select(Entry.id).outerjoin(Kind, Kind.id == Entry.kind_id) \
        .order_by(*REFERENCE[text]()).limit(LIMIT).offset((page - 1) * LIMIT)
    return list(session.scalars(stmt))


class Statements:
    """The statements an engine runs: (SQL, the statement object as invoked)."""

    def __init__(self, engine):
        self.engine, self.seen = engine, []

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def _seen(self, conn, cursor, sql, params, context, many):
        self.seen.append((sql, context.invoked_statement))

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._seen)

    def offsets(self) -> list[tuple[bool, int]]:
        """(in the outermost select, rows skipped) of every OFFSET any statement binds."""
        out = []
        for _sql, stmt in self.seen:
            for element in visitors.iterate(stmt):
                if isinstance(element, sa.Select) and element._offset_clause is not None \
                        and element._offset:
                    out.append((element is stmt, element._offset))
        return out

    def page_sql(self) -> str:
        """The row query (the one reading entries' columns)."""
        found = [sql for sql, _ in self.seen if "paging_entry.rank" in sql]
        assert len(found) == 1, found
        return found[0]


@pytest.mark.parametrize("sort_text", list(REFERENCE))
def test_typed_and_neighbouring_pages_equal_offset_without_a_wide_offset(entries_factory,
                                                                         sort_text):
    sort = parse_sort(sort_text)
    last = -(-ROWS // LIMIT)
    with entries_factory.unit_of_work({}) as uow:
        repo = uow.repository("entries")
        for number in (2, 5, last):
            with Statements(entries_factory.engine) as typed:
                page = repo.select(Query(sort=sort, limit=LIMIT, page=number))
            expected = reference(repo.session, sort_text, number)
            assert [r.id for r in page.rows] == expected, number
            # the rows before the page are skipped in the narrow key select only
            assert typed.offsets() == [(False, (number - 1) * LIMIT)]
            if number == last:
                assert not page.has_next and not page.page_cursor
                continue
            with Statements(entries_factory.engine) as again:  # the page read back by seek
                same = repo.select(Query(sort=sort, limit=LIMIT, page=number,
                                         cursor=page.page_cursor, backward=True))
            assert [r.id for r in same.rows] == expected
            assert again.offsets() == [] and same.page_cursor == page.page_cursor
            with Statements(entries_factory.engine) as seek:
                after = repo.select(Query(sort=sort, limit=LIMIT, page=number + 1,
                                          cursor=page.next_cursor))
            assert [r.id for r in after.rows] == reference(repo.session, sort_text, number + 1)
            assert seek.offsets() == []  # a cursor page skips nothing
            with Statements(entries_factory.engine) as back:
                before = repo.select(Query(sort=sort, limit=LIMIT, page=number,
                                           cursor=after.prev_cursor, backward=True))
            assert [r.id for r in before.rows] == expected
            assert back.offsets() == []


SHOWN = (Field("notes", "string"), Field("rank", "integer"), Field("kind", "to_one",
                                                                  related="kinds"))


@pytest.mark.parametrize("sort_text", ["", "-day", "kind"])
def test_the_row_query_reads_the_shown_columns_and_keys(entries_factory, sort_text):
    sort = parse_sort(sort_text) if sort_text else ()
    with entries_factory.unit_of_work({}) as uow:
        repo = uow.repository("entries")
        with Statements(entries_factory.engine) as statements:
            page = repo.select(Query(sort=sort, limit=LIMIT, page=2), SHOWN)
            records = [repo.record(r, SHOWN, versioned=False) for r in page.rows]
        sql = statements.page_sql()
        selected = sql.split(" FROM ")[0]
        for unshown in ("price", "ratio", "stamp", "shade"):
            assert f"paging_entry.{unshown}" not in selected, selected
        assert "paging_kind" in sql  # the relation shown is joined in
        assert len(statements.seen) <= 2  # the row query and the count, nothing per row
        assert all(set(r.values) == {"notes", "rank", "kind"} for r in records)
        if sort_text == "-day":  # what the cursor needs is read too
            assert "paging_entry.day" in sql


@pytest.mark.parametrize("name", ["hill", "bay", "nowhere"])
def test_a_filter_across_a_to_one_is_an_in_with_the_rows_of_an_exists(entries_factory, name):
    with entries_factory.unit_of_work({}) as uow:
        repo = uow.repository("entries")
        with Statements(entries_factory.engine) as statements:
            page = repo.select(Query(filters=(Filter("kind.name", "eq", name),), limit=ROWS))
        sql = statements.page_sql()
        assert "EXISTS" not in sql.upper() and " IN (SELECT" in sql
        expected = repo.session.scalars(sa.select(Entry.id).where(
            Entry.kind.has(Kind.name == name)).order_by(Entry.id))
        assert [r.id for r in page.rows] == list(expected)
        negated = repo.session.scalars(sa.select(Entry.id).where(
            sa.not_(repo_clause(repo, name))).order_by(Entry.id))
        without = repo.session.scalars(sa.select(Entry.id).where(
            ~Entry.kind.has(Kind.name == name)).order_by(Entry.id))
        assert list(negated) == list(without)  # entries without a kind included


def repo_clause(repo, name: str):
    from rum_sqlalchemy.querying import apply_filters
    stmt = apply_filters(sa.select(Entry), repo.info,
                         Query(filters=(Filter("kind.name", "eq", name),)), repo.catalog)
    return stmt.whereclause


@pytest.mark.parametrize("query", [
    "sort=-year", "sort=genre", "sort=-title&page=3", "page=3", "sort=genre&page=2",
    "f.genre.name.eq=Drama", "f.genre.name.eq=Drama&sort=-year&page=2",
])
def test_sorted_filtered_and_typed_pages_run_a_bounded_number_of_statements(demo_db, query):
    from rum import RumApp
    from tests.conftest import demo_config, wrap
    from tests.rum_sqlalchemy.test_big_tables import StatementCounter

    app = RumApp(demo_config(demo_db))
    client = wrap(app)
    lists = sum(f.kind == "to_one" for f in app.registry.get("movies").list_fields)
    url = f"/movies?limit=5&{query}"
    first = client.get(url.replace("/movies", "/movies.json")).json
    urls = [url] + ([first["next"].replace(".json", "")] if first["next"] else [])
    for each in urls:
        with StatementCounter(app.repositories.engine) as counter:
            client.get(each)
        # the rows (keys and rows in one), the count, one list of choices per to-one
        assert counter.count <= 2 + lists, (each, counter.count)


@pytest.mark.parametrize(("query", "noted"), [
    ("sort=-year", True), ("sort=genre", True), ("sort=year&f.id.le=2", False),
    ("", False), ("sort=-id", False), ("sort=title", False), ("sort=-title,year", False),
])
def test_a_big_list_sorted_without_an_index_says_so(demo_db, query, noted):
    """Big: the capped count hit its cap (here 3 rows); `title`
    gets an index of the database's own, which the models do not declare."""
    from rum import RumApp
    from tests.conftest import demo_config, wrap

    engine = sa.create_engine(demo_db)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE INDEX ix_movie_title_id ON movie (title, id)"))
    engine.dispose()
    app = RumApp(demo_config(demo_db, resources={"Movie": {"count_limit": 3}}))
    client = wrap(app)
    page = client.get(f"/movies?{query}")
    assert ("Sorted without an index" in page.text) == noted
    es = client.get(f"/movies?{query}", headers={"Accept-Language": "es"})
    assert ("Ordenado sin índice" in es.text) == noted
    assert client.get(f"/movies.json?{query}").json["sort_unindexed"] is noted



@pytest.mark.parametrize("sort_text", ["", "-day"])
def test_a_label_reading_a_column_the_list_leaves_out_costs_one_statement(
        entries_factory, monkeypatch, sort_text):
    """A `__str__` reading a column the list does not show: that column is read for the
    whole page in one more statement, not once per row."""
    monkeypatch.setattr(Entry, "__str__", lambda self: f"entry at {self.price}")
    sort = parse_sort(sort_text) if sort_text else ()
    with entries_factory.unit_of_work({}) as uow:
        repo = uow.repository("entries")
        monkeypatch.setattr(repo.info, "has_str", True)
        with Statements(entries_factory.engine) as statements:
            page = repo.select(Query(sort=sort, limit=LIMIT * 2, page=2), SHOWN)
            labels = [repo.record(r, SHOWN, versioned=False).label for r in page.rows]
        # the rows, the first row's label column, the rest's in one, the count
        assert len(statements.seen) <= 4, [sql for sql, _ in statements.seen]
        prices = dict(repo.session.execute(sa.select(Entry.id, Entry.price)).all())
        assert labels == [f"entry at {prices[r.id]}" for r in page.rows]
