"""parse_query and the Query/Page value objects."""

from urllib.parse import parse_qsl

import pytest
from webob.multidict import MultiDict

from rum.errors import BadRequest
from rum.fields import Field
from rum.query import Filter, Page, Query, Sort, parse_query

FIELDS = {f.name: f for f in (
    Field("title", "string"),
    Field("year", "integer"),
    Field("genre", "to_one"),
    Field("actors", "to_many", sortable=False),
)}


def parse(qs: str, **kw) -> Query:
    return parse_query(MultiDict(parse_qsl(qs, keep_blank_values=True)), FIELDS, **kw)


def test_empty_params_give_default_query():
    assert parse("") == Query()
    assert parse("", default_limit=7) == Query(limit=7)


def test_search_is_stripped():
    assert parse("q=%20%20harbor%20").search == "harbor"


def test_filters_keep_field_op_value_in_order():
    q = parse("f.genre.eq=3&f.year.ge=1990&f.year.le=1999&f.title.contains=the+end")
    assert q.filters == (Filter("genre", "eq", "3"), Filter("year", "ge", "1990"),
                         Filter("year", "le", "1999"), Filter("title", "contains", "the end"))


def test_other_params_are_not_filters():
    assert parse("x.year.eq=1&fyear=2").filters == ()


def test_sort_list_with_directions():
    assert parse("sort=-year,title").sort == (Sort("year", True), Sort("title", False))
    assert parse("sort=year,,-title").sort == (Sort("year"), Sort("title", True))
    assert str(Sort("year", True)) == "-year"


def test_page_and_limit():
    q = parse("page=3&limit=50")
    assert (q.page, q.limit, q.offset) == (3, 50, 100)
    assert parse("page=&limit=").limit == 20


def test_limit_is_clamped_to_max_limit():
    assert parse("limit=999").limit == 500
    assert parse("limit=999", max_limit=100).limit == 100
    assert parse("", default_limit=50, max_limit=10).limit == 10


@pytest.mark.parametrize("qs, words", [
    ("f.nope.eq=1", "unknown field 'nope'"),
    ("f.year.like=1", "unknown filter operator 'like'"),
    ("f.year.EQ=1", "unknown filter operator 'EQ'"),
    ("sort=nope", "cannot sort on 'nope'"),
    ("sort=-actors", "cannot sort on 'actors'"),
    ("page=abc", "'page' must be a whole number"),
    ("page=1.5", "'page' must be a whole number"),
    ("page=0", "'page' must be 1 or more"),
    ("page=-2", "'page' must be 1 or more"),
    ("page=1000000001", "'page' is too large"),
    ("page=" + "9" * 5000, "'page' must be a whole number"),
    ("limit=ten", "'limit' must be a whole number"),
    ("limit=0", "'limit' must be 1 or more"),
])
def test_bad_params_raise_bad_request(qs, words):
    with pytest.raises(BadRequest) as info:
        parse(qs)
    assert info.value.status == 400
    assert words in info.value.message


@pytest.mark.parametrize("query", [
    Query(),
    Query(search="harbor lights & co", page=2, limit=50,
          filters=(Filter("genre", "eq", "3"), Filter("year", "ge", "1990"),
                   Filter("year", "le", "1999"), Filter("title", "in", "a,b")),
          sort=(Sort("year", True), Sort("title"))),
    Query(cursor="eyJpZCI6IDR9", limit=5, sort=(Sort("title"),)),
])
def test_round_trip_through_query_string(query):
    assert parse(query.to_query_string(default_limit=20)) == query


def test_query_string_leaves_defaults_out():
    assert Query().to_query_string(default_limit=20) == ""
    assert Query(limit=20).to_params(20) == []
    assert Query(limit=50).to_params(20) == [("limit", "50")]
    assert Query(cursor="c").to_params() == [("after", "c")]


def test_toggled_sort():
    plain = Query(page=3, cursor="c")
    asc = plain.toggled_sort("year")
    assert (asc.sort, asc.page, asc.cursor) == ((Sort("year"),), 1, "")
    assert asc.toggled_sort("year").sort == (Sort("year", True),)
    assert asc.toggled_sort("year").toggled_sort("year").sort == (Sort("year"),)
    mixed = Query(sort=(Sort("title", True), Sort("year")))
    assert mixed.toggled_sort("year").sort == (Sort("year"),)


@pytest.mark.parametrize("count, limit, pages", [
    (0, 20, 1), (1, 20, 1), (20, 20, 1), (21, 20, 2), (200, 20, 10), (201, 20, 11), (7, 3, 3),
])
def test_page_count(count, limit, pages):
    assert Page(rows=[], query=Query(limit=limit), count=count).pages == pages


def test_page_count_unknown_or_inexact():
    assert Page(rows=[], query=Query(), count=None).pages is None
    assert Page(rows=[], query=Query(), count=500, count_exact=False).pages is None


@pytest.mark.parametrize(("qs", "deep"), [
    ("page=51", False),  # offset 1,000 rows: the last numbered page at 20 a page
    ("page=52", True),
    ("page=9000", True),
    ("page=11&limit=100", False),
    ("page=12&limit=100", True),
    ("page=9000&after=abc", False),  # a cursor seeks: its page number is only a label
    ("page=9000&before=abc", False),
])
def test_numbered_pages_stop_at_max_offset(qs, deep):
    if not deep:
        parse(qs, max_offset=1000)
        return
    with pytest.raises(BadRequest) as info:
        parse(qs, max_offset=1000)
    assert "Next" in info.value.message and "filters" in info.value.message


def test_no_max_offset_no_cap():
    assert parse("page=9000").page == 9000


@pytest.mark.parametrize("qs, default, expected", [
    ("", "-year,title", (Sort("year", True), Sort("title"))),
    ("sort=", "-year", (Sort("year", True),)),  # an empty sort is no sort: the default
    ("sort=title", "-year", (Sort("title"),)),  # the request's own sort wins
    ("after=abc&page=2", "-year", (Sort("year", True),)),  # a cursor keeps the default
    ("", "", ()),
    # terms this identity cannot sort on are dropped, never a 400 for a plain list
    ("", "-hidden,year", (Sort("year"),)),
    ("", "actors,-genre", ()),
])
def test_default_sort_applies_without_a_sort_parameter(qs, default, expected):
    assert parse(qs, default_sort=default).sort == expected


def test_links_of_a_default_sorted_list_name_its_sort():
    query = parse("", default_sort="-year")
    assert dict(query.to_params()) == {"sort": "-year"}
    assert query.toggled_sort("year").sort == (Sort("year"),)  # the header flips it
    again = parse(query.but(cursor="c2", page=2).to_query_string(), default_sort="title")
    assert again.sort == (Sort("year", True),)  # a link keeps its order, whatever the default


def test_but_is_dataclasses_replace():
    from dataclasses import fields, replace

    from rum.query import Filter, Query, Sort
    q = Query(search="a", filters=(Filter("x", "eq", "1"),), sort=(Sort("y", True),), page=3)
    changes = {"search": "b", "page": 2, "cursor": "c", "backward": True, "limit": 5,
               "count_known": (1, True, False), "sort": (), "parent": ("m", "1", "r")}
    for name, value in changes.items():
        assert q.but(**{name: value}) == replace(q, **{name: value})
        assert hash(q.but(**{name: value})) == hash(replace(q, **{name: value}))
    both = q.but(**changes)
    assert both == replace(q, **changes) and q.page == 3  # the original is untouched
    assert {f.name for f in fields(Query)} >= changes.keys()
    with pytest.raises(TypeError):
        q.but(pages=2)
