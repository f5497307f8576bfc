"""The repository factory: models (or a database URL), an engine, a unit of work per request."""

import importlib.util
import logging
import os
import threading
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import sessionmaker

from rum.access import as_access
from rum.config import as_bool
from rum.contracts import ModelInfo, TableNote
from rum.errors import ConfigError, NotFound, Unavailable
from rum.i18n import N_
from rum.plugins import import_object

from .catalog import Catalog
from .connecting import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_STATEMENT_TIMEOUT,
    Bounds,
    engine_arguments,
    is_unavailable,
    seconds,
    watch,
)
from .history import SQLAlchemyHistory, create_table, history_table
from .reflection import reflect_models
from .repository import SQLAlchemyRepository

log = logging.getLogger(__name__)
SECTION = "rum.repositoryfactory"
OPTIONS = frozenset({"models", "sqlalchemy.url", "session.transactional", "sqlalchemy.echo",
                     "engine", "reflect", "tables", "session.factory", "session.external",
                     "schemas", "keys", "connect_timeout", "statement_timeout",
                     "sqlite.create"})
ENGINE_OPTIONS = ("connect_timeout", "statement_timeout", "sqlite.create")


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _installed_postgresql_driver(url):
    """`postgresql://` means psycopg (3) to SQLAlchemy 2.1; with only psycopg2 installed
    (what `pip install rum[test]` brings), use that rather than fail at start-up."""
    if url.drivername == "postgresql" and importlib.util.find_spec("psycopg") is None \
            and importlib.util.find_spec("psycopg2") is not None:
        return url.set(drivername="postgresql+psycopg2")
    return url


def _sqlite_file(url: sa.engine.URL) -> str | None:
    """The path of a SQLite database file; None for memory and `file:` URI databases."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:") \
            or url.database.startswith("file:"):
        return None
    return url.database


def make_engine(url_text, here: str, bounds: Bounds | None = None,
                create: bool = False) -> sa.Engine:
    """An engine for `url_text` with bounded connect and statement time (see `connecting`).

    A SQLite file that does not exist is a ConfigError naming it unless `create`.
    """
    key = f"{SECTION}.sqlalchemy.url"
    if not url_text:
        raise ConfigError(key, "is required, e.g. 'sqlite:///movie.db'")
    try:
        url = sa.engine.make_url(url_text)
        path = _sqlite_file(url)
        if path and not os.path.isabs(path):
            # Relative SQLite paths are relative to the config file, not the server's cwd.
            path = os.path.join(here, path)
            url = url.set(database=path)
        if path and not create and not os.path.isfile(path):
            raise ConfigError(key, f"the SQLite database file {path!r} does not exist; create "
                              "it first, or set sqlite.create = True to start an empty one")
        url = _installed_postgresql_driver(url)
        engine = sa.create_engine(url, **engine_arguments(url, bounds or Bounds()))
    except (sa_exc.ArgumentError, sa_exc.NoSuchModuleError, ImportError, ValueError) as exc:
        raise ConfigError(key, f"cannot use {url_text!r}: {exc}") from None
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    watch(engine, bounds or Bounds(), path, create)
    return engine


def _engine(options: dict, here: str) -> sa.Engine:
    if options.get("engine") is not None:
        given = [k for k in ENGINE_OPTIONS if k in options]
        if given:  # the host's engine keeps the host's settings
            raise ConfigError(f"{SECTION}.{given[0]}", "applies only to the engine Rum creates "
                              "from sqlalchemy.url; set it on the engine you pass in")
        return options["engine"]
    bounds = Bounds(
        connect=seconds(options, "connect_timeout", SECTION, DEFAULT_CONNECT_TIMEOUT),
        statement=seconds(options, "statement_timeout", SECTION, DEFAULT_STATEMENT_TIMEOUT))
    create = as_bool(options.get("sqlite.create", False), f"{SECTION}.sqlite.create")
    return make_engine(options.get("sqlalchemy.url"), here, bounds, create)


def _import_models(paths, here: str) -> list:
    if not paths or not isinstance(paths, list | tuple):
        raise ConfigError(f"{SECTION}.models",
                          "list the mapped classes, e.g. ['model:Movie', 'model:Genre'], "
                          "or set reflect = True to serve every table")
    models = []
    for i, path in enumerate(paths):
        model = import_object(path, f"{SECTION}.models[{i}]", here)
        if sa.inspect(model, raiseerr=False) is None:
            raise ConfigError(f"{SECTION}.models[{i}]", f"{path!r} is not a mapped class")
        models.append(model)
    return models


def _session_factory(options: dict, here: str, engine):
    """(factory, is_the_host's): Rum's own sessionmaker, or the host's (scoped) session."""
    path = options.get("session.factory")
    if not path:
        return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False), False
    factory = import_object(path, f"{SECTION}.session.factory", here)
    if not callable(factory):
        raise ConfigError(f"{SECTION}.session.factory", f"{path!r} is not a session factory")
    return factory, True


def lock_for_writing(session) -> None:
    """On SQLite, begin the transaction with the database's write lock held.

    pysqlite starts a transaction only at the first INSERT/UPDATE/DELETE, so two requests
    could both read a row's version, both find it current, and both write: a lost update.
    `BEGIN IMMEDIATE` serializes writers from their first read. pysqlite commits and rolls
    back an explicitly begun transaction like its own, so nothing else changes."""
    if session.get_bind().dialect.name != "sqlite":
        return
    connection = session.connection()
    dbapi_connection = connection.connection.dbapi_connection
    if not getattr(dbapi_connection, "in_transaction", True):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


class UnitOfWork:
    """One session and one transaction for one request."""

    def __init__(self, factory, session, access=None):
        self.factory = factory
        self.session = session
        self.doomed = False
        self.access = as_access(access)
        self.seen: dict = {}  # related rows already checked against their row filters

    def history(self) -> SQLAlchemyHistory | None:
        """History entries, written on this unit's session (its transaction)."""
        table = self.factory.history_table
        return SQLAlchemyHistory(self.session, table) if table is not None else None

    def repository(self, resource: str) -> SQLAlchemyRepository:
        """The repository of `resource`, bound to this unit of work's access."""
        info = self.factory.catalog.info_by_resource(resource)
        if info is None:
            raise NotFound(N_("no resource named %(name)s"), name=repr(resource))
        return SQLAlchemyRepository(self.session, info, self.factory.catalog,
                                    self.factory.transactional, engine=self.factory.engine,
                                    access=self.access, seen=self.seen)

    def doom(self) -> None:
        self.doomed = True


class SQLAlchemyRepositoryFactory:
    """`use = 'sqlalchemy'`: serves the configured mapped classes from one database."""

    def __init__(self, options: dict, here: str = ""):
        unknown = set(options) - OPTIONS
        if unknown:
            raise ConfigError(f"{SECTION}.{sorted(unknown)[0]}",
                              f"unknown option; known: {sorted(OPTIONS)}")
        self.engine = _engine(options, here)
        self.engine.echo = as_bool(options.get("sqlalchemy.echo", False),
                                   f"{SECTION}.sqlalchemy.echo")
        self.transactional = as_bool(options.get("session.transactional", True),
                                     f"{SECTION}.session.transactional")
        paths = options.get("models")
        read_only, self.table_notes = set(), []
        if as_bool(options.get("reflect", "models" not in options), f"{SECTION}.reflect"):
            reflected = reflect_models(self.engine, SECTION, options.get("tables"),
                                       options.get("schemas"), options.get("keys"))
            models, read_only, self.table_notes = (reflected.models, reflected.read_only,
                                                   reflected.notes)
        else:
            for option in ("schemas", "keys"):
                if option in options:
                    raise ConfigError(f"{SECTION}.{option}", "applies to reflection only "
                                      "(no `models`, or reflect = True)")
            models = _import_models(paths, here)
        self.sessions, self.host_sessions = _session_factory(options, here, self.engine)
        self.external = as_bool(options.get("session.external", False),
                                f"{SECTION}.session.external")
        self.catalog = Catalog(models, read_only)
        self.history_table: sa.Table | None = None
        self._history_made = False
        self._history_lock = threading.Lock()

    def enable_history(self, settings) -> None:
        """Keep history in the table `settings` names, created now when missing (or at the
        first request, when the database does not answer yet); reflection does not serve
        that table as a resource."""
        table = history_table(settings.table, settings.schema, self.engine.dialect.name)
        self.history_table = table
        def ours(name: str, schema: str | None) -> bool:  # reflection may name the schema
            return name == table.name and (table.schema is None or schema == table.schema)

        kept = [e for e in self.catalog.entries
                if not ours(getattr(e.mapper.local_table, "name", ""),
                            getattr(e.mapper.local_table, "schema", None))]
        if len(kept) != len(self.catalog.entries):
            self.catalog = Catalog([e.model for e in kept],
                                   {e.model for e in kept if e.read_only})
        self.table_notes = [n for n in self.table_notes
                            if not ours(n.table.rpartition(".")[2],
                                        n.table.rpartition(".")[0] or None)]
        try:
            self._make_history_table()
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            log.warning("history table not checked (the database does not answer): %s; "
                        "the first write tries again", exc)

    def _make_history_table(self) -> None:
        with self._history_lock:
            if self.history_table is not None and not self._history_made:
                create_table(self.engine, self.history_table)
                self._history_made = True

    def models(self) -> list[ModelInfo]:
        return [ModelInfo(e.model, e.name, e.fields, read_only=e.read_only,
                          label_fields=(e.label_attr,) if e.label_attr else ())
                for e in self.catalog.entries]

    def notes(self) -> list[TableNote]:
        """Reflected tables served read-only, as many-to-many relations, or not at all."""
        return list(self.table_notes)

    def bind(self, names) -> None:
        self.catalog.bind(names)

    @contextmanager
    def unit_of_work(self, environ, access=None, write: bool = False):
        """One transaction per request, its repositories bound to `access` (None:
        unrestricted). With `session.external`, the host's transaction manager commits;
        Rum only flushes, and rolls back to its savepoint on errors.

        `write=True` (POST, PUT, PATCH, DELETE) makes a request's read-check-write atomic:
        on SQLite its transaction starts with `BEGIN IMMEDIATE` (the write lock is taken
        before the version is read); PostgreSQL and MariaDB lock the edited row with
        SELECT ... FOR UPDATE instead. A database that is down, unreachable or too slow
        raises `Unavailable` (503).
        """
        try:
            with self._transaction(access, write) as uow:
                yield uow
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            log.warning("database unavailable: %s", exc)
            raise Unavailable() from exc

    @contextmanager
    def _transaction(self, access, write: bool):
        if write and self.history_table is not None and not self._history_made:
            self._make_history_table()  # before the session: DDL commits on MariaDB
        session = self.sessions()
        uow = UnitOfWork(self, session, access)
        if write:
            lock_for_writing(session)
        if self.external:
            nested = session.begin_nested()
            try:
                yield uow
                if uow.doomed:
                    nested.rollback()
                else:
                    nested.commit()
            except BaseException:
                if nested.is_active:
                    nested.rollback()
                raise
            return
        try:
            yield uow
            if uow.doomed:
                session.rollback()
            else:
                session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            if not self.host_sessions:
                session.close()
