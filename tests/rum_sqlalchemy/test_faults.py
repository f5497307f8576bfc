"""Database faults are a 503 with Retry-After, fast: a closed port, a database that never
answers, a restart, a slow statement, a SQLite file deleted, replaced or missing."""

import os
import shutil
import sqlite3
import threading
import time

import psycopg2  # noqa: F401 - imported before timing the first connection
import pymysql  # noqa: F401
import pytest
import sqlalchemy as sa

from model import Base
from rum import RumApp
from rum.errors import ConfigError
from rum_sqlalchemy.connecting import READ_MARGIN, UNBOUNDED, Bounds, is_unavailable
from rum_sqlalchemy.factory import make_engine
from tests.conftest import ROOT, demo_config, fresh_demo_schema, server_url, wrap
from tests.fixtures.netfaults import SilentListener, TcpProxy, closed_port, target_of

DRIVER_URLS = {"postgresql": "postgresql+psycopg2://postgres@127.0.0.1:{port}/rum",
               "mariadb": "mysql+pymysql://root@127.0.0.1:{port}/rum"}
PATHS = [("/movies", "html"), ("/movies.json", "json"), ("/movies.csv", "json"),
         ("/movies/1", "html"), ("/movies/1.json", "json"), ("/movies/new", "html")]
SECTION = "rum.repositoryfactory"


def client_for(url: str, **repository):
    config = demo_config(url)
    config[SECTION].update(repository)
    return wrap(RumApp(config))


def timed_get(client, path: str):
    started = time.monotonic()
    response = client.get(path, expect_errors=True)
    return response, time.monotonic() - started


def assert_unavailable(response, body: str = "html") -> None:
    assert response.status_int == 503, response.text[:300]
    assert int(response.headers["Retry-After"]) > 0
    if body == "json":
        assert response.json == {"error": "Service unavailable", "status": 503,
                                 "message": "The database is not answering right now. "
                                            "Please try again in a moment."}
    else:
        assert response.content_type == "text/html"
        assert "503 Service unavailable" in response.text
        assert "not answering right now" in response.text


@pytest.mark.parametrize("kind", sorted(DRIVER_URLS))
@pytest.mark.parametrize("path,body", PATHS)
def test_closed_port_is_an_immediate_503(kind, path, body):
    client = client_for(DRIVER_URLS[kind].format(port=closed_port()))
    response, elapsed = timed_get(client, path)
    assert_unavailable(response, body)
    # a refused connection is not waited for: well under the 5 s connect bound (the margin
    # is for a loaded machine, where rendering the 503 page alone has taken over 1 s)
    assert elapsed < 2.5
    assert client.get("/").status_int == 200  # pages that need no database still answer


@pytest.mark.parametrize("kind,bound", [("postgresql", 2.0), ("mariadb", 1.0)])
def test_silent_database_is_a_503_within_the_connect_bound(kind, bound):
    # libpq counts whole seconds and waits at least 2 of them
    with SilentListener() as silent:
        client = client_for(DRIVER_URLS[kind].format(port=silent.port), connect_timeout=1)
        response, elapsed = timed_get(client, "/movies.json")
        assert_unavailable(response, "json")
        assert bound - 0.2 < elapsed < bound + 1.5
        assert silent.accepted, "the driver never reached the listener"


@pytest.mark.parametrize("key", ["connect_timeout", "statement_timeout"])
@pytest.mark.parametrize("value", [0, -1, "soon", True, float("nan"), float("inf"), None, [5]])
def test_timeouts_must_be_positive_seconds(tmp_path, key, value):
    url = f"sqlite:///{tmp_path / 'any.db'}"  # refused before the file is looked at
    with pytest.raises(ConfigError) as info:
        RumApp(demo_config(url, **{SECTION: {"sqlalchemy.url": url, key: value,
                                             "models": ["model:Movie"]}}))
    assert info.value.key == f"{SECTION}.{key}" and "seconds" in str(info.value)


def test_timeouts_accept_numbers_and_numeric_text(demo_db):
    client = client_for(demo_db, connect_timeout="2.5", statement_timeout=7)
    assert client.get("/movies.json").status_int == 200


@pytest.mark.parametrize("key", ["connect_timeout", "statement_timeout", "sqlite.create"])
def test_engine_options_do_not_apply_to_a_host_engine(demo_db, key):
    config = demo_config(demo_db)
    config[SECTION].update({"engine": sa.create_engine(demo_db), key: 1})
    with pytest.raises(ConfigError) as info:
        RumApp(config)
    assert info.value.key == f"{SECTION}.{key}"


UNAVAILABLE = [  # (error, whether it means "the database is not there right now")
    (sa.exc.OperationalError("SELECT 1", {}, Exception("server closed the connection")), True),
    (sa.exc.InterfaceError("SELECT 1", {}, Exception("connection already closed")), True),
    (sa.exc.TimeoutError("QueuePool limit reached"), True),
    (sa.exc.DisconnectionError("gone"), True),
    (sa.exc.DBAPIError("SELECT 1", {}, Exception("reset"), connection_invalidated=True), True),
    (sa.exc.IntegrityError("INSERT", {}, Exception("duplicate key")), False),
    (sa.exc.DataError("SELECT", {}, Exception("numeric overflow")), False),
    (sa.exc.ProgrammingError("SELECT", {}, Exception("syntax error")), False),
    (sa.exc.DBAPIError("SELECT 1", {}, Exception("odd")), False),
    (ValueError("not a database error"), False),
]


@pytest.mark.parametrize("error,unavailable", UNAVAILABLE)
def test_which_errors_mean_unavailable(error, unavailable):
    assert is_unavailable(error) is unavailable


def test_no_free_pooled_connection_is_a_503_after_the_connect_bound(demo_db):
    app = RumApp(demo_config(demo_db, **{SECTION: {
        "sqlalchemy.url": demo_db, "models": ["model:Movie", "model:Genre", "model:Director",
                                              "model:Person", "model:Actor", "model:Rental"],
        "connect_timeout": 0.5}}))
    engine = app.repositories.engine
    held = [engine.connect() for _ in range(engine.pool.size() + engine.pool._max_overflow)]
    try:
        response, elapsed = timed_get(wrap(app), "/movies.json")
        assert_unavailable(response, "json")
        assert 0.4 < elapsed < 1.5
    finally:
        for conn in held:
            conn.close()
    assert wrap(app).get("/movies.json").status_int == 200


# -- SQLite files ----------------------------------------------------------------------
def test_missing_sqlite_file_is_a_config_error_naming_it(tmp_path):
    path = tmp_path / "nowhere.db"
    with pytest.raises(ConfigError) as info:
        RumApp(demo_config(f"sqlite:///{path}"))
    assert info.value.key == f"{SECTION}.sqlalchemy.url" and str(path) in str(info.value)
    assert not path.exists()


def test_relative_missing_sqlite_file_is_named_from_the_config_dir(tmp_path):
    config = demo_config("sqlite:///missing.db", here=str(tmp_path))
    with pytest.raises(ConfigError, match=str(tmp_path / "missing.db")):
        RumApp(config)


def test_sqlite_create_allows_a_new_file(tmp_path):
    path = tmp_path / "new.db"
    client = client_for(f"sqlite:///{path}", **{"sqlite.create": True})
    assert client.get("/").status_int == 200
    Base.metadata.create_all(sa.create_engine(f"sqlite:///{path}"))
    assert client.get("/movies.json").json["items"] == []


def _retitle(path, title: str) -> None:
    with sqlite3.connect(path) as db:
        db.execute("UPDATE movie SET title = ? WHERE id = 1", (title,))


def test_sqlite_file_deleted_and_restored_serves_the_restored_rows(demo_db, tmp_path):
    path = demo_db.removeprefix("sqlite:///")
    backup = tmp_path / "backup.db"
    shutil.copy(path, backup)
    _retitle(backup, "Restored from backup")
    client = client_for(demo_db)
    assert client.get("/movies/1.json").json["title"] != "Restored from backup"
    os.remove(path)
    shutil.copy(backup, path)  # a new file (another inode) at the same path
    assert client.get("/movies/1.json").json["title"] == "Restored from backup"
    assert client.get("/movies.csv").status_int == 200


def test_sqlite_file_deleted_while_serving_is_a_503_not_a_new_empty_database(demo_db):
    path = demo_db.removeprefix("sqlite:///")
    client = client_for(demo_db)
    assert client.get("/movies.json").status_int == 200
    os.remove(path)
    for url, body in PATHS[:3]:
        response, elapsed = timed_get(client, url)
        assert_unavailable(response, body)
    assert not os.path.exists(path)


def test_sqlite_statement_over_the_bound_is_interrupted(demo_db):
    engine = make_engine(demo_db, ROOT, Bounds(statement=0.3))
    endless = sa.text("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
                      "SELECT count(*) FROM n")
    with engine.connect() as conn:
        # a watchdog, so that a missing bound fails this test instead of hanging the run
        watchdog = threading.Timer(10, conn.connection.dbapi_connection.interrupt)
        watchdog.start()
        started = time.monotonic()
        try:
            with pytest.raises(sa.exc.OperationalError) as info:
                conn.execute(endless)
        finally:
            watchdog.cancel()
        assert time.monotonic() - started < 1.5 and is_unavailable(info.value)
    with engine.connect() as conn:  # the same pooled connection, its clock stopped
        time.sleep(0.4)
        assert conn.execute(sa.text("SELECT count(*) FROM movie")).scalar() > 0


def test_sqlite_lock_held_elsewhere_is_a_503_within_the_bound(demo_db):
    path = demo_db.removeprefix("sqlite:///")
    client = client_for(demo_db, statement_timeout=0.5)
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        response, elapsed = timed_get(client, "/movies.json")
        assert_unavailable(response, "json")
        assert elapsed < 2.0
    finally:
        holder.close()
    assert client.get("/movies.json").status_int == 200


# -- real servers ------------------------------------------------------------------------
@pytest.fixture(params=["postgresql", "mariadb"])
def served_db(request):
    url = server_url(request.param)
    engine = fresh_demo_schema(url)
    try:
        yield request.param, url, engine
    finally:
        Base.metadata.drop_all(engine)
        engine.dispose()


def test_restarted_database_serves_the_next_request(served_db):
    _kind, url, _engine = served_db
    with TcpProxy(*target_of(url)) as proxy:
        client = client_for(proxy.url(url))
        assert client.get("/movies.json").status_int == 200
        assert proxy.cut() >= 1  # every pooled connection is now dead
        response = client.get("/movies.json", expect_errors=True)
        assert response.status_int == 200, response.text[:300]
        assert client.get("/movies.csv").status_int == 200


# The holder's session ends itself after 10 idle seconds: a missing bound fails the test
# late instead of hanging the run.
LOCKS = {"postgresql": ["SET idle_in_transaction_session_timeout = '10s'",
                        "LOCK TABLE movie IN ACCESS EXCLUSIVE MODE"],
         "mariadb": ["SET SESSION wait_timeout = 10", "LOCK TABLES movie WRITE"]}


def test_statement_waiting_on_a_lock_is_a_503_within_the_bound(served_db):
    kind, url, engine = served_db
    client = client_for(url, statement_timeout=1)
    assert client.get("/movies.json").status_int == 200
    # A MariaDB export's SELECT is not held to the statement bound (it runs as long as
    # the client reads): the client's socket read timeout ends its wait instead.
    bounds = {"/movies.json": 3.0,
              "/movies.csv": 1 + READ_MARGIN + 1.5 if kind == "mariadb" else 3.0}
    with engine.connect() as holder:
        try:
            for statement in LOCKS[kind]:
                holder.execute(sa.text(statement))
            for path, bound in bounds.items():
                response, elapsed = timed_get(client, path)
                assert_unavailable(response, "json")
                assert elapsed < bound, path
        finally:
            holder.rollback()
            if kind == "mariadb":
                holder.execute(sa.text("UNLOCK TABLES"))
    assert client.get("/movies.json").status_int == 200


def test_mariadb_exports_are_not_held_to_the_statement_bound():
    url = server_url("mariadb")
    engine = make_engine(url, ROOT, Bounds(statement=0.5))
    slow = sa.text("SELECT SLEEP(1)")
    try:
        with engine.connect() as conn:
            with pytest.raises(sa.exc.OperationalError) as info:
                conn.execute(slow)
            assert is_unavailable(info.value) and "max_statement_time" in str(info.value)
            # what streaming.py asks for: a streamed export runs as long as it is read
            assert conn.execute(slow.execution_options(**{UNBOUNDED: True})).scalar() == 0
    finally:
        engine.dispose()
