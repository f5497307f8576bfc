"""The history table: made at start-up with its indexes, written in the unit of work's
transaction (the host's too), read newest first by keyset, never served by reflection."""

import dataclasses
import datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, scoped_session, sessionmaker

from rum import RumApp
from rum.contracts import Change, Entry, HistoryQuery
from rum.errors import ConfigError
from rum.history import HistorySettings
from rum_sqlalchemy import SQLAlchemyRepositoryFactory
from rum_sqlalchemy.history import history_table
from tests.conformance import schema
from tests.conftest import ROOT, csrf_headers, server_url, wrap

TABLE = "rum_hist_t"
UTC = datetime.UTC


def _factory(url: str, **options) -> SQLAlchemyRepositoryFactory:
    made = SQLAlchemyRepositoryFactory({"models": list(schema.SQLALCHEMY_MODELS),
                                        "sqlalchemy.url": url, **options}, here=ROOT)
    made.enable_history(HistorySettings(table=TABLE))
    made.bind({m.model: schema.RESOURCES[m.name] for m in made.models()})
    return made


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def url(request, tmp_path):
    made = f"sqlite:///{tmp_path / 'h.db'}" if request.param == "sqlite" \
        else server_url(request.param)
    schema.fill(made)
    yield made
    engine = sa.create_engine(made)
    try:
        history_table(TABLE).drop(engine, checkfirst=True)
        schema.drop(made)
    finally:
        engine.dispose()


def _entry(row_id: str, minute: int, who: str = "kim", resource: str = "movies") -> Entry:
    return Entry(resource, row_id, "update", datetime.datetime(2024, 1, 1, 12, minute, 30,
                                                                 123456, tzinfo=UTC),
                 identity=who, label=f"Movie {row_id}",
                 changes=(Change("title", "Old ü", "New"), Change("notes", hidden=True),
                          Change("actors", [], [{"id": "1", "label": "Ann"}])))


def test_table_indexes_and_round_trip(url):
    f = _factory(url)
    _factory(url).engine.dispose()  # a second start-up finds the table there
    indexes = {tuple(i["column_names"]) for i in sa.inspect(f.engine).get_indexes(TABLE)}
    assert {("resource", "row_id", "id"), ("identity", "id")} <= indexes
    with f.unit_of_work({}) as uow:
        for i, (row, who) in enumerate([("1", "kim"), ("2", "lee"), ("1", "lee"),
                                        ("1", "kim")]):  # bounded: four entries
            uow.history().add(_entry(row, i, who))
    with f.unit_of_work({}) as uow:
        store = uow.history()
        newest = store.entries(HistoryQuery())
        assert [(e.row_id, e.identity) for e in newest] == \
            [("1", "kim"), ("1", "lee"), ("2", "lee"), ("1", "kim")]
        assert newest[0] == dataclasses.replace(_entry("1", 3, "kim"), id=newest[0].id)
        ids = [int(e.id) for e in newest]
        assert ids == sorted(ids, reverse=True)
        row1 = store.entries(HistoryQuery(resources=("movies",), row_id="1", limit=2))
        assert [e.at.minute for e in row1] == [3, 2]
        assert [e.at.minute for e in store.entries(HistoryQuery(row_id="1",
                                                                before=row1[-1].id))] == [0]
        assert [e.at.minute for e in store.entries(HistoryQuery(identity="lee"))] == [2, 1]
        since = datetime.datetime(2024, 1, 1, 12, 1, tzinfo=UTC)
        until = datetime.datetime(2024, 1, 1, 12, 3, tzinfo=UTC)
        assert [e.at.minute for e in store.entries(HistoryQuery(since=since,
                                                                until=until))] == [2, 1]
        assert store.entries(HistoryQuery(resources=("genres",))) == []
        assert store.entries(HistoryQuery(before="x")) == []
        assert store.get(newest[1].id) == newest[1] and store.get("0") is None
    f.engine.dispose()


def test_a_rolled_back_unit_of_work_keeps_no_entry(url):
    f = _factory(url)
    with pytest.raises(RuntimeError), f.unit_of_work({}) as uow:
        uow.history().add(_entry("1", 0))
        raise RuntimeError("the write failed")
    with f.unit_of_work({}) as uow:
        uow.history().add(_entry("2", 0))
        uow.doom()
    with f.unit_of_work({}) as uow:
        assert uow.history().entries(HistoryQuery()) == []
    f.engine.dispose()


def test_the_host_transaction_decides(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'host.db'}"
    schema.fill(url)
    engine = sa.create_engine(url)
    # pysqlite needs this for SAVEPOINTs to nest in a real transaction (SQLAlchemy docs)
    sa.event.listen(engine, "connect", lambda dbapi, _rec: setattr(dbapi, "isolation_level", None))
    sa.event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
    host = scoped_session(sessionmaker(bind=engine))
    import tests.rum_sqlalchemy.test_history_store as me
    monkeypatch.setattr(me, "HOST_SESSION", host, raising=False)
    f = _factory(url, **{"session.factory": "tests.rum_sqlalchemy.test_history_store:HOST_SESSION",
                         "session.external": True})
    with f.unit_of_work({}) as uow:
        uow.history().add(_entry("1", 0))
    host.rollback()
    with f.unit_of_work({}) as uow:
        uow.history().add(_entry("2", 0))
    host.commit()
    with engine.connect() as conn:
        assert conn.execute(sa.text(f"SELECT row_id FROM {TABLE}")).scalars().all() == ["2"]
    host.remove()
    engine.dispose()


def test_reflection_does_not_serve_the_history_table(tmp_path):
    url = f"sqlite:///{tmp_path / 'r.db'}"
    schema.fill(url)
    _factory(url).engine.dispose()  # the table exists from an earlier start
    f = SQLAlchemyRepositoryFactory({"sqlalchemy.url": url}, here=ROOT)
    assert TABLE in {m.model.__table__.name for m in f.models()}
    f.enable_history(HistorySettings(table=TABLE))
    assert TABLE not in {m.model.__table__.name for m in f.models()}
    assert TABLE not in {n.table for n in f.notes()}  # Rum's own table: not the host's


def test_a_database_down_at_start_up_gets_its_table_at_the_first_request(tmp_path):
    url = f"sqlite:///{tmp_path / 'late.db'}"
    schema.fill(url)
    f = SQLAlchemyRepositoryFactory({"models": list(schema.SQLALCHEMY_MODELS),
                                     "sqlalchemy.url": url}, here=ROOT)
    broken = sa.event.listens_for(f.engine, "do_connect")

    def refuse(*_args):
        raise sa.exc.OperationalError("connect", {}, Exception("down"))
    broken(refuse)
    f.enable_history(HistorySettings(table=TABLE))  # logs, does not raise
    sa.event.remove(f.engine, "do_connect", refuse)
    assert not sa.inspect(f.engine).has_table(TABLE)
    f.bind({m.model: schema.RESOURCES[m.name] for m in f.models()})
    with f.unit_of_work({}, write=True) as uow:
        uow.history().add(_entry("1", 0))
    with f.unit_of_work({}) as uow:
        assert [e.row_id for e in uow.history().entries(HistoryQuery())] == ["1"]


def test_a_table_that_cannot_be_made_names_the_option(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    schema.fill(url)
    f = SQLAlchemyRepositoryFactory({"models": list(schema.SQLALCHEMY_MODELS),
                                     "sqlalchemy.url": url}, here=ROOT)

    def refused(*_args, **_kwargs):  # as PostgreSQL answers a user without CREATE rights
        raise sa.exc.ProgrammingError("CREATE TABLE", {}, Exception("permission denied"))
    monkeypatch.setattr(sa.Table, "create", refused)
    with pytest.raises(ConfigError) as caught:
        f.enable_history(HistorySettings(table=TABLE))
    assert caught.value.key == "rum.history.table"


# -- a host's own model, through an entry point of group `rum.history` ------------------------
class HostBase(DeclarativeBase):
    pass


class Audit(HostBase):
    __tablename__ = "host_audit"
    id = sa.Column(sa.Integer, primary_key=True)
    what = sa.Column(sa.String(200), nullable=False)


class HostStore:
    """`HistoryStore` writing the host's `Audit` rows on the unit of work's session."""

    def __init__(self, session, prefix: str):
        self.session, self.prefix = session, prefix

    def add(self, entry: Entry) -> None:
        self.session.add(Audit(what=f"{self.prefix}{entry.resource}/{entry.row_id} "
                                    f"{entry.action}"))
        self.session.flush()

    def entries(self, query: HistoryQuery) -> list[Entry]:
        return []

    def get(self, entry_id: str) -> Entry | None:
        return None


class HostStores:
    def __init__(self, options: dict, here: str = ""):
        self.prefix = options.get("prefix", "")

    def store(self, uow) -> HostStore:
        return HostStore(uow.session, self.prefix)


@pytest.fixture
def host_plugin(tmp_path, monkeypatch):
    dist = tmp_path / "rum_host_history-0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: rum-host-history\nVersion: 0\n")
    (dist / "entry_points.txt").write_text(
        "[rum.history]\naudit = tests.rum_sqlalchemy.test_history_store:HostStores\n")
    monkeypatch.syspath_prepend(str(tmp_path))


def test_a_host_store_from_an_entry_point_joins_the_transaction(tmp_path, host_plugin):
    url = f"sqlite:///{tmp_path / 'host.db'}"
    schema.fill(url)
    engine = sa.create_engine(url)
    HostBase.metadata.create_all(engine)
    app = RumApp({"here": ROOT, "rum": {"secret": "h"},
                  "rum.repositoryfactory": {"models": list(schema.SQLALCHEMY_MODELS),
                                            "sqlalchemy.url": url},
                  "rum.history": {"use": "audit", "prefix": "rum:"}})
    client = wrap(app)
    t = csrf_headers(client)
    etag = client.get("/movies/2.json").headers["ETag"]
    client.patch_json("/movies/2.json", {"title": "Host"}, headers={**t, "If-Match": etag})
    client.post_json("/movies.json", {"title": "No genre", "year": 1}, headers=t, status=422)
    with engine.connect() as conn:
        assert conn.execute(sa.select(Audit.what)).scalars().all() == ["rum:movies/2 update"]
    assert not sa.inspect(engine).has_table("rum_history")  # the host's store replaces it
    app.repositories.engine.dispose()
    engine.dispose()


def test_a_host_store_that_is_not_installed_is_named(tmp_path):
    with pytest.raises(ConfigError) as caught:
        RumApp({"here": ROOT, "rum.repositoryfactory": {
            "models": list(schema.SQLALCHEMY_MODELS),
            "sqlalchemy.url": f"sqlite:///{tmp_path / 'n.db'}", "sqlite.create": True},
            "rum.history": {"use": "nosuch"}})
    assert caught.value.key == "rum.history.use"


@pytest.mark.parametrize("dialect,at,changes", [
    ("mysql", "DATETIME(6)", "LONGTEXT"), ("mariadb", "DATETIME(6)", "LONGTEXT"),
    ("sqlite", "DATETIME", "TEXT"), ("postgresql", "TIMESTAMP WITHOUT TIME ZONE", "TEXT"),
])
def test_the_table_keeps_microseconds_and_long_changes_on_each_database(dialect, at, changes):
    """MariaDB's own types are used (and imported) only for a MariaDB engine."""
    from sqlalchemy.dialects import mysql, postgresql, sqlite

    dialects = {"mysql": mysql.dialect(), "mariadb": mysql.dialect(is_mariadb=True),
                "sqlite": sqlite.dialect(), "postgresql": postgresql.dialect()}
    table = history_table(TABLE, None, dialect)
    ddl = str(sa.schema.CreateTable(table).compile(dialect=dialects[dialect]))
    assert f"at {at} NOT NULL" in ddl
    assert f"changes {changes} NOT NULL" in ddl
