"""Column types -> field kinds, and the reflected types Rum reads more faithfully.

Two reflected types lose data through their stock SQLAlchemy processing, so reflection
swaps them (only on tables Rum reflected itself; mapped classes keep their own types):
- PostgreSQL INTERVAL arrives as a timedelta, which folds `3 mons` into `90 days`: it is
  read and written as PostgreSQL's text instead (kind `interval`).
- MariaDB TIME arrives as a time of day, which turns `-01:00:00` into 23:00: it stays the
  signed timedelta the driver gives (kind `duration`).
And MariaDB DOUBLE/FLOAT reflect as decimals rounded to 10 places: they stay floats.
"""

import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from sqlalchemy.dialects import postgresql as pg

from rum.durations import timedelta_text

# kinds an array element may have (others make the whole array `unknown`, read-only)
ARRAY_ITEM_KINDS = frozenset({"string", "text", "integer", "float", "decimal", "boolean",
                              "date", "datetime", "datetime_tz", "time", "uuid", "inet",
                              "enum"})


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


def adapt_reflected_column(inspector, table, column_info) -> None:
    """`column_reflect` listener: swap the types named in the module docstring, and give
    MariaDB's JSON columns the JSON type."""
    column_type = column_info["type"]
    if isinstance(column_type, mysql.LONGTEXT) and inspector.bind.dialect.is_mariadb and \
            _mariadb_json(inspector, table, column_info["name"]):
        column_info["type"] = mysql.JSON()
    elif isinstance(column_type, pg.INTERVAL):
        column_info["type"] = IntervalText()
    elif isinstance(column_type, mysql.TIME):
        column_info["type"] = SignedTime(fsp=getattr(column_type, "fsp", None))
    elif isinstance(column_type, sa.Float) and column_type.asdecimal:
        column_type.asdecimal = False


def _array_kind(column_type) -> tuple[str, dict]:
    item, options = column_kind(column_type.item_type)
    if item not in ARRAY_ITEM_KINDS:
        return "unknown", {}
    options = {**options, "item": item}
    if item == "enum":
        options["choices"] = enum_choices(column_type.item_type)
    return "array", options


def _kind(column_type) -> str:
    if isinstance(column_type, mysql.TINYINT) and column_type.display_width == 1:
        return "boolean"  # MariaDB's BOOLEAN
    if isinstance(column_type, sa.DateTime):
        return "datetime_tz" if column_type.timezone else "datetime"
    for sa_type, kind in TYPE_KINDS:
        if isinstance(column_type, sa_type):
            return kind
    # includes a custom TypeDecorator: its Python values are its own, so it is read-only
    return "unknown"


def column_kind(column_type) -> tuple[str, dict]:
    """(kind, options) of a column type; types Rum does not know are `unknown` (read-only)."""
    if isinstance(column_type, sa.ARRAY):
        return _array_kind(column_type)
    kind = _kind(column_type)
    options = {}
    if kind == "inet" and isinstance(column_type, pg.CIDR):
        options["cidr"] = True
    if kind == "time" and getattr(column_type, "timezone", False):
        options["timezone"] = True
    return kind, options


def enum_choices(column_type) -> tuple:
    if getattr(column_type, "enum_class", None) is not None:
        # `enums` holds what is stored (names, or values_callable's output); people read values
        return tuple((stored, str(m.value)) for stored, m in
                     zip(column_type.enums, column_type.enum_class, strict=False))
    if isinstance(column_type, mysql.SET):
        return tuple((v, v) for v in column_type.values)
    return tuple((v, v) for v in getattr(column_type, "enums", ()))


# Checked in order: subclasses before their bases (Text is a String, Float a Numeric).
TYPE_KINDS = (
    (IntervalText, "interval"), (SignedTime, "duration"), (pg.INTERVAL, "duration"),
    (sa.Interval, "duration"), (mysql.SET, "set"), (sa.Enum, "enum"), (sa.Boolean, "boolean"),
    (mysql.YEAR, "integer"), (sa.Integer, "integer"), (pg.MONEY, "money"), (sa.Float, "float"),
    (sa.Numeric, "decimal"), (sa.Date, "date"), (sa.Time, "time"),
    (pg.INET, "inet"), (pg.CIDR, "inet"), (sa.Text, "text"), (mysql.TINYTEXT, "text"),
    (mysql.MEDIUMTEXT, "text"), (mysql.LONGTEXT, "text"), (sa.String, "string"),
    (sa.LargeBinary, "binary"), (sa.JSON, "json"), (sa.Uuid, "uuid"),
)
