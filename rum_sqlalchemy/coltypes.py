"""Column types -> field kinds, and the reflected types Rum reads more faithfully.

Two reflected types lose data through their stock SQLAlchemy processing, so reflection
swaps them (only on tables Rum reflected itself; mapped classes keep their own types):
- PostgreSQL INTERVAL arrives as a timedelta, which folds `3 mons` into `90 days`: it is
  read and written as PostgreSQL's text instead (kind `interval`).
- MariaDB TIME arrives as a time of day, which turns `-01:00:00` into 23:00: it stays the
  signed timedelta the driver gives (kind `duration`).
And MariaDB DOUBLE/FLOAT reflect as decimals rounded to 10 places: they stay floats.
"""

import sys

import sqlalchemy as sa

# kinds an array element may have (others make the whole array `unknown`, read-only)
ARRAY_ITEM_KINDS = frozenset({"string", "text", "integer", "float", "decimal", "boolean",
                              "date", "datetime", "datetime_tz", "time", "uuid", "inet",
                              "enum"})
DIALECT_MODULES = ("sqlalchemy.dialects.postgresql", "sqlalchemy.dialects.mysql")


def _dialect_types():
    """`dialect_types` once PostgreSQL's or MariaDB's dialect is imported, else None: a
    column can only be of their types after, and a SQLite app need not import them."""
    if not any(name in sys.modules for name in DIALECT_MODULES):
        return None
    from . import dialect_types
    return dialect_types


def adapt_reflected_column(inspector, table, column_info) -> None:
    """`column_reflect` listener: swap the types named in the module docstring, and give
    MariaDB's JSON columns the JSON type."""
    dialect_types = _dialect_types()
    if dialect_types is not None and \
            dialect_types.adapt_reflected_column(inspector, table, column_info):
        return
    column_type = column_info["type"]
    if isinstance(column_type, sa.Float) and column_type.asdecimal:
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
    dialect_types = _dialect_types()
    kind = dialect_types.dialect_kind(column_type) if dialect_types is not None else None
    if kind is not None:
        return kind
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
    dialect_types = _dialect_types()
    if kind == "inet" and dialect_types is not None and dialect_types.is_cidr(column_type):
        options["cidr"] = True
    if kind == "time" and getattr(column_type, "timezone", False):
        options["timezone"] = True
    return kind, options


def enum_choices(column_type) -> tuple:
    if getattr(column_type, "enum_class", None) is not None:
        # `enums` holds what is stored (names, or values_callable's output); people read values
        return tuple((stored, str(m.value)) for stored, m in
                     zip(column_type.enums, column_type.enum_class, strict=False))
    dialect_types = _dialect_types()
    choices = dialect_types.set_choices(column_type) if dialect_types is not None else None
    if choices is not None:
        return choices
    return tuple((v, v) for v in getattr(column_type, "enums", ()))


# Checked in order after the dialects' own (`dialect_types.TYPE_KINDS`): subclasses before
# their bases (Text is a String, Float a Numeric).
TYPE_KINDS = (
    (sa.Interval, "duration"), (sa.Enum, "enum"), (sa.Boolean, "boolean"),
    (sa.Integer, "integer"), (sa.Float, "float"), (sa.Numeric, "decimal"), (sa.Date, "date"),
    (sa.Time, "time"), (sa.Text, "text"), (sa.String, "string"),
    (sa.LargeBinary, "binary"), (sa.JSON, "json"), (sa.Uuid, "uuid"),
)
