"""A list page's statements, built once per query shape and kept on the catalog.

Building a page's statements (filters, sort, seek, the keys-first join and the loader
options of `paging`) costs SQLAlchemy more than SQLite takes to run them: about 130 µs
of a 550 µs read of 20 movies. A statement used again also keeps its cache key, which
SQLAlchemy computes anew for every new statement object. What a page's statements are
built from is the query, the fields shown and the access's answers for the resource and
for every resource its relations lead to (read permission, hidden fields, row filters):
that is their key, so two readers who may see the same share them, and a reader whose
policy answers differently gets statements of its own. A nested list (its parent row is
read per request) is built afresh each time.
"""

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from rum.fields import Field
from rum.query import Query
from rum.query_text import decode_cursor

from .counting import count_statement
from .keyset import NULLS_HIGH, seek_clause
from .paging import kept_columns, page_statement
from .querying import apply_filters, nullable_flags, sort_spec
from .relation_order import relation_order


@dataclass(frozen=True)
class PageStatements:
    """What `SQLAlchemyRepository.select` runs for one query shape."""

    base: Any  # the filtered rows, unordered: what the count counts
    rows: Any  # the page's rows (one more than asked: whether a next page exists)
    sort_fields: tuple[Field, ...]  # the cursor's fields, the primary key last
    kept: tuple[str, ...] | None  # the column attributes the rows statement reads (None: all)
    backward: bool  # the rows come last-first (a `before=` cursor)
    counts: dict[int, Any] = field(default_factory=dict, compare=False)  # limit -> count

    def count(self, limit: int):
        """The capped count of `base` up to `limit` (built once per limit)."""
        stmt = self.counts.get(limit)
        if stmt is None:
            stmt = self.counts[limit] = count_statement(self.base, limit)
        return stmt


def statements_for(repo, query: Query, fields: tuple[Field, ...] | None) -> PageStatements:
    """The statements of `query`'s page as `repo` reads it: kept ones when the query has
    the shape of one built before, else built (and kept)."""
    key = shape_key(repo, query, fields)
    if key is None:
        return build(repo, query, fields)
    return repo.catalog.page_shapes.get(key, lambda: build(repo, query, fields))


def shape_key(repo, query: Query, fields: tuple[Field, ...] | None) -> tuple | None:
    """Everything `build` reads, as a key; None for a query that is not to be kept (a
    nested list, or a value that cannot be a key)."""
    if query.parent:
        return None
    info, access = repo.info, repo.access
    sight = tuple((name, access.can_read(name), access.hidden(name), access.scope(name))
                  for name in repo.catalog.sight_of(info))
    shown = None if fields is None else tuple((f.name, f.kind, f.related) for f in fields)
    at = (query.cursor, query.backward, repo.session.get_bind().dialect.name) \
        if query.cursor else query.offset
    key = (info.resource, shown, query.filters, query.search, query.search_in, query.scope,
           query.sort, at, query.limit, sight)
    try:
        hash(key)
    except TypeError:
        return None
    return key


def build(repo, query: Query, fields: tuple[Field, ...] | None) -> PageStatements:
    """The page's statements (see `paging`): the filtered rows, seeked past the cursor,
    ordered by the sort and the key, `limit + 1` of them, the to-one relations among
    `fields` joined in and only the columns shown read."""
    info, catalog, access = repo.info, repo.catalog, repo.access
    base = apply_filters(sa.select(info.model), info, query, catalog, access)
    if query.parent:
        base = base.where(repo.parent_clause(query.parent))
    columns, descending, sort_fields = sort_spec(info, query, access.hidden(info.resource),
                                                 relation_order(info, catalog, access))
    stmt, backward = base, False
    if query.cursor:
        backward = query.backward
        values = decode_cursor(query.cursor, sort_fields)
        nulls_high = repo.session.get_bind().dialect.name in NULLS_HIGH
        stmt = stmt.where(seek_clause(columns, descending, values, backward,
                                      nullable_flags(info, sort_fields), nulls_high))
    kept = kept_columns(info, fields, sort_fields)
    rows = page_statement(info, stmt, columns, descending, backward,
                          0 if query.cursor else query.offset, query.limit + 1, fields, kept)
    return PageStatements(base=base, rows=rows, sort_fields=tuple(sort_fields),
                          kept=None if kept is None else tuple(kept), backward=backward)
