"""Engines that fail fast: bounded connect and statement time, stale connections replaced,
and database faults reported as `Unavailable` (503) instead of a hang or a 500.

`[rum.repositoryfactory]` options (seconds; they apply to engines Rum creates from
`sqlalchemy.url`, not to an `engine` a host passes in, whose settings stay the host's):

- `connect_timeout` (default 5): opening a connection, and waiting for a free pooled one.
  PostgreSQL (libpq) counts whole seconds and waits at least 2.
- `statement_timeout` (default 30): one statement. PostgreSQL `statement_timeout`,
  MariaDB `max_statement_time` (MySQL `max_execution_time`, reads only), SQLite a
  progress handler that interrupts the statement; SQLite also waits this long for a lock.
- `sqlite.create` (default False): a SQLite file that does not exist is a start-up error
  naming the path, and a file that disappears later is not silently re-created empty;
  True lets SQLite create it.

PostgreSQL and MariaDB engines ping a pooled connection before handing it out
(`pool_pre_ping`), so after a database restart the next request works. A SQLite
connection whose file was replaced on disk (another inode: a restored backup) is
replaced at checkout instead of serving the old file's rows.
"""

import logging
import math
import os
import time
from dataclasses import dataclass
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from rum.errors import ConfigError

log = logging.getLogger(__name__)
DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_STATEMENT_TIMEOUT = 30.0
READ_MARGIN = 5.0  # a client socket waits this much past the server's own statement bound
PROGRESS_STEPS = 1000  # SQLite virtual-machine steps between two looks at the clock
# Execution option of streamed exports: their one SELECT runs as long as the client reads,
# so it is not held to the statement bound (PostgreSQL bounds each FETCH instead).
UNBOUNDED = "rum_unbounded"
# Errors that mean "the database is down, unreachable, gone or too slow", not "bad request"
UNAVAILABLE_ERRORS = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError,
                      sa_exc.DisconnectionError)


def is_unavailable(exc: BaseException) -> bool:
    """Whether `exc` is a connection failure, a timeout or a lost connection."""
    if isinstance(exc, UNAVAILABLE_ERRORS):
        return True
    return isinstance(exc, sa_exc.DBAPIError) and bool(exc.connection_invalidated)


@dataclass(frozen=True)
class Bounds:
    """How long a connection and a statement may take, in seconds."""

    connect: float = DEFAULT_CONNECT_TIMEOUT
    statement: float = DEFAULT_STATEMENT_TIMEOUT


def seconds(options: dict, key: str, section: str, default: float) -> float:
    """A positive number of seconds from `options[key]` (numbers, or numeric text)."""
    value = options.get(key, default)
    try:
        if isinstance(value, bool):
            raise ValueError
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or number <= 0:
        raise ConfigError(f"{section}.{key}",
                          f"must be a number of seconds greater than 0, e.g. 5; got {value!r}")
    return number


def engine_arguments(url: sa.engine.URL, bounds: Bounds) -> dict:
    """`create_engine` keyword arguments bounding this URL's connections and statements."""
    connect_args: dict = {}
    backend, driver = url.get_backend_name(), url.get_driver_name()
    if backend == "postgresql" and driver in ("psycopg2", "psycopg"):
        connect_args["connect_timeout"] = max(2, math.ceil(bounds.connect))
        options = url.query.get("options", "")
        if "statement_timeout" not in str(options):
            timeout = f"-c statement_timeout={math.ceil(bounds.statement * 1000)}"
            connect_args["options"] = f"{options} {timeout}".strip()
    elif backend in ("mysql", "mariadb") and driver in ("pymysql", "mysqldb"):
        whole = driver == "mysqldb"  # mysqlclient takes whole seconds
        read = bounds.statement + READ_MARGIN
        connect_args.update(connect_timeout=_as(bounds.connect, whole),
                            # pymysql reads the handshake with read_timeout: the connect
                            # bound, widened to the statement bound once connected
                            read_timeout=_as(bounds.connect if not whole else read, whole),
                            write_timeout=_as(read, whole))
    elif backend == "sqlite":
        connect_args["timeout"] = bounds.statement  # waiting for another writer's lock
    else:
        log.info("no connect or statement bounds known for %s+%s", backend, driver)
    # Explicit parameters in the URL win over these defaults.
    connect_args = {k: v for k, v in connect_args.items() if k not in url.query or k == "options"}
    # A server can drop a pooled connection (restart, idle timeout): ping before use. A SQLite
    # connection is a file handle that cannot be dropped (a replaced file is caught at
    # checkout), so it saves the round trip.
    arguments = {"connect_args": connect_args, "pool_pre_ping": backend != "sqlite"}
    if backend != "sqlite" or url.database and not url.database.startswith((":memory:", "file:")):
        arguments["pool_timeout"] = bounds.connect  # memory databases have no queue to wait in
    return arguments


def _as(value: float, whole: bool):
    return max(1, math.ceil(value)) if whole else value


def watch(engine: sa.Engine, bounds: Bounds, sqlite_path: str | None, create: bool) -> None:
    """Listeners that bound statements (MariaDB/MySQL, SQLite) and guard a SQLite file."""
    if engine.dialect.name in ("mysql", "mariadb"):
        sa.event.listen(engine, "connect", _mysql_session(bounds))
        sa.event.listen(engine, "before_cursor_execute", _mysql_unbounded, retval=True)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_clock(bounds, sqlite_path))
        for name in ("before_cursor_execute", "after_cursor_execute"):
            sa.event.listen(engine, name, _clock_switch(name == "before_cursor_execute"))
        for name in ("commit", "rollback"):
            sa.event.listen(engine, name, _clock_stop)
        sa.event.listen(engine, "handle_error", _clock_stop_on_error)
        if sqlite_path:
            if not create:
                sa.event.listen(engine, "do_connect", _open_existing(sqlite_path))
            sa.event.listen(engine, "checkout", _same_file(sqlite_path))


def _mysql_session(bounds: Bounds):
    def set_bounds(dbapi_connection, _record):
        version = str(getattr(dbapi_connection, "server_version", "") or
                      getattr(dbapi_connection, "get_server_info", lambda: "")())
        cursor = dbapi_connection.cursor()
        if "mariadb" in version.lower():
            cursor.execute(f"SET SESSION max_statement_time = {bounds.statement:.3f}")
        else:
            cursor.execute(f"SET SESSION max_execution_time = {math.ceil(bounds.statement * 1000)}")
        cursor.close()
        if hasattr(dbapi_connection, "_read_timeout"):  # pymysql: see engine_arguments
            dbapi_connection._read_timeout = bounds.statement + READ_MARGIN
    return set_bounds


def _mysql_unbounded(conn, _cursor, statement, parameters, context, _executemany):
    if context is not None and context.execution_options.get(UNBOUNDED):
        if conn.dialect.is_mariadb:
            statement = "SET STATEMENT max_statement_time = 0 FOR " + statement
        else:
            statement = statement.replace("SELECT", "SELECT /*+ MAX_EXECUTION_TIME(0) */", 1)
    return statement, parameters


class StatementClock:
    """SQLite's progress handler: interrupts a statement running past its deadline."""

    def __init__(self, bound: float):
        self.bound = bound
        self.deadline: float | None = None

    def start(self) -> None:
        self.deadline = time.monotonic() + self.bound

    def stop(self) -> None:
        self.deadline = None

    def __call__(self) -> int:
        return int(self.deadline is not None and time.monotonic() > self.deadline)


def file_identity(path: str) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def _sqlite_clock(bounds: Bounds, path: str | None):
    def install(dbapi_connection, record):
        clock = StatementClock(bounds.statement)
        dbapi_connection.set_progress_handler(clock, PROGRESS_STEPS)
        record.info["rum_clock"] = clock
        if path:
            record.info["rum_file"] = file_identity(path)
    return install


def _clock_switch(on: bool):
    # Only the statement's execution is timed: an export fetching a million rows from the
    # cursor afterwards is not one slow statement.
    def switch(conn, *_args):
        clock = conn.info.get("rum_clock")
        if clock is not None:
            clock.start() if on else clock.stop()
    return switch


def _clock_stop(conn) -> None:
    clock = conn.info.get("rum_clock")
    if clock is not None:  # an expired deadline must not interrupt the ROLLBACK after it
        clock.stop()


def _clock_stop_on_error(context) -> None:
    try:
        _clock_stop(context.connection)
    except Exception:  # noqa: BLE001 - a connection being invalidated has no clock to stop
        pass


def _open_existing(path: str):
    # mode=rw: a file deleted while serving is an error (503), not a new empty database.
    def connect(_dialect, _record, cargs, cparams):
        cargs[:] = [f"file:{quote(path)}?mode=rw"]
        cparams["uri"] = True
    return connect


def _same_file(path: str):
    def check(_dbapi_connection, record, _proxy):
        if record.info.get("rum_file") != file_identity(path):
            log.info("SQLite file %s was replaced or removed: reconnecting", path)
            raise sa_exc.DisconnectionError(f"the SQLite file {path} was replaced")
    return check
