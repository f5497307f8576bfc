"""The grid: a tw2 widget over one cached frame, sortable headers, escaped cells, a pager."""

import dataclasses
import re

import pytest
import tw2.core as twc
from tw2.core import templating

from rum.builtin_actions import builtin_table
from rum.contracts import Record, Ref
from rum.fields import Field
from rum.links import ListLinks
from rum.query import Page, Query, Sort
from rum.resources import Resource
from rum.urls import Urls
from rum_toscawidgets import ToscaWidgetsViewFactory
from rum_toscawidgets.grid import Grid, page_numbers

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
    assert grid.template_file.endswith("rum_toscawidgets/templates/grid.html")


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
