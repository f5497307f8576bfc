"""Database refusals (unique, not-null, foreign-key) as messages beside the right field."""

import re
from typing import Any

from sqlalchemy import exc as sa_exc

from rum.i18n import N_, Message

UNIQUE = N_("already exists; choose another value")
NOT_NULL = N_("Enter a value")
FOREIGN = N_("refers to something that does not exist")
CHECK = N_("is not allowed here (a check constraint failed)")

PATTERNS = (
    # SQLite
    (re.compile(r"UNIQUE constraint failed: ([\w.]+(?:, [\w.]+)*)"), UNIQUE),
    (re.compile(r"NOT NULL constraint failed: ([\w.]+)"), NOT_NULL),
    # PostgreSQL (detail line) and MariaDB
    (re.compile(r"Key \(([^)]+)\)=\(.*\) already exists"), UNIQUE),
    (re.compile(r'null value in column "(\w+)"'), NOT_NULL),
    (re.compile(r"Column '(\w+)' cannot be null"), NOT_NULL),
    (re.compile(r"Duplicate entry '.*' for key '([\w.]+)'"), UNIQUE),
    (re.compile(r"Key \((\w+)\)=\(.*\) is not present"), FOREIGN),
    (re.compile(r"FOREIGN KEY \(`(\w+)`\) REFERENCES"), FOREIGN),
    # CHECK constraints: PostgreSQL names the constraint, MariaDB names it and the table
    (re.compile(r'violates check constraint "(\w+)"'), CHECK),
    (re.compile(r"CONSTRAINT `(\w+)` failed for"), CHECK),
)


# MariaDB/MySQL refusals its drivers do not class as integrity or data errors:
# CHECK constraint failed (MariaDB 4025, MySQL 3819), value out of range / wrong type
REFUSED_CODES = frozenset({4025, 3819, 1264, 1265, 1292, 1366, 1406})


def refused_value(exc: sa_exc.DBAPIError) -> bool:
    """Whether the database refused a value (bad input), not failed (a 5xx matter)."""
    if isinstance(exc, sa_exc.IntegrityError | sa_exc.DataError):
        return True
    args: tuple[Any, ...] = getattr(exc.orig, "args", ())
    return bool(args) and args[0] in REFUSED_CODES


def _column_names(found: str, table) -> list[str]:
    names = [part.strip().split(".")[-1].strip('"`') for part in found.split(",")]
    if table is not None and len(names) == 1 and names[0] not in table.c:
        # MariaDB names the index, not the column
        for constraint in list(table.indexes) + list(table.constraints):
            if getattr(constraint, "name", None) == names[0] and len(constraint.columns):
                return [c.name for c in constraint.columns]
    return names


def field_errors(exc: sa_exc.DBAPIError, entry) -> dict[str, str]:
    """{field name: message} for a refused write; {'': message} when no field is to blame."""
    text = str(exc.orig)
    table = entry.mapper.local_table
    field_names = {f.name for f in entry.fields}
    by_column = {prop.columns[0].name: prop.key for prop in entry.mapper.column_attrs}
    for rel in entry.mapper.relationships:
        for local, _ in rel.local_remote_pairs:
            if by_column.get(local.name) not in field_names:
                by_column[local.name] = rel.key  # a foreign key is shown as its relation
    for pattern, message in PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        columns = _column_names(match.group(1), table)
        fields = [by_column.get(c, c) for c in columns]
        fields = [f for f in fields if f in field_names]
        if fields:
            return {f: message for f in fields}
        return {"": Message(N_("%(problem)s: %(columns)s"), problem=Message(message),
                           columns=", ".join(columns))}
    if isinstance(exc, sa_exc.IntegrityError):
        return {"": N_("the database refused the change (a constraint failed)")}
    return {"": N_("the database refused a value (out of range or of the wrong type)")}
