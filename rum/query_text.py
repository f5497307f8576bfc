"""The text of a list query (filter values, keyset cursors) as typed values: the same for
every backend, so a query string means the same whatever serves it."""

import base64
import binascii
import decimal
import json
import math
from typing import Any

from .errors import BadRequest
from .fields import Field
from .i18n import N_
from .keys import INT64
from .values import parse

MAX_EXPONENT = 1000  # decimals beyond 10**1000 overflow every database's numeric type
TEXT_KINDS = frozenset({"string", "text", "enum"})


def convert(field: Field, text: str) -> Any:
    """Query-string text as the field's Python value; BadRequest when it is not one."""
    if field.kind == "enum" and field.choices and text not in {str(c[0]) for c in field.choices}:
        raise BadRequest(N_("%(field)s: %(text)s is not one of the choices"), field=field.name,
                         text=repr(text))
    if field.kind in TEXT_KINDS:
        return text
    try:
        value = parse(field, text)  # refuses NaN and infinities of floats and decimals
    except ValueError:
        if field.kind == "boolean":
            raise BadRequest(N_("%(field)s: %(text)s is not true or false"), field=field.name,
                             text=repr(text)) from None
        if _non_finite(field.kind, text):
            raise BadRequest(N_("%(field)s: %(text)s is not a finite number"), field=field.name,
                             text=repr(text)) from None
        raise BadRequest(N_("%(field)s: %(text)s is not a valid %(kind)s"), field=field.name,
                         text=repr(text), kind=field.kind) from None
    if field.kind == "integer" and abs(value) > INT64:
        raise BadRequest(N_("%(field)s: %(text)s is out of range"), field=field.name,
                         text=repr(text))
    if field.kind == "decimal" and abs(value.adjusted()) > MAX_EXPONENT:
        raise BadRequest(N_("%(field)s: %(text)s is out of range"), field=field.name,
                         text=repr(text))
    return value


def _non_finite(kind: str, text: str) -> bool:
    """Whether `text` reads as a NaN or an infinity of a float (1e400, inf) or a decimal
    (NaN, sNaN, Infinity) field: the reason to give when the parser refused it."""
    try:
        if kind == "float":
            return not math.isfinite(float(text))
        if kind == "decimal":
            return not decimal.Decimal(text.strip()).is_finite()
    except (ValueError, ArithmeticError):
        pass
    return False


def encode_cursor(values: list) -> str:
    """A keyset boundary (the sort values of a page's last or first row) as URL text."""
    text = json.dumps([None if v is None else (v.isoformat() if hasattr(v, "isoformat")
                                                else str(v)) for v in values])
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, fields: list[Field]) -> list:
    """The boundary values, typed per field; BadRequest for anything that is not ours."""
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError):
        raise BadRequest(N_("the paging cursor is malformed; start again from page 1")) from None
    if not isinstance(raw, list) or len(raw) != len(fields) or \
            not all(v is None or isinstance(v, str) for v in raw):
        raise BadRequest(N_("the paging cursor does not fit this list; start again from page 1"))
    return [None if v is None else convert(f, v) for f, v in zip(fields, raw, strict=True)]
