"""Rum at /admin of any WSGI host through paste.urlmap (examples/urlmap/site.py); full_stack."""

import logging
from wsgiref.validate import validator

import pytest
import sqlalchemy as sa
import webtest

from examples.urlmap.site import make_app
from model import Movie
from rum import RumApp
from rum.actions import ActionTable
from rum.builtin_actions import builtin_table
from tests.conftest import demo_config
from tests.embedding.helpers import EnvironSpy, crud_round_trip, find_form


def _broken(*args, **kwargs):
    raise RuntimeError("a bug inside Rum")


@pytest.fixture
def site(demo_db):
    rum = EnvironSpy(RumApp(demo_config(demo_db), full_stack=True))
    return webtest.TestApp(validator(make_app(validator(rum)))), rum


def test_crud_at_admin_beside_the_host(site):
    client, rum = site
    crud_round_trip(client, "/admin", "Through URLMap")
    assert {s["SCRIPT_NAME"] for s in rum.seen} == {"/admin"}
    assert "Host home" in client.get("/").text
    assert "Host home" in client.get("/elsewhere").text


def test_bare_prefix_is_rums_home(site):
    client, rum = site
    page = client.get("/admin")
    assert rum.seen[-1]["PATH_INFO"] == "" and 'href="/admin/movies"' in page.text


def test_full_stack_true_answers_unexpected_errors_itself(site, monkeypatch, caplog):
    client, rum = site
    monkeypatch.setattr(rum.app.views, "grid", _broken)
    with caplog.at_level(logging.ERROR, logger="rum.app"):
        page = client.get("/admin/movies", status=500)
    assert "An unexpected error happened" in page.text
    assert 'href="/admin/_static/rum/rum.css"' in page.text
    assert any("a bug inside Rum" in r.exc_text for r in caplog.records if r.exc_text)


def test_full_stack_false_lets_unexpected_errors_reach_the_host(demo_db, monkeypatch):
    rum = RumApp(demo_config(demo_db), full_stack=False)
    client = webtest.TestApp(make_app(rum))
    monkeypatch.setattr(rum.views, "grid", _broken)
    with pytest.raises(RuntimeError, match="a bug inside Rum"):
        client.get("/admin/movies")
    client.get("/admin/movies/999999", status=404)  # domain errors stay Rum's answers


def test_full_stack_false_still_rolls_the_write_back(demo_db, monkeypatch):
    real = builtin_table().get("create")

    def create_then_fail(call):
        assert real.handler(call).status == 201  # the row was written in this transaction
        raise RuntimeError("failed after the write")

    table = ActionTable(a.but(handler=create_then_fail) if a is real else a
                        for a in builtin_table())
    rum = RumApp(demo_config(demo_db), actions=table, full_stack=False)
    client = webtest.TestApp(make_app(rum))
    form = find_form(client.get("/admin/movies/new"), "/admin/movies")
    form["title"] = "Never Kept"
    form["year"] = "2011"
    form["genre"] = "1"
    with pytest.raises(RuntimeError, match="failed after the write"):
        form.submit()
    engine = sa.create_engine(demo_db)
    with engine.connect() as conn:
        kept = conn.execute(sa.select(Movie.id).where(Movie.title == "Never Kept")).all()
    engine.dispose()
    assert kept == []


@pytest.mark.parametrize("in_config, argument, expected", [
    (None, None, True), (False, None, False), ("false", None, False), ("True", None, True),
    (False, True, True), (True, False, False)])
def test_full_stack_comes_from_the_config_unless_given(demo_db, in_config, argument, expected):
    extra = {} if in_config is None else {"full_stack": in_config}
    assert RumApp(demo_config(demo_db, **extra), full_stack=argument).full_stack is expected
