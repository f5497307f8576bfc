"""The grid: a tw2 widget built as strings, sortable headers, escaped cells, a pager."""

import dataclasses
import itertools
import os
import re

import pytest
import tw2.core as twc
from genshi.core import escape
from genshi.template import TemplateLoader
from tw2.core import templating

from rum.builtin_actions import builtin_table
from rum.contracts import Record, Ref
from rum.fields import Field
from rum.i18n import Catalogs
from rum.links import ListLinks
from rum.query import Page, Query, Sort
from rum.resources import Resource
from rum.urls import Urls
from rum_toscawidgets import ToscaWidgetsViewFactory
from rum_toscawidgets import grid as grid_module
from rum_toscawidgets.grid import Grid, page_numbers
from rum_toscawidgets.templated import WidgetTemplates, rendered

FIELDS = (Field("id", "integer", primary_key=True, read_only=True), Field("title", "string"),
          Field("genre", "to_one", related="genres", sortable=False))
RESOURCE = Resource(name="movies", model=object, label="Movie", plural_label="Movies",
                    fields=FIELDS, list_fields=FIELDS, form_fields=FIELDS[1:])


def render(records, page, script_name="", resource=RESOURCE, debug=False):
    views = ToscaWidgetsViewFactory({}, registry=[resource], debug=debug)
    links = ListLinks(Urls(script_name, builtin_table()), "movies", page.query, 20)
    with views.scope():
        return views.grid(resource).render(records, page, links)


def test_cells_are_escaped_and_linked():
    records = [Record("5", "x", {"id": 5, "title": "<script>x</script>",
                                 "genre": Ref("genres", "2", "Noir & Co")})]
    html = render(records, Page(records, Query(), count=1))
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert '<a href="/genres/2">Noir &amp; Co</a>' in html
    assert 'href="/movies/5/edit"' in html and 'href="/movies/5/confirm_delete"' in html
    assert "1 row" in html


def test_headers_sort_and_show_direction():
    page = Page([], Query(sort=(Sort("title"),)), count=0)
    html = render([], page, "/admin")
    assert 'href="/admin/movies?sort=-title" class="asc"' in html
    assert 'aria-sort="ascending"' in html
    assert "Nothing found." in html
    assert 'href="/admin/movies?sort=genre"' not in html  # this to-one is not sortable


def test_a_sortable_to_one_header_is_a_sort_link_and_a_to_many_never_is():
    fields = FIELDS[:2] + (Field("genre", "to_one", related="genres"),
                           Field("actors", "to_many", related="actors"))
    resource = dataclasses.replace(RESOURCE, fields=fields, list_fields=fields)
    html = render([], Page([], Query(sort=(Sort("genre", True),)), count=0), "/admin",
                  resource=resource)
    assert 'href="/admin/movies?sort=genre" class="desc"' in html
    assert "sort=actors" not in html and "Actors" in html


def test_pager_links_keep_the_query():
    page = Page([], Query(search="harbor", page=3, limit=20), count=200, has_next=True,
                has_prev=True)
    html = render([], page)
    assert 'href="/movies?q=harbor&amp;page=4" rel="next"' in html
    assert 'href="/movies?q=harbor&amp;page=2" rel="prev"' in html
    assert 'aria-current="page">3<' in html
    assert 'href="/movies?q=harbor&amp;page=10"' in html


def test_page_numbers_window():
    assert page_numbers(1, 1) == [1]
    assert page_numbers(5, 10) == [1, None, 3, 4, 5, 6, 7, None, 10]
    assert page_numbers(2, 4) == [1, 2, 3, 4]


def test_keyset_links_carry_cursors():
    page = Page([], Query(page=3, cursor="abc"), count=10_000, count_exact=False,
                has_next=True, has_prev=True, next_cursor="NEXT", prev_cursor="PREV")
    html = render([], page)
    assert 'href="/movies?after=NEXT&amp;page=4" rel="next"' in html
    assert 'href="/movies?before=PREV&amp;page=2" rel="prev"' in html
    assert "10,000+ rows" in html
    assert 'aria-current="page"' not in html  # no page numbers without an exact count


def test_estimated_count_says_about():
    page = Page([], Query(), count=2_000_000, count_exact=False, count_estimated=True)
    assert "about 2,000,000 rows" in render([], page)


def test_the_grid_is_a_tw2_widget_per_resource():
    views = ToscaWidgetsViewFactory({}, registry=[RESOURCE])
    grid = views.grid(RESOURCE)
    assert issubclass(grid, Grid) and issubclass(grid, twc.Widget)
    assert grid.resource is RESOURCE
    assert grid.template_file is None  # built as strings, no template


def test_rendering_leaves_tw2s_process_wide_engine_cache_alone(monkeypatch):
    monkeypatch.setattr(templating, "engine_name_cache", {})
    render([], Page([], Query(), count=0))
    assert templating.engine_name_cache == {}


def test_two_apps_in_one_process_keep_their_own_grids():
    """Each view factory has its own grid classes: one app's formatter is not another's."""
    loud = dataclasses.replace(RESOURCE, formatters={"title": lambda v, r: v.upper()})
    records = [Record("5", "x", {"id": 5, "title": "heat", "genre": None})]
    page = Page(records, Query(), count=1)
    quiet_views = ToscaWidgetsViewFactory({}, registry=[RESOURCE])
    loud_views = ToscaWidgetsViewFactory({}, registry=[loud], debug=True)
    links = ListLinks(Urls("", builtin_table()), "movies", page.query, 20)
    for _ in range(2):  # alternately, as two apps serving requests would
        with quiet_views.scope():
            assert "<td>heat</td>" in quiet_views.grid(RESOURCE).render(records, page, links)
        with loud_views.scope():
            assert "<td>HEAT</td>" in loud_views.grid(loud).render(records, page, links)


def test_debug_mode_renders_the_same():
    records = [Record("5", "x", {"id": 5, "title": "a & b", "genre": None})]
    page = Page(records, Query(), count=1)
    assert render(records, page, debug=True) == render(records, page)


def tab_stops(row: str) -> list[str]:
    """The hrefs (or "checkbox") a Tab key stops at in one row's markup."""
    return [m.group(2) or "checkbox" for m in re.finditer(
        r'<(a|input)(?![^>]*tabindex="-1")[^>]*?(?:href="([^"]*)"|type="checkbox")', row)]


@pytest.mark.parametrize("key_shown, stops", [
    (True, ["checkbox", "/movies/5", "/genres/2"]),  # the key opens the row; Show, Edit, Delete untabbed
    (False, ["checkbox", "/genres/2", "/movies/5"]),  # no key column: Show is the row's one stop
])
def test_a_row_s_actions_cost_one_tab_stop(key_shown, stops):
    records = [Record("5", "x", {"id": 5, "title": "Heat", "genre": Ref("genres", "2", "Noir")})]
    fields = FIELDS if key_shown else FIELDS[1:]
    views = ToscaWidgetsViewFactory({}, registry=[RESOURCE])
    page = Page(records, Query(), count=1)
    links = ListLinks(Urls("", builtin_table()), "movies", page.query, 20)
    with views.scope():
        html = views.grid(RESOURCE).render(records, page, links, fields=fields)
    row = html[html.index("<tbody>"):html.index("</tbody>")]
    assert tab_stops(row) == stops
    for action in ('href="/movies/5/edit"', 'href="/movies/5/confirm_delete"', ">Show</a>"):
        assert action in row  # still there for the mouse and a screen reader's links list


def test_the_pager_has_the_id_the_skip_link_targets():
    assert '<nav id="pages" class="pager"' in render([], Page([], Query(), count=0))


# --- the same markup as the Genshi frame it replaced -----------------------------------------

class GenshiGrid(Grid):
    """The grid through the Genshi template that was its frame (kept beside this test)."""

    template = "genshi:tests.rum_toscawidgets.genshi_grid"


class GenshiPipeline:
    """A widget loader rendering through Genshi's own pipeline and HTML serializer."""

    def __init__(self):
        self.loader = TemplateLoader([])

    def render(self, path: str, data: dict) -> str:
        return rendered(self.loader.load(path), data)


def test_a_subclass_naming_a_template_renders_through_it():
    assert GenshiGrid.template_file == os.path.join(os.path.dirname(__file__), "genshi_grid.html")
    page = Page(ROWS, Query(), count=2)
    links = ListLinks(Urls("", builtin_table()), "movies", page.query, 20)
    views = ToscaWidgetsViewFactory({}, registry=[RESOURCE])
    written = GenshiGrid(resource=RESOURCE, loader=WidgetTemplates(TemplateLoader([])))
    with views.scope():
        assert written.render(ROWS, page, links) == views.grid(RESOURCE).render(ROWS, page, links)


def test_the_catalogs_find_every_message_of_the_frame():
    """`make i18n` extracts the frame's messages from grid.py (none hidden in an f-string)."""
    extract = pytest.importorskip("babel.messages.extract")
    template = os.path.join(os.path.dirname(__file__), "genshi_grid.html")
    with open(template, "rb") as fp:
        wanted = {m[1] for m in extract.extract("genshi", fp, keywords={
            "_": None, "ngettext": (1, 2)}, options={"include_attrs": "aria-label"})}
    found = {m[1] for m in extract.extract_from_file("python", grid_module.__file__)}
    assert wanted and not wanted - found, wanted - found


ODD = Field("odd", "string", label='Odd <"&"> label')  # escaped as text, sortable
MANY = Field("actors", "to_many", related="actors")
SORTABLE_ONE = Field("genre", "to_one", related="genres")
COLUMNS = {"default": FIELDS, "odd": FIELDS + (ODD, MANY), "sortable to_one": (
    FIELDS[0], SORTABLE_ONE, MANY), "no key": FIELDS[1:]}
ROWS = [Record("5", 'Heat <"5">', {"id": 5, "title": 'Heat & "co"', "genre": Ref("genres", "2", "Noir"),
                                   "odd": "<b>", "actors": [Ref("actors", "7", "Al")]}),
        Record("a/b c", "x", {"id": "a/b c", "title": None, "genre": None, "odd": "",
                              "actors": []})]
PAGES = {  # name: (query, Page fields besides rows and query)
    "first of many": (Query(), dict(count=200, has_next=True)),
    "middle, gaps both sides": (Query(page=6, sort=(Sort("title"),)), dict(
        count=400, has_next=True, has_prev=True)),
    "near the start": (Query(page=3, search='a&"b<', sort=(Sort("genre", True),)), dict(
        count=200, has_next=True, has_prev=True)),
    "last": (Query(page=10, sort=(Sort("id", True),)), dict(count=200, has_prev=True)),
    "one page, one row": (Query(), dict(count=1)),
    "nothing": (Query(search="zzz"), dict(count=0)),
    "count unknown": (Query(page=2), dict(count=None, has_next=True, has_prev=True)),
    "at least": (Query(page=3, cursor="abc"), dict(
        count=10_000, count_exact=False, has_next=True, has_prev=True, next_cursor="N&X",
        prev_cursor='P"V')),
    "about": (Query(sort=(Sort("odd"),)), dict(
        count=2_000_000, count_exact=False, count_estimated=True, has_next=True)),
    "about one": (Query(), dict(count=1, count_exact=False, count_estimated=True)),
    "previous to page one": (Query(page=2, limit=50), dict(count=1234, has_prev=True,
                                                           has_next=True)),
}
LINKS = {  # name: ListLinks keywords
    "editable": {}, "read only": dict(allowed=frozenset()),
    "selectable without delete": dict(allowed=frozenset({"update"}), selectable=True),
    "capped": dict(max_page=4), "not selectable": dict(selectable=False),
}


class Marked:
    """A language whose every message carries characters to escape, in text and attributes."""

    def gettext(self, message):
        return f'<&"{message}">'

    def ngettext(self, singular, plural, n):
        return self.gettext(singular if n == 1 else plural)


LANGUAGES = (None, "en", "es", "de", "marked")


def both(columns, page_name, links_name, language, script_name="/ad min"):
    """(the Genshi template's markup, the grid's) for one case."""
    fields = COLUMNS[columns]
    resource = dataclasses.replace(RESOURCE, fields=fields, list_fields=fields)
    query, counts = PAGES[page_name]
    rows = [] if counts["count"] == 0 else ROWS[:counts["count"] or 2]
    page = Page(rows, query, **counts)
    links = ListLinks(Urls(script_name, builtin_table()), "movies", query, 20,
                      current=page, **LINKS[links_name])
    translations = (None if language is None else Marked() if language == "marked"
                    else Catalogs()[language])
    views = ToscaWidgetsViewFactory({}, registry=[resource])
    old = GenshiGrid(resource=resource, loader=GenshiPipeline())
    with views.scope():
        return (old.render(rows, page, links, translations),
                views.grid(resource).render(rows, page, links, translations))


@pytest.mark.parametrize("page_name", PAGES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_markup_is_the_genshi_frames_for_every_page(page_name, language):
    for columns, links_name in itertools.product(COLUMNS, LINKS):
        genshi, built = both(columns, page_name, links_name, language)
        assert built == genshi, (columns, links_name)


def test_the_comparison_sees_what_matters():
    """The cases above do reach each branch of the frame."""
    seen = "".join(both(c, p, "editable", "es")[1] for c in COLUMNS for p in PAGES)
    for piece in ('aria-sort="descending"', 'class="asc"', "<span>…</span>", 'rel="prev"',
                  'rel="next"', 'aria-current="page"', 'class="empty"', "+ filas", "aprox. ", ">1 fila<",
                  "Odd &lt;\"&amp;\"&gt; label", "&amp;page=", 'data-select-all="ids"'):
        assert piece in seen, piece
    assert 'data-select-all' not in both("default", "last", "not selectable", None)[1]
    marked = both("odd", "at least", "editable", "marked")[1]
    assert 'aria-label="&lt;&amp;&#34;Pages&#34;&gt;"' in marked
    assert '<span class="count">&lt;&amp;"10,000+ rows"&gt;</span>' in marked


@pytest.mark.parametrize("script_name", ["", '/a&"b<'])
def test_row_links_are_the_links_escaped(script_name):
    """The rows' links, worked out once a page, are each row's own link, escaped."""
    resource = dataclasses.replace(RESOURCE, fields=COLUMNS["odd"], list_fields=COLUMNS["odd"])
    query = Query(search='a&"b', page=2)
    page = Page(ROWS, query, count=30, has_prev=True)
    links = ListLinks(Urls(script_name, builtin_table()), "movies", query, 20)
    views = ToscaWidgetsViewFactory({}, registry=[resource])
    with views.scope():
        html = views.grid(resource).render(ROWS, page, links)
    for r in ROWS:
        for url in (links.show(r.id), links.edit(r.id), links.confirm_delete(r.id)):
            assert f'href="{escape(url)}"' in html
    for ref in (Ref("genres", "2", ""), Ref("actors", "7", "")):
        assert f'href="{escape(links.urls.show(ref.resource, ref.id))}"' in html
