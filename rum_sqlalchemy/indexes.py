"""Which sorts an index serves: a sort on a column no index leads makes the database read
and sort the whole table for every page, so a big list says so (and the docs name the
index that would serve it: `CREATE INDEX ix_movie_year_id ON movie (year, id)`).

The database is asked once per table and app (its inspector sees indexes the models do
not declare); the answer is kept by the catalog.
"""

import logging

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

log = logging.getLogger(__name__)


def leading_columns(bind, table: sa.Table) -> frozenset[str]:
    """The columns some index, primary key or unique constraint of `table` starts with."""
    leads = {c.name for c in list(table.primary_key.columns)[:1]}
    for index in table.indexes:
        columns = list(index.columns)
        if columns:
            leads.add(columns[0].name)
    for constraint in table.constraints:
        if isinstance(constraint, sa.UniqueConstraint) and len(constraint.columns):
            leads.add(list(constraint.columns)[0].name)
    try:
        inspector = sa.inspect(bind)
        found = inspector.get_indexes(table.name, table.schema) + \
            inspector.get_unique_constraints(table.name, table.schema)
        pk = inspector.get_pk_constraint(table.name, table.schema)
    except (sa_exc.SQLAlchemyError, NotImplementedError) as exc:
        log.info("indexes of %s not read: %s", table.name, exc)
        return frozenset(leads)
    for entry in found + [pk]:
        names = [n for n in entry.get("column_names") or [] if n]
        if names:
            leads.add(names[0])
    return frozenset(leads)


def sort_served(known: dict, bind, info, name: str) -> bool:
    """Whether an index leads with the column the sort field `name` of `info`'s model
    orders by (never for a relation's label); `known` keeps each table's answer (the
    catalog's, one per app)."""
    prop = info.mapper.attrs[name] if name in info.mapper.attrs else None
    column = prop.columns[0] if prop is not None and hasattr(prop, "columns") else None
    if not isinstance(column, sa.Column) or not isinstance(column.table, sa.Table):
        return False
    table = column.table
    key = (table.schema, table.name)
    if key not in known:
        known[key] = leading_columns(bind, table)
    return column.name in known[key]
