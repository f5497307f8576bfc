"""Whole query results, row by row from a server-side cursor, for exports.

An export outlives the request's unit of work (the response streams after the action
returns), so it reads in a session of its own, opened when the first row is wanted and
closed when the last is sent or the client goes away. The query runs and its first row is
read before the response starts, so a bad filter (400) or a database fault (503) is still
an error response, not a 200 cut short. When every exported relation has a
name column, rows come as plain tuples (no ORM objects: exports of a million rows are
dominated by object creation otherwise); other shapes go through the ORM, batch by batch.
Rows travel in batches, never one by one: a generator step per row would cost an export of
a million rows about a tenth of its time.
"""

import enum
import itertools
import operator
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


def _flat_columns(repo, fields: tuple[Field, ...], records: bool = True):
    """(stmt modifier, per-field readers) for a tuple query, or None if a field needs the ORM
    (a to-many, or a to-one whose target has row filters: those are checked per batch).
    Without `records`, no key is selected that only a record needs: a relation whose name
    says everything is its name alone, and the row's key is not read."""
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
        label = getattr(other, target.label_attr)
        if not records and not opaque and _plain_label(label):
            readers.append((f, len(selected), None))  # the name as it is read
            selected.append(label)
            continue
        readers.append((f, len(selected), (target.resource, opaque)))
        selected.extend([key, sa.null() if opaque else label])
    if not records:
        return selected, joins, readers, ()
    pk_spots = []  # the key's columns: a listed column is not selected twice
    for attribute in pk:
        at = next((i for i, c in enumerate(selected) if c is attribute), None)
        if at is None:
            at = len(selected)
            selected.append(attribute)
        pk_spots.append(at)
    return selected, joins, readers, tuple(pk_spots)


class RecordStream:
    """An export's records, the first batch already read; `close()` ends the read early.

    `value_chunks()` gives the same rows as lists of tuples of their values in the fields'
    order, relations as their names (what an export writes), without building records: a
    plain export's rows come straight from the cursor, a batch at a time."""

    def __init__(self, batches: Generator[list, None, None], to_record=None, to_values=None,
                 *, values_only: bool = False):
        self._batches = batches
        self._to_record = to_record  # item -> Record, when items are not records
        # item -> tuple of values, when items are not records; `as_read`: items are the values
        self._to_values = to_values
        self._values_only = values_only  # read without keys: no records to make
        self._first = list(itertools.islice(batches, 1))  # runs the query: errors come now

    def _all(self) -> Iterator[list]:
        first, self._first = self._first, []
        yield from first
        yield from self._batches

    def __iter__(self) -> Iterator[Record]:
        items = itertools.chain.from_iterable(self._all())
        if self._to_record is None:
            return items
        if self._values_only:
            raise TypeError("this stream was made for its values only (records=False)")
        return map(self._to_record, items)

    def value_chunks(self, fields: tuple[Field, ...]) -> Iterator[list[tuple]]:
        """Each batch's rows as the values of `fields` (the fields it was made for),
        relations by name."""
        if self._to_values is as_read:
            return self._all()
        if self._to_values is not None:
            return (list(map(self._to_values, batch)) for batch in self._all())
        names = [f.name for f in fields]
        return ([tuple(_by_name(r.values.get(n)) for n in names) for r in batch]
                for batch in self._all())

    def close(self) -> None:
        self._batches.close()  # leaves the session, returning its connection


def as_read(row):
    """A row that is its values already, in the fields' order (`value_chunks` then hands
    the batches over as they are)."""
    return row


def _by_name(value):
    return value.label if isinstance(value, Ref) else value


def stream_records(engine, make_repository, query: Query, fields: tuple[Field, ...],
                   batch: int = BATCH, records: bool = True) -> RecordStream:
    """Every row `query` selects (no paging), as records of `fields`, `batch` rows at a time;
    without `records`, only as their values (`value_chunks()`), read with no key."""
    with Session(engine) as probe:
        repo = make_repository(probe)
        flat = _flat_columns(repo, fields, records)
    if flat is None:
        return RecordStream(_records(engine, make_repository, query, fields, batch))
    as_stored = _read_as_stored(engine.dialect, flat[0])
    to_record, to_values = _converters(repo.info.mapper, flat, as_stored)
    return RecordStream(_rows(engine, make_repository, query, flat, batch, as_stored),
                        to_record, to_values, values_only=not records)


def _records(engine, make_repository, query: Query, fields: tuple[Field, ...],
             batch: int) -> Generator[list[Record], None, None]:
    """Lists of records through the ORM, batch by batch (relations to check per batch)."""
    with Session(engine) as session:
        repo = make_repository(session)
        stmt = _filtered(repo, query)
        eager = [joinedload(getattr(repo.info.model, f.name)) for f in fields
                 if f.kind == "to_one" and f.related]
        result = session.execute(stmt.options(*eager).execution_options(
            yield_per=batch, **{UNBOUNDED: True}))
        # The identity map holds rows weakly: once a batch is written out, it is let go.
        for partition in result.scalars().partitions():
            repo.seen.clear()  # memory stays flat however long the export
            repo.prefetch(partition, fields)  # one query per scoped relation and batch
            yield repo.records(partition, fields, versioned=False)


def _rows(engine, make_repository, query: Query, flat, batch: int,
          as_stored: bool) -> Generator[list, None, None]:
    """Lists of Core rows of the plain columns, each relation's id and name beside them, the
    primary key's columns last unless listed (the ORM would hand the same tuples over, at
    twice the cost)."""
    columns, joins, _readers, _pk_spots = flat
    with Session(engine) as session:
        repo = make_repository(session)
        stmt = _filtered(repo, query).with_only_columns(*columns)
        for other, path in joins:
            stmt = stmt.outerjoin(other, path)
        connection = session.connection()
        if not as_stored:
            result = connection.execute(stmt.execution_options(yield_per=batch,
                                                               **{UNBOUNDED: True}))
            for partition in result.partitions():
                yield list(partition)
            return
        # no yield_per: nothing is buffered before the driver's cursor, read here
        result = connection.execute(stmt.execution_options(**{UNBOUNDED: True}))
        try:
            yield from _driver_batches(result.cursor, batch, connection.dialect)
        finally:
            result.close()


def _read_as_stored(dialect, columns) -> bool:
    """Whether rows can be read from the driver's cursor as they are: SQLite's (its driver
    steps through the result as it is read; no other driver's columns are typed by the
    statement alone) when no column converts what it reads. SQLAlchemy's rows would cost
    an export a third of its time."""
    if dialect.name != "sqlite" or dialect.driver != "pysqlite":
        return False
    return all(c.type.dialect_impl(dialect).result_processor(dialect, None) is None
               for c in columns)


def _driver_batches(cursor, batch: int, dialect) -> Iterator[list]:
    """The cursor's rows, `batch` at a time; a fault raised as SQLAlchemy would raise it."""
    error = dialect.loaded_dbapi.Error
    while True:
        try:
            rows = cursor.fetchmany(batch)
        except error as exc:
            raise sa.exc.DBAPIError.instance(None, None, exc, error, dialect=dialect) from exc
        if not rows:
            return
        yield rows


def _converters(mapper, flat, as_stored: bool):
    """(row -> Record, row -> values) for the Core rows of `_rows` (driver's tuples when
    `as_stored`); `as_read` for the values when the rows are those values."""
    columns, _joins, readers, pk_spots = flat
    plain = [(f.name, at) for f, at, related in readers if related is None]
    refs = [(f.name, at, related) for f, at, related in readers if related is not None]
    enums = {name for name, _at in plain if name in mapper.columns
             and getattr(mapper.columns[name].type, "enum_class", None) is not None}

    def values(row) -> dict:
        out = {name: row[at] for name, at in plain}
        for name in enums:
            if isinstance(out[name], enum.Enum):
                out[name] = enum_value(mapper, name, out[name])
        for name, at, (related, opaque) in refs:
            key = row[at]
            out[name] = None if key is None else (
                Ref(related, str(key), f"#{key}", opaque=True) if opaque
                else Ref(related, str(key), str(row[at + 1])))
        return out

    key = operator.itemgetter(*pk_spots) if len(pk_spots) > 1 else (
        lambda row, at=pk_spots[0] if pk_spots else 0: (row[at],))

    def to_record(row) -> Record:
        return Record(id=encode_key(key(row)), label="", values=values(row))

    names = [f.name for f, _at, _related in readers]
    if enums:
        return to_record, lambda row: _in_order(values(row), names)
    if all(related is None or (not related[1] and _plain_label(columns[at + 1]))
           for _f, at, related in readers):
        # every value is a column as it is (a relation's name for the relation): C picks them
        spots = [at if related is None else at + 1 for _f, at, related in readers]
        if as_stored and spots == list(range(len(columns))):
            return to_record, as_read
        if len(spots) == 1:
            return to_record, lambda row, at=spots[0]: (row[at],)
        return to_record, operator.itemgetter(*spots)
    return to_record, lambda row: _in_order(values(row), names)


def _in_order(values: dict, names: list[str]) -> tuple:
    return tuple(_by_name(values[n]) for n in names)


def _plain_label(attribute) -> bool:
    """Whether a relation's name column is text that is never null (outer-joined, it is
    null exactly when there is no related row): then the name is the column as read."""
    try:
        column = attribute.property.columns[0]
        return not column.nullable and issubclass(column.type.python_type, str)
    except (AttributeError, IndexError, NotImplementedError):
        return False
