"""The neutral list query: search, filters, sort and paging, round-tripping through a query string.

Query-string form (every link is a bookmark)::

    ?q=harbor&sort=-year,title&f.genre.eq=3&f.year.ge=1990&page=2&limit=20
"""

from dataclasses import dataclass, fields
from urllib.parse import urlencode

from .errors import BadRequest
from .fields import Field
from .i18n import N_, Message

OPS = ("eq", "ne", "lt", "le", "gt", "ge", "contains", "startswith", "in", "is_null")
KIND_OPS = {
    "string": ("contains", "eq", "ne", "startswith", "in", "is_null"),
    "text": ("contains", "eq", "ne", "startswith", "is_null"),
    "boolean": ("eq", "is_null"),
    "enum": ("eq", "ne", "in", "is_null"),
    "to_one": ("eq", "ne", "in", "is_null"),
    "array": ("contains", "is_null"),  # contains: has an element equal to the value
    "set": ("contains", "is_null"),  # contains: has the member
    "inet": ("eq", "ne", "contains", "in", "is_null"),
}
ORDERED_OPS = ("eq", "ne", "lt", "le", "gt", "ge", "in", "is_null")
UNFILTERABLE = frozenset({"to_many", "binary", "json", "unknown"})


def ops_for(kind: str) -> tuple[str, ...]:
    """The filter operators that make sense for a field kind (first is the default)."""
    if kind in UNFILTERABLE:
        return ()
    return KIND_OPS.get(kind, ORDERED_OPS)
FILTER_PREFIX = "f."
MAX_PAGE = 10**9
MAX_CURSOR = 2048  # characters: a cursor holds a few sort values, never more


@dataclass(frozen=True)
class QueryLimits:
    """How much one list query may ask for (`[rum] max_search`, `max_filters`, `max_sort`).

    Databases refuse too-long LIKE patterns and too-deep expression trees with errors
    that look like server faults; these keep every such request a clear 400.
    """

    search: int = 500  # characters of `q`, and of one filter value
    filters: int = 50
    sort: int = 10

    @classmethod
    def from_options(cls, options: dict) -> "QueryLimits":
        return cls(options.get("max_search", cls.search), options.get("max_filters", cls.filters),
                   options.get("max_sort", cls.sort))


@dataclass(frozen=True)
class Filter:
    field: str
    op: str
    value: str


@dataclass(frozen=True)
class Sort:
    field: str
    descending: bool = False

    def __str__(self) -> str:
        return ("-" if self.descending else "") + self.field


@dataclass(frozen=True)
class Query:
    """What a list page asks the repository for."""

    search: str = ""
    filters: tuple[Filter, ...] = ()
    sort: tuple[Sort, ...] = ()
    page: int = 1
    limit: int = 20
    cursor: str = ""  # keyset position: opaque to everything but the repository
    backward: bool = False  # the cursor marks the row *after* the wanted page
    count_limit: int = 10_000  # count exactly up to here, then say "at least"
    scope: tuple[Filter, ...] = ()  # the policy's row filters: applied, never in links
    parent: tuple[str, str, str] | None = None  # (resource, id, relation): a nested list
    search_in: tuple[str, ...] | None = None  # fields a search looks in; None: the backend's
    # (count, exact, estimated) of this very query, remembered (rum.list_memory): the
    # repository gives it as the page's count instead of counting
    count_known: tuple[int, bool, bool] | None = None

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit

    def but(self, **changes) -> "Query":
        """This query with `changes` (`dataclasses.replace`, without its per-call cost:
        a list page makes a dozen of these for its links)."""
        unknown = changes.keys() - _QUERY_FIELDS
        if unknown:
            raise TypeError(f"Query has no field {sorted(unknown)[0]!r}")
        new = object.__new__(Query)
        new.__dict__.update(self.__dict__, **changes)
        return new

    def to_params(self, default_limit: int | None = None) -> list[tuple[str, str]]:
        """The query-string pairs for this query (defaults left out)."""
        out: list[tuple[str, str]] = []
        if self.search:
            out.append(("q", self.search))
        out.extend((f"{FILTER_PREFIX}{f.field}.{f.op}", f.value) for f in self.filters)
        if self.sort:
            out.append(("sort", ",".join(str(s) for s in self.sort)))
        if self.cursor:
            out.append(("before" if self.backward else "after", self.cursor))
        if self.page != 1:
            out.append(("page", str(self.page)))
        if default_limit is not None and self.limit != default_limit:
            out.append(("limit", str(self.limit)))
        return out

    def to_query_string(self, default_limit: int | None = None) -> str:
        return urlencode(self.to_params(default_limit))

    def toggled_sort(self, name: str) -> "Query":
        """The query sorted by `name`, flipping direction when it already leads the sort."""
        descending = bool(self.sort) and self.sort[0].field == name and not self.sort[0].descending
        return self.but(sort=(Sort(name, descending),), page=1, cursor="", backward=False)


@dataclass
class Page:
    """One page of results. `count` is None when unknown; `count_exact` False means "at least"."""

    rows: list
    query: Query
    count: int | None = None
    count_exact: bool = True  # False: `count` is a lower bound or an estimate
    count_estimated: bool = False  # True: `count` is the database's estimate
    has_next: bool = False
    has_prev: bool = False
    next_cursor: str = ""  # keyset position after the last row ("" when offset paging)
    prev_cursor: str = ""  # keyset position before the first row
    # `before=` this reaches this very page again: the next page's first row ("" when the
    # backend cannot tell, or on the last page)
    page_cursor: str = ""
    sort_unindexed: bool = False  # a big list sorted where no index serves the sort

    @property
    def pages(self) -> int | None:
        if self.count is None or not self.count_exact:
            return None
        return max(1, -(-self.count // self.query.limit))


def _positive_int(params, key: str, default: int) -> int:
    raw = params.get(key)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise BadRequest(N_("parameter %(key)s must be a whole number, not %(value)s"),
                         key=repr(key), value=repr(raw)) from None
    if value < 1:
        raise BadRequest(N_("parameter %(key)s must be 1 or more, not %(value)s"), key=repr(key),
                         value=value)
    return value


def _bar_filters(params, fields: dict[str, Field]) -> list[Filter]:
    """The filter bar's pairs `op.<field>` + `v.<field>`; an empty value means no filter."""
    out = []
    for key, value in params.items():
        if not key.startswith(("v.", "op.")):
            continue
        name = key.split(".", 1)[1]
        op = params.get(f"op.{name}") or ""
        value = params.get(f"v.{name}", "")
        if key.startswith("op.") and (f"v.{name}" in params and value != "" or op != "is_null"):
            continue  # counted once, from its value (or alone for is_null)
        if value == "" and op != "is_null":
            continue
        if name not in fields or not ops_for(fields[name].kind):
            raise BadRequest(N_("cannot filter on unknown field %(name)s"), name=repr(name))
        op = op or ops_for(fields[name].kind)[0]
        if op not in ops_for(fields[name].kind):
            raise BadRequest(N_("operator %(op)s does not apply to %(name)s"), op=repr(op),
                             name=repr(name))
        out.append(Filter(name, op, value if op != "is_null" else (value or "true")))
    return out


def max_page(max_offset: int, limit: int) -> int:
    """The deepest page a number reaches when OFFSET may skip at most `max_offset` rows."""
    return max_offset // limit + 1


def check_search(text: str, limits: QueryLimits, what: str = N_("the search")) -> str:
    """`text`, or BadRequest when it is longer than a search may be."""
    if len(text) > limits.search:
        raise BadRequest(N_("%(what)s is %(length)s characters long; the most is %(most)s"),
                         what=Message(what), length=len(text), most=limits.search)
    return text


def _check_sizes(filters: list[Filter], sort_terms: list[str], cursor: str,
                 limits: QueryLimits) -> None:
    if len(filters) > limits.filters:
        raise BadRequest(N_("%(count)s filters in one query; the most is %(most)s"),
                         count=len(filters), most=limits.filters)
    for f in filters:
        if f.op != "in":  # an 'in' list is bounded by the query-string limit instead
            check_search(f.value, limits, Message(N_("the value of filter %(filter)s"),
                                                  filter=f"{f.field}.{f.op}"))
    if len(sort_terms) > limits.sort:
        raise BadRequest(N_("%(count)s sort terms; the most is %(most)s"), count=len(sort_terms),
                         most=limits.sort)
    if len(cursor) > MAX_CURSOR:
        raise BadRequest(N_("the paging cursor is malformed; start again from page 1"))


def default_sort_terms(text: str, fields: dict[str, Field]) -> tuple[Sort, ...]:
    """The resource's default sort (`-year,title`, checked at start-up) as Sort terms,
    without those `fields` leaves out (hidden from this identity): a list asked for without
    `sort=` never fails, nor sorts by what it may not see."""
    out = []
    for part in text.split(","):
        name = part.strip().removeprefix("-")
        if name in fields and fields[name].sortable and not fields[name].is_relation:
            out.append(Sort(name, part.strip().startswith("-")))
    return tuple(out)


def parse_query(params, fields: dict[str, Field], default_limit: int = 20,
                max_limit: int = 500, max_offset: int | None = None,
                limits: QueryLimits | None = None, default_sort: str = "") -> Query:
    """Build a Query from request parameters, checking names and operators against `fields`.

    Without `sort=` the list is sorted by `default_sort` (query syntax, `-year,title`); the
    Query then holds that sort, so every link made from it (sort toggles, pages, cursors)
    names it and stays in the same order.

    Raises BadRequest naming the offending parameter, or the limit a request goes past,
    and for a numbered page (no cursor) deeper than `max_offset` rows.
    """
    limits = limits or QueryLimits()
    search = check_search((params.get("q") or "").strip(), limits)
    filters = []
    for key, value in params.items():
        if not key.startswith(FILTER_PREFIX):
            continue
        name, _, op = key[len(FILTER_PREFIX):].rpartition(".")
        if not name:
            raise BadRequest(N_("filter %(key)s needs an operator: f.<field>.<op>, op one of %(ops)s"),
                             key=repr(key), ops=", ".join(OPS))
        head, _, rest = name.partition(".")
        if head not in fields or (rest and fields[head].kind != "to_one"):
            raise BadRequest(N_("cannot filter on unknown field %(name)s"), name=repr(name))
        if op not in OPS:
            raise BadRequest(N_("unknown filter operator %(op)s (use one of %(ops)s)"), op=repr(op),
                             ops=", ".join(OPS))
        if not rest and op not in ops_for(fields[head].kind):
            raise BadRequest(N_("operator %(op)s does not apply to %(name)s"), op=repr(op),
                             name=repr(name))
        filters.append(Filter(name, op, value))
    filters.extend(_bar_filters(params, fields))
    sort_terms = [part for part in (params.get("sort") or "").split(",") if part]
    after, before = params.get("after") or "", params.get("before") or ""
    _check_sizes(filters, sort_terms, after or before, limits)
    sort = []
    for part in sort_terms:
        name = part.lstrip("-")
        if name not in fields or not fields[name].sortable:
            raise BadRequest(N_("cannot sort on %(name)s"), name=repr(name))
        sort.append(Sort(name, part.startswith("-")))
    if not sort_terms and default_sort:
        sort = list(default_sort_terms(default_sort, fields))
    page = _positive_int(params, "page", 1)
    if page > MAX_PAGE:
        raise BadRequest(N_("parameter 'page' is too large (%(page)s)"), page=page)
    limit = min(_positive_int(params, "limit", default_limit), max_limit)
    if after and before:
        raise BadRequest(N_("give 'after' or 'before', not both"))
    if max_offset is not None and not (after or before) and page > max_page(max_offset, limit):
        raise BadRequest(N_("page %(page)s is too deep to reach by number: numbered pages go to "
                            "page %(last)s (%(offset)s rows in). Follow Next from a page before "
                            "it, or narrow the list with a search or filters."),
                         page=page, last=max_page(max_offset, limit), offset=f"{max_offset:,}")
    return Query(search=search, filters=tuple(filters),
                 sort=tuple(sort), page=page, limit=limit, cursor=after or before,
                 backward=bool(before))


_QUERY_FIELDS = frozenset(f.name for f in fields(Query))
