"""A rum Query over in-memory rows: filters, row filters, search, sort and keyset cursors.

The same meaning as rum_sqlalchemy gives them: comparisons never match None (as SQL's
NULL), `contains`/`startswith` ignore case, a user's filter across a relation sees only
related rows the access may read, and the policy's row filters apply as written. NULLs
sort before every value ascending (as SQLite and MariaDB do).
"""

import functools
import operator
from collections.abc import Callable
from typing import Any

from ..errors import BadRequest, NotFound
from ..fields import Field
from ..i18n import N_
from ..query import Filter, Query
from ..query_text import convert
from ..values import item_field
from .memory_model import as_key, decode_key
from .memory_store import Row

COMPARE = {"eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "le": operator.le,
           "gt": operator.gt, "ge": operator.ge}
UNFILTERABLE = frozenset({"to_many", "binary", "json", "unknown"})
SORT_VALUE = "sort_value"  # a cursor field's option: row -> its sort value
Test = Callable[[Row], bool]  # a row -> whether it matches
ValueTest = Callable[[Any], bool]  # a stored value -> whether it matches


def _text(value) -> str:
    return value if isinstance(value, str) else str(value)


def value_test(field: Field, op: str, raw: str, value_of) -> ValueTest:
    """A test of one stored value: `field op raw`, with `value_of` reading raw text."""
    if op == "is_null":
        want = convert(Field(name=field.name, kind="boolean"), raw or "true")
        return (lambda v: v is None) if want else (lambda v: v is not None)
    if field.kind == "array" and op == "contains":  # has an element equal to the value
        item = convert(item_field(field), raw)
        return lambda v: v is not None and item in v
    if field.kind == "set" and op == "contains":
        return lambda v: v is not None and raw in v
    if op in ("contains", "startswith"):
        needle = raw.lower()
        if op == "contains":
            return lambda v: v is not None and needle in _text(v).lower()
        return lambda v: v is not None and _text(v).lower().startswith(needle)
    if op == "in":
        wanted = [value_of(v) for v in raw.split(",") if v != ""]
        return lambda v: v is not None and v in wanted
    if op not in COMPARE:
        raise BadRequest(N_("unknown filter operator %(op)s"), op=repr(op))
    value, compare = value_of(raw), COMPARE[op]
    return lambda v: v is not None and compare(v, value)


def related_test(repo, entry, f: Filter, access=None) -> Test:
    """`f.director.name.eq=Ava`: a test on a field of the row a `to_one` points at.

    With an `access` (a user's filter) the target must be readable, neither field hidden,
    and only related rows in the target's scope match: a filter is no oracle."""
    head, _, rest = f.field.partition(".")
    rel = entry.relations.get(head)
    target = repo.catalog.entry(rel.target) if rel is not None and rel.kind == "to_one" \
        else None
    field = target.by_name.get(rest) if target is not None else None
    if target is None or field is None or field.is_relation:
        raise BadRequest(N_("cannot filter on %(name)s"), name=repr(f.field))
    scope: list[Test] = []
    if access is not None:
        if (head in access.hidden(entry.resource) or not access.can_read(target.resource)
                or rest in access.hidden(target.resource)):
            raise BadRequest(N_("cannot filter on %(name)s"), name=repr(f.field))
        scope = scope_tests(repo, target, access.scope(target.resource))
    inner = value_test(field, f.op, f.value, lambda text: convert(field, text))

    def test(row) -> bool:
        other = repo.target_row(row, head)
        return other is not None and inner(other.values.get(rest)) and all(
            t(other) for t in scope)
    return test


def filter_test(repo, entry, f: Filter, access=None) -> Test:
    """A test for one filter on a field of `entry`; `access`: a user's filter, whose
    to-one ids name only rows that access may see."""
    if "." in f.field:
        return related_test(repo, entry, f, access)
    field = entry.by_name.get(f.field)
    if field is None or field.kind in UNFILTERABLE:
        raise BadRequest(N_("cannot filter on %(name)s"), name=repr(f.field))
    name = field.name
    if field.kind != "to_one":
        test = value_test(field, f.op, f.value, lambda text: convert(field, text))
        return lambda row: test(row.values.get(name))
    target = repo.catalog.entry(entry.relations[name].target)
    if len(target.key) != 1 or f.op in ("contains", "startswith"):
        raise BadRequest(N_("cannot filter on %(name)s with %(op)s"), name=repr(name),
                         op=repr(f.op))

    def value_of(text):
        try:
            return decode_key(text, target)[0]
        except NotFound:
            raise BadRequest(N_("%(field)s: %(text)s is not a valid id"), field=name,
                             text=repr(text)) from None
    test = _id_or_name_test(repo, target, field, f, value_of)
    seen = _seen_target(repo, target, name, access) if access is not None and \
        f.op in ("eq", "ne", "in") else None
    if seen is None:
        return lambda row: test(row.values.get(name))
    if f.op == "ne":  # a row the access may not see answers as an id that does not exist
        return lambda row: row.values.get(name) is not None and (
            test(row.values.get(name)) or not seen(row))
    return lambda row: test(row.values.get(name)) and seen(row)


def _id_or_name_test(repo, target, field: Field, f: Filter, value_of) -> ValueTest:
    """A test of a stored key: `f`, where `eq` also takes the related row's name (its
    label field, ignoring case) when the access may read that field."""
    label = target.label_attr
    if f.op != "eq" or not f.value.strip() or not label or \
            not repo.access.can_read(target.resource) or \
            label in repo.access.hidden(target.resource) or \
            target.by_name[label].kind not in ("string", "text"):
        return value_test(field, f.op, f.value, value_of)
    name = f.value.strip().lower()

    def named(key) -> bool:
        other = repo.space.row(target.name, as_key(key)) if key is not None else None
        value = other.values.get(label) if other is not None else None
        return value is not None and value.lower() == name
    try:
        by_id = value_test(field, f.op, f.value, value_of)
    except BadRequest:
        return named
    return lambda key: by_id(key) or named(key)


def _seen_target(repo, target, name: str, access) -> Test | None:
    """"The related row is one `access` may see", or None when it sees every one."""
    if not access.can_read(target.resource):
        return lambda row: False
    scope = scope_tests(repo, target, access.scope(target.resource))
    if not scope:
        return None

    def seen(row) -> bool:
        other = repo.target_row(row, name)
        return other is not None and all(t(other) for t in scope)
    return seen


def scope_tests(repo, entry, scope) -> list[Test]:
    """The policy's row filters of `entry`, applied as written."""
    for f in scope:
        if f.field.partition(".")[0] not in entry.by_name:
            raise BadRequest(N_("row filter on unknown field %(name)s of %(model)s"),
                             name=repr(f.field), model=entry.name)
    return [filter_test(repo, entry, f) for f in scope]


def query_tests(repo, query: Query) -> list[Test]:
    """The tests a row must pass to be selected by `query` for the repository's access:
    filters (no hidden field), the row filters, the search and the parent."""
    entry, access = repo.entry, repo.access
    hidden = access.hidden(entry.resource)
    tests = []
    for f in query.filters:
        if f.field.partition(".")[0] in hidden:
            raise BadRequest(N_("cannot filter on %(name)s"), name=repr(f.field))
        tests.append(filter_test(repo, entry, f, access))
    own = access.scope(entry.resource)
    tests += scope_tests(repo, entry, own + tuple(f for f in query.scope if f not in own))
    if query.search:
        wanted = query.search_in  # the resource's search_fields; None: the searchable ones
        names = [f.name for f in entry.fields if (f.searchable if wanted is None
                                                  else f.name in wanted)
                 and f.kind in ("string", "text") and f.name not in hidden]
        needle = query.search.lower()
        if names:
            tests.append(lambda row: any(needle in _text(row.values[n]).lower()
                                         for n in names if row.values.get(n) is not None))
    if query.parent:
        tests.append(repo.parent_test(query.parent))
    return tests


def sort_spec(entry, query: Query, hidden=frozenset(),
              relation_order=None) -> tuple[list[Field], list[bool]]:
    """(fields, descending flags) of the order, ending in the key (a unique tiebreak).
    `relation_order`: a to-one field's cursor field (its `SORT_VALUE` option reads a row's
    sort value); without it a to-one is no sort key."""
    fields, descending = [], []
    for s in query.sort:
        field = entry.by_name.get(s.field)
        if field is not None and field.kind == "to_one" and relation_order is not None \
                and field.sortable and field.name not in hidden:
            fields.append(relation_order(field))
            descending.append(s.descending)
            continue
        if field is None or field.is_relation or not field.sortable or field.name in hidden:
            raise BadRequest(N_("cannot sort on %(name)s"), name=repr(s.field))
        fields.append(field)
        descending.append(s.descending)
    for field in entry.key_fields:
        if field not in fields:
            fields.append(field)
            descending.append(False)
    return fields, descending


def compare_values(a, b) -> int:
    """-1, 0 or 1, with None before every value."""
    if a is None or b is None:
        return (a is not None) - (b is not None)
    return (a > b) - (a < b)


def compare_keys(a: list, b: list, descending: list[bool]) -> int:
    for x, y, desc in zip(a, b, descending, strict=True):
        result = compare_values(x, y)
        if result:
            return -result if desc else result
    return 0


def sorted_rows(rows: list, fields: list[Field], descending: list[bool]) -> list:
    def cmp(r, s):
        return compare_keys(sort_values(r, fields), sort_values(s, fields), descending)
    return sorted(rows, key=functools.cmp_to_key(cmp))


def sort_values(row, fields: list[Field]) -> list:
    return [f.options[SORT_VALUE](row) if SORT_VALUE in f.options else row.values.get(f.name)
            for f in fields]


def relation_order(repo, entry):
    """A function `to-one field -> cursor field` sorting by the related row's label, as
    rum_sqlalchemy's `relation_order`: never None, "" without a related row or for one the
    access may not see; by the key when the label is no text field the access may read."""
    def order(field: Field) -> Field:
        rel = entry.relations.get(field.name)
        target = repo.catalog.entry(rel.target) if rel is not None else None
        if target is None or len(target.key) != 1:
            raise BadRequest(N_("cannot sort on %(name)s"), name=repr(field.name))
        label = target.label_attr
        if not label or not repo.access.can_read(
                target.resource) or label in repo.access.hidden(target.resource) or \
                target.by_name[label].kind not in ("string", "text"):
            return target.key_fields[0].but(name=field.name, primary_key=False)
        sees = repo.sees(target)

        def value(row) -> str:
            other = repo.target_row(row, field.name)
            return "" if other is None or not sees(other) else other.values.get(label) or ""
        return Field(name=field.name, kind="string", options={SORT_VALUE: value})
    return order


def capped(n: int, limit: int) -> tuple[int, bool]:
    """(count, exact) as rum_sqlalchemy counts: exact up to `limit`, else (limit, False)."""
    return (n, True) if n <= limit else (limit, False)


def target_key(row, name: str) -> tuple | None:
    value = row.values.get(name)
    return None if value is None else as_key(value)
