"""docs/deploying.md and docs/embedding.md show the recipes the tests run, verbatim."""

import inspect
import os

import pytest

from tests.conftest import ROOT

DOCS = os.path.join(ROOT, "docs")
DEPLOY = os.path.join(ROOT, "examples", "deploy")


def _doc(name: str) -> str:
    with open(os.path.join(DOCS, name), encoding="utf-8") as fh:
        return fh.read()


@pytest.mark.parametrize("name", ["admin.cfg", "rum.ini", "paste-http.ini", "waitress.ini",
                                  "admin.wsgi.in", "httpd.conf.in"])
def test_deploying_quotes_each_example_file_whole(name):
    with open(os.path.join(DEPLOY, name), encoding="utf-8") as fh:
        assert fh.read().rstrip("\n") in _doc("deploying.md"), f"{name} differs from the doc"


def test_deploying_gives_the_gunicorn_flags_the_tests_use():
    from tests.deploy.test_gunicorn import RECIPE

    assert "gunicorn --paste rum.ini -b 127.0.0.1:8080 " + " ".join(RECIPE) in _doc(
        "deploying.md")


def test_embedding_quotes_the_examples_code():
    pytest.importorskip("tg")
    pytest.importorskip("pyramid")
    from examples.pyramid import host as pyramid_host
    from examples.turbogears import host as tg_host
    from examples.urlmap import site

    doc = _doc("embedding.md")
    for obj in (tg_host.AdminController, tg_host.make_app, pyramid_host.admin_view,
                pyramid_host.make_app, site.make_app):
        assert inspect.getsource(obj).rstrip("\n") in doc, f"{obj.__qualname__} differs"
