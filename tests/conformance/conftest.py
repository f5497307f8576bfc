"""The conformance schema with the same rows in each backend, as two fixtures:
`backend`, fresh for every test (for tests that write), and `reader`, one per module
(for tests that only read: no schema to rebuild per test on a database server).

The in-memory factory and rum_sqlalchemy on SQLite always; rum_sqlalchemy on PostgreSQL
and MariaDB when RUM_TEST_POSTGRESQL_URL / RUM_TEST_MARIADB_URL name a server (else
those cases skip, naming the variable).
"""

from contextlib import contextmanager

import pytest

from rum.testing import MemoryRepositoryFactory
from rum_sqlalchemy.factory import SQLAlchemyRepositoryFactory
from tests.conftest import ROOT, server_url

from . import schema
from .contract import Backend

BACKENDS = ["memory", "sqlalchemy-sqlite", "sqlalchemy-postgresql", "sqlalchemy-mariadb"]


@contextmanager
def opened(name: str, directory):
    """The backend `name` with the schema's rows, its database dropped afterwards."""
    if name == "memory":
        yield Backend(name, MemoryRepositoryFactory({"models": schema.MEMORY_MODELS}))
        return
    kind = name.removeprefix("sqlalchemy-")
    url = f"sqlite:///{directory / 'conformance.db'}" if kind == "sqlite" else server_url(kind)
    schema.fill(url)
    made = Backend(name, SQLAlchemyRepositoryFactory(
        {"models": list(schema.SQLALCHEMY_MODELS), "sqlalchemy.url": url}, here=ROOT), url)
    try:
        yield made
    finally:
        made.close()
        if kind != "sqlite":
            schema.drop(url)


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path):
    with opened(request.param, tmp_path) as made:
        yield made


@pytest.fixture(scope="module", params=BACKENDS)
def reader(request, tmp_path_factory):
    with opened(request.param, tmp_path_factory.mktemp("reader")) as made:
        yield made
