"""Export streams on real SQLite files: rows from the driver's cursor when nothing needs
converting, SQLAlchemy's rows otherwise, the key read once, faults raised as SQLAlchemy's."""

import datetime
import sqlite3

import pytest
import sqlalchemy as sa

from rum import RumApp
from rum.query import Query, Sort
from rum_sqlalchemy.streaming import _driver_batches
from tests.conftest import ROOT
from tests.fixtures import shapes_model as sm


@pytest.fixture
def app(tmp_path):
    def rows():
        owner = sm.Owner(name="Olga")
        return [sm.Everything(name="e", day=datetime.date(2024, 1, 2)), owner,
                sm.Dog(name="Rex", owner=owner), sm.Cat(name="Tom"),
                sm.Line(order_no="A,1", line_no=2, qty=5), sm.Line(order_no="B", line_no=1)]
    url = sm.filled_database(tmp_path / "s.db", rows)
    rum_app = RumApp({"here": ROOT, "rum.repositoryfactory": {
        "models": list(sm.MODELS), "sqlalchemy.url": url}})
    yield rum_app
    rum_app.repositories.engine.dispose()


def stream(app, resource, names, query=None, records=True):
    by_name = app.registry.get(resource).fields_by_name
    fields = tuple(by_name[n] for n in names)
    with app.repositories.unit_of_work({}) as uow:
        return uow.repository(resource).stream(query or Query(sort=(Sort("id"),)), fields,
                                               records=records), fields


def test_plain_columns_come_from_the_driver_as_tuples(app):
    records, fields = stream(app, "pets", ["id", "name", "owner"])
    chunks = list(records.value_chunks(fields))
    assert chunks == [[(1, "Rex", "Olga"), (2, "Tom", None)]]
    assert all(type(row) is tuple for row in chunks[0])  # no SQLAlchemy rows on the way


def test_values_only_read_no_keys(app):
    statements = []
    sa.event.listen(app.repositories.engine, "before_cursor_execute",
                    lambda *args: statements.append(args[2]))
    records, fields = stream(app, "pets", ["name", "owner"], records=False)
    chunks = list(records.value_chunks(fields))
    assert chunks == [[("Rex", "Olga"), ("Tom", None)]]
    select = next(s for s in statements if "shape_pet" in s and s.startswith("SELECT"))
    columns = select.split("FROM")[0]
    assert "name" in columns and ".id" not in columns  # neither the pet's key nor the owner's
    with pytest.raises(TypeError):
        iter(records)
    lines, fields = stream(app, "lines", ["qty"], Query(sort=(Sort("order_no"),)), records=False)
    assert list(lines.value_chunks(fields)) == [[(5,), (1,)]]


def test_columns_that_convert_go_through_sqlalchemy(app):
    records, fields = stream(app, "everythings", ["name", "day"])
    assert list(records.value_chunks(fields)) == [[("e", datetime.date(2024, 1, 2))]]


@pytest.mark.parametrize("names", [["qty"], ["order_no", "qty"], ["line_no", "qty", "order_no"]])
def test_records_have_their_whole_key_listed_or_not(app, names):
    records, _fields = stream(app, "lines", names, Query(sort=(Sort("order_no"),)))
    got = list(records)
    assert [r.id for r in got] == ["A%2C1,2", "B,1"]
    assert [r.values["qty"] for r in got] == [5, 1]
    assert set(got[0].values) == set(names)


def test_records_of_a_listed_key_and_relation(app):
    records, _fields = stream(app, "pets", ["id", "owner"])
    got = list(records)
    assert [r.id for r in got] == ["1", "2"]
    assert got[0].values["owner"].id == "1" and got[0].values["owner"].label == "Olga"
    assert got[1].values["owner"] is None


def test_a_driver_fault_mid_stream_is_raised_as_sqlalchemy_raises_it(tmp_path):
    con = sqlite3.connect(tmp_path / "n.db")
    con.execute("CREATE TABLE n (i INTEGER)")
    con.executemany("INSERT INTO n VALUES (?)", [(i,) for i in range(5000)])
    cursor = con.execute("SELECT a.i FROM n a, n b")  # far more rows than are read
    batches = _driver_batches(cursor, 10, sa.create_engine("sqlite://").dialect)
    assert len(next(batches)) == 10
    con.close()  # the connection is gone while the export is still read
    with pytest.raises(sa.exc.DBAPIError) as info:
        next(batches)
    assert isinstance(info.value.orig, sqlite3.Error)
