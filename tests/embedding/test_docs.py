"""docs/deploying.md and docs/embedding.md show the recipes the tests run, verbatim;
docs/extending.md quotes the back office example or runs its code here."""

import glob
import inspect
import os
import re
import shlex
import textwrap

import pytest

from tests.conftest import ROOT, csrf_headers, wrap

DOCS = os.path.join(ROOT, "docs")
DEPLOY = os.path.join(ROOT, "examples", "deploy")
BACK_OFFICE = os.path.join(ROOT, "examples", "back_office")
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def _doc(name: str) -> str:
    with open(os.path.join(DOCS, name), encoding="utf-8") as fh:
        return fh.read()


@pytest.mark.parametrize("name", ["admin.cfg", "rum.ini", "paste-http.ini", "waitress.ini",
                                  "admin.wsgi.in", "httpd.conf.in", "mongrel2.conf.in",
                                  "mongrel2.ini.in"])
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
    for obj in (tg_host.AdminController, tg_host.ErrorController, tg_host.make_app,
                pyramid_host.admin_view, pyramid_host.make_app, site.make_app):
        assert inspect.getsource(obj).rstrip("\n") in doc, f"{obj.__qualname__} differs"
    # the root controller is shown up to its own pages, which the doc leaves out
    shown = doc.split("class RootController(TGController):\n", 1)[1].split("\n    # ...", 1)[0]
    assert "error = ErrorController()" in shown
    assert inspect.getsource(tg_host.RootController).startswith(
        "class RootController(TGController):\n" + shown), "RootController differs"


# -- docs/extending.md --------------------------------------------------------------------------
def _blocks(name: str, language: str) -> list[str]:
    return [body for lang, body in FENCE.findall(_doc(name)) if lang == language]


def _back_office_sources(ext: str) -> list[str]:
    sources = []
    for path in sorted(glob.glob(os.path.join(BACK_OFFICE, f"*.{ext}"))):
        with open(path, encoding="utf-8") as fh:
            sources.append(fh.read())
    return sources


def _quoted(block: str, sources: list[str]) -> bool:
    """Whether `block` is a run of whole lines of one source, as it is or as the body of a
    class (a method or attribute, shown without its indentation)."""
    return any(("\n" + textwrap.indent(block, indent)) in ("\n" + source)
               for source in sources for indent in ("", "    "))


def _standalone(block: str) -> bool:
    """A block that imports what it uses is run; any other quotes the back office."""
    return block.startswith(("from ", "import "))


@pytest.fixture
def back_office_url(tmp_path) -> str:
    from examples.back_office import seed

    seed.create(str(tmp_path / "back_office.db"))
    return f"sqlite:///{tmp_path / 'back_office.db'}"


def test_extending_quotes_the_back_office_config_verbatim():
    blocks = _blocks("extending.md", "ini")
    assert blocks, "extending.md shows the .cfg"
    for block in blocks:
        assert _quoted(block, _back_office_sources("cfg")), f"differs from back_office.cfg:\n{block}"


def test_extending_quotes_the_back_office_code_verbatim():
    sources = _back_office_sources("py")
    quotes = [b for b in _blocks("extending.md", "python") if not _standalone(b)]
    assert len(quotes) >= 10, "the worked examples are the back office's code"
    for block in quotes:
        assert _quoted(block, sources), f"differs from examples/back_office:\n{block}"


def test_extending_runs_every_python_block_it_does_not_quote(back_office_url):
    from examples.back_office.app import settings

    blocks = [b for b in _blocks("extending.md", "python") if _standalone(b)]
    assert blocks, "the action table's app-wide example is run here"
    spaces = []
    for block in blocks:  # each on its own, with the `config` the doc speaks of
        space = {"config": settings(back_office_url)}
        exec(compile(block, "docs/extending.md", "exec"), space)
        if "app" in space:
            assert wrap(space["app"]).get("/").status_int == 200
        spaces.append(space)
    no_deleting = next(s for s in spaces if "no_deleting" in s)
    client = wrap(no_deleting["app"])
    client.delete("/invoices/4.json", headers=csrf_headers(client), status=405)
    client.get("/invoices/delete_many", {"ids": "4"}, status=404)
    assert "/invoices/4/confirm_delete" not in client.get("/invoices/4").text
    assert "Delete selected" not in client.get("/invoices").text
    paths = client.get("/openapi.json").json["paths"]
    assert "delete" not in paths["/invoices/{id}.json"] and "patch" in paths["/invoices/{id}.json"]


def test_extending_s_requests_are_answered_as_it_says(back_office_url):
    from examples.back_office.app import build

    client = wrap(build(back_office_url))
    lines = [line for block in _blocks("extending.md", "sh") for line in block.splitlines()]
    assert len(lines) == 4
    for line in lines:  # curl [-H 'Accept: ...'] URL  # HTML|JSON|every matching row
        words, said = shlex.split(line, comments=True), line.partition("# ")[2]
        headers = dict([words[2].split(": ")]) if words[1] == "-H" else {}
        answer = client.get(words[-1].removeprefix("http://127.0.0.1:8080"), headers=headers)
        expected = {"HTML": "text/html", "JSON": "application/json"}.get(said.replace(",", " ").split()[0],
                                                                         "text/csv")
        assert answer.content_type == expected, line
