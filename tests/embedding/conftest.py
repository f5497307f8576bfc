"""Fixtures for the host frameworks: Rum behind a spy, tw2's global state reset per test."""

import pytest
from tw2.core import core as tw2_core
from tw2.core import templating

from rum import RumApp
from tests.conftest import demo_config
from tests.embedding.helpers import EnvironSpy


@pytest.fixture
def mounted(demo_db) -> EnvironSpy:
    """Rum as a host mounts it (full_stack=False), wrapped in a spy of what reaches it."""
    return EnvironSpy(RumApp(demo_config(demo_db), full_stack=False))


@pytest.fixture
def tw2_renders(monkeypatch):
    """(engine, template) of every tw2 template render, over a fresh engine cache."""
    monkeypatch.setattr(templating, "engine_name_cache", {})
    seen = []
    real = templating.get_render_callable

    def spy(engine_name, displays_on, src, filename=None, inline=False):
        seen.append((engine_name, filename))
        return real(engine_name, displays_on, src, filename, inline)

    spy._flush = real._flush
    monkeypatch.setattr(templating, "get_render_callable", spy)
    yield seen
    tw2_core.request_local().clear()
