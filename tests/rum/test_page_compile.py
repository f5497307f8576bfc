"""Pages rendered from their static markup compiled (rum.page_static) are the pages Genshi
renders the ordinary way; layouts that see more of the page (rum.page_matches), and user
templates, keep working."""

import re

import pytest
from genshi.template import MarkupTemplate

from rum import RumApp
from rum.page_matches import compilable
from tests.conftest import demo_config, wrap

PAGES = ["/", "/movies", "/movies?q=a&sort=-year", "/movies/1", "/movies/1/edit", "/movies/new",
         "/genres/1/movies", "/movies/1/confirm_delete", "/no-such-page"]
LAYOUT_NS = ('xmlns="http://www.w3.org/1999/xhtml" xmlns:py="http://genshi.edgewall.org/" '
             'py:strip=""')


def normalized(html: str) -> str:
    html = re.sub(r'name="_csrf" value="[^"]*"', 'name="_csrf" value=""', html)
    return re.sub(r">\s+<", "><", html).strip()


@pytest.mark.parametrize("language", ["en", "es"])
def test_pages_are_what_genshi_renders_the_ordinary_way(rum_app, client, language):
    headers = {"Accept-Language": language}
    fast = {p: client.get(p, headers=headers, expect_errors=True) for p in PAGES}
    assert rum_app.renderer._compilable.get("index.html") is True  # compiled pages were served
    rum_app.renderer.auto_reload = True  # every page the ordinary way (as in debug)
    for page in PAGES:
        ordinary = client.get(page, headers=headers, expect_errors=True)
        assert fast[page].status == ordinary.status
        assert normalized(fast[page].text) == normalized(ordinary.text), page
    if language == "es":
        assert 'aria-label="Recursos"' in fast["/movies"].text  # the compiled text translated


def test_a_layout_that_only_wraps_lets_pages_compile(demo_db, tmp_path):
    (tmp_path / "layout.html").write_text(
        f'<html {LAYOUT_NS}><py:match path="head" once="true"><head><title>'
        "${select('title/text()')} (mine)</title></head></py:match>"
        '<py:match path="body" once="true"><body><div id="mine">${select(\'*|text()\')}'
        "</div></body></py:match></html>")
    app = RumApp(demo_config(demo_db, rum={"templates": [str(tmp_path)]}))
    page = wrap(app).get("/movies").text
    assert app.renderer._compilable["index.html"] is True
    assert "<title>Movies (mine)</title>" in page
    assert re.search(r'<div id="mine">\s*<div class="title-bar">', page)


def test_a_layout_matching_more_renders_the_ordinary_way(demo_db, tmp_path):
    (tmp_path / "layout.html").write_text(
        f'<html {LAYOUT_NS}><py:match path="h1" once="true"><h1 class="mine">'
        "${select('text()')}</h1></py:match>"
        '<py:match path="body" once="true"><body>${select(\'*|text()\')}</body></py:match></html>')
    app = RumApp(demo_config(demo_db, rum={"templates": [str(tmp_path)]}))
    page = wrap(app).get("/movies").text
    assert app.renderer._compilable["index.html"] is False
    assert '<h1 class="mine">Movies</h1>' in page


def test_which_match_templates_let_a_page_compile():
    def layout(body_select: str, path: str = "body") -> MarkupTemplate:
        return MarkupTemplate(f'<html {LAYOUT_NS}><py:match path="{path}" once="true"><body>'
                              f"${{select('{body_select}')}}</body></py:match></html>")
    assert compilable(layout("*|text()"))
    assert not compilable(layout("*"))  # takes part of the body: needs its events
    assert not compilable(layout("*|text()", path="main"))
    assert compilable(MarkupTemplate(f"<html {LAYOUT_NS}><p>no match at all</p></html>"))


def test_navigation_is_rendered_once_per_language_and_kept(rum_app, client):
    client.get("/movies")
    client.get("/genres")
    client.get("/movies", headers={"Accept-Language": "es"})
    kept = rum_app.navigation._kept
    assert {(lang, current) for (_root, lang, _names, current, _recent) in kept} == \
        {("en", "movies"), ("en", "genres"), ("es", "movies")}
    before = dict(kept)
    client.get("/movies")
    assert kept == before  # the same key: nothing rendered again
