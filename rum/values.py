"""Field values as text and back, per kind: what forms show, filters read and pages display.

The rule every kind keeps: `parse(field, to_text(field, v)) == v`, so a form saved
unchanged stores exactly what it showed. `display` is for people and may be lossy.

Kinds beyond the plain ones:
- `datetime_tz`: an aware datetime, `2024-01-01T10:00:00.250000+02:00`.
- `duration`: a signed timedelta (MariaDB TIME), `[-]HH:MM:SS[.ffffff]`, hours unbounded.
- `interval`: a PostgreSQL interval as its text; months are kept (`1 year 2 mons 3 days`).
- `array`: a list of `options["item"]` values, edited as a JSON list (one element per line
  when the text does not start with `[`).
- `json`: any JSON value, edited as JSON text; empty text is SQL NULL.
- `set`: a set of `choices` (MariaDB SET), as comma-separated text or a list.
- `inet` (`options["cidr"]` for networks), `money`: their database text, checked.
- `unknown`: a type Rum does not know: shown with str(), never written, searched or sorted.
"""

import datetime
import decimal
import ipaddress
import json
import math
import re
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from .durations import parse_span, parse_timedelta, timedelta_text
from .fields import Field

TRUE, FALSE = frozenset({"1", "true", "yes", "on"}), frozenset({"0", "false", "no", "off"})
MONEY = re.compile(r"^-?\(?[^\d\s,.-]{0,3}\s?-?\d{1,3}(?:,?\d{3})*(?:\.\d+)?\)?$")
NATIVE_JSON_ITEMS = frozenset({"string", "text", "integer", "float", "boolean", "json"})


class Given:
    """A value from a JSON body for a kind whose text is not its value (json, array, set):
    already typed, so it is taken as it is, not parsed as text."""

    __slots__ = ("value",)

    def __init__(self, value: Any):
        self.value = value

    def __repr__(self) -> str:
        return f"Given({self.value!r})"


def item_field(field: Field) -> Field:
    """The field an array's elements have (`options['item']`, else string)."""
    return Field(name=field.name, kind=field.options.get("item", "string"),
                 options={k: v for k, v in field.options.items() if k != "item"})


def _timespec(value) -> str:
    if value.microsecond:
        return "microseconds"
    return "seconds" if value.second else "minutes"


def to_text(field: Field, value: Any) -> str:
    """The text a form shows for a stored value ('' for None); parses back to the same value."""
    if value is None:
        return ""
    kind = field.kind
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "float":
        return repr(float(value))
    if kind == "decimal":
        return format(value, "f")
    if kind in ("date", "datetime", "datetime_tz") and isinstance(value, datetime.date):
        if isinstance(value, datetime.datetime):
            return value.isoformat(timespec=_timespec(value))
        return value.isoformat()
    if kind == "time" and isinstance(value, datetime.time):
        return value.isoformat(timespec=_timespec(value))
    if isinstance(value, datetime.timedelta):
        return timedelta_text(value)
    if kind == "json":
        return json.dumps(value, ensure_ascii=False, indent=2)
    if kind == "array":
        return json.dumps(array_json(field, value), ensure_ascii=False)
    if kind == "set":
        return ",".join(set_members(field, value))
    return str(value)


def display(field: Field, value: Any, formats=None) -> str:
    """The text people read on show pages and grids. `formats` (`rum.localized.Formats`):
    dates, times and numbers as the page's locale writes them; None keeps ISO text."""
    if value is None:
        return ""
    if field.kind == "array":
        item = item_field(field)
        return ", ".join("[" + display(field, v, formats) + "]" if isinstance(v, list)
                         else "NULL" if v is None else display(item, v, formats) for v in value)
    if formats is not None:
        shown = _localized(field.kind, value, formats)
        if shown is not None:
            return shown
    if field.kind == "json":
        return json.dumps(value, ensure_ascii=False)
    if field.kind == "set":
        return ", ".join(set_members(field, value))
    if field.kind in ("datetime", "datetime_tz") and isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec=_timespec(value))
    return to_text(field, value)


def _localized(kind: str, value: Any, formats) -> str | None:
    """A date, time or number in the locale's way; None for any other value."""
    if kind in ("datetime", "datetime_tz") and isinstance(value, datetime.datetime):
        return formats.datetime(value)
    if kind == "date" and isinstance(value, datetime.date):
        return formats.date(value)
    if kind == "time" and isinstance(value, datetime.time):
        return formats.time(value)
    if kind == "integer" and isinstance(value, int) and not isinstance(value, bool):
        return formats.integer(value)
    if kind == "float" and isinstance(value, int | float) and not isinstance(value, bool):
        return formats.float(value) if math.isfinite(value) else str(value)
    if kind == "decimal" and isinstance(value, decimal.Decimal):
        return formats.decimal(value)
    return None


def set_members(field: Field, value) -> list[str]:
    """A SET's members in the column's order (unknown ones last, sorted)."""
    if isinstance(value, str):
        value = [v for v in value.split(",") if v]
    order = {str(c[0]): i for i, c in enumerate(field.choices)}
    return sorted((str(v) for v in value), key=lambda v: (order.get(v, len(order)), v))


def array_json(field: Field, value: Sequence[Any]) -> list[Any]:
    """An array as JSON values: numbers and text as such, other elements as their text."""
    item = item_field(field)
    out: list[Any] = []
    for v in value:
        if isinstance(v, list | tuple):
            out.append(array_json(field, v))
        elif v is None or item.kind in NATIVE_JSON_ITEMS:
            out.append(v if item.kind != "float" else float(v))
        else:
            out.append(to_text(item, v))
    return out


def _array_items(field: Field, items: list) -> list:
    item = item_field(field)
    out = []
    for v in items:
        if isinstance(v, list):
            out.append(_array_items(field, v))
        elif v is None or item.kind == "json":
            out.append(v)
        elif isinstance(v, str):
            out.append(parse(item, v))
        elif isinstance(v, bool) != (item.kind == "boolean") or isinstance(v, dict):
            raise ValueError(f"{v!r} is not a {item.kind}")
        else:
            text = str(v) if isinstance(v, decimal.Decimal) else json.dumps(v)
            out.append(v if item.kind == "boolean" else parse(item, text))
    return out


def parse_array(field: Field, text: str) -> list:
    if text.lstrip().startswith("["):
        items = json.loads(text, parse_float=decimal.Decimal)
        if not isinstance(items, list):
            raise ValueError("not a JSON list")
        return _array_items(field, items)
    return _array_items(field, [line.strip() for line in text.splitlines() if line.strip()])


def parse_set(field: Field, value) -> set:
    members = [v for v in value.split(",") if v] if isinstance(value, str) else list(value)
    allowed = {str(c[0]) for c in field.choices}
    for m in members:
        if not isinstance(m, str) or (allowed and m not in allowed):
            raise ValueError(f"{m!r} is not one of the choices")
    return set(members)


def _parse_datetime(field: Field, text: str) -> datetime.datetime:
    value = datetime.datetime.fromisoformat(text)
    if field.kind == "datetime" and value.tzinfo is not None:
        raise ValueError("this date and time has no time zone")
    return value


def _parse_decimal(text: str) -> decimal.Decimal:
    value = decimal.Decimal(text)
    if not value.is_finite():
        raise ValueError(text)
    return value


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # MariaDB cannot store them; PostgreSQL's are rare
        raise ValueError(text)
    return value


def _parse_boolean(text: str) -> bool:
    low = text.strip().lower()
    if low not in TRUE | FALSE:
        raise ValueError(f"{text!r} is not true or false")
    return low in TRUE


def _parse_inet(field: Field, text: str) -> str:
    text = text.strip()
    if field.options.get("cidr"):
        ipaddress.ip_network(text, strict=True)
    else:
        ipaddress.ip_interface(text)
    return text


def _parse_money(text: str) -> str:
    if not MONEY.match(text.strip()):
        raise ValueError(f"{text!r} is not an amount")
    return text.strip()


def _parse_interval(text: str) -> str:
    return parse_span(text).postgres_text()


PARSERS: dict[str, Callable[[str], Any]] = {
    "integer": int, "float": _parse_float, "decimal": _parse_decimal, "boolean": _parse_boolean,
    "date": datetime.date.fromisoformat, "time": datetime.time.fromisoformat,
    "uuid": uuid.UUID, "duration": parse_timedelta, "interval": _parse_interval,
    "money": _parse_money, "json": json.loads,
}


def parse(field: Field, text: str) -> Any:
    """The value a form's (or query string's) text stands for; ValueError when it is none.

    Empty text is for the caller to decide (None, or '' for text kinds)."""
    kind = field.kind
    if kind in ("datetime", "datetime_tz"):
        return _parse_datetime(field, text.strip())
    if kind == "array":
        return parse_array(field, text)
    if kind == "set":
        return parse_set(field, text)
    if kind == "inet":
        return _parse_inet(field, text)
    if kind == "unknown":
        raise ValueError(f"{field.name} cannot be written")
    parser = PARSERS.get(kind)
    if parser is None:
        return text
    try:
        return parser(text.strip())
    except (TypeError, ArithmeticError) as exc:
        raise ValueError(str(exc)) from None


def from_json(field: Field, value: Any) -> Any:
    """A typed value from a JSON body (`Given`) for json, array and set fields."""
    if value is None:
        return None
    if field.kind == "json":
        return value
    if field.kind == "array":
        if isinstance(value, str):
            return parse_array(field, value)
        if not isinstance(value, list):
            raise ValueError("send a list")
        return _array_items(field, value)
    if field.kind == "set":
        return parse_set(field, value)
    return parse(field, value if isinstance(value, str) else json.dumps(value))
