"""A rum Query as SQL: search, typed filters, sort with a unique tiebreak."""

import datetime
import decimal
import uuid

import sqlalchemy as sa

from rum.errors import BadRequest, NotFound
from rum.fields import Field
from rum.query import Filter, Query

CONVERTERS = {
    "integer": int, "float": float, "decimal": decimal.Decimal,
    "date": datetime.date.fromisoformat, "datetime": datetime.datetime.fromisoformat,
    "time": datetime.time.fromisoformat, "uuid": uuid.UUID,
}
TRUE, FALSE = frozenset({"1", "true", "yes", "on"}), frozenset({"0", "false", "no", "off"})


def convert(field: Field, text: str):
    """Query-string text as the field's Python value; BadRequest when it is not one."""
    if field.kind == "boolean":
        low = text.strip().lower()
        if low in TRUE | FALSE:
            return low in TRUE
        raise BadRequest(f"{field.name}: {text!r} is not true or false")
    conv = CONVERTERS.get(field.kind)
    if conv is None:
        return text
    try:
        return conv(text.strip())
    except (ValueError, TypeError, decimal.InvalidOperation):
        raise BadRequest(f"{field.name}: {text!r} is not a valid {field.kind}") from None


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _filter_clause(info, f: Filter, field: Field, related_key):
    if field.kind == "to_many" or field.kind in ("binary", "json"):
        raise BadRequest(f"cannot filter on {field.name!r}")
    if field.kind == "to_one":
        rel = info.mapper.relationships[field.name]
        columns = [local for local, _ in rel.local_remote_pairs]
        if len(columns) != 1:
            raise BadRequest(f"cannot filter on {field.name!r}")
        column = getattr(info.model, info.mapper.get_property_by_column(columns[0]).key)

        def value_of(text):
            try:
                return related_key(field, text)[0]
            except NotFound:
                raise BadRequest(f"{field.name}: {text!r} is not a valid id") from None
    else:
        column = getattr(info.model, field.name)

        def value_of(text):
            return convert(field, text)
    op, raw = f.op, f.value
    if op == "is_null":
        want = convert(Field(name=field.name, kind="boolean"), raw or "true")
        return column.is_(None) if want else column.is_not(None)
    if op in ("contains", "startswith"):
        pattern = escape_like(raw)
        pattern = f"%{pattern}%" if op == "contains" else f"{pattern}%"
        return sa.cast(column, sa.String).ilike(pattern, escape="\\")
    if op == "in":
        return column.in_([value_of(v) for v in raw.split(",") if v != ""])
    value = value_of(raw)
    return {"eq": column.__eq__, "ne": column.__ne__, "lt": column.__lt__, "le": column.__le__,
            "gt": column.__gt__, "ge": column.__ge__}[op](value)


def apply_query(stmt, info, query: Query, related_key):
    """`stmt` filtered, searched and ordered as `query` asks (no paging)."""
    fields = {f.name: f for f in info.fields}
    for f in query.filters:
        stmt = stmt.where(_filter_clause(info, f, fields[f.field], related_key))
    if query.search:
        pattern = f"%{escape_like(query.search)}%"
        columns = [getattr(info.model, f.name) for f in info.fields
                   if f.searchable and f.kind in ("string", "text")]
        if columns:
            stmt = stmt.where(sa.or_(*(c.ilike(pattern, escape="\\") for c in columns)))
    order = []
    for s in query.sort:
        field = fields[s.field]
        if field.is_relation:
            raise BadRequest(f"cannot sort on {field.name!r}")
        column = getattr(info.model, field.name)
        order.append(column.desc() if s.descending else column.asc())
    order.extend(c.asc() for c in info.mapper.primary_key)  # unique tiebreak
    return stmt.order_by(*order)
