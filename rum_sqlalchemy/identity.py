"""Primary keys <-> the one path segment that names a row."""

import datetime
import uuid
from urllib.parse import quote, unquote

import sqlalchemy as sa

from rum.errors import NotFound

SEPARATOR = ","


def encode_key(values) -> str:
    """`(3,)` -> '3'; composite keys join their percent-escaped parts with ','."""
    if len(values) == 1:
        return str(values[0])
    return SEPARATOR.join(quote(str(v), safe="") for v in values)


INT64 = 2**63 - 1
ISO_TYPES = {datetime.date: datetime.date.fromisoformat, datetime.time: datetime.time.fromisoformat,
             datetime.datetime: datetime.datetime.fromisoformat}


def convert_key_part(text: str, column: sa.Column):
    """One key value from its text, typed by `column`; ValueError/TypeError when it is not one."""
    if isinstance(column.type, sa.Integer):
        if not text.isascii() or not text.lstrip("-").isdigit() or abs(int(text)) > INT64:
            raise ValueError(text)
        return int(text)
    if isinstance(column.type, sa.Uuid):
        return uuid.UUID(text)
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        return text
    if python_type in ISO_TYPES:
        return ISO_TYPES[python_type](text)
    return python_type(text) if python_type is not str else text


def decode_key(ident: str, mapper) -> tuple:
    """The primary-key tuple for `ident`; NotFound when it cannot name a row."""
    columns = mapper.primary_key
    parts = [ident] if len(columns) == 1 else [unquote(p) for p in ident.split(SEPARATOR)]
    if len(parts) != len(columns):
        raise NotFound(f"{ident!r} is not a key of {mapper.class_.__name__}")
    try:
        return tuple(convert_key_part(p, c) for p, c in zip(parts, columns, strict=True))
    except (ValueError, TypeError, NotImplementedError):
        raise NotFound(f"{ident!r} is not a key of {mapper.class_.__name__}") from None
