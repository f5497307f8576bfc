"""Filters that name a related row (`eq`, `ne`, `in`), the problems told beside them, and
the lists small relations offer to choose a filter value from."""

import re

import pytest
import sqlalchemy as sa

from model import Director, Genre, Movie
from rum import RumApp
from tests.conftest import demo_config, post, wrap

GRETA = ("1", "194")  # the demo's two directors called Greta Holm
BRUNO = ("12", "249")  # and Bruno Holm


def count(client, query: str) -> int:
    return client.get(f"/movies.json?{query}&limit=1").json["count"]


def directed_by(rum_app, ids, negate=False) -> int:
    with sa.orm.Session(rum_app.repositories.engine) as s:
        test = Movie.director_id.in_([int(i) for i in ids])
        if negate:
            test = sa.and_(Movie.director_id.is_not(None), sa.not_(test))
        return s.scalar(sa.select(sa.func.count()).select_from(Movie).where(test))


@pytest.mark.parametrize(("query", "ids", "negate"), [
    ("op.director=eq&v.director=Greta+Holm", GRETA, False),  # a shared name: all its rows
    ("op.director=eq&v.director=greta+HOLM", GRETA, False),  # any case
    ("op.director=ne&v.director=Greta+Holm", GRETA, True),
    ("op.director=in&v.director=Greta+Holm,+Bruno+Holm", GRETA + BRUNO, False),
    ("op.director=in&v.director=Greta+Holm,12", GRETA + BRUNO[:1], False),  # names and ids
    ("f.director.ne=12", BRUNO[:1], True),
    ("op.director=in&v.director=Nobody", (), False),
])
def test_names_become_the_ids_of_their_rows(client, rum_app, query, ids, negate):
    assert count(client, query) == directed_by(rum_app, ids, negate)


def test_a_shared_name_offers_a_link_to_each_row(client):
    page = client.get("/movies?op.director=ne&v.director=Greta+Holm&sort=title")
    assert page.status_int == 200
    assert 'value="Greta Holm"' in page.text and 'aria-describedby="v.director-problem"' in page.text
    links = re.findall(r'<a href="([^"]+)">Greta Holm \[(\d+)\]</a>', page.text)
    assert [i for _, i in links] == list(GRETA)
    chosen = client.get(links[1][0].replace("&amp;", "&"))
    assert 'value="194"' in chosen.text and "filter-problem" not in chosen.text
    assert "sort=title" in links[1][0]


def test_a_name_of_no_row_is_told_and_kept(client):
    page = client.get("/movies?op.director=in&v.director=Nobody,Greta+Holm")
    assert "No Director is called “Nobody”." in page.text
    assert 'value="Nobody,Greta Holm"' in page.text
    assert [i for i in re.findall(r"Greta Holm \[(\d+)\]</a>", page.text)] == list(GRETA)
    assert "Nothing found." in client.get("/movies?op.director=eq&v.director=Nobody").text


def test_more_rows_of_one_name_than_shown(client, rum_app):
    with sa.orm.Session(rum_app.repositories.engine) as s:
        s.add_all(Director(name="Common Name") for _ in range(25))
        s.commit()
    page = client.get("/movies?op.director=ne&v.director=Common+Name")
    assert len(re.findall(r"Common Name \[\d+\]</a>", page.text)) == 20
    assert "More rows have this name than are shown here" in page.text


@pytest.mark.parametrize("query", [
    "op.director=in&v.director=" + ",".join(["1"] * 51),
    "op.director=between&v.director=1",
    "f.actors.eq=Maya+Moreau",  # a to-many: no filter
])
def test_malformed_name_filters_are_bad_requests(client, query):
    client.get(f"/movies?{query}", status=400)


def test_small_relations_list_their_rows_big_ones_keep_the_name_box(client):
    page = client.get("/movies?op.genre=eq&v.genre=drama")
    genre = re.search(r'<select id="v.genre" name="v.genre">(.*?)</select>', page.text, re.S)
    assert genre is not None
    options = re.findall(r'<option value="(\d*)"( selected)?>([^<]+)</option>', genre.group(1))
    assert len(options) == 11 and options[0][2] == "any"  # ten genres and "any"
    assert [text for _, chosen, text in options if chosen] == ["Drama"]  # the current one
    assert '<input type="text" id="v.director" name="v.director"' in page.text  # 120 rows


def test_a_relation_past_the_limit_keeps_the_name_box(client, rum_app):
    with sa.orm.Session(rum_app.repositories.engine) as s:
        s.add_all(Genre(name=f"Genre {i}") for i in range(11))  # 21 genres: past 20
        s.commit()
    page = client.get("/movies")
    assert '<input type="text" id="v.genre" name="v.genre"' in page.text


def test_a_shared_name_in_json_filters_by_all_its_rows(any_db):
    client = wrap(RumApp(demo_config(any_db)))
    engine = sa.create_engine(any_db)
    with sa.orm.Session(engine) as s:
        ids = [str(i) for i in s.scalars(sa.select(Director.id).where(
            Director.name == "Greta Holm"))]
        expected = s.scalar(sa.select(sa.func.count()).select_from(Movie).where(
            Movie.director_id.in_([int(i) for i in ids])))
    engine.dispose()
    assert len(ids) == 2
    assert count(client, "f.director.in=Greta+Holm") == expected
    assert "filter-problem" in client.get("/movies?f.director.eq=Greta+Holm").text


def genre_options(client) -> list[str]:
    page = client.get("/movies")
    genre = re.search(r'<select id="v.genre" name="v.genre">(.*?)</select>', page.text, re.S)
    return re.findall(r'<option value="\d+">([^<]+)</option>', genre.group(1))


def test_value_choices_are_remembered_until_the_app_writes(demo_db):
    app = RumApp(demo_config(demo_db))
    client = wrap(app)
    seen = []
    sa.event.listen(app.repositories.engine, "before_cursor_execute",
                    lambda conn, cursor, sql, *a: seen.append(sql))
    first = genre_options(client)
    assert len(first) == 10 and sum("FROM genre" in s for s in seen) == 1
    assert genre_options(client) == first
    assert sum("FROM genre" in s for s in seen) == 1  # the second page read none
    post(client, "/genres", {"name": "Aardvark films"}, status=303)
    assert genre_options(client)[0] == "Aardvark films"


def test_value_choices_follow_other_writers_within_the_memory_seconds(demo_db):
    app = RumApp(demo_config(demo_db, rum={"memory_seconds": 10}))
    now = [0.0]
    app.memory.clock = lambda: now[0]
    client = wrap(app)
    assert "Zebra films" not in genre_options(client)
    with sa.orm.Session(app.repositories.engine) as s:  # another program writes
        s.add(Genre(name="Zebra films"))
        s.commit()
    now[0] += 10.5
    assert genre_options(client)[-1] == "Zebra films"


def test_value_choices_are_the_readers_own(demo_db):
    app = RumApp(demo_config(demo_db, **{"rum.policy": {"row_filters": {
        "genres": "tests.fixtures.auth:drama_only"}}}))
    client = wrap(app)
    admin = {"REMOTE_USER": "boss", "rum.roles": frozenset({"admin"})}
    ann = {"REMOTE_USER": "ann", "rum.roles": frozenset()}
    pattern = re.compile(r'<select id="v.genre" name="v.genre">(.*?)</select>', re.S)
    for _ in range(2):
        everyone = pattern.search(client.get("/movies", extra_environ=admin).text).group(1)
    hers = pattern.search(client.get("/movies", extra_environ=ann).text).group(1)
    assert everyone.count("<option") == 11 and hers.count("<option") == 2
    assert ">Drama<" in hers
