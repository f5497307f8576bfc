"""List filters that name a related row by its name: `f.genre.eq=Drama`, `ne`, and `in`
with several names. Names become ids before the query runs; a name that matches no row,
or several, is told beside its filter with the rows it matches, so the bar is never a
dead end without JS. Small relations offer their rows as a list to pick from instead."""

from dataclasses import dataclass
from functools import partial

from .call import Call
from .contracts import Ref
from .errors import BadRequest, NotFound
from .i18n import N_
from .names import MATCHES_SHOWN, Ambiguity
from .query import Filter, Query
from .read_memory import reader_key

NAMED_OPS = ("eq", "ne", "in")
MAX_NAMES = 50  # names (or ids) one `in` filter may hold
VALUE_CHOICES = 20  # a to-one filter lists its rows to choose from up to this many


@dataclass(frozen=True)
class NameProblem:
    """What the bar tells beside a filter: names matching no row, names several share."""

    missing: tuple[str, ...] = ()
    shared: tuple[Ambiguity, ...] = ()


def _named_field(call: Call, fields: dict, f: Filter):
    field = fields.get(f.field)
    if field is None or field.kind != "to_one" or not field.related or \
            f.op not in NAMED_OPS or not call.access.can_read(field.related):
        return None
    return field


def _is_id(repo, text: str) -> bool:
    try:
        repo.get(text)
    except NotFound:
        return False
    return True


def _resolve_one(call: Call, field, f: Filter) -> tuple[list[Filter], NameProblem | None]:
    tokens = [t.strip() for t in f.value.split(",")] if f.op == "in" else [f.value.strip()]
    tokens = [t for t in tokens if t]
    if len(tokens) > MAX_NAMES:
        raise BadRequest(N_("a filter on %(field)s takes at most %(most)s values"),
                         field=repr(field.name), most=MAX_NAMES)
    repo = call.uow.repository(field.related)
    ids: list[str] = []
    missing, shared = [], []
    for text in tokens:
        if _is_id(repo, text):
            ids.append(text)
            continue
        refs = repo.named(text, MATCHES_SHOWN + 1)
        if not refs:
            missing.append(text)
        elif len(refs) > 1:
            shared.append(Ambiguity(text, tuple(refs[:MATCHES_SHOWN]), len(refs) > MATCHES_SHOWN))
        if len(refs) > MATCHES_SHOWN and f.op == "eq":
            return [f], NameProblem(shared=tuple(shared))  # the backend matches them all
        ids.extend(r.id for r in refs[:MATCHES_SHOWN])
    problem = NameProblem(tuple(missing), tuple(shared)) if missing or shared else None
    ids = list(dict.fromkeys(ids))
    if f.op == "ne":
        return [Filter(f.field, "ne", i) for i in ids], problem
    if not ids:  # nothing of that name: a filter no row passes
        return [Filter(f.field, "eq", tokens[0])] if tokens else [f], problem
    return [Filter(f.field, "eq" if len(ids) == 1 else "in", ",".join(ids))], problem


def resolve_names(call: Call, query: Query) -> tuple[Query, dict[str, NameProblem]]:
    """`query` with the names in its to-one filters turned into ids, and the problems
    found by field name. Ids stay as given; a row the access may not see is no match."""
    fields = {f.name: f for f in call.visible(call.served.fields)}
    out: list[Filter] = []
    problems: dict[str, NameProblem] = {}
    for f in query.filters:
        field = _named_field(call, fields, f)
        if field is None or not f.value.strip():
            out.append(f)
            continue
        made, problem = _resolve_one(call, field, f)
        out.extend(made)
        if problem is not None:
            problems.setdefault(f.field, problem)
    return query.but(filters=tuple(out)), problems


def value_choices(call: Call, fields) -> dict[str, tuple[Ref, ...]]:
    """The rows of each small to-one relation among `fields`, to choose a filter value
    from: one query per relation reading at most VALUE_CHOICES + 1 rows, never a count,
    remembered by the app's read memory (a list page needs them on every request)."""
    out = {}
    for f in fields:
        if f.kind != "to_one" or not f.related or not f.filterable or \
                not call.access.can_read(f.related):
            continue
        reader = reader_key(call.access, f.related)
        refs = call.app.memory.recall(reader and ("choices", *reader), call.since,
                                      partial(_small_relation, call, f.related))
        if refs is not None:
            out[f.name] = refs
    return out


def _small_relation(call: Call, resource: str) -> tuple[Ref, ...] | None:
    """The rows of `resource` in scope by label, or None when there are too many."""
    refs = call.uow.repository(resource).choices(VALUE_CHOICES + 1)
    if len(refs) > VALUE_CHOICES:
        return None
    return tuple(sorted((r for r in refs if not r.opaque), key=lambda r: r.label))
