"""The repository factory: models (or a database URL), an engine, a unit of work per request."""

import logging
import os
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import sessionmaker

from rum.config import as_bool
from rum.contracts import ModelInfo
from rum.errors import ConfigError, NotFound, Unavailable
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
from .reflection import reflect_models
from .repository import SQLAlchemyRepository

log = logging.getLogger(__name__)
SECTION = "rum.repositoryfactory"
OPTIONS = frozenset({"models", "sqlalchemy.url", "session.transactional", "sqlalchemy.echo",
                     "engine", "reflect", "tables", "session.factory", "session.external",
                     "connect_timeout", "statement_timeout", "sqlite.create"})
ENGINE_OPTIONS = ("connect_timeout", "statement_timeout", "sqlite.create")


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


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


class UnitOfWork:
    """One session and one transaction for one request."""

    def __init__(self, factory, session):
        self.factory = factory
        self.session = session
        self.doomed = False

    def repository(self, resource: str) -> SQLAlchemyRepository:
        info = self.factory.catalog.info_by_resource(resource)
        if info is None:
            raise NotFound(f"no resource named {resource!r}")
        return SQLAlchemyRepository(self.session, info, self.factory.catalog,
                                    self.factory.transactional, engine=self.factory.engine)

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
        if as_bool(options.get("reflect", "models" not in options), f"{SECTION}.reflect"):
            models = reflect_models(self.engine, SECTION, options.get("tables"))
        else:
            models = _import_models(paths, here)
        self.sessions, self.host_sessions = _session_factory(options, here, self.engine)
        self.external = as_bool(options.get("session.external", False),
                                f"{SECTION}.session.external")
        self.catalog = Catalog(models)

    def models(self) -> list[ModelInfo]:
        return [ModelInfo(e.model, e.name, e.fields) for e in self.catalog.entries]

    def bind(self, names) -> None:
        self.catalog.bind(names)

    @contextmanager
    def unit_of_work(self, environ):
        """One transaction per request. With `session.external`, the host's transaction
        manager commits; Rum only flushes, and rolls back to its savepoint on errors.

        A database that is down, unreachable or too slow raises `Unavailable` (503).
        """
        try:
            with self._transaction() as uow:
                yield uow
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            log.warning("database unavailable: %s", exc)
            raise Unavailable() from exc

    @contextmanager
    def _transaction(self):
        session = self.sessions()
        uow = UnitOfWork(self, session)
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
