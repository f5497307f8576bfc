"""One fixture, `backend`: the conformance schema with the same rows in each backend.

The in-memory factory and rum_sqlalchemy on SQLite always; rum_sqlalchemy on PostgreSQL
and MariaDB when RUM_TEST_POSTGRESQL_URL / RUM_TEST_MARIADB_URL name a server (else
those cases skip, naming the variable).
"""

import pytest

from rum.testing import MemoryRepositoryFactory
from rum_sqlalchemy.factory import SQLAlchemyRepositoryFactory
from tests.conftest import ROOT, server_url

from . import schema
from .contract import Backend

BACKENDS = ["memory", "sqlalchemy-sqlite", "sqlalchemy-postgresql", "sqlalchemy-mariadb"]


def sqlalchemy_backend(name: str, url: str) -> Backend:
    schema.fill(url)
    return Backend(name, SQLAlchemyRepositoryFactory(
        {"models": list(schema.SQLALCHEMY_MODELS), "sqlalchemy.url": url}, here=ROOT), url)


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path):
    if request.param == "memory":
        yield Backend("memory", MemoryRepositoryFactory({"models": schema.MEMORY_MODELS}))
        return
    kind = request.param.removeprefix("sqlalchemy-")
    url = f"sqlite:///{tmp_path / 'conformance.db'}" if kind == "sqlite" else server_url(kind)
    made = sqlalchemy_backend(request.param, url)
    try:
        yield made
    finally:
        made.close()
        if kind != "sqlite":
            schema.drop(url)
