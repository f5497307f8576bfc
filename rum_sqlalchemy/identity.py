"""Primary keys <-> the one path segment that names a row."""

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


def _convert(text: str, column: sa.Column):
    if isinstance(column.type, sa.Integer):
        if not text.lstrip("-").isdigit() or len(text) > 20:
            raise ValueError(text)
        return int(text)
    if isinstance(column.type, sa.Uuid):
        return uuid.UUID(text)
    python_type = getattr(column.type, "python_type", str)
    return python_type(text) if python_type is not str else text


def decode_key(ident: str, mapper) -> tuple:
    """The primary-key tuple for `ident`; NotFound when it cannot name a row."""
    columns = mapper.primary_key
    parts = [ident] if len(columns) == 1 else [unquote(p) for p in ident.split(SEPARATOR)]
    if len(parts) != len(columns):
        raise NotFound(f"{ident!r} is not a key of {mapper.class_.__name__}")
    try:
        return tuple(_convert(p, c) for p, c in zip(parts, columns, strict=True))
    except (ValueError, TypeError, NotImplementedError):
        raise NotFound(f"{ident!r} is not a key of {mapper.class_.__name__}") from None
