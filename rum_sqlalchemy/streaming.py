"""Whole query results, row by row from a server-side cursor, for exports.

An export outlives the request's unit of work (the response streams after the action
returns), so it reads in a session of its own, opened when the first row is wanted and
closed when the last is sent or the client goes away. The query runs and its first row is
read before the response starts, so a bad filter (400) or a database fault (503) is still
an error response, not a 200 cut short. When every exported relation has a
name column, rows come as plain tuples (no ORM objects: exports of a million rows are
dominated by object creation otherwise); other shapes go through the ORM, batch by batch.
"""

import enum
import itertools
from collections.abc import Generator, Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased, joinedload

from rum.contracts import Record, Ref
from rum.fields import Field
from rum.keys import encode_key
from rum.query import Query

from .connecting import UNBOUNDED
from .introspect import enum_value
from .querying import apply_filters, sort_spec
from .relation_order import relation_order

BATCH = 1000


def _filtered(repo, query: Query):
    info = repo.info
    stmt = apply_filters(sa.select(info.model), info, query, repo.catalog, repo.access)
    if query.parent:
        stmt = stmt.where(repo.parent_clause(query.parent))
    columns, descending, _fields = sort_spec(info, query, repo.access.hidden(info.resource),
                                             relation_order(info, repo.catalog, repo.access))
    return stmt.order_by(*(c.desc() if d else c.asc()
                           for c, d in zip(columns, descending, strict=True)))


def _flat_columns(repo, fields: tuple[Field, ...]):
    """(stmt modifier, per-field readers) for a tuple query, or None if a field needs the ORM
    (a to-many, or a to-one whose target has row filters: those are checked per batch)."""
    info, catalog, access = repo.info, repo.catalog, repo.access
    selected: list[Any] = []
    joins: list[tuple[Any, Any]] = []  # (aliased target, relationship path)
    readers: list[tuple[Field, int, tuple[str, bool] | None]] = []  # (field, at, (resource, opaque))
    pk = [getattr(info.model, info.mapper.get_property_by_column(c).key)
          for c in info.mapper.primary_key]
    for f in fields:
        if f.kind == "to_many":
            return None
        if f.kind != "to_one":
            readers.append((f, len(selected), None))
            selected.append(getattr(info.model, f.name))
            continue
        rel = info.mapper.relationships[f.name]
        target = catalog.info_for(rel.mapper.class_)
        if target is None or not target.label_attr or len(target.mapper.primary_key) != 1:
            return None
        readable = access.can_read(target.resource)
        if readable and access.scope(target.resource):
            return None
        other = aliased(target.model)
        joins.append((other, getattr(info.model, f.name).of_type(other)))
        key = getattr(other, target.mapper.get_property_by_column(target.mapper.primary_key[0]).key)
        # unreadable target, or hidden name: an opaque reference, its name never selected
        opaque = not readable or target.label_attr in access.hidden(target.resource)
        readers.append((f, len(selected), (target.resource, opaque)))
        selected.extend([key, sa.null() if opaque else getattr(other, target.label_attr)])
    return selected + pk, joins, readers, len(selected)


class RecordStream:
    """An export's records, the first one already read; `close()` ends the read early."""

    def __init__(self, records: Generator[Record, None, None]):
        self._records = records
        self._first = list(itertools.islice(records, 1))  # runs the query: errors come now

    def __iter__(self) -> Iterator[Record]:
        first, self._first = self._first, []
        yield from first
        yield from self._records

    def close(self) -> None:
        self._records.close()  # leaves the session, returning its connection


def stream_records(engine, make_repository, query: Query, fields: tuple[Field, ...],
                   batch: int = BATCH) -> RecordStream:
    """Every row `query` selects (no paging), as records of `fields`, `batch` rows at a time."""
    return RecordStream(_records(engine, make_repository, query, fields, batch))


def _records(engine, make_repository, query: Query, fields: tuple[Field, ...],
             batch: int) -> Generator[Record, None, None]:
    with Session(engine) as session:
        repo = make_repository(session)
        stmt = _filtered(repo, query)
        flat = _flat_columns(repo, fields)
        if flat is None:
            eager = [joinedload(getattr(repo.info.model, f.name)) for f in fields
                     if f.kind == "to_one" and f.related]
            result = session.execute(stmt.options(*eager).execution_options(
                yield_per=batch, **{UNBOUNDED: True}))
            # The identity map holds rows weakly: once a batch is written out, it is let go.
            for partition in result.scalars().partitions():
                repo.seen.clear()  # memory stays flat however long the export
                repo.prefetch(partition, fields)  # one query per scoped relation and batch
                for row in partition:
                    yield repo.record(row, fields, versioned=False)
            return
        columns, joins, readers, pk_at = flat
        stmt = stmt.with_only_columns(*columns)
        for other, path in joins:
            stmt = stmt.outerjoin(other, path)
        # Core rows (the ORM would only hand the same tuples over, at twice the cost)
        result = session.connection().execute(stmt.execution_options(
            yield_per=batch, **{UNBOUNDED: True}))
        plain = [(f.name, at) for f, at, related in readers if related is None]
        refs = [(f.name, at, related) for f, at, related in readers if related is not None]
        mapper = repo.info.mapper
        enums = [name for name, _at in plain if name in mapper.columns
                 and getattr(mapper.columns[name].type, "enum_class", None) is not None]
        for partition in result.partitions():
            for row in partition:
                values = {name: row[at] for name, at in plain}
                for name in enums:
                    if isinstance(values[name], enum.Enum):
                        values[name] = enum_value(mapper, name, values[name])
                for name, at, (related, opaque) in refs:
                    key = row[at]
                    values[name] = None if key is None else (
                        Ref(related, str(key), f"#{key}", opaque=True) if opaque
                        else Ref(related, str(key), str(row[at + 1])))
                yield Record(id=encode_key(row[pk_at:]), label="", values=values)
