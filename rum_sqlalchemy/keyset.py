"""Keyset (seek) paging: a cursor holds the sort values of a boundary row.

Page 2,500 costs what page 1 costs: the database seeks in the sort index instead of
counting past OFFSET rows. Every sort pages this way, nullable and boolean columns and
mixed directions included.

NULLs keep each database's own place (so an index on the sort column still serves the
ORDER BY): SQLite and MySQL/MariaDB put them before every value ascending, PostgreSQL
after. The seek clause asks for them explicitly (`IS NULL` / `IS NOT NULL`) on the side
where that database puts them; NULLs never compare equal, so a plain `>` would skip them.
"""


import sqlalchemy as sa

from .querying import bound_like

# Dialects whose ascending order puts NULL after every value (NULLS LAST); the rest
# (sqlite, mysql/mariadb, mssql) put it first, and every one reverses it under DESC.
NULLS_HIGH = frozenset({"postgresql", "oracle"})


def _equal(column, value):
    return column.is_(None) if value is None else column == bound_like(column, value)


def _beyond(column, value, greater: bool, nullable: bool, nulls_high: bool):
    """Rows strictly past `value` in one column, walking towards greater (or smaller) values;
    None when nothing lies past it. NULL sits at the high end when `nulls_high`."""
    nulls_ahead = greater == nulls_high  # walking towards the end where the NULLs are
    if value is None:
        return None if nulls_ahead else column.is_not(None)
    bound = bound_like(column, value)  # a bound value: `> True` is refused as a literal
    step = column > bound if greater else column < bound
    return sa.or_(step, column.is_(None)) if nullable and nulls_ahead else step


def seek_clause(columns: list, descending: list[bool], values: list, backward: bool,
                nullable: list[bool] | None = None, nulls_high: bool = False):
    """Rows strictly after (or, `backward`, before) the boundary row in the sort order.

    (a, b, c) > (x, y, z) expands to a > x OR (a = x AND b > y) OR (a = x AND b = y AND c > z),
    with > and < swapped per descending column, so mixed directions work on every database;
    each term is NULL-aware for the `nullable` columns, with NULLs where the dialect sorts
    them (`nulls_high`: after every value ascending, as PostgreSQL does).
    """
    nullable = nullable if nullable is not None else [True] * len(columns)
    ors = []
    for i, (column, desc) in enumerate(zip(columns, descending, strict=True)):
        greater = desc == backward
        step = _beyond(column, values[i], greater, nullable[i], nulls_high)
        if step is not None:
            ors.append(sa.and_(*[_equal(columns[j], values[j]) for j in range(i)], step))
    return sa.or_(*ors) if ors else sa.false()
