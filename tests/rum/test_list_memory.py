"""What list pages remember (rum.list_memory): a typed page number is read by OFFSET once,
then by the cursor the app remembered, with the same rows; an "at least" count is counted
once per query. Never across readers, after a write, past the memory's seconds, or from
a cursor a request wrote itself."""

import re

import pytest
import sqlalchemy as sa

from model import Movie
from rum import RumApp
from tests.conftest import demo_config, post, wrap
from tests.rum_sqlalchemy.test_sorted_pages import Statements


def ids(response) -> list[str]:
    if response.content_type == "application/json":
        return [str(item["id"]) for item in response.json["items"]]
    return list(dict.fromkeys(re.findall(r'href="/movies/(\d+)\?', response.text)))


def read(client, app, url):
    """The page's row ids, and whether a statement skipped rows to read them."""
    with Statements(app.repositories.engine) as statements:
        response = client.get(url)
    return ids(response), bool(statements.offsets())


@pytest.fixture
def app(demo_db):
    return RumApp(demo_config(demo_db))


@pytest.mark.parametrize("url", ["/movies?page=4", "/movies.json?page=4",
                                 "/movies?page=4&sort=-year", "/movies.json?page=3&sort=title",
                                 "/movies?page=2&f.year.gt=1980&sort=genre",
                                 "/movies.json?page=3&limit=5&q=e",
                                 "/genres/1/movies.json?page=2&limit=5",
                                 "/genres/1/movies?page=3&limit=5&sort=-year"])
def test_a_typed_page_is_read_by_offset_once_then_by_cursor(app, url):
    client = wrap(app)
    first, by_offset = read(client, app, url)
    assert by_offset and first
    again, offset_again = read(client, app, url)
    assert again == first and not offset_again


def test_the_neighbours_of_a_typed_page_seek_too(app):
    client = wrap(app)
    fresh = wrap(RumApp(demo_config(str(app.repositories.engine.url))))
    read(client, app, "/movies.json?page=5")
    for number in (4, 6):
        seen, offset = read(client, app, f"/movies.json?page={number}")
        assert not offset
        assert seen == ids(fresh.get(f"/movies.json?page={number}"))


def test_a_write_of_the_app_forgets_where_pages_begin(app):
    client = wrap(app)
    read(client, app, "/movies.json?page=3&sort=title")
    post(client, "/movies", {"title": "AAA first of all", "year": "2001", "genre": "1",
                             "director": "1"}, status=303)
    after, offset = read(client, app, "/movies.json?page=3&sort=title")
    assert offset  # read afresh: the new first title moved every page by one row
    with sa.orm.Session(app.repositories.engine) as s:
        titles = s.scalars(sa.select(Movie.id).order_by(Movie.title, Movie.id)
                           .offset(40).limit(20))
        assert after == [str(i) for i in titles]


def test_the_memory_lags_other_writers_at_most_its_seconds(demo_db):
    app = RumApp(demo_config(demo_db, rum={"memory_seconds": 5}))
    now = [1000.0]
    app.memory.clock = lambda: now[0]
    client = wrap(app)
    read(client, app, "/movies.json?page=3")
    now[0] += 5
    assert not read(client, app, "/movies.json?page=3")[1]
    now[0] += 0.5
    assert read(client, app, "/movies.json?page=3")[1]


def test_zero_seconds_reads_every_typed_page_by_offset(demo_db):
    app = RumApp(demo_config(demo_db, rum={"memory_seconds": 0}))
    client = wrap(app)
    assert all(read(client, app, "/movies?page=4")[1] for _ in range(2))


def test_a_cursor_of_the_request_is_never_remembered(app):
    client = wrap(app)
    page2 = client.get("/movies.json?page=2").json
    after2 = page2["next"].split("after=")[1].split("&")[0]
    # a hand-made link: page 2's Next cursor, but called page 7
    forged = ids(client.get(f"/movies.json?after={after2}&page=7"))
    seen, offset = read(client, app, "/movies.json?page=7")
    assert offset and seen != forged


def test_readers_do_not_share_page_starts(demo_db):
    app = RumApp(demo_config(demo_db, **{"rum.policy": {
        "row_filters": {"rentals": "tests.fixtures.auth:own_rentals"}}}))
    with app.repositories.engine.begin() as conn:
        conn.execute(sa.text("UPDATE rental SET customer = 'ann' WHERE id % 2 = 0"))
    client = wrap(app)
    admin = {"REMOTE_USER": "boss", "rum.roles": frozenset({"admin"})}
    ann = {"REMOTE_USER": "ann", "rum.roles": frozenset()}
    url = "/rentals.json?page=3&limit=5"
    for _ in range(2):
        everyone = [i["id"] for i in client.get(url, extra_environ=admin).json["items"]]
    assert everyone == [11, 12, 13, 14, 15]
    hers = [i["id"] for i in client.get(url, extra_environ=ann).json["items"]]
    assert hers == [22, 24, 26, 28, 30]


def counted(client, app, url) -> tuple[dict, int]:
    """The JSON list, and how many count statements reading it ran."""
    with Statements(app.repositories.engine) as statements:
        body = client.get(url).json
    return body, sum(sql.startswith("SELECT count(") for sql, _ in statements.seen)


@pytest.mark.parametrize("url", ["/movies.json", "/movies.json?sort=-year&page=3",
                                 "/movies.json?f.year.gt=1960"])
def test_an_at_least_count_is_counted_once(demo_db, url):
    app = RumApp(demo_config(demo_db, resources={"Movie": {"count_limit": 30}}))
    client = wrap(app)
    first, counts = counted(client, app, url)
    assert counts == 1 and first["count"] >= 30 and not first["count_exact"]
    again, counts = counted(client, app, url)
    assert counts == 0 and (again["count"], again["count_exact"]) == (first["count"], False)
    other, counts = counted(client, app, "/movies.json?f.year.le=1975")  # another query
    assert counts == 1 and other["count"] >= 30


def test_an_exact_count_is_counted_every_time(app):
    client = wrap(app)
    assert [counted(client, app, "/movies.json")[1] for _ in range(2)] == [1, 1]


def test_a_write_of_the_app_forgets_counts(demo_db):
    app = RumApp(demo_config(demo_db, resources={"Movie": {"count_limit": 30}}))
    client = wrap(app)
    counted(client, app, "/movies.json")
    post(client, "/movies", {"title": "Counted again", "year": "2001", "genre": "1",
                             "director": "1"}, status=303)
    assert counted(client, app, "/movies.json")[1] == 1
