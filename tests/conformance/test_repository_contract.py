"""The Repository contract's reads, the same on every reader: get, select (filters,
search, sort, numbered pages, keyset cursors, counts), record, choices, complete, size,
related_sizes, stream and reverse_of.

Expected results are computed from the schema's rows (tests/conformance/schema.py).
"""

import datetime

import pytest

from rum.access import Access
from rum.contracts import Ref
from rum.errors import BadRequest, NotFound
from rum.query import Filter, Query, Sort, ops_for

from . import schema
from .contract import (
    DIRECTOR_BY_ID,
    GENRE_BY_ID,
    MOVIE_BY_ID,
    ident,
    movie_ids,
    rental_ids,
    where,
)

D = datetime.date


def director_name(m) -> str | None:
    return DIRECTOR_BY_ID[m["director"]]["name"] if m["director"] else None


# -- get -------------------------------------------------------------------------------------

def test_get_by_id(reader):
    record = reader.record("movies", "3", "title", "year")
    assert (record.id, record.label, record.values) == (
        "3", "Cold River", {"title": "Cold River", "year": 1990})


@pytest.mark.parametrize("ident_text", ["999", "0", "-1", "abc", "", "1.5", "1,2", " 1", "1 ",
                                        "0x1", "1_0", "99999999999999999999"])
def test_get_of_a_missing_or_malformed_id_is_not_found(reader, ident_text):
    with reader.unit() as uow, pytest.raises(NotFound):
        uow.repository("movies").get(ident_text)


def test_get_for_update_in_a_write_unit(reader):
    with reader.unit(write=True) as uow:
        repo = uow.repository("movies")
        assert ident(repo, repo.get("2", for_update=True)) == "2"


def test_get_with_extra_scope_narrows(reader):
    with reader.unit() as uow:
        repo = uow.repository("movies")
        assert ident(repo, repo.get("9", scope=(Filter("year", "eq", "2010"),))) == "9"
        with pytest.raises(NotFound):
            repo.get("1", scope=(Filter("year", "eq", "2010"),))


def test_unknown_resource_is_not_found(reader):
    with reader.unit() as uow, pytest.raises(NotFound):
        uow.repository("nope")


# -- filters -----------------------------------------------------------------------------------

FILTERS = [
    # integer
    ("year", "eq", "1995", lambda m: m["year"] == 1995),
    ("year", "ne", "1995", lambda m: m["year"] != 1995),
    ("year", "lt", "1995", lambda m: m["year"] < 1995),
    ("year", "le", "1995", lambda m: m["year"] <= 1995),
    ("year", "gt", "2001", lambda m: m["year"] > 2001),
    ("year", "ge", "2001", lambda m: m["year"] >= 2001),
    ("year", "in", "1990,2010,", lambda m: m["year"] in (1990, 2010)),
    ("year", "is_null", "true", lambda m: False),
    ("id", "in", "2,4,99", lambda m: m["id"] in (2, 4)),
    # string
    ("title", "contains", "NiGhT", lambda m: "night" in m["title"].lower()),
    ("title", "contains", "%", lambda m: False),
    ("title", "contains", "_", lambda m: False),
    ("title", "startswith", "d", lambda m: m["title"].startswith("D")),
    ("title", "startswith", "Night", lambda m: False),
    ("title", "eq", "Far Night", lambda m: m["title"] == "Far Night"),
    ("title", "ne", "Far Night", lambda m: m["title"] != "Far Night"),
    ("title", "in", "Far Night,Gold Rush", lambda m: m["title"] in ("Far Night", "Gold Rush")),
    ("title", "is_null", "false", lambda m: True),
    # text (nullable)
    ("description", "contains", "river", lambda m: "river" in (m["description"] or "").lower()),
    ("description", "startswith", "a ", lambda m: (m["description"] or "").startswith("A ")),
    ("description", "eq", "Ships.", lambda m: m["description"] == "Ships."),
    ("description", "ne", "Ships.", lambda m: m["description"] not in (None, "Ships.")),
    ("description", "is_null", "true", lambda m: m["description"] is None),
    ("description", "is_null", "", lambda m: m["description"] is None),
    # boolean
    ("color", "eq", "true", lambda m: m["color"]),
    ("color", "eq", "0", lambda m: not m["color"]),
    ("color", "is_null", "false", lambda m: True),
    # date (nullable)
    ("released", "eq", "2010-06-06", lambda m: m["released"] == D(2010, 6, 6)),
    ("released", "ne", "2010-06-06", lambda m: m["released"] not in (None, D(2010, 6, 6))),
    ("released", "lt", "1995-01-01", lambda m: m["released"] and m["released"] < D(1995, 1, 1)),
    ("released", "le", "1990-09-12", lambda m: m["released"] and m["released"] <= D(1990, 9, 12)),
    ("released", "gt", "2005-05-05", lambda m: m["released"] and m["released"] > D(2005, 5, 5)),
    ("released", "ge", "2005-05-05", lambda m: m["released"] and m["released"] >= D(2005, 5, 5)),
    ("released", "in", "1984-01-15,2005-05-05",
     lambda m: m["released"] in (D(1984, 1, 15), D(2005, 5, 5))),
    ("released", "is_null", "true", lambda m: m["released"] is None),
    # to_one (a NULL key never matches a comparison)
    ("genre", "eq", "1", lambda m: m["genre"] == 1),
    ("genre", "ne", "1", lambda m: m["genre"] != 1),
    ("genre", "in", "1,3", lambda m: m["genre"] in (1, 3)),
    ("director", "ne", "1", lambda m: m["director"] not in (None, 1)),
    ("director", "in", "2,4", lambda m: m["director"] in (2, 4)),
    ("director", "eq", "999", lambda m: False),
    ("director", "is_null", "true", lambda m: m["director"] is None),
    ("director", "is_null", "false", lambda m: m["director"] is not None),
    # across a to-one
    ("director.name", "eq", "Ava Lane", lambda m: director_name(m) == "Ava Lane"),
    ("director.name", "startswith", "b", lambda m: (director_name(m) or "").startswith("B")),
    ("director.name", "contains", "A", lambda m: "a" in (director_name(m) or "").lower()),
    ("director.born", "lt", "1970-01-01",
     lambda m: m["director"] and (DIRECTOR_BY_ID[m["director"]]["born"] or D.max) < D(1970, 1, 1)),
    ("director.born", "is_null", "true",
     lambda m: m["director"] and DIRECTOR_BY_ID[m["director"]]["born"] is None),
    ("genre.name", "eq", "Drama", lambda m: GENRE_BY_ID[m["genre"]]["name"] == "Drama"),
    ("genre.name", "in", "Drama,Western",
     lambda m: GENRE_BY_ID[m["genre"]]["name"] in ("Drama", "Western")),
]


@pytest.mark.parametrize(("field", "op", "value", "test"), FILTERS,
                         ids=[f"{f}.{op}={v}" for f, op, v, _ in FILTERS])
def test_a_filter_selects_what_it_says(reader, field, op, value, test):
    assert reader.ids("movies", where((field, op, value))) == movie_ids(test)


def test_the_filter_table_covers_every_operator_of_every_kind():
    fields = {f.name: f for f in schema.MOVIE.fields}
    covered = {(fields[f].kind, op) for f, op, _v, _t in FILTERS if "." not in f}
    wanted = {(f.kind, op) for f in fields.values() for op in ops_for(f.kind)}
    assert wanted - {("to_many", op) for op in ops_for("to_many")} <= covered


RENTAL_FILTERS = [
    ("returned", "eq", "yes", lambda r: r["returned"]),
    ("customer", "in", "kim,ned", lambda r: r["customer"] in ("kim", "ned")),
    ("rented_on", "ge", "2024-03-01", lambda r: r["rented_on"] >= D(2024, 3, 1)),
    ("movie", "eq", "1", lambda r: r["movie"] == 1),
    ("movie.title", "startswith", "alpha", lambda r: r["movie"] == 1),
    ("movie.year", "ge", "2005", lambda r: MOVIE_BY_ID[r["movie"]]["year"] >= 2005),
]


@pytest.mark.parametrize(("field", "op", "value", "test"), RENTAL_FILTERS,
                         ids=[f"{f}.{op}" for f, op, _v, _t in RENTAL_FILTERS])
def test_rental_filters(reader, field, op, value, test):
    assert reader.ids("rentals", where((field, op, value))) == rental_ids(test)


def test_filters_combine_with_and(reader):
    query = where(("year", "ge", "1995"), ("title", "contains", "night"), ("color", "eq", "1"))
    assert reader.ids("movies", query) == movie_ids(
        lambda m: m["year"] >= 1995 and "night" in m["title"].lower() and m["color"])


@pytest.mark.parametrize(("field", "op", "value"), [
    ("year", "eq", "soon"), ("year", "in", "1990,soon"), ("year", "lt", "19.5"),
    ("year", "eq", "99999999999999999999"), ("genre", "ne", "abc"), ("genre", "in", "1,x"),
    ("actors", "eq", "1"), ("rentals", "is_null", "true"), ("director", "is_null", "perhaps"),
    ("color", "eq", "maybe"), ("released", "ge", "last week"), ("genre.bogus", "eq", "x"),
    ("actors.name", "eq", "x"), ("genre.movies", "is_null", "true"),
    ("genre", "contains", "1"), ("genre", "startswith", "1"),
])
def test_bad_filters_are_bad_requests(reader, field, op, value):
    with reader.unit() as uow, pytest.raises(BadRequest):
        uow.repository("movies").select(where((field, op, value)))


# -- search ------------------------------------------------------------------------------------

def _hit(m, text, names=("title", "description")) -> bool:
    return any(text in (m[n] or "").lower() for n in names)


@pytest.mark.parametrize(("search", "search_in", "test"), [
    ("HARBOR", None, lambda m: _hit(m, "harbor")),
    ("harbor", ("title",), lambda m: _hit(m, "harbor", ("title",))),
    ("river", ("description",), lambda m: _hit(m, "river", ("description",))),
    ("%", None, lambda m: False),
    ("ght", None, lambda m: _hit(m, "ght")),
])
def test_search(reader, search, search_in, test):
    query = Query(search=search, search_in=search_in, limit=1000)
    assert reader.ids("movies", query) == movie_ids(test)


def test_search_and_filter_together(reader):
    query = Query(search="night", filters=(Filter("year", "lt", "2005"),), limit=1000)
    assert reader.ids("movies", query) == movie_ids(
        lambda m: _hit(m, "night") and m["year"] < 2005)


# -- sort and paging ---------------------------------------------------------------------------

SORTS = [
    ((), lambda m: m["id"]),
    ((Sort("year"),), lambda m: (m["year"], m["id"])),
    ((Sort("year", descending=True),), lambda m: (-m["year"], m["id"])),
    ((Sort("year"), Sort("id", descending=True)), lambda m: (m["year"], -m["id"])),
    ((Sort("title", descending=True),), lambda m: -ord(m["title"][0])),
    ((Sort("color"), Sort("year")), lambda m: (m["color"], m["year"], m["id"])),
    # a to-one by the related row's label; rows without one first
    ((Sort("director"),), lambda m: (director_name(m) or "", m["id"])),
    ((Sort("genre"), Sort("year", True)),
     lambda m: (GENRE_BY_ID[m["genre"]]["name"], -m["year"], m["id"])),
]


@pytest.mark.parametrize(("sort", "key"), SORTS, ids=[",".join(map(str, s)) or "key"
                                                      for s, _ in SORTS])
def test_sort_ends_in_the_key(reader, sort, key):
    want = [str(m["id"]) for m in sorted(schema.MOVIES, key=key)]
    assert reader.ids("movies", Query(sort=sort, limit=1000)) == want


def test_a_to_one_sorted_descending_puts_rows_without_one_last(reader):
    want = [str(m["id"]) for m in sorted(sorted(schema.MOVIES, key=lambda m: m["id"]),
                                         key=lambda m: director_name(m) or "", reverse=True)]
    assert reader.ids("movies", Query(sort=(Sort("director", True),), limit=1000)) == want


def test_a_to_one_out_of_sight_sorts_as_nameless(reader):
    """Directors outside the access's row filters sort as no director: the order tells
    nothing of names the grid shows as `#<id>`."""
    def base(resource):
        return (Filter("id", "ne", "1"),) if resource == "directors" else ()
    want = [str(m["id"]) for m in sorted(schema.MOVIES, key=lambda m: (
        "" if m["director"] == 1 else director_name(m) or "", m["id"]))]
    assert reader.ids("movies", Query(sort=(Sort("director"),), limit=1000),
                      access=Access(base=base)) == want


@pytest.mark.parametrize(("value", "genres"), [
    ("Drama", {1}), ("drama", {1}), (" WESTERN ", {3}), ("2", {2}), ("Horror", set()),
])
def test_a_to_one_filter_takes_a_name_or_an_id(reader, value, genres):
    want = [str(m["id"]) for m in schema.MOVIES if m["genre"] in genres]
    assert reader.ids("movies", Query(filters=(Filter("genre", "eq", value),),
                                      limit=1000)) == want


@pytest.mark.parametrize("name", ["actors", "rentals"])
def test_sort_on_a_relation_is_a_bad_request(reader, name):
    with reader.unit() as uow, pytest.raises(BadRequest):
        uow.repository("movies").select(Query(sort=(Sort(name),)))


@pytest.mark.parametrize("limit", [1, 5, 6, 12, 13])
def test_numbered_pages_walk_every_row_once(reader, limit):
    want = [str(m["id"]) for m in sorted(schema.MOVIES, key=lambda m: (-m["year"], m["id"]))]
    seen = []
    with reader.unit() as uow:
        repo = uow.repository("movies")
        for number in range(1, len(want) + 2):  # bounded: one page past the last at most
            page = repo.select(Query(sort=(Sort("year", True),), limit=limit, page=number))
            assert (page.count, page.count_exact, page.pages) == (12, True, -(-12 // limit))
            assert page.has_prev == (number > 1)
            assert bool(page.next_cursor) == page.has_next  # Next may seek from any page
            seen += [ident(repo, r) for r in page.rows]
            if not page.has_next:
                break
            assert len(page.rows) == limit
    assert seen == want and number == -(-12 // limit)


def test_a_page_past_the_end_is_empty(reader):
    with reader.unit() as uow:
        page = uow.repository("movies").select(Query(limit=5, page=9))
    assert (page.rows, page.has_next, page.has_prev, page.count) == ([], False, True, 12)


CURSOR_SORTS = [(Sort("year", True),), (Sort("released"),), (Sort("color", True), Sort("title")),
                (Sort("description", True),), (Sort("director", True),),
                (Sort("genre"), Sort("director"))]


@pytest.mark.parametrize("sort", CURSOR_SORTS, ids=lambda s: ",".join(map(str, s)))
@pytest.mark.parametrize("limit", [1, 4, 5])
def test_keyset_cursors_walk_forward_and_back(reader, sort, limit):
    with reader.unit() as uow:
        repo = uow.repository("movies")
        whole = [ident(repo, r) for r in repo.select(Query(sort=sort, limit=100)).rows]
        assert sorted(whole, key=int) == [str(m["id"]) for m in schema.MOVIES]
        pages, query = [], Query(sort=sort, limit=limit)
        for _ in range(len(whole) + 1):  # bounded: a cursor that does not advance fails here
            page = repo.select(query)
            pages.append([ident(repo, r) for r in page.rows])
            assert page.has_prev == (len(pages) > 1)
            if not page.has_next:
                assert page.next_cursor == ""
                break
            assert page.next_cursor and page.next_cursor != query.cursor
            query = Query(sort=sort, limit=limit, cursor=page.next_cursor)
        assert [i for p in pages for i in p] == whole
        back = Query(sort=sort, limit=limit, cursor=page.prev_cursor, backward=True)
        for number in range(len(pages) - 2, -1, -1):  # and back from the last page to the first
            page = repo.select(back)
            assert [ident(repo, r) for r in page.rows] == pages[number]
            assert page.has_next and page.has_prev == (number > 0)
            back = back.but(cursor=page.prev_cursor)


@pytest.mark.parametrize("sort", CURSOR_SORTS[:3], ids=lambda s: ",".join(map(str, s)))
@pytest.mark.parametrize("number", [1, 2, 3])
def test_a_page_cursor_reads_the_same_page_again(reader, sort, number):
    with reader.unit() as uow:
        repo = uow.repository("movies")
        page = repo.select(Query(sort=sort, limit=4, page=number))
        again = repo.select(Query(sort=sort, limit=4, page=number, cursor=page.page_cursor,
                                  backward=True)) if page.page_cursor else None
        if number == 3:  # the last page: no next page's first row to stand before
            assert page.page_cursor == "" and not page.has_next
            return
        assert again is not None and [ident(repo, r) for r in again.rows] == \
            [ident(repo, r) for r in page.rows]
        assert again.page_cursor == page.page_cursor  # and stays the same from there


def test_a_known_count_is_given_back_uncounted(reader):
    with reader.unit() as uow:
        page = uow.repository("movies").select(Query(limit=5, count_known=(10_000, False, True)))
    assert (page.count, page.count_exact, len(page.rows)) == (10_000, False, 5)


def test_a_cursor_keeps_the_filters(reader):
    query = Query(filters=(Filter("color", "eq", "true"),), sort=(Sort("year"),), limit=3)
    with reader.unit() as uow:
        repo = uow.repository("movies")
        first = repo.select(query)
        second = repo.select(query.but(cursor=first.next_cursor))
        got = [ident(repo, r) for r in first.rows + second.rows]
        assert (second.count, second.count_exact) == (7, True)
    want = [str(m["id"]) for m in sorted(schema.MOVIES, key=lambda m: (m["year"], m["id"]))
            if m["color"]]
    assert got == want[:6]


@pytest.mark.parametrize("cursor", ["not base64!", "bm90IGpzb24", "WyIxIiwiMiJd", "WyJ4Il0"])
def test_foreign_cursors_are_bad_requests(reader, cursor):
    with reader.unit() as uow, pytest.raises(BadRequest):
        uow.repository("movies").select(Query(limit=5, cursor=cursor))


@pytest.mark.parametrize(("count_limit", "limit", "page", "count", "exact"), [
    (3, 2, 1, 3, False), (3, 10, 1, 3, False), (7, 2, 2, 7, False), (9, 10, 1, 9, True),
    (100, 2, 3, 9, True), (9, 2, 1, 9, True), (8, 10, 1, 8, False),
])
def test_counts_are_exact_up_to_the_count_limit(reader, count_limit, limit, page, count, exact):
    query = Query(filters=(Filter("year", "ge", "1995"),), limit=limit, page=page,
                  count_limit=count_limit)
    assert len(movie_ids(lambda m: m["year"] >= 1995)) == 9
    with reader.unit() as uow:
        got = uow.repository("movies").select(query)
    assert (got.count, got.count_exact, got.count_estimated) == (count, exact, False)
    assert got.pages == (-(-count // limit) if exact else None)


# -- records -----------------------------------------------------------------------------------

def test_record_values_and_refs(reader):
    record = reader.record("movies", "1")
    assert (record.id, record.label, record.partial) == ("1", "Alpha Harbor", frozenset())
    assert record.version
    values = dict(record.values)
    assert {n: (sorted(v, key=lambda r: int(r.id)) if isinstance(v, list) else v)
            for n, v in values.items()} == {
        "id": 1, "title": "Alpha Harbor", "year": 1990, "color": True,
        "released": D(1990, 5, 1), "description": "A quiet town by the sea.",
        "genre": Ref("genres", "1", "Drama"), "director": Ref("directors", "1", "Ava Lane"),
        "actors": [Ref("actors", "1", "Ann Ames"), Ref("actors", "2", "Bob Best")],
        "rentals": [Ref("rentals", "1", "kim"), Ref("rentals", "2", "lee")]}


def test_record_of_empty_relations(reader):
    record = reader.record("movies", "4", "director", "actors", "description", "color")
    assert record.values == {"director": None, "actors": [], "description": None, "color": True}


def test_record_has_only_the_asked_fields_and_no_version_when_unversioned(reader):
    with reader.unit() as uow:
        repo = uow.repository("rentals")
        record = repo.record(repo.get("3"), reader.fields("rentals", "movie", "returned"),
                             versioned=False)
    assert (record.label, record.version) == ("kim", "")
    assert record.values == {"movie": Ref("movies", "2", "Bright Night"), "returned": False}


@pytest.mark.parametrize("resource", ["movies", "rentals"])
@pytest.mark.parametrize("versioned", [False, True])
def test_a_pages_records_are_its_rows_records(reader, resource, versioned):
    shown = reader.fields(resource)
    with reader.unit() as uow:
        repo = uow.repository(resource)
        rows = repo.select(Query(limit=1000), shown).rows
        together = repo.records(rows, shown, versioned=versioned)
    with reader.unit() as uow:
        repo = uow.repository(resource)
        rows = repo.select(Query(limit=1000), shown).rows
        assert together == [repo.record(r, shown, versioned=versioned) for r in rows]
    assert len(together) == len(rows) > 1


@pytest.mark.parametrize(("resource", "limit", "want"), [
    ("genres", 2, [("1", "Drama"), ("2", "Comedy")]),
    ("genres", 100, [(str(g["id"]), g["name"]) for g in schema.GENRES]),
    ("directors", 1, [("1", "Ava Lane")]),
])
def test_choices_are_refs_in_key_order(reader, resource, limit, want):
    with reader.unit() as uow:
        choices = uow.repository(resource).choices(limit)
    assert [(c.id, c.label) for c in choices] == want
    assert {c.resource for c in choices} == {resource} and not any(c.opaque for c in choices)


@pytest.mark.parametrize(("resource", "term", "limit", "want"), [
    ("actors", "", 3, ["Ann Ames", "Bob Best", "Cat Cole"]),
    ("actors", "a", 10, ["Ann Ames", "Cat Cole", "Dan Dunn", "Fay Fox", "Gus Gray"]),
    ("actors", "  f  ", 10, ["Fay Fox"]),
    ("actors", "3", 10, ["Cat Cole"]),
    ("actors", "zzz", 10, []),
    ("movies", "night", 10, ["Bright Night", "Far Night", "Hollow Night"]),
    ("movies", "h", 2, ["Hollow Night", "Alpha Harbor"]),
    ("movies", "5", 10, ["Echo Valley"]),
])
def test_complete_matches_labels_prefix_first(reader, resource, term, limit, want):
    with reader.unit() as uow:
        refs = uow.repository(resource).complete(term, limit)
    assert [r.label for r in refs] == want


@pytest.mark.parametrize(("term", "limit", "exclude", "want"), [
    ("", 3, ("1", "3"), ["Bob Best", "Dan Dunn", "Eve Eng"]),  # the limit stays full
    ("a", 10, ("1", "4"), ["Cat Cole", "Fay Fox", "Gus Gray"]),
    ("3", 10, ("3",), []),  # an exact id excluded too
    ("3", 10, ("003",), []),  # spelled another way
    ("", 2, (), ["Ann Ames", "Bob Best"]),
])
def test_complete_leaves_out_excluded_rows(reader, term, limit, exclude, want):
    with reader.unit() as uow:
        refs = uow.repository("actors").complete(term, limit, exclude)
    assert [r.label for r in refs] == want


@pytest.mark.parametrize(("resource", "text", "limit", "want"), [
    ("actors", "Cat Cole", 5, ["3"]),
    ("actors", "  cat COLE ", 5, ["3"]),  # any case, spaces around
    ("actors", "Cat", 5, []),  # the whole name, not a part
    ("actors", "", 5, []),
    ("genres", "western", 5, ["3"]),
])
def test_named_finds_rows_by_their_whole_name(reader, resource, text, limit, want):
    with reader.unit() as uow:
        assert [r.id for r in uow.repository(resource).named(text, limit)] == want


@pytest.mark.parametrize("exclude", [("x",), ("1", ""), ("1,2",), ("1.5",)])
def test_complete_refuses_an_exclude_that_is_no_id(reader, exclude):
    with pytest.raises(BadRequest), reader.unit() as uow:
        uow.repository("actors").complete("", 5, exclude)


@pytest.mark.parametrize(("resource", "limit", "want"), [
    ("movies", 100, (12, True)), ("movies", 12, (12, True)), ("movies", 5, (5, False)),
    ("genres", 4, (4, True)), ("rentals", 1, (1, False)),
])
def test_size_counts_up_to_a_limit(reader, resource, limit, want):
    with reader.unit() as uow:
        assert uow.repository(resource).size(limit) == want


@pytest.mark.parametrize(("resource", "row_id", "limit", "want"), [
    ("movies", "1", 100, {"actors": (2, True), "rentals": (2, True)}),
    ("movies", "5", 2, {"actors": (2, False), "rentals": (1, True)}),
    ("movies", "4", 100, {"actors": (0, True), "rentals": (0, True)}),
    ("directors", "1", 100, {"movies": (3, True)}),
    ("actors", "7", 100, {"movies": (0, True)}),
])
def test_related_sizes(reader, resource, row_id, limit, want):
    with reader.unit() as uow:
        repo = uow.repository(resource)
        assert repo.related_sizes(repo.get(row_id), reader.fields(resource), limit) == want


@pytest.mark.parametrize(("resource", "relation", "back"), [
    ("movies", "actors", "movies"), ("movies", "rentals", "movie"), ("movies", "genre", "movies"),
    ("rentals", "movie", "rentals"), ("directors", "movies", "director"),
])
def test_reverse_of(reader, resource, relation, back):
    with reader.unit() as uow:
        assert uow.repository(resource).reverse_of(relation) == back


@pytest.mark.parametrize(("resource", "parent", "want"), [
    ("actors", ("movies", "1", "actors"), ["1", "2"]),
    ("rentals", ("movies", "5", "rentals"), ["5"]),
    ("movies", ("directors", "2", "movies"), movie_ids(lambda m: m["director"] == 2)),
    ("movies", ("actors", "7", "movies"), []),
])
def test_a_parent_narrows_a_list_to_its_related_rows(reader, resource, parent, want):
    assert reader.ids(resource, Query(parent=parent, limit=100)) == want


@pytest.mark.parametrize("parent", [("movies", "999", "actors"), ("movies", "1", "genre"),
                                    ("movies", "x", "actors")])
def test_a_parent_that_names_no_relation_or_row_is_not_found(reader, parent):
    with reader.unit() as uow, pytest.raises(NotFound):
        uow.repository("actors").select(Query(parent=parent))


def test_stream_gives_every_row_of_the_query_as_records(reader):
    query = Query(filters=(Filter("year", "le", "1995"),), sort=(Sort("year", True),), limit=2)
    fields = reader.fields("movies", "title", "director", "actors")
    with reader.unit() as uow:
        stream = uow.repository("movies").stream(query, fields)
        records = list(stream)
        getattr(stream, "close", lambda: None)()
    want = sorted((m for m in schema.MOVIES if m["year"] <= 1995),
                  key=lambda m: (-m["year"], m["id"]))
    assert [r.id for r in records] == [str(m["id"]) for m in want]
    assert [r.values["title"] for r in records] == [m["title"] for m in want]
    assert [r.values["director"] and r.values["director"].label for r in records] == [
        director_name(m) for m in want]
    assert [sorted(int(a.id) for a in r.values["actors"]) for r in records] == [
        m["actors"] for m in want]


def test_a_stream_of_a_bad_query_fails_when_asked_for(reader):
    with reader.unit() as uow, pytest.raises(BadRequest):
        uow.repository("movies").stream(where(("year", "eq", "soon")),
                                        reader.fields("movies", "title"))
