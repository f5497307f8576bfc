"""Fixtures for the host frameworks: Rum behind a spy, tw2's global state reset per test."""

import pytest
from tw2.core import core as tw2_core

from rum import RumApp
from tests.conftest import demo_config
from tests.embedding.helpers import EnvironSpy
from tests.fixtures.tw2_spy import spy_on_renders


@pytest.fixture
def mounted(demo_db) -> EnvironSpy:
    """Rum as a host mounts it (full_stack=False), wrapped in a spy of what reaches it."""
    return EnvironSpy(RumApp(demo_config(demo_db), full_stack=False))


@pytest.fixture
def tw2_renders(monkeypatch):
    """(engine, template) of every tw2 template render, over a fresh engine cache."""
    yield spy_on_renders(monkeypatch)
    tw2_core.request_local().clear()
