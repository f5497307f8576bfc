"""The filter bar the view factory renders: a row per filterable column, the query kept."""

import re

from rum.builtin_actions import builtin_table
from rum.fields import KINDS, Field
from rum.query import Filter, Query, Sort, ops_for
from rum.resources import Resource
from rum.urls import Urls
from rum_toscawidgets import ToscaWidgetsViewFactory
from rum_toscawidgets.filter_bar import OP_LABELS

FIELDS = (Field("id", "integer", primary_key=True), Field("title", "string"),
          Field("released", "date"), Field("active", "boolean"),
          Field("rating", "enum", choices=(("G", "G <all>"), ("R", "R"))),
          Field("genre", "to_one", related="genres"), Field("doc", "json"),
          Field("code", "string", filterable=False))
RESOURCE = Resource(name="movies", model=object, label="Movie", plural_label="Movies",
                    fields=FIELDS, list_fields=FIELDS, form_fields=FIELDS[1:])


class Pseudo:
    WORDS = {"Filters": "Filtros", "Title": "Título", "contains": "contiene", "any": "cualquiera",
             "Apply filters": "Aplicar", "%(field)s: operator": "%(field)s: operador"}

    def gettext(self, message):
        return self.WORDS.get(message, message)

    def ngettext(self, singular, plural, n):
        return singular if n == 1 else plural


def bar(query: Query, translations=None, list_url="/admin/movies") -> str:
    views = ToscaWidgetsViewFactory({}, registry=[RESOURCE])
    with views.scope():
        return views.filter_bar(RESOURCE, FIELDS, query, list_url, Urls("/admin", builtin_table()),
                                translations)


def rows(html: str) -> list[str]:
    return re.findall(r'<div class="filter">.*?</div>', html, re.S)


def test_one_row_per_filterable_field_with_its_input():
    html = bar(Query())
    names = [re.search(r'name="v\.(\w+)"', r).group(1) for r in rows(html)]
    assert names == ["id", "title", "released", "active", "rating", "genre"]  # no json, no code
    assert '<input type="number" id="v.id" name="v.id">' in html
    assert '<input type="date" id="v.released" name="v.released">' in html
    assert '<option value="G">G &lt;all&gt;</option>' in html
    assert ('class="complete" data-complete="/admin/movies/complete?field=genre" '
            'data-id-only="true"') in html
    assert 'placeholder="name or id"' in html  # a to-one row takes a name without JS
    assert '<details class="filters">' in html and "<summary>Filters</summary>" in html
    assert '<form method="get" action="/admin/movies" class="filter-bar">' in html


def test_current_filters_fill_their_rows_and_the_rest_ride_along_hidden():
    query = Query(search="a&b c", sort=(Sort("title", descending=True),), filters=(
        Filter("title", "startswith", "The <"), Filter("title", "contains", "x"),
        Filter("active", "eq", "true"), Filter("code", "eq", "Z9")))
    html = bar(query)
    assert '<details class="filters" open="open">' in html
    assert "<summary>Filters (4)</summary>" in html
    title = next(r for r in rows(html) if 'name="v.title"' in r)
    assert '<option value="startswith" selected>starts with</option>' in title
    assert 'value="The &lt;"' in title
    assert '<option value="true" selected>yes</option>' in html
    hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html)
    assert hidden == [("q", "a&amp;b c"), ("sort", "-title"), ("f.title.contains", "x"),
                      ("f.code.eq", "Z9")]
    assert '<a href="/admin/movies?q=a%26b+c">Clear filters</a>' in html


def test_texts_in_the_given_language():
    html = bar(Query(), translations=Pseudo())
    assert "<summary>Filtros</summary>" in html and ">Aplicar</button>" in html
    assert '<label for="v.title">Título</label>' in html
    assert 'aria-label="Título: operador"' in html
    assert '<option value="contains">contiene</option>' in html
    assert '<option value="">cualquiera</option>' in html


def test_every_operator_the_core_offers_has_a_label():
    offered = {op for kind in KINDS for op in ops_for(kind)}
    assert offered and offered <= set(OP_LABELS)


def test_the_list_page_shows_the_views_filter_bar_once(client):
    page = client.get("/movies?f.year.ge=2000")
    assert page.text.count('<details class="filters"') == 1
    assert page.text.count('class="filter-bar"') == 1
    assert '<option value="ge" selected>≥</option>' in page.text


class Lang(Pseudo):
    lang = "es"


def test_a_bar_without_filters_is_rendered_once_per_inputs_and_stays_right():
    views = ToscaWidgetsViewFactory({}, registry=[RESOURCE])
    urls = Urls("/admin", builtin_table())
    with views.scope():
        first = views.filter_bar(RESOURCE, FIELDS, Query(), "/admin/movies", urls)
        assert views.filter_bar(RESOURCE, FIELDS, Query(), "/admin/movies", urls) is first
        spanish = views.filter_bar(RESOURCE, FIELDS, Query(), "/admin/movies", urls, Lang())
        fewer = views.filter_bar(RESOURCE, FIELDS[:2], Query(), "/admin/movies", urls)
        nested = views.filter_bar(RESOURCE, FIELDS, Query(), "/admin/genres/1/movies", urls)
        sorted_ = views.filter_bar(RESOURCE, FIELDS, Query(sort=(Sort("title"),)),
                                   "/admin/movies", urls)
        filtered = views.filter_bar(RESOURCE, FIELDS, Query(filters=(
            Filter("title", "contains", "Zed"),)), "/admin/movies", urls)
    assert "Filtros" in spanish and "Filtros" not in first
    assert len(rows(fewer)) == 2 and len(rows(first)) == 6
    assert 'action="/admin/genres/1/movies"' in nested
    assert 'name="sort" value="title"' in sorted_ and 'name="sort"' not in first
    assert 'value="Zed"' in filtered and 'value="Zed"' not in first
