"""Big tables: keyset pages, capped counts and a fixed number of statements per list page."""

import os
import subprocess
import sys

import pytest
import sqlalchemy as sa

from rum import RumApp
from rum.query import Query, Sort
from rum.query_text import decode_cursor, encode_cursor
from tests.conftest import ROOT, demo_config, wrap
from tests.fixtures import big_model

ROWS = 1_000_000
BENCH_GEN = os.path.join(ROOT, os.pardir, "shared", "bench", "gen_db.py")


@pytest.fixture(scope="module")
def big_url(tmp_path_factory):
    """1,000,000 items on 100 shelves, built in SQL in a few seconds."""
    path = tmp_path_factory.mktemp("big") / "big.db"
    engine = sa.create_engine(f"sqlite:///{path}")
    big_model.fill(engine, ROWS)
    engine.dispose()
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def big_app(big_url):
    return RumApp({"rum.repositoryfactory": {
        "models": ["tests.fixtures.big_model:Item", "tests.fixtures.big_model:Shelf"],
        "sqlalchemy.url": big_url}})


def test_deep_keyset_page_by_id(big_app):
    with big_app.repositories.unit_of_work({}) as uow:
        repo = uow.repository("items")
        cursor = encode_cursor([ROWS - 20])
        page = repo.select(Query(cursor=cursor, page=50_000, limit=20))
        assert [r.id for r in page.rows] == list(range(ROWS - 19, ROWS + 1))
        assert not page.has_next and page.has_prev
        back = repo.select(Query(cursor=page.prev_cursor, backward=True, page=49_999, limit=20))
        assert [r.id for r in back.rows] == list(range(ROWS - 39, ROWS - 19))
        assert back.has_prev and back.has_next


def test_keyset_walk_with_mixed_sort_matches_offset(big_app):
    """Following next cursors under (-year, title) gives the rows OFFSET would."""
    sort = (Sort("year", descending=True), Sort("title"))
    with big_app.repositories.unit_of_work({}) as uow:
        repo = uow.repository("items")
        query = Query(sort=sort, limit=50, search="item 12")
        seen = []
        for number in range(1, 6):
            page = repo.select(query)
            seen.extend(r.id for r in page.rows)
            query = query.but(cursor=page.next_cursor, page=number + 1)
        engine = big_app.repositories.engine
        with engine.connect() as conn:
            expected = conn.execute(sa.text(
                "SELECT id FROM item WHERE title LIKE '%item 12%' "
                "ORDER BY year DESC, title, id LIMIT 250")).scalars().all()
    assert seen == expected


def test_counts_are_capped_on_big_tables(big_app):
    with big_app.repositories.unit_of_work({}) as uow:
        repo = uow.repository("items")
        page = repo.select(Query(count_limit=10_000))
        assert (page.count, page.count_exact) == (10_000, False)
        small = repo.select(Query(search="item 99999", count_limit=10_000))
        assert small.count_exact and small.count == 11  # 99999 and 999990..999999
    client = wrap(big_app)
    text = client.get("/items").text
    assert "10,000+ rows" in text and 'rel="next"' in text


def test_http_deep_pages_follow_cursors(big_app):
    client = wrap(big_app)
    page = client.get(f"/items.json?after={encode_cursor([500_000])}&page=25001").json
    assert [i["id"] for i in page["items"]][:2] == [500_001, 500_002]
    nxt = client.get(page["next"]).json
    assert nxt["items"][0]["id"] == 500_021
    prev = client.get(nxt["prev"]).json
    assert [i["id"] for i in prev["items"]] == [i["id"] for i in page["items"]]


def test_bad_cursors_are_400(big_app):
    client = wrap(big_app)
    client.get("/items?after=!!!", status=400)
    client.get(f"/items?after={encode_cursor(['a', 'b', 'c'])}", status=400)
    client.get(f"/items?after={encode_cursor(['x'])}", status=400)
    client.get("/items?after=a&before=b", status=400)


def test_cursor_round_trip_types():
    from rum.fields import Field
    fields = [Field("d", "date"), Field("n", "integer"), Field("s", "string")]
    import datetime
    values = [datetime.date(2020, 1, 2), 5, "x,y"]
    assert decode_cursor(encode_cursor(values), fields) == values


class StatementCounter:
    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def _seen(self, *args):
        self.count += 1

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._seen)


@pytest.mark.parametrize("limit", [10, 100])
def test_list_page_statements_are_bounded(demo_db, limit):
    app = RumApp(demo_config(demo_db))
    client = wrap(app)
    for resource in ("movies", "rentals", "directors", "actors"):
        # the filter bar lists the rows of each small to-one column: one query each, of at
        # most VALUE_CHOICES + 1 rows, whatever the list's size
        lists = sum(f.kind == "to_one" for f in app.registry.get(resource).list_fields)
        first = client.get(f"/{resource}.json?limit={limit}").json
        urls = [f"/{resource}?limit={limit}", f"/{resource}?limit={limit}&page=2"]
        if first["next"]:
            urls.append(first["next"].replace(".json", ""))
        for url in urls:
            with StatementCounter(app.repositories.engine) as counter:
                client.get(url)
            assert counter.count <= 3 + lists, (url, counter.count)


def test_big_table_statements_are_bounded(big_app):
    client = wrap(big_app)
    deep = f"/items?after={encode_cursor([900_000])}&page=45001&limit=100"
    for url in ("/items", "/items?limit=100", deep, "/items?q=item+5&limit=100"):
        with StatementCounter(big_app.repositories.engine) as counter:
            assert "shelf " in client.get(url).text  # the relation is shown
        assert counter.count <= 3, (url, counter.count)


@pytest.fixture(scope="module")
def bench_db(tmp_path_factory):
    if not os.path.isfile(BENCH_GEN):
        pytest.skip(f"the shared benchmark generator is not at {BENCH_GEN}")
    path = tmp_path_factory.mktemp("bench") / "movies.db"
    subprocess.run([sys.executable, BENCH_GEN, "--out", str(path), "--movies", "3000",
                    "--persons", "800", "--movie-actors", "6000", "--rentals", "3000",
                    "--genres", "30"], check=True, capture_output=True)
    return f"sqlite:///{path}"


def test_reflection_serves_the_bench_database(bench_db):
    app = RumApp({"rum.repositoryfactory": {"sqlalchemy.url": bench_db}})
    assert {"movies", "genres", "persons", "rentals", "directors", "actors"} <= {
        r.name for r in app.registry}
    client = wrap(app)
    engine = app.repositories.engine
    with engine.connect() as conn:
        title, genre_id, genre = conn.execute(sa.text(
            "SELECT m.title, g.id, g.name FROM movie m JOIN genre g ON g.id = m.genre_id "
            "WHERE m.id = 1")).one()
    assert title in client.get("/movies").text
    shown = client.get("/movies/1")
    assert title in shown.text and genre in shown.text
    form = client.get("/movies/1/edit").forms[0]
    assert form["genre"].value == str(genre_id)
    form["title"] = "Reflected and edited"
    form["genre"] = "2"
    assert form.submit().status_int == 303
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT title, genre_id FROM movie WHERE id = 1")).one()
    assert tuple(row) == ("Reflected and edited", 2)
