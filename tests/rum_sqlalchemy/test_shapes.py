"""Backend conformance: every common model shape, on SQLite, PostgreSQL and MariaDB."""

import datetime
import decimal
import re
import uuid

import pytest
import sqlalchemy as sa

from rum import RumApp
from rum.errors import Conflict, Invalid
from rum.query import Filter, Query
from tests.conftest import ROOT
from tests.fixtures import shapes_model as sm


@pytest.fixture
def app(backend_url):
    engine = sa.create_engine(backend_url)
    sm.Base.metadata.drop_all(engine)
    sm.Base.metadata.create_all(engine)
    engine.dispose()
    rum_app = RumApp({"here": ROOT, "rum.repositoryfactory": {
        "models": list(sm.MODELS), "sqlalchemy.url": backend_url}})
    yield rum_app
    sm.Base.metadata.drop_all(rum_app.repositories.engine)
    rum_app.repositories.engine.dispose()


def uow(app):
    return app.repositories.unit_of_work({})


def kinds(app, resource):
    return {f.name: f.kind for f in app.registry.get(resource).fields}


def test_introspected_kinds(app):
    assert kinds(app, "everythings") == {
        "id": "integer", "name": "string", "body": "text", "big": "integer", "price": "decimal",
        "ratio": "float", "flag": "boolean", "day": "date", "stamp": "datetime",
        "stamp_tz": "datetime_tz", "clock": "time", "mood": "enum", "size": "enum",
        "blob": "binary", "doc": "json", "token": "uuid", "version": "integer",
        "shout": "string"}
    fields = app.registry.get("everythings").fields_by_name
    assert fields["version"].read_only and fields["shout"].read_only and fields["id"].read_only
    assert fields["name"].required and fields["name"].max_length == 40
    assert not fields["flag"].required and not fields["token"].required
    assert fields["mood"].choices == (("happy", "Happy"), ("sad", "Sad"))
    assert fields["size"].choices == (("S", "S"), ("M", "M"), ("L", "L"))
    owner = app.registry.get("owners").fields_by_name
    assert owner["profile"].kind == "to_one" and owner["profile"].read_only  # one-to-one
    assert owner["pets"].kind == "to_many" and owner["pets"].related == "pets"
    assert owner["pet_count"].read_only  # column_property
    profile = app.registry.get("profiles").fields_by_name
    assert profile["owner"].kind == "to_one" and profile["owner"].required
    assert "owner_id" not in profile
    dog = app.registry.get("dogs").fields_by_name
    assert dog["kind"].read_only and set(dog) >= {"name", "owner", "tags"}
    line = app.registry.get("lines").fields_by_name
    assert line["order_no"].primary_key and line["line_no"].primary_key
    assert not line["line_no"].read_only and not line["qty"].required


def test_every_kind_round_trips(app):
    stamp_tz = datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.UTC)
    values = {
        "name": "all", "body": "long text " * 50, "big": 2**40, "price": decimal.Decimal("12.34"),
        "ratio": 0.25, "flag": True, "day": datetime.date(2024, 2, 29),
        "stamp": datetime.datetime(2024, 5, 6, 7, 8, 9), "stamp_tz": stamp_tz,
        "clock": datetime.time(23, 59, 1), "mood": "sad", "size": "M", "blob": b"\x00\xffbin",
        "doc": {"a": [1, 2, {"b": None}]}, "token": uuid.UUID(int=7),
    }
    with uow(app) as w:
        ident = w.repository("everythings").record(
            w.repository("everythings").create(values), ()).id
    with uow(app) as w:
        repo = w.repository("everythings")
        record = repo.record(repo.get(ident), app.registry.get("everythings").fields)
    got = record.values
    for key, value in values.items():
        if key == "stamp_tz":
            assert got[key] == value or got[key] == value.replace(tzinfo=None), got[key]
        else:
            assert got[key] == value, (key, got[key])
    assert got["shout"] == "ALL"
    assert got["version"] == 1 and record.version == "1"


def test_stale_version_is_a_conflict(app):
    with uow(app) as w:
        ident = w.repository("everythings").record(
            w.repository("everythings").create({"name": "v"}), ()).id
    with uow(app) as first:
        repo = first.repository("everythings")
        mine = repo.get(ident)
        with uow(app) as second:
            other = second.repository("everythings")
            other.update(other.get(ident), {"body": "theirs"})
        with pytest.raises(Conflict):
            repo.update(mine, {"body": "mine"})
    with uow(app) as w:
        row = w.repository("everythings").get(ident)
        assert row.body == "theirs" and row.version == 2


def test_constraint_errors_land_on_fields(app):
    with uow(app) as w:
        w.repository("everythings").create({"name": "taken"})
    with uow(app) as w:
        with pytest.raises(Invalid) as info:
            w.repository("everythings").create({"name": "taken"})
        assert set(info.value.errors) == {"name"}, info.value.errors
        w.doom()
    with uow(app) as w:
        with pytest.raises(Invalid) as info:
            w.repository("profiles").create({"bio": "no owner"})
        assert set(info.value.errors) == {"owner"}, info.value.errors
        w.doom()
    with uow(app) as w:
        page = w.repository("everythings").select(Query())
        assert page.count == 1


def test_inheritance_relations_and_composite_keys(app):
    with uow(app) as w:
        owner = w.repository("owners").create({"name": "Olga"})
        owner_id = w.repository("owners").record(owner, ()).id
        tag_ids = [w.repository("tags").record(w.repository("tags").create({"label": t}), ()).id
                   for t in ("small", "loud")]
        dog = w.repository("dogs").create({"name": "Rex", "owner": owner_id, "tags": tag_ids})
        w.repository("cats").create({"name": "Tom", "owner": owner_id})
        w.repository("profiles").create({"owner": owner_id, "bio": "likes pets"})
        line = w.repository("lines").create({"order_no": "A,1/x", "line_no": 2})
        dog_id = w.repository("dogs").record(dog, ()).id
        line_id = w.repository("lines").record(line, ()).id
    with uow(app) as w:
        dogs = w.repository("dogs").select(Query())
        assert [d.name for d in dogs.rows] == ["Rex"] and dogs.count == 1
        pets = w.repository("pets").select(Query(sort=()))
        assert sorted(p.kind for p in pets.rows) == ["cat", "dog"]
        rex = w.repository("dogs")
        record = rex.record(rex.get(dog_id), app.registry.get("dogs").fields)
        assert record.values["owner"].label == "Olga"
        assert sorted(r.label for r in record.values["tags"]) == ["loud", "small"]
        owners = w.repository("owners")
        olga = owners.record(owners.get(owner_id), app.registry.get("owners").fields)
        assert olga.values["pet_count"] == 2
        assert olga.values["profile"].resource == "profiles"
        assert len(olga.values["pets"]) == 2
        lines = w.repository("lines")
        assert lines.get(line_id).order_no == "A,1/x"
        filtered = w.repository("pets").select(Query(filters=(Filter("owner.name", "eq",
                                                                     "Olga"),)))
        assert filtered.count == 2


UNCHANGED = [  # (column, stored value): an edit form saved as it was opened keeps each one
    ("stamp", datetime.datetime(2024, 5, 6, 7, 8, 9, 123456)),
    ("stamp", datetime.datetime(2024, 5, 6, 7, 8, 9, 250000)),
    ("stamp", datetime.datetime(2024, 5, 6, 7, 8)),
    ("clock", datetime.time(7, 8, 9, 654321)),
    ("body", ""),
    ("body", None),
    ("body", "  padded  "),
    ("body", "two\nlines\r\nmixed"),
    ("price", decimal.Decimal("10.50")),
    ("ratio", 0.1),
    ("ratio", 1e-7),
    ("day", datetime.date(1999, 12, 31)),
    ("flag", True),
    ("mood", sm.Mood.sad),
    ("size", None),
    ("doc", {"a": [1, 2], "b": None}),
    ("token", uuid.UUID("12345678-1234-5678-1234-567812345678")),
]


def test_an_unchanged_edit_form_writes_nothing(app):
    """Every case of UNCHANGED in one app per database (one row each), to stay quick."""
    from sqlalchemy.orm import Session

    from tests.conftest import wrap
    engine, client, failures = app.repositories.engine, wrap(app), []
    with Session(engine) as s:
        rows = [sm.Everything(name=f"kept{i}", **{column: value})
                for i, (column, value) in enumerate(UNCHANGED)]
        s.add_all(rows)
        s.commit()
        idents = [r.id for r in rows]
    with Session(engine) as s:  # what the database holds, after its own rounding
        before = [getattr(s.get(sm.Everything, i), c) for i, (c, _) in zip(idents, UNCHANGED, strict=True)]
    for ident, (column, _value) in zip(idents, UNCHANGED, strict=True):
        form = client.get(f"/everythings/{ident}/edit").forms[0]
        if form[column].value:  # browsers send a textarea's line breaks as CRLF
            form[column] = re.sub(r"\r\n?|\n", "\r\n", form[column].value)
        assert form.submit().status_int == 303
    with Session(engine) as s:
        for ident, (column, value), old in zip(idents, UNCHANGED, before, strict=True):
            row = s.get(sm.Everything, ident)
            new = getattr(row, column)
            if new != old or type(new) is not type(old) or row.version != 1:
                failures.append((column, value, old, new, row.version))
    assert not failures, failures  # version 1: no UPDATE at all, nothing was rewritten


@pytest.mark.parametrize("column,text,expected", [
    ("stamp", "2024-05-06T07:08:09.123456", datetime.datetime(2024, 5, 6, 7, 8, 9, 123456)),
    ("stamp", "2024-05-06T07:08:09.5", datetime.datetime(2024, 5, 6, 7, 8, 9, 500000)),
    ("clock", "07:08:09.000250", datetime.time(7, 8, 9, 250)),
])
def test_a_changed_time_keeps_its_fraction(app, column, text, expected):
    from sqlalchemy.orm import Session

    from tests.conftest import wrap
    if app.repositories.engine.dialect.name != "sqlite" and \
            app.repositories.engine.dialect.name != "postgresql":
        pytest.skip("MariaDB's DATETIME/TIME columns store whole seconds unless sized")
    with Session(app.repositories.engine) as s:
        row = sm.Everything(name="changed")
        s.add(row)
        s.commit()
        ident = row.id
    form = wrap(app).get(f"/everythings/{ident}/edit").forms[0]
    form[column] = text
    assert form.submit().status_int == 303
    with Session(app.repositories.engine) as s:
        assert getattr(s.get(sm.Everything, ident), column) == expected
