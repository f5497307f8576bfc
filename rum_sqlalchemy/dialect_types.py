"""PostgreSQL's and MariaDB's own column types: their kinds, and the reflected types Rum
reads more faithfully (see `coltypes`).

Imported by `coltypes` only once either dialect is: importing both costs a SQLite app a
noticeable part of its start-up, and no column can be of their types before.
"""

import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from sqlalchemy.dialects import postgresql as pg

from rum.durations import timedelta_text


class IntervalText(sa.types.TypeDecorator):
    """A PostgreSQL interval as its text, months and all; written from any text PostgreSQL
    reads as an interval."""

    impl = pg.INTERVAL
    cache_ok = True

    def column_expression(self, column):
        return sa.cast(column, sa.Text)

    def bind_expression(self, bindvalue):
        return sa.cast(bindvalue, pg.INTERVAL)

    def process_bind_param(self, value, dialect):
        return value


class SignedTime(sa.types.TypeDecorator):
    """A MariaDB TIME as the signed timedelta it is (-838:59:59 to 838:59:59)."""

    impl = mysql.TIME
    cache_ok = True

    def result_processor(self, dialect, coltype):
        return None  # the driver's timedelta, not a wrapped-around time of day

    def process_bind_param(self, value, dialect):
        if isinstance(value, datetime.timedelta):
            return timedelta_text(value)  # the driver's own escaping mangles negative minutes
        return value


def _mariadb_json(inspector, table, column: str) -> bool:
    """MariaDB's JSON is a LONGTEXT with a `json_valid` check the reflection leaves out."""
    found = inspector.bind.exec_driver_sql(
        "SELECT CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS WHERE "
        "CONSTRAINT_SCHEMA = COALESCE(%s, DATABASE()) AND TABLE_NAME = %s AND CONSTRAINT_NAME = %s",
        (table.schema, table.name, column)).scalars().all()
    return any(clause.replace("`", "").lower() == f"json_valid({column.lower()})"
               for clause in found)


def adapt_reflected_column(inspector, table, column_info) -> bool:
    """Swap the dialect types named in `coltypes`' docstring; True if one was swapped."""
    column_type = column_info["type"]
    if isinstance(column_type, mysql.LONGTEXT) and inspector.bind.dialect.is_mariadb and \
            _mariadb_json(inspector, table, column_info["name"]):
        column_info["type"] = mysql.JSON()
    elif isinstance(column_type, pg.INTERVAL):
        column_info["type"] = IntervalText()
    elif isinstance(column_type, mysql.TIME):
        column_info["type"] = SignedTime(fsp=getattr(column_type, "fsp", None))
    else:
        return False
    return True


def dialect_kind(column_type) -> str | None:
    """The kind of a dialect's own type, or None for the generic kinds of `coltypes`."""
    if isinstance(column_type, mysql.TINYINT) and column_type.display_width == 1:
        return "boolean"  # MariaDB's BOOLEAN
    for dialect_type, kind in TYPE_KINDS:
        if isinstance(column_type, dialect_type):
            return kind
    return None


def is_cidr(column_type) -> bool:
    return isinstance(column_type, pg.CIDR)


def set_choices(column_type) -> tuple | None:
    """A MariaDB SET's choices, or None for another type."""
    if isinstance(column_type, mysql.SET):
        return tuple((v, v) for v in column_type.values)
    return None


# Checked before the generic kinds: a SET or a LONGTEXT is a String, not an Enum or a Text.
TYPE_KINDS = (
    (IntervalText, "interval"), (SignedTime, "duration"), (pg.INTERVAL, "duration"),
    (mysql.SET, "set"), (mysql.YEAR, "integer"), (pg.MONEY, "money"),
    (pg.INET, "inet"), (pg.CIDR, "inet"), (mysql.TINYTEXT, "text"), (mysql.MEDIUMTEXT, "text"),
    (mysql.LONGTEXT, "text"),
)
