"""A rum Query as SQL: search, typed filters, sort with a unique tiebreak."""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.visitors import InternalTraversal

from rum.access import as_access
from rum.errors import BadRequest, NotFound
from rum.fields import Field
from rum.i18n import N_
from rum.query import Filter, Query
from rum.query_text import convert
from rum.values import item_field

from .identity import convert_key_part, decode_key
from .relation_order import NEVER_NULL, label_match, related_rows


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


class SingleFloat(sa.ColumnElement):
    """A bound float rounded as a single-precision column stores it.

    MySQL/MariaDB `FLOAT` is 32 bits: a stored 0.1 reads back as 0.1 but compares greater
    than the 64-bit 0.1 bound to a query, so a seek past it would return it again.
    """

    inherit_cache = True
    type = sa.Float()
    _traverse_internals = [("value", InternalTraversal.dp_clauseelement)]

    def __init__(self, value):
        self.value = value


@compiles(SingleFloat)
def _single_float(element, compiler, **kw):
    return compiler.process(element.value, **kw)


@compiles(SingleFloat, "mysql")
@compiles(SingleFloat, "mariadb")
def _mysql_single_float(element, compiler, **kw):
    return f"CAST({compiler.process(element.value, **kw)} AS FLOAT)"


def bound_like(column, value):
    """`value` as a bound parameter of the column's type, compared as the column stores it."""
    bound = sa.literal(value, column.type)
    kind = column.type
    if isinstance(kind, sa.Float) and not isinstance(kind, sa.Double | sa.REAL) and \
            (kind.precision or 0) <= 24:
        return SingleFloat(bound)
    return bound


def _related_clause(info, f: Filter, catalog, access=None):
    """`f.genre.name.eq=Drama`: a filter on a column of a to-one relation, as EXISTS.

    With an `access` (a user's filter) the target must be readable, its column not hidden,
    and the EXISTS only sees the target's rows in scope: a filter is no oracle. Without one
    (the policy's own row filters) it is applied as written.
    """
    head, _, rest = f.field.partition(".")
    rel = info.mapper.relationships.get(head) if head in info.mapper.relationships else None
    target = catalog.info_for(rel.mapper.class_) if rel is not None and not rel.uselist else None
    fields = {x.name: x for x in target.fields} if target else {}
    if target is None or rest not in fields or fields[rest].is_relation:
        raise BadRequest(N_("cannot filter on %(name)s"), name=repr(f.field))
    scope: list[Any] = []
    if access is not None:
        if (head in access.hidden(info.resource) or not access.can_read(target.resource)
                or rest in access.hidden(target.resource)):
            raise BadRequest(N_("cannot filter on %(name)s"), name=repr(f.field))
        scope = scope_clauses(target, access.scope(target.resource), catalog)
    inner = _column_clause(target, getattr(target.model, rest), fields[rest], f.op, f.value,
                           lambda text: convert(fields[rest], text))
    return related_rows(info, rel, target, sa.and_(inner, *scope))


def catalog_key(catalog):
    """`related_key` for filters: an id of a related resource as its primary key values."""
    def related_key(field: Field, ident: str):
        target = catalog.info_by_resource(field.related)
        if target is None:
            return None  # not served: the caller converts by the foreign-key column
        return decode_key(ident, target.mapper)
    return related_key


def scope_clauses(info, scope, catalog) -> list:
    """The policy's row filters of `info`'s resource as SQL conditions on its model."""
    fields = {f.name: f for f in info.fields}
    out = []
    for f in scope:
        if "." in f.field:
            out.append(_related_clause(info, f, catalog))
        elif f.field in fields:
            out.append(_filter_clause(info, f, fields[f.field], catalog))
        else:
            raise BadRequest(N_("row filter on unknown field %(name)s of %(model)s"),
                             name=repr(f.field), model=info.name)
    return out


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


def _filter_clause(info, f: Filter, field: Field, catalog, access=None):
    if field.kind == "to_many" or field.kind in ("binary", "json", "unknown"):
        raise BadRequest(N_("cannot filter on %(name)s"), name=repr(field.name))
    if field.kind != "to_one":
        return _column_clause(info, getattr(info.model, field.name), field, f.op, f.value,
                              lambda text: convert(field, text))
    rel = info.mapper.relationships[field.name]
    columns = [local for local, _ in rel.local_remote_pairs]
    if len(columns) != 1 or f.op in ("contains", "startswith"):
        raise BadRequest(N_("cannot filter on %(name)s with %(op)s"), name=repr(field.name),
                         op=repr(f.op))
    column = getattr(info.model, info.mapper.get_property_by_column(columns[0]).key)

    related_key = catalog_key(catalog)

    def value_of(text):
        try:
            key = related_key(field, text)
            return key[0] if key is not None else convert_key_part(text, columns[0])
        except (NotFound, ValueError, TypeError):
            raise BadRequest(N_("%(field)s: %(text)s is not a valid id"), field=field.name,
                             text=repr(text)) from None
    by_name = label_match(info, field, catalog, as_access(access), f.value) \
        if f.op == "eq" and f.value.strip() else None
    if by_name is not None:  # `genre.eq=Drama`: an id, or else the related row's name
        try:
            clause = sa.or_(_column_clause(info, column, field, f.op, f.value, value_of),
                            by_name)
        except BadRequest:
            clause = by_name
    else:
        clause = _column_clause(info, column, field, f.op, f.value, value_of)
    seen = _seen_target(info, rel, catalog, access) \
        if access is not None and f.op in ("eq", "ne", "in") else None
    if seen is None:
        return clause
    # A row the access may not see answers as an id that does not exist: no oracle.
    if f.op == "ne":
        return sa.and_(column.is_not(None), sa.or_(clause, sa.not_(seen)))
    return sa.and_(clause, seen)


def _seen_target(info, rel, catalog, access):
    """The condition "the related row is one `access` may see", or None when it sees all."""
    target = catalog.info_for(rel.mapper.class_)
    if target is None:
        return None
    if not access.can_read(target.resource):
        return sa.false()
    scope = access.scope(target.resource)
    if not scope:
        return None
    return getattr(info.model, rel.key).has(sa.and_(*scope_clauses(target, scope, catalog)))


def apply_filters(stmt, info, query: Query, catalog, access=None):
    """`stmt` with the query's filters and search (no order, no paging), narrowed to the
    rows `access` may reach; filters and search never touch a hidden column."""
    access = as_access(access)
    hidden = access.hidden(info.resource)
    fields = {f.name: f for f in info.fields}
    for f in query.filters:
        if f.field.partition(".")[0] in hidden:
            raise BadRequest(N_("cannot filter on %(name)s"), name=repr(f.field))
        if "." in f.field:
            stmt = stmt.where(_related_clause(info, f, catalog, access))
        else:
            stmt = stmt.where(_filter_clause(info, f, fields[f.field], catalog, access))
    scope = access.scope(info.resource) + tuple(
        f for f in query.scope if f not in access.scope(info.resource))
    if scope:
        stmt = stmt.where(*scope_clauses(info, scope, catalog))
    if query.search:
        pattern = f"%{escape_like(query.search)}%"
        wanted = query.search_in  # the resource's search_fields; None: every text column
        columns = [getattr(info.model, f.name) for f in info.fields
                   if (f.searchable if wanted is None else f.name in wanted)
                   and f.kind in ("string", "text") and f.name not in hidden]
        if columns:
            stmt = stmt.where(sa.or_(*(ILike(c, pattern) for c in columns)))
    return stmt


def sort_key(attr):
    """What a column sorts by: itself, except native ENUMs, which sort by their stored label.

    MySQL/MariaDB order an ENUM by its declaration index but compare it to a string as text,
    so a seek past 'alpha' would skip or repeat rows; PostgreSQL orders by declaration.
    The label (what SQLite stores anyway) orders and compares the same everywhere.
    """
    column_type = attr.property.columns[0].type
    if isinstance(column_type, sa.Enum) and column_type.native_enum:
        return sa.cast(attr, sa.String(max((len(e) for e in column_type.enums), default=1)))
    return attr


def sort_spec(info, query: Query, hidden=frozenset(),
              relation_order=None) -> tuple[list, list[bool], list[Field]]:
    """(columns, descending flags, cursor fields) of the order, ending in the primary key
    (a unique tiebreak); a `hidden` field is no sort key. `relation_order`: a to-one
    field's (expression, cursor field), see `relation_order`; without it a to-one is none."""
    fields = {f.name: f for f in info.fields}
    columns, descending, spec_fields = [], [], []
    for s in query.sort:
        field = fields[s.field]
        if field.kind == "to_one" and relation_order is not None and \
                field.sortable and field.name not in hidden:
            column, cursor_field = relation_order(field)
            columns.append(column)
            descending.append(s.descending)
            spec_fields.append(cursor_field)
            continue
        if field.is_relation or not field.sortable or field.name in hidden:
            raise BadRequest(N_("cannot sort on %(name)s"), name=repr(field.name))
        columns.append(sort_key(getattr(info.model, field.name)))
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


def nullable_flags(info, fields: list[Field]) -> list[bool]:
    """Per sort field, whether it may hold NULL (then the seek asks for NULLs explicitly)."""
    flags = []
    for f in fields:
        if f.options.get(NEVER_NULL):
            flags.append(False)
            continue
        prop = info.mapper.attrs[f.name] if f.name in info.mapper.attrs else None
        column = prop.columns[0] if prop is not None and hasattr(prop, "columns") else None
        flags.append(not isinstance(column, sa.Column)
                     or (bool(column.nullable) and not column.primary_key))
    return flags
