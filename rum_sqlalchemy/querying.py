"""A rum Query as SQL: search, typed filters, sort with a unique tiebreak."""

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.visitors import InternalTraversal

from rum.errors import BadRequest, NotFound
from rum.fields import Field
from rum.query import Filter, Query
from rum.values import item_field, parse

from .identity import convert_key_part

INT64 = 2**63 - 1
TEXT_KINDS = frozenset({"string", "text", "enum"})


def convert(field: Field, text: str):
    """Query-string text as the field's Python value; BadRequest when it is not one."""
    if field.kind == "enum" and field.choices and text not in {str(c[0]) for c in field.choices}:
        raise BadRequest(f"{field.name}: {text!r} is not one of the choices")
    if field.kind in TEXT_KINDS:
        return text
    try:
        value = parse(field, text)
    except ValueError:
        if field.kind == "boolean":
            raise BadRequest(f"{field.name}: {text!r} is not true or false") from None
        raise BadRequest(f"{field.name}: {text!r} is not a valid {field.kind}") from None
    if field.kind == "integer" and abs(value) > INT64:
        raise BadRequest(f"{field.name}: {text!r} is out of range")
    return value


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class ILike(sa.ColumnElement):
    """`column` matches the LIKE `pattern` (escaped with backslashes) whatever the case.

    SQLAlchemy's `ilike` is `lower(column) LIKE lower(pattern)` except on PostgreSQL. SQLite's
    LIKE ignores ASCII case by itself, and its lower() folds ASCII only, so there a plain LIKE
    finds the same rows without a function call per row: a search scanning 100,000 titles
    takes a quarter of the time.
    """

    inherit_cache = True
    type = sa.Boolean()
    _is_implicitly_boolean = True  # a condition: no "= 1" after it in a WHERE
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement),
                           ("pattern", InternalTraversal.dp_clauseelement)]

    def __init__(self, column, pattern: str):
        self.column = column.__clause_element__()
        self.pattern = sa.bindparam(None, pattern, type_=sa.String(), unique=True)


@compiles(ILike)
def _ilike(element, compiler, **kw):
    return compiler.process(element.column.ilike(element.pattern, escape="\\"), **kw)


@compiles(ILike, "sqlite")
def _sqlite_like(element, compiler, **kw):
    return compiler.process(element.column.like(element.pattern, escape="\\"), **kw)


def _related_clause(info, f: Filter, catalog):
    """`f.genre.name.eq=Drama`: a filter on a column of a to-one relation, as EXISTS."""
    head, _, rest = f.field.partition(".")
    rel = info.mapper.relationships.get(head) if head in info.mapper.relationships else None
    target = catalog.info_for(rel.mapper.class_) if rel is not None and not rel.uselist else None
    fields = {x.name: x for x in target.fields} if target else {}
    if target is None or rest not in fields or fields[rest].is_relation:
        raise BadRequest(f"cannot filter on {f.field!r}")
    inner = _column_clause(target, getattr(target.model, rest), fields[rest], f.op, f.value,
                           lambda text: convert(fields[rest], text))
    return getattr(info.model, head).has(inner)


def _column_clause(info, column, field: Field, op: str, raw: str, value_of):
    if op == "is_null":
        want = convert(Field(name=field.name, kind="boolean"), raw or "true")
        return column.is_(None) if want else column.is_not(None)
    if field.kind == "array" and op == "contains":  # has an element equal to the value
        return column.contains([convert(item_field(field), raw)])
    if field.kind == "set" and op == "contains":  # has the member
        return sa.func.find_in_set(raw, column) > 0
    if op in ("contains", "startswith"):
        pattern = escape_like(raw)
        pattern = f"%{pattern}%" if op == "contains" else f"{pattern}%"
        return ILike(sa.cast(column, sa.String), pattern)
    if op == "in":
        return column.in_([value_of(v) for v in raw.split(",") if v != ""])
    value = value_of(raw)
    return {"eq": column.__eq__, "ne": column.__ne__, "lt": column.__lt__, "le": column.__le__,
            "gt": column.__gt__, "ge": column.__ge__}[op](value)


def _filter_clause(info, f: Filter, field: Field, related_key):
    if field.kind == "to_many" or field.kind in ("binary", "json", "unknown"):
        raise BadRequest(f"cannot filter on {field.name!r}")
    if field.kind != "to_one":
        return _column_clause(info, getattr(info.model, field.name), field, f.op, f.value,
                              lambda text: convert(field, text))
    rel = info.mapper.relationships[field.name]
    columns = [local for local, _ in rel.local_remote_pairs]
    if len(columns) != 1 or f.op in ("contains", "startswith"):
        raise BadRequest(f"cannot filter on {field.name!r} with {f.op!r}")
    column = getattr(info.model, info.mapper.get_property_by_column(columns[0]).key)

    def value_of(text):
        try:
            key = related_key(field, text)
            return key[0] if key is not None else convert_key_part(text, columns[0])
        except (NotFound, ValueError, TypeError):
            raise BadRequest(f"{field.name}: {text!r} is not a valid id") from None
    return _column_clause(info, column, field, f.op, f.value, value_of)


def apply_filters(stmt, info, query: Query, related_key, catalog):
    """`stmt` with the query's filters and search (no order, no paging)."""
    fields = {f.name: f for f in info.fields}
    for f in query.filters:
        if "." in f.field:
            stmt = stmt.where(_related_clause(info, f, catalog))
        else:
            stmt = stmt.where(_filter_clause(info, f, fields[f.field], related_key))
    if query.search:
        pattern = f"%{escape_like(query.search)}%"
        wanted = query.search_in  # the resource's search_fields; None: every text column
        columns = [getattr(info.model, f.name) for f in info.fields
                   if (f.searchable if wanted is None else f.name in wanted)
                   and f.kind in ("string", "text")]
        if columns:
            stmt = stmt.where(sa.or_(*(ILike(c, pattern) for c in columns)))
    return stmt


def sort_spec(info, query: Query) -> tuple[list, list[bool], list[Field]]:
    """(columns, descending flags, fields) of the order, ending in the primary key (a unique tiebreak)."""
    fields = {f.name: f for f in info.fields}
    columns, descending, spec_fields = [], [], []
    for s in query.sort:
        field = fields[s.field]
        if field.is_relation or not field.sortable:
            raise BadRequest(f"cannot sort on {field.name!r}")
        columns.append(getattr(info.model, field.name))
        descending.append(s.descending)
        spec_fields.append(field)
    for column in info.mapper.primary_key:
        prop = info.mapper.get_property_by_column(column)
        if prop.key in [f.name for f in spec_fields]:
            continue
        columns.append(getattr(info.model, prop.key))
        descending.append(False)
        spec_fields.append(fields.get(prop.key) or Field(name=prop.key, kind="integer"
                                                          if isinstance(column.type, sa.Integer)
                                                          else "string"))
    return columns, descending, spec_fields


def keyset_able(info, columns) -> bool:
    """Seeking is exact only over NOT NULL columns."""
    for attr in columns:
        column = attr.property.columns[0]
        if not isinstance(column, sa.Column) or column.nullable and not column.primary_key:
            return False
    return True
