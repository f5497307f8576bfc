"""Three-way merge of stale edits: two people open the same edit form and both save."""

import json

import pytest
import sqlalchemy as sa

from model import Genre, Movie
from tests.conftest import csrf_headers


def _movie(rum_app, ident=1) -> dict:
    with sa.orm.Session(rum_app.repositories.engine) as s:
        m = s.get(Movie, ident)
        return {"title": m.title, "year": str(m.year), "genre": str(m.genre_id),
                "description": m.description}


def _other_genres(rum_app, current: str) -> list[str]:
    with sa.orm.Session(rum_app.repositories.engine) as s:
        return [str(g.id) for g in s.scalars(sa.select(Genre).order_by(Genre.id))
                if str(g.id) != current]


def _fill(form, changes: dict) -> None:
    for name, value in changes.items():
        form[name] = value


# name, first editor's changes, second editor's changes, status of the second save,
# fields the conflict page marks
CASES = [
    ("disjoint", {"title": "First"}, {"year": "1901"}, 303, set()),
    ("same field, same text", {"title": "Same"}, {"title": "Same", "year": "1902"}, 303, set()),
    ("to-one theirs, text mine", {"genre": "G1"}, {"description": "mine"}, 303, set()),
    ("same field, different text", {"title": "First", "description": "theirs"},
     {"title": "Second", "year": "1903"}, 409, {"title"}),
    ("to-one both", {"genre": "G1"}, {"genre": "G2", "year": "1904"}, 409, {"genre"}),
]


@pytest.mark.parametrize("name,theirs,mine,status,marked", CASES, ids=[c[0] for c in CASES])
def test_two_editors_of_one_row(client, rum_app, name, theirs, mine, status, marked):
    before = _movie(rum_app)
    genres = _other_genres(rum_app, before["genre"])
    named = {"G1": genres[0], "G2": genres[1]}
    theirs = {k: named.get(v, v) for k, v in theirs.items()}
    mine = {k: named.get(v, v) for k, v in mine.items()}
    first = client.get("/movies/1/edit").forms[0]
    second = client.get("/movies/1/edit").forms[0]
    _fill(first, theirs)
    assert first.submit().status_int == 303
    _fill(second, mine)
    answer = second.submit(status=status)
    after = _movie(rum_app)
    if status == 303:  # merged: each side's change kept, one write
        assert after == {**before, **theirs, **mine}
        assert "merged with the changes made meanwhile" in answer.follow().text
        return
    assert after == {**before, **theirs}  # nothing of the refused save stored
    rows = {row.split("</th>")[0]: row for row in answer.text.split("<tr")[1:]}
    flagged = {label for label, row in rows.items() if 'class="conflicting"' in row}
    assert len(flagged) == len(marked) and all(
        any(m.capitalize() in label for m in marked) for label in flagged), flagged
    again = answer.forms[0]
    for field, value in mine.items():  # mine where they did not change it, or both did
        assert again[field].value == value
    for field, value in theirs.items():  # theirs where only they changed it
        if field not in mine:
            assert again[field].value == value
    assert again.submit().status_int == 303  # "Save mine": a fresh version and base
    assert _movie(rum_app) == {**before, **theirs, **mine}


def _tampered(form) -> str:
    signature, _, body = form["_base"].value.partition(":")
    base = json.loads(body)
    base["title"] = "First"  # pretend the form was opened after the first save
    return signature + ":" + json.dumps(base, sort_keys=True, separators=(",", ":"))


@pytest.mark.parametrize("how", ["tampered", "missing", "another row's"])
def test_a_base_that_is_not_ours_is_a_conflict_as_before(client, rum_app, how):
    before = _movie(rum_app)
    first = client.get("/movies/1/edit").forms[0]
    second = client.get("/movies/1/edit").forms[0]
    first["title"] = "First"
    first.submit()
    second["year"] = "1905"  # a disjoint change: it would merge with a base of ours
    if how == "tampered":
        second["_base"] = _tampered(second)
    elif how == "missing":
        second["_base"] = ""
    else:
        second["_base"] = client.get("/movies/2/edit").forms[0]["_base"].value
    page = second.submit(status=409)
    assert "Someone else changed this" in page.text
    assert _movie(rum_app) == {**before, "title": "First"}


def test_the_conflict_page_shows_labels_for_to_one_fields_on_both_sides(client, rum_app):
    before = _movie(rum_app)
    genres = _other_genres(rum_app, before["genre"])
    first = client.get("/movies/1/edit").forms[0]
    second = client.get("/movies/1/edit").forms[0]
    first["genre"] = genres[0]
    first.submit()
    second["genre"] = genres[1]
    page = second.submit(status=409)
    with sa.orm.Session(rum_app.repositories.engine) as s:
        theirs, mine = s.get(Genre, int(genres[0])).name, s.get(Genre, int(genres[1])).name
    row = next(r for r in page.text.split("<tr")[1:] if 'class="conflicting"' in r)
    cells = row.split("<td")[1:]
    assert theirs in cells[0] and mine in cells[1], row
    assert f">{genres[1]}<" not in cells[1].replace(" ", "").replace("\n", "")


def _read(client, path="/movies/1.json"):
    shown = client.get(path)
    body = shown.json
    read = {"title": body["title"], "year": body["year"], "genre": body["genre"]["id"],
            "director": (body["director"] or {}).get("id"), "description": body["description"],
            "actors": [a["id"] for a in body["actors"]]}
    return read, shown.headers["ETag"]


JSON_CASES = [
    # name, what the client sends besides its change, status, title stored after
    ("base and stale If-Match: merged", "if-match+base", 200, "First"),
    ("base and stale _version: merged", "version+base", 200, "First"),
    ("stale If-Match without base", "if-match", 412, "First"),
    ("stale _version without base", "version", 409, "First"),
]


@pytest.mark.parametrize("name,how,status,title", JSON_CASES, ids=[c[0] for c in JSON_CASES])
def test_json_clients_merge_when_they_send_what_they_read(client, rum_app, name, how, status,
                                                          title):
    token = csrf_headers(client)
    read, etag = _read(client)
    client.patch_json("/movies/1.json", {"title": "First"}, headers={**token, "If-Match": etag})
    body = {**read, "year": 1906}
    headers = dict(token)
    if "if-match" in how:
        headers["If-Match"] = etag
    else:
        body["_version"] = etag.strip('"')
    if "base" in how:
        body["_base"] = read
    answer = client.put_json("/movies/1.json", body, headers=headers, status=status)
    after = _movie(rum_app)
    assert after["title"] == title
    assert after["year"] == ("1906" if status == 200 else str(read["year"]))
    if status == 200:
        assert answer.json["title"] == "First" and answer.json["year"] == 1906


def test_json_conflict_names_the_fields_both_changed(client, rum_app):
    token = csrf_headers(client)
    read, etag = _read(client)
    client.patch_json("/movies/1.json", {"title": "First", "description": "theirs"},
                      headers={**token, "If-Match": etag})
    body = {**read, "title": "Mine", "year": 1907, "_base": read}
    answer = client.put_json("/movies/1.json", body, headers={**token, "If-Match": etag},
                             status=409)
    assert set(answer.json["errors"]) == {"title"}
    assert _movie(rum_app)["title"] == "First"


def test_json_patch_with_a_base_of_the_fields_it_names(client, rum_app):
    token = csrf_headers(client)
    read, etag = _read(client)
    client.patch_json("/movies/1.json", {"title": "First"}, headers={**token, "If-Match": etag})
    client.patch_json("/movies/1.json", {"year": 1908, "_base": {"year": read["year"]}},
                      headers={**token, "If-Match": etag})
    assert _movie(rum_app)["title"] == "First" and _movie(rum_app)["year"] == "1908"


@pytest.mark.parametrize("path,field", [("/movies/1", "title"), ("/rentals/1", "customer"),
                                        ("/actors/5", "name"), ("/directors/1", "name"),
                                        ("/genres/1", "name")])
def test_an_untouched_stale_form_merges_without_writing(client, path, field):
    """The base a form carries is the text it sends when left alone, for every kind the
    demo has: a form saved untouched after someone else's change keeps their change."""
    first = client.get(f"{path}/edit").forms[0]
    second = client.get(f"{path}/edit").forms[0]
    first[field] = "Changed by the first editor"
    assert first.submit().status_int == 303
    assert second.submit().status_int == 303
    assert client.get(f"{path}/edit").forms[0][field].value == "Changed by the first editor"
