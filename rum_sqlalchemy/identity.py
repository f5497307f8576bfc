"""Primary keys <-> the one path segment that names a row."""

import datetime
import uuid

import sqlalchemy as sa

from rum.errors import NotFound
from rum.i18n import N_, Message
from rum.keys import integer_part, split_key

ISO_TYPES = {datetime.date: datetime.date.fromisoformat, datetime.time: datetime.time.fromisoformat,
             datetime.datetime: datetime.datetime.fromisoformat}


def convert_key_part(text: str, column: sa.Column):
    """One key value from its text, typed by `column`; ValueError/TypeError when it is not one."""
    if isinstance(column.type, sa.Integer):
        return integer_part(text)
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
    parts = split_key(ident, len(columns))
    if parts is None:
        raise NotFound(N_("%(id)s is not a key of %(model)s"), id=repr(ident),
                       model=Message(mapper.class_.__name__))
    try:
        return tuple(convert_key_part(p, c) for p, c in zip(parts, columns, strict=True))
    except (ValueError, TypeError, NotImplementedError):
        raise NotFound(N_("%(id)s is not a key of %(model)s"), id=repr(ident),
                       model=Message(mapper.class_.__name__)) from None
