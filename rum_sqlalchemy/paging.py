"""One list page in one statement: the page's keys first, then its rows.

A sort on a column no index serves makes the database sort the whole table. Asked for
the wide rows joined to their to-one relations, SQLite sorts them through the join (and
may walk a foreign-key index to do it): 368 ms for 21 movies of 100,000 by year. Asked
for the keys alone, it sorts two narrow columns: 13 ms. So the page is read as

    SELECT <shown columns>, <to-one relations>
    FROM movie JOIN (SELECT id, <sort values> FROM movie WHERE <filters> <seek>
                     ORDER BY <sort> LIMIT per_page + 1 [OFFSET n]) AS page_keys
         ON movie.id = page_keys.id
    LEFT JOIN genre ON ...
    ORDER BY page_keys.<sort values>

The inner select touches the base table alone (plus what the sort itself needs, such as
a relation's label); the outer one reads and joins only the page's rows, ordered by the
very values the inner one sorted by. A numbered page without a cursor skips its OFFSET
in the narrow inner select only: the wide row query never reads rows it drops.

Only the columns the list shows are read (plus the keys, the sort's columns, the label
column and the version column); a model whose `__str__` reads one left out gets it for
the whole page in one more statement, never one per row.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, load_only

from rum.fields import Field

from .catalog import ModelEntry
from .identity import row_key


def ordered(columns: Sequence[Any], descending: Sequence[bool], backward: bool) -> list:
    """ORDER BY terms: each database's own NULL order, reversed with the direction (as the
    seek expects)."""
    return [c.desc() if d != backward else c.asc()
            for c, d in zip(columns, descending, strict=True)]


def page_statement(info: ModelEntry, base, columns: Sequence[Any], descending: Sequence[bool],
                   backward: bool, offset: int, limit: int, fields: Sequence[Field] | None,
                   kept: list[str] | None):
    """The statement reading `limit` rows of `base` (filtered, seeked) in the sort order
    of `columns`, `offset` rows in, with the to-one relations among `fields` (None: all)
    joined and only the column attributes `kept` read (None: all)."""
    pk = [getattr(info.model, info.mapper.get_property_by_column(c).key)
          for c in info.mapper.primary_key]
    shown = info.fields if fields is None else fields
    eager = [joinedload(getattr(info.model, f.name)) for f in shown
             if f.kind == "to_one" and f.related]
    if kept is not None:
        eager.append(load_only(*(getattr(info.model, name) for name in kept)))
    in_key_order = not offset and len(columns) == len(pk) and \
        all(c is k for c, k in zip(columns, pk, strict=True))
    if in_key_order or not unique_key(info):
        # in key order, page by page: the key's own index walks straight to the rows
        # (and a key the table does not declare may repeat: no join on it)
        stmt = base.order_by(*ordered(columns, descending, backward)).limit(limit)
        return (stmt.offset(offset) if offset else stmt).options(*eager)
    values = [c.label(f"s{i}") for i, c in enumerate(columns)]  # ordered by name: one
    # computation of a relation's label per row
    keys = base.with_only_columns(*(k.label(f"k{i}") for i, k in enumerate(pk)), *values,
                                  maintain_column_froms=True) \
        .order_by(*ordered(values, descending, backward)).limit(limit)
    if offset:
        keys = keys.offset(offset)
    page_keys = keys.subquery("page_keys")
    on = sa.and_(*(k == page_keys.c[f"k{i}"] for i, k in enumerate(pk)))
    sorted_by = [page_keys.c[f"s{i}"] for i in range(len(columns))]
    stmt = sa.select(info.model).join(page_keys, on).order_by(
        *ordered(sorted_by, descending, backward))
    return stmt.options(*eager)


def unique_key(info: ModelEntry) -> bool:
    """Whether the mapper's key is its tables' declared primary key (a table served
    without one is keyed by all its columns, which may repeat)."""
    key = set(info.mapper.primary_key)
    return all(isinstance(c, sa.Column) and c.primary_key and isinstance(c.table, sa.Table)
               and set(c.table.primary_key.columns) <= key for c in key)


def kept_columns(info: ModelEntry, fields: Sequence[Field] | None,
                 sort_fields: Sequence[Field]) -> list[str] | None:
    """The column attributes a page reads, or None for all of them (every field asked
    for, or a shown field that is not a column: a property may read any)."""
    if fields is None:
        return None
    columns = {p.key for p in info.mapper.column_attrs}
    wanted = [f.name for f in fields if not f.is_relation]
    if any(name not in columns for name in wanted):
        return None
    wanted += [f.name for f in sort_fields if f.name in columns]
    wanted += [info.mapper.get_property_by_column(c).key for c in info.mapper.primary_key]
    if info.label_attr in columns:
        wanted.append(info.label_attr)
    version = info.mapper.version_id_col
    if version is not None:
        wanted.append(info.mapper.get_property_by_column(version).key)
    kept = list(dict.fromkeys(wanted))
    return kept if len(kept) < len(columns) else None


def load_what_labels_read(session, info: ModelEntry, rows: list,
                          kept: Sequence[str] | None) -> None:
    """A model's `__str__` may read a column the page left out: if the first row's does,
    that column is read for every row of the page in one statement (not one per row)."""
    if kept is None or not rows or not info.has_str:
        return
    state = sa.inspect(rows[0])
    left_out = set(state.unloaded) & {p.key for p in info.mapper.column_attrs}
    str(rows[0])
    touched = left_out - set(state.unloaded)
    if not touched:
        return
    pk = [getattr(info.model, info.mapper.get_property_by_column(c).key)
          for c in info.mapper.primary_key]
    keys = [tuple(row_key(info.mapper, r)) for r in rows[1:]]
    if not keys:
        return
    match = pk[0].in_([k[0] for k in keys]) if len(pk) == 1 else sa.tuple_(*pk).in_(keys)
    # rows already in the session get their unloaded attributes filled in
    list(session.scalars(sa.select(info.model).where(match).options(
        load_only(*(getattr(info.model, name) for name in sorted(touched))))))
