"""Whole query results, row by row from a server-side cursor, for exports.

An export outlives the request's unit of work (the response streams after the action
returns), so it reads in a session of its own, opened when the first row is wanted and
closed when the last is sent or the client goes away.
"""

from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from rum.contracts import Record
from rum.fields import Field
from rum.query import Query

from .querying import apply_filters, sort_spec

BATCH = 1000


def stream_records(engine, make_repository, query: Query, fields: tuple[Field, ...],
                   batch: int = BATCH) -> Iterator[Record]:
    """Every row `query` selects (no paging), as records of `fields`, `batch` rows at a time."""
    with Session(engine) as session:
        repo = make_repository(session)
        info = repo.info
        scoped = query.but(filters=query.filters + query.scope) if query.scope else query
        stmt = apply_filters(sa.select(info.model), info, scoped, repo._related_key,
                             repo.catalog)
        if query.parent:
            stmt = stmt.where(repo.parent_clause(query.parent))
        columns, descending, _fields = sort_spec(info, query)
        stmt = stmt.order_by(*(c.desc() if d else c.asc()
                               for c, d in zip(columns, descending, strict=True)))
        eager = [joinedload(getattr(info.model, f.name)) for f in fields
                 if f.kind == "to_one" and f.related]
        result = session.execute(stmt.options(*eager).execution_options(yield_per=batch))
        for partition in result.scalars().partitions():
            for row in partition:
                yield repo.record(row, fields)
            session.expunge_all()  # keep memory flat: rows already sent are let go
