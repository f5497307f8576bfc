"""List links over HTTP: Next/Previous walk every sort by cursor on every backend, and
numbered pages stop at `[rum] max_offset` with a 400 that says what to do instead."""

import pytest
import sqlalchemy as sa

import demo_data
from rum import RumApp
from tests.conftest import demo_config, fresh_demo_schema, server_url, wrap

LIMIT = 7


@pytest.fixture(scope="module", params=["sqlite", "postgresql", "mariadb"])
def nully_client(request, tmp_path_factory):
    """The demo on each backend, with NULLs in nullable columns so sorts on them have NULL
    runs to cross; built once per backend (the walks only read)."""
    from model import Base
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("links") / "movie.db"
        demo_data.create(str(path))
        url = f"sqlite:///{path}"
        engine = sa.create_engine(url)
    else:
        url = server_url(request.param)
        engine = fresh_demo_schema(url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE movie SET description = NULL WHERE MOD(id, 3) = 0"))
        conn.execute(sa.text("UPDATE person SET birth_date = NULL WHERE MOD(id, 4) = 0"))
    app = RumApp(demo_config(url))
    yield wrap(app)
    app.repositories.engine.dispose()
    if request.param != "sqlite":
        Base.metadata.drop_all(engine)
    engine.dispose()


def ids(page) -> list:
    return [item["_id"] for item in page["items"]]


@pytest.mark.parametrize(("resource", "sort"), [
    ("rentals", "returned"), ("rentals", "-returned,rented_at"), ("movies", "-description"),
    ("movies", "description,-year"), ("persons", "birth_date"), ("persons", "-birth_date,name"),
    ("actors", "-birth_date"),
])
def test_next_and_previous_follow_cursors_through_every_row(nully_client, resource, sort):
    whole = ids(nully_client.get(f"/{resource}.json?sort={sort}&limit=500").json)
    max_pages = len(whole) // LIMIT + 2
    page = nully_client.get(f"/{resource}.json?sort={sort}&limit={LIMIT}").json
    seen, pages = ids(page), [page]
    for _ in range(max_pages):
        if not page["next"]:
            break
        assert "after=" in page["next"]  # a cursor, never a deep OFFSET
        page = nully_client.get(page["next"]).json
        assert ids(page) and ids(page) != ids(pages[-1]), "Next must move on"
        seen.extend(ids(page))
        pages.append(page)
    else:
        pytest.fail("Next never ended")
    assert seen == whole
    back = []
    for earlier in reversed(pages[:-1]):  # Previous from each page gives the one before it
        page = nully_client.get(page["prev"]).json
        assert ids(page) == ids(earlier)
        back.append(page)
    assert page["prev"] is None and len(back) == len(pages) - 1


@pytest.fixture
def capped(demo_db):
    return wrap(RumApp(demo_config(demo_db, rum={"max_offset": 10})))


@pytest.mark.parametrize("fmt", ["", ".json"])
def test_numbered_pages_past_max_offset_are_400(capped, fmt):
    assert capped.get(f"/movies{fmt}?limit=5&page=3").status_int == 200  # 10 rows in
    refused = capped.get(f"/movies{fmt}?limit=5&page=4", status=400)
    text = refused.json["message"] if fmt else refused.text
    assert "too deep" in text and "Next" in text
    capped.get(f"/movies{fmt}?sort=-description&page=9000", status=400)


def test_next_goes_past_max_offset(capped):
    page = capped.get("/movies.json?limit=5&page=3").json
    for number in (4, 5, 6):
        assert f"page={number}" in page["next"] and "after=" in page["next"]
        page = capped.get(page["next"]).json
    assert ids(page) == [str(i) for i in range(26, 31)]  # page 6: 25 rows in


def test_page_numbers_stop_at_max_offset(capped):
    text = capped.get("/movies?limit=5").text
    assert "page=3" in text and "page=4&" not in text.replace("&amp;", "&") + "&"
    assert "page=40" not in text
