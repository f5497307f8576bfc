"""Keyset (seek) paging: a cursor holds the sort values of a boundary row.

Page 2,500 costs what page 1 costs: the database seeks in the sort index instead of
counting past OFFSET rows. Used when every sort column is NOT NULL (NULLs do not
compare, so a seek over them would skip rows); otherwise the repository pages by offset.
"""

import base64
import binascii
import json

import sqlalchemy as sa

from rum.errors import BadRequest
from rum.fields import Field

from .querying import convert


def encode_cursor(values: list) -> str:
    text = json.dumps([None if v is None else (v.isoformat() if hasattr(v, "isoformat")
                                                else str(v)) for v in values])
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, fields: list[Field]) -> list:
    """The boundary values, typed per field; BadRequest for anything that is not ours."""
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError):
        raise BadRequest("the paging cursor is malformed; start again from page 1") from None
    if not isinstance(raw, list) or len(raw) != len(fields) or \
            not all(isinstance(v, str) for v in raw):
        raise BadRequest("the paging cursor does not fit this list; start again from page 1")
    return [convert(f, v) for f, v in zip(fields, raw, strict=True)]


def seek_clause(columns: list, descending: list[bool], values: list, backward: bool):
    """Rows strictly after (or before) the boundary row in the sort order.

    (a, b, c) > (x, y, z) expands to a > x OR (a = x AND b > y) OR (a = x AND b = y AND c > z),
    with > and < swapped per descending column, so mixed directions work on every database.
    """
    ors = []
    for i, (column, desc) in enumerate(zip(columns, descending, strict=True)):
        forward_is_greater = not desc
        greater = forward_is_greater != backward
        step = column > values[i] if greater else column < values[i]
        ors.append(sa.and_(*[columns[j] == values[j] for j in range(i)], step))
    return sa.or_(*ors)
