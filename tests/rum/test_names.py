"""A name several related rows share: the form comes back with the input kept and the
matching rows to choose from, and choosing one saves (no JS needed)."""

import re

import pytest
import sqlalchemy as sa

from model import Director, Movie
from tests.conftest import edit_version, post

MAYA = ("19", "67")  # the demo's two actors called Maya Moreau


def picks(page, name: str) -> list[tuple[str, str]]:
    """(value, label text) of each radio offered for `name`."""
    return re.findall(rf'name="{re.escape(name)}.pick" value="([^"]+)" /> ([^<]+)</label>',
                      page.text)


def new_movie(**values) -> dict:
    return {"title": "Twice", "year": "2001", "genre": "1", "director": "", **values}


def test_a_shared_name_offers_its_rows_beside_the_field(client):
    page = post(client, "/movies", new_movie(actors="Maya Moreau"), status=422)
    assert picks(page, "actors") == [(i, f"Maya Moreau [{i}]") for i in MAYA]
    assert 'name="actors.named" value="Maya Moreau"' in page.text
    assert "Which “Maya Moreau” do you mean?" in page.text
    assert 'value="Twice"' in page.text  # the rest of the input kept
    form = page.forms[0]
    form["actors.pick"] = MAYA[1]
    saved = form.submit(status=303)
    shown = client.get(saved.location + ".json").json
    assert [a["id"] for a in shown["actors"]] == [MAYA[1]]


def test_choosing_keeps_the_other_rows_of_a_to_many(client, rum_app):
    other = "Ada Jensen [" + _actor_id(rum_app, "Ada Jensen") + "]"
    page = post(client, "/movies", new_movie(actors=f"{other}, Maya Moreau"), status=422)
    form = page.forms[0]
    form["actors.pick"] = MAYA[0]
    saved = form.submit(status=303)
    ids = {a["id"] for a in client.get(saved.location + ".json").json["actors"]}
    assert ids == {_actor_id(rum_app, "Ada Jensen"), MAYA[0]}


def test_a_to_one_on_the_edit_form(client, rum_app):
    with sa.orm.Session(rum_app.repositories.engine) as s:
        twin = Director(name=s.get(Movie, 1).director.name)
        s.add(twin)
        s.commit()
        name, twin_id = twin.name, str(twin.id)
    page = post(client, "/movies/1", {"_method": "PUT", "_version": edit_version(client, "/movies/1"),
                                      "title": "Renamed", "year": "1999", "genre": "1",
                                      "director": name}, status=422)
    offered = [value for value, _ in picks(page, "director")]
    assert len(offered) >= 2 and twin_id in offered
    assert 'value="Renamed"' in page.text
    form = page.forms[0]
    form["director.pick"] = twin_id
    form.submit(status=303)
    assert client.get("/movies/1.json").json["director"]["id"] == twin_id


def test_more_rows_than_shown_say_so(client, rum_app):
    with sa.orm.Session(rum_app.repositories.engine) as s:
        s.add_all(Director(name="Common Name") for _ in range(25))
        s.commit()
    page = post(client, "/movies", new_movie(director="Common Name"), status=422)
    assert len(picks(page, "director")) == 20
    assert "More rows have this name than are shown here" in page.text


@pytest.mark.parametrize("pick", ["999999", "Maya Moreau", "x" * 300])
def test_a_pick_that_names_no_one_row_is_refused_not_a_crash(client, pick):
    page = post(client, "/movies", new_movie(actors="Maya Moreau", **{
        "actors.pick": pick, "actors.named": "Maya Moreau"}), status=422)
    assert 'class="pick"' in page.text or "no Actor with id or name" in page.text


def _actor_id(rum_app, name: str) -> str:
    from model import Actor
    with sa.orm.Session(rum_app.repositories.engine) as s:
        return str(s.scalars(sa.select(Actor.id).where(Actor.name == name)).first())


def test_json_clients_get_the_rows_a_name_matches(client):
    from tests.conftest import csrf_headers
    answer = client.post_json("/movies", {"title": "J", "year": 2001, "genre": "1",
                                          "actors": ["Maya Moreau"]},
                              headers={**csrf_headers(client), "Accept": "application/json"},
                              status=422).json
    assert answer["choices"]["actors"] == {"name": "Maya Moreau", "more": False, "items": [
        {"id": i, "label": "Maya Moreau"} for i in MAYA]}
