"""The grid: one template loop with sortable headers, escaped cells, links and a pager."""

from genshi.template import TemplateLoader

from rum.contracts import Record, Ref
from rum.fields import Field
from rum.links import ListLinks
from rum.query import Page, Query, Sort
from rum.resources import Resource
from rum.urls import Urls
from rum_toscawidgets.grid import TEMPLATES, Grid, page_numbers

FIELDS = (Field("id", "integer", primary_key=True, read_only=True), Field("title", "string"),
          Field("genre", "to_one", related="genres", sortable=False))
RESOURCE = Resource(name="movies", model=object, label="Movie", plural_label="Movies",
                    fields=FIELDS, list_fields=FIELDS, form_fields=FIELDS[1:])


def render(records, page, script_name=""):
    links = ListLinks(Urls(script_name), "movies", page.query, 20)
    return Grid(RESOURCE, TemplateLoader([TEMPLATES])).render(records, page, links)


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
    assert 'href="/admin/movies?sort=genre"' not in html  # relation columns are not sortable


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
