"""History through HTTP: each kind of write leaves exactly its entry, in its transaction,
on the memory backend and rum_sqlalchemy on SQLite, PostgreSQL and MariaDB."""

from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from rum import Admin, RumApp, action
from rum.contracts import Change, HistoryQuery
from rum.errors import ConfigError
from rum.history import json_ready
from rum_sqlalchemy.history import history_table
from tests.conformance import schema
from tests.conformance.test_memory_app import memory_plugin  # noqa: F401 - a fixture
from tests.conftest import ROOT, csrf_headers, post, server_url, wrap

BACKENDS = ["memory", "sqlite", "postgresql", "mariadb"]
USER = {"REMOTE_USER": "kim"}


class MovieAdmin(Admin):
    @action(label="Black and white", on="selection", permission="update")
    def monochrome(self, call, rows):
        for row in rows:
            call.repo.update(row, {"color": False})

    def after_update(self, call, row):
        if call.repo.record(row, ()).label == "Boom":
            raise RuntimeError("after_update failed")

    def after_delete(self, call, row):
        if call.repo.record(row, ()).label == "Keen Edge":
            raise RuntimeError("after_delete failed")


class GenreAdmin(Admin):
    history = False


def _config(kind: str, url: str, **extra) -> dict:
    if kind == "memory":
        repository = {"use": "memory", "models": ["tests.conformance.schema:MEMORY_MODELS"]}
    else:
        repository = {"use": "sqlalchemy", "models": list(schema.SQLALCHEMY_MODELS),
                      "sqlalchemy.url": url}
    return {"here": ROOT, "rum": {"secret": "history"}, "rum.repositoryfactory": repository,
            "rum.policy": {"hidden_fields": {"movies": ["description"]}},
            "resources": {"Director": {"history": False}}, **extra}


@contextmanager
def served(kind: str, tmp_path, **extra):
    """A RumApp over the conformance rows; a server's tables dropped afterwards."""
    url = ""
    if kind != "memory":
        url = f"sqlite:///{tmp_path / 'history.db'}" if kind == "sqlite" else server_url(kind)
        schema.fill(url)
        _drop_history(url)
    app = RumApp(_config(kind, url, **extra), resources={"Movie": MovieAdmin,
                                                         "Genre": GenreAdmin})
    try:
        yield app
    finally:
        if url:
            app.repositories.engine.dispose()
            if kind != "sqlite":
                schema.drop(url)
                _drop_history(url)


def _drop_history(url: str) -> None:
    engine = sa.create_engine(url)
    try:
        history_table("rum_history").drop(engine, checkfirst=True)
    finally:
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def app(request, tmp_path, memory_plugin):  # noqa: F811
    with served(request.param, tmp_path) as made:
        yield made


def entries(app, **query) -> list:
    with app.repositories.unit_of_work({}) as uow:
        store = uow.history()
        return [] if store is None else store.entries(HistoryQuery(**query))


def _new_id(response) -> str:
    return response.headers["Location"].rstrip("/").rsplit("/", 1)[-1].removesuffix(".json")


def _etag(client, path: str) -> str:
    return client.get(f"{path}.json").headers["ETag"]


# -- each kind of write: (what it does, the entries it leaves, newest last) ------------------
def create(c, t):
    made = c.post_json("/movies.json", {"title": "New", "year": 2020, "genre": "2",
                                        "color": True, "actors": ["1"]}, headers=t)
    return {"id": _new_id(made)}


def update(c, t):
    c.patch_json("/movies/2.json", {"title": "Renamed", "director": "3",
                                    "released": "2000-01-02"},
                 headers={**t, "If-Match": _etag(c, "/movies/2")})
    return {}


def delete(c, t):
    c.delete("/movies/4.json", headers={**t, "If-Match": _etag(c, "/movies/4")})
    return {}


def delete_ticked(c, t):
    c.post_json("/movies/delete_many.json", {"ids": ["7", "10"]}, headers=t)
    return {}


def delete_matching(c, t):
    c.post_json("/movies/delete_many.json?all=1&q=jade", {}, headers=t)
    return {}


def custom_action(c, t):
    c.post_json("/movies/monochrome.json", {"ids": ["1", "3"]}, headers=t)
    return {}


def link(c, t):
    post(c, "/movies/4/actors/link", {"ids": "7"}, status=303)
    return {}


def unlink(c, t):
    post(c, "/movies/1/actors/unlink", {"ids": "2"}, status=303)
    return {}


def nested_create(c, t):
    made = c.post_json("/movies/4/actors.json", {"name": "Hal Hunt"}, headers=t)
    return {"id": _new_id(made)}


ALPHA = {"id": "1", "label": "Ava Lane"}
CASES = [
    (create, [("movies", "{id}", "create", [
        Change("id", None, "{id:int}"), Change("title", None, "New"),
        Change("year", None, 2020), Change("color", None, True),
        Change("genre", None, {"id": "2", "label": "Comedy"}),
        Change("description", hidden=True),
        Change("actors", None, [{"id": "1", "label": "Ann Ames"}])])]),
    (update, [("movies", "2", "update", [
        Change("title", "Bright Night", "Renamed"), Change("released", None, "2000-01-02"),
        Change("director", ALPHA, {"id": "3", "label": "Cy Hart"})])]),
    (delete, [("movies", "4", "delete", [
        Change("id", 4, None), Change("title", "Dark Harbor", None), Change("year", 2001, None),
        Change("color", True, None), Change("released", "2001-02-03", None),
        Change("genre", {"id": "3", "label": "Western"}, None),
        Change("description", hidden=True)])]),
    (delete_ticked, [("movies", "7", "delete", None), ("movies", "10", "delete", None)]),
    (delete_matching, [("movies", "10", "delete", None)]),
    (custom_action, [("movies", "1", "monochrome", [Change("color", True, False)]),
                     ("movies", "3", "monochrome", [Change("color", True, False)])]),
    (link, [("movies", "4", "link", [Change("actors", [], [{"id": "7", "label": "Gus Gray"}])])]),
    (unlink, [("movies", "1", "unlink", [
        Change("actors", [{"id": "1", "label": "Ann Ames"}, {"id": "2", "label": "Bob Best"}],
               [{"id": "1", "label": "Ann Ames"}])])]),
    # the new row's link back to the parent is part of its create
    (nested_create, [("actors", "{id}", "create", [
        Change("id", None, "{id:int}"), Change("name", None, "Hal Hunt"),
        Change("movies", None, [{"id": "4", "label": "Dark Harbor"}])])]),
]


def _filled(value, ids: dict):
    if isinstance(value, str) and value == "{id:int}":
        return int(ids["id"])
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, list):
        return [_filled(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _filled(v, ids) for k, v in value.items()}
    return value


@pytest.mark.parametrize(("write", "expected"), CASES, ids=[c[0].__name__ for c in CASES])
def test_each_write_leaves_exactly_its_entries(app, write, expected):
    client = wrap(app)
    client.extra_environ.update(USER)
    ids = write(client, csrf_headers(client))
    found = sorted(entries(app), key=lambda e: int(e.id))
    assert [(e.resource, e.row_id, e.action) for e in found] == \
        [(r, _filled(i, ids), a) for r, i, a, _ in expected]
    for entry, (_r, _i, _a, changes) in zip(found, expected, strict=True):
        assert entry.identity == "kim" and entry.at.utcoffset().total_seconds() == 0
        if changes is not None:
            assert sorted(entry.changes, key=lambda c: c.field) == \
                sorted((Change(c.field, _filled(c.old, ids), _filled(c.new, ids), c.hidden)
                        for c in changes), key=lambda c: c.field)


def test_entries_name_the_row_and_page_by_id(app):
    client = wrap(app)
    t = csrf_headers(client)
    for year in (2001, 2002, 2003):  # bounded: three updates of one row
        client.patch_json("/movies/5.json", {"year": year},
                          headers={**t, "If-Match": _etag(client, "/movies/5")})
    client.patch_json("/movies/6.json", {"year": 1},
                      headers={**t, "If-Match": _etag(client, "/movies/6")})
    mine = entries(app, resources=("movies",), row_id="5")
    assert [e.changes[0].new for e in mine] == [2003, 2002, 2001]
    assert mine[0].label == "Echo Valley" and mine[0].identity == ""
    page = entries(app, row_id="5", before=mine[0].id, limit=1)
    assert [e.id for e in page] == [mine[1].id]
    with app.repositories.unit_of_work({}) as uow:
        assert uow.history().get(mine[2].id) == mine[2]
        assert uow.history().get("999999") is None
    assert entries(app, identity="nobody") == []
    assert len(entries(app, since=mine[2].at)) == 4
    assert entries(app, until=mine[2].at) == []


@pytest.mark.parametrize("refused", ["invalid", "stale", "blocked", "hook_raises",
                                     "second_row_fails"])
def test_a_write_that_fails_leaves_no_entry(app, refused):
    client = wrap(app)
    t = csrf_headers(client)
    if refused == "invalid":  # 422: no genre
        client.post_json("/movies.json", {"title": "No genre", "year": 2021}, headers=t,
                         status=422)
    elif refused == "stale":  # 412
        client.patch_json("/movies/1.json", {"title": "Late"},
                          headers={**t, "If-Match": '"stale"'}, status=412)
    elif refused == "blocked":  # 409: genre 1 still has movies
        client.delete("/genres/1.json", headers={**t, "If-Match": _etag(client, "/genres/1")},
                      status=409)
    elif refused == "hook_raises":  # after_update raises once the row is written
        client.patch_json("/movies/1.json", {"title": "Boom"},
                          headers={**t, "If-Match": _etag(client, "/movies/1")}, status=500)
        assert client.get("/movies/1.json").json["title"] == "Alpha Harbor"
    else:  # the first row is deleted and its entry added, then the second row's hook fails
        client.post_json("/movies/delete_many.json", {"ids": ["10", "11"]}, headers=t,
                         status=500)
        assert client.get("/movies/10.json").json["title"] == "Jade River"
    assert entries(app) == []


@pytest.mark.parametrize("kind", BACKENDS)
def test_history_off_records_nothing(kind, tmp_path, memory_plugin):  # noqa: F811
    with served(kind, tmp_path, **{"rum.history": {"enabled": False}}) as app:
        client = wrap(app)
        client.post_json("/genres.json", {"name": "Noir"}, headers=csrf_headers(client))
        with app.repositories.unit_of_work({}) as uow:
            assert uow.history() is None
        if kind != "memory":
            assert not sa.inspect(app.repositories.engine).has_table("rum_history")


def test_resources_with_history_off_record_nothing(app):
    client = wrap(app)
    t = csrf_headers(client)
    client.post_json("/genres.json", {"name": "Noir"}, headers=t)  # the class says off
    client.post_json("/directors.json", {"name": "Eli Ott"}, headers=t)  # the INI says off
    client.post_json("/actors.json", {"name": "Ida Ive"}, headers=t)
    assert [e.resource for e in entries(app)] == ["actors"]


@pytest.mark.parametrize(("section", "key"), [
    ({"enabled": "maybe"}, "rum.history.enabled"),
    ({"table": ""}, "rum.history.table"),
    ({"table": "a.b"}, "rum.history.table"),
    ({"schema": 3}, "rum.history.schema"),
    ({"nosuch": 1}, "rum.history.nosuch"),
])
def test_config_mistakes_are_named(section, key, memory_plugin):  # noqa: F811
    with pytest.raises(ConfigError) as caught:
        RumApp(_config("memory", "", **{"rum.history": section}))
    assert caught.value.key == key


def test_a_resource_option_mistake_is_named(memory_plugin):  # noqa: F811
    config = _config("memory", "")
    config["resources"] = {"Director": {"history": "sometimes"}}
    with pytest.raises(ConfigError) as caught:
        RumApp(config)
    assert caught.value.key == "resources.Director.history"


@pytest.mark.parametrize(("value", "ready"), [
    (b"abc", {"size": 3, "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}),
    (__import__("decimal").Decimal("1.50"), "1.50"),
    (__import__("datetime").datetime(2024, 1, 2, 3, 4, 5), "2024-01-02T03:04:05"),
    ({"a": [1, __import__("datetime").date(2024, 1, 2)]}, {"a": [1, "2024-01-02"]}),
    ({3, 1}, [1, 3]),
])
def test_values_are_json_ready(value, ready):
    assert json_ready(value) == ready


def _bulk_delete(c, t):
    c.post_json("/movies/delete_many.json", {"ids": ["7", "10"]}, headers=t)


def _monochrome(c, t):
    c.post_json("/movies/monochrome.json", {"ids": ["1", "3"]}, headers=t)


INSERT = "INSERT INTO rum_history"
COSTS = [
    ("/movies", lambda c, t: None, []),  # a list page reads as many statements as before
    ("/movies/2", lambda c, t: c.patch_json("/movies/2.json", {"title": "Counted"},
                                            headers={**t, "If-Match": _etag(c, "/movies/2")}),
     [INSERT]),  # the edit read the row and its relations already
    # the locked read of a deleted row joins its to-one relations: their labels are there
    ("/movies/4", lambda c, t: c.delete("/movies/4.json",
                                        headers={**t, "If-Match": _etag(c, "/movies/4")}),
     [INSERT]),
    ("/movies", _bulk_delete, [INSERT, INSERT]),
    ("/movies", _monochrome, [INSERT, INSERT]),
]


@pytest.mark.parametrize("kind", ["sqlite", "postgresql", "mariadb"])
@pytest.mark.parametrize(("path", "write", "extra"), COSTS)
def test_history_costs_one_insert_per_written_row(tmp_path, kind, path, write, extra):
    counts = {}
    for enabled in (False, True):  # bounded: the same request with history off, then on
        (tmp_path / str(enabled)).mkdir()
        with served(kind, tmp_path / str(enabled),
                    **{"rum.history": {"enabled": enabled}}) as app:
            client = wrap(app)
            t = csrf_headers(client)
            client.get(path)  # warm: the statements of the first request are not counted
            seen: list[str] = []
            sa.event.listen(app.repositories.engine, "before_cursor_execute",
                            lambda *event, seen=seen: seen.append(event[2]))
            client.get(path)
            write(client, t)
            counts[enabled] = seen
    added = list(counts[True])
    for statement in counts[False]:
        added.remove(statement)
    assert len(added) == len(extra) and all(
        s.startswith(p) for s, p in zip(sorted(added), sorted(extra), strict=True)), added


# -- reverts through HTTP on each backend: the restore page's form, saved as a browser does --
def _restore(client, path: str, action: str, status: int = 303):
    """Save the restore form of the newest `action` entry of `path`."""
    items = client.get(f"{path}/history.json").json["items"]
    entry = next(e for e in items if e["action"] == action)
    form = client.get(f"{path}/history/{entry['id']}/restore").forms[0]
    assert form["_revert"].value == entry["id"]
    return form.submit(status=status)


def _actor_ids(client, path: str) -> list[str]:
    return sorted(a["id"] for a in client.get(f"{path}.json").json["actors"])


def test_revert_of_an_update_puts_the_old_values_back(app):
    client = wrap(app)
    client.extra_environ.update(USER)
    update(client, csrf_headers(client))
    _restore(client, "/movies/2", "update")
    shown = client.get("/movies/2.json").json
    assert (shown["title"], shown["director"]["id"], shown["released"]) == \
        ("Bright Night", "1", None)
    newest = entries(app, row_id="2")[0]
    assert newest.action == "revert" and newest.identity == "kim"
    assert Change("title", "Renamed", "Bright Night") in newest.changes


def test_revert_of_a_delete_brings_the_row_back_under_its_key_with_its_links(app):
    client = wrap(app)
    t = csrf_headers(client)
    assert _actor_ids(client, "/movies/1") == ["1", "2"]
    client.delete("/movies/1.json", headers={**t, "If-Match": _etag(client, "/movies/1")})
    client.get("/movies/1.json", status=404)
    deleted = entries(app, row_id="1")[0]
    assert Change("actors", [{"id": "1", "label": "Ann Ames"},
                             {"id": "2", "label": "Bob Best"}], None) in deleted.changes
    client.delete("/actors/2.json", headers={**t, "If-Match": _etag(client, "/actors/2")})
    response = _restore(client, "/movies/1", "delete")
    assert response.location.endswith("/movies/1")  # its own key again
    shown = client.get("/movies/1.json").json
    assert shown["title"] == "Alpha Harbor" and shown["genre"]["id"] == "1"
    assert _actor_ids(client, "/movies/1") == ["1"]  # the link to a row still there
    assert entries(app, row_id="1")[0].action == "revert"


def test_revert_of_a_link_and_of_a_custom_action(app):
    client = wrap(app)
    t = csrf_headers(client)
    link(client, t)
    _restore(client, "/movies/4", "link")
    assert _actor_ids(client, "/movies/4") == []
    custom_action(client, t)
    _restore(client, "/movies/3", "monochrome")
    assert client.get("/movies/3.json").json["color"] is True
    assert client.get("/movies/1.json").json["color"] is False  # only the row restored
