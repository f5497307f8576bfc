"""Primary keys <-> the one path segment that names a row."""

import datetime
import uuid

import sqlalchemy as sa
from sqlalchemy.orm.base import instance_state

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


def row_key(mapper, row) -> tuple:
    """`mapper.primary_key_from_instance(row)`, taken from the identity the row was read
    under when nothing can have changed its key since: the row is stored, of `mapper`'s
    own class (no inheritance), unchanged in this session and nothing of it expired. A
    list asks this of every row and every related row it shows; the identity is a tenth
    of the cost."""
    state = instance_state(row)
    key = state.key
    if key is not None and state.class_ is mapper.class_ and mapper.inherits is None \
            and not state.modified and not state.expired_attributes:
        return key[1]
    return mapper.primary_key_from_instance(row)
