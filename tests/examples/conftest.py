"""The back office example (examples/back_office): a fresh seeded database per test."""

import shutil

import pytest

from examples.back_office import seed
from examples.back_office.app import CFG, build, from_cfg
from tests.conftest import wrap


@pytest.fixture
def db_path(tmp_path) -> str:
    path = tmp_path / "back_office.db"
    seed.create(str(path))
    return str(path)


@pytest.fixture
def client(db_path):
    """The back office as app.py builds it, under the PEP 3333 validator."""
    return wrap(build(f"sqlite:///{db_path}"))


@pytest.fixture
def cfg_client(tmp_path, db_path):
    """The back office as back_office.cfg builds it (the .cfg beside its database)."""
    shutil.copy(CFG, tmp_path / "back_office.cfg")
    return wrap(from_cfg(str(tmp_path / "back_office.cfg")))
