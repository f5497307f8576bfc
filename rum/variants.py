"""What a resource class changes for one request: the list's columns, the form's fields,
which of them are read-only, and the rows every path reaches (rum.admin.Admin's `get_*`
methods and `base_query`).

Each function takes the resource, the request and the identity the policy found, and
falls back to the resource's configured value when the class leaves the method alone.
Names a method returns are checked on every call: a wrong one is a ValueError naming the
method (a server error, logged), never silently dropped. Fields the policy hides are the
caller's to take out afterwards (`Call.visible`), as for the configured ones.
"""

from collections.abc import Callable, Iterable
from typing import Any

from .admin import Admin
from .fields import Field
from .query import OPS, Filter, ops_for
from .resources import Registry, Resource
from .values import parse, to_text

CHECKED_OPS = frozenset({"eq", "ne", "lt", "le", "gt", "ge", "in"})  # values parsed by kind


def _where(resource: Resource, method: str) -> str:
    return f"{type(resource.admin).__name__}.{method}"


def _overrides(admin: Any, method: str) -> bool:
    """Whether the resource class has its own `method` (not Admin's default)."""
    return admin is not None and getattr(type(admin), method, None) is not getattr(Admin, method)


def _fields(resource: Resource, method: str, names: Any) -> tuple[Field, ...]:
    """The resource's fields named by what `method` returned, in its order."""
    where = _where(resource, method)
    if isinstance(names, str | bytes) or not isinstance(names, Iterable):
        raise ValueError(f"{where} must return a list of field names (or None), "
                         f"not {type(names).__name__}")
    names = list(names)
    by_name = resource.fields_by_name
    unknown = [n for n in names if not isinstance(n, str) or n not in by_name]
    if unknown:
        raise ValueError(f"{where} returned unknown field(s) {unknown}; the fields of "
                         f"{resource.label} are {sorted(by_name)}")
    return tuple(by_name[n] for n in names)


def list_fields(resource: Resource, request: Any, identity: Any) -> tuple[Field, ...]:
    """The list's columns for this request: `get_list_fields`, else `list_fields`."""
    if resource.admin is None:
        return resource.list_fields
    names = resource.admin.get_list_fields(request, identity)
    return resource.list_fields if names is None else _fields(resource, "get_list_fields",
                                                                 names)


def form_fields(resource: Resource, request: Any, identity: Any) -> tuple[Field, ...]:
    """The form's fields for this request: `get_form_fields`, else `form_fields`. A field
    read-only for the resource keeps its flag wherever it is listed."""
    if resource.admin is None:
        return resource.form_fields
    names = resource.admin.get_form_fields(request, identity)
    return resource.form_fields if names is None else _fields(resource, "get_form_fields",
                                                                 names)


def read_only_names(resource: Resource, request: Any, identity: Any) -> frozenset[str]:
    """Every field read-only for this request: the resource's (model, `fields` and
    `read_only_fields` options) and those `get_read_only_fields` adds.

    Admin's own `get_read_only_fields` returns the class attribute, which an INI
    `read_only_fields` replaces: it is asked only when the class overrides it."""
    static = frozenset(f.name for f in resource.fields if f.read_only)
    if not _overrides(resource.admin, "get_read_only_fields"):
        return static
    names = resource.admin.get_read_only_fields(request, identity)
    return static | {f.name for f in _fields(resource, "get_read_only_fields", names)}


def read_only(resource: Resource, request: Any, identity: Any,
              fields: Iterable[Field] | None = None) -> tuple[Field, ...]:
    """`fields` (default: this request's form fields) with those read-only for this request
    flagged `read_only`: a form shows them as text and never writes them."""
    names = read_only_names(resource, request, identity)
    chosen = form_fields(resource, request, identity) if fields is None else tuple(fields)
    return tuple(f.but(read_only=True) if f.name in names and not f.read_only else f
                 for f in chosen)


def base_filters(resource: Resource, request: Any, identity: Any,
                 registry: Registry | None = None) -> tuple[Filter, ...]:
    """`base_query` for this request as row filters, each checked: its field a field of the
    resource (`genre.name`: a column of a to-one relation's resource, checked when
    `registry` is given), its operator one the field's kind takes, its value one of it.
    A tuple `(field, op, value)` is a Filter; its value may be typed (`("year", "ge", 1990)`,
    `("genre", "in", [1, 2])`) and becomes text here. ValueError names what is wrong."""
    if resource.admin is None:
        return ()
    where = _where(resource, "base_query")
    items = resource.admin.base_query(request, identity)
    if items is None:
        return ()
    if isinstance(items, str | bytes | Filter) or not isinstance(items, Iterable):
        raise ValueError(f"{where} must return a list of filters (rum.query.Filter or "
                         f"(field, op, value)), not {type(items).__name__}")
    return tuple(_checked(resource, item, where, registry) for item in items)


def _checked(resource: Resource, item: Any, where: str, registry: Registry | None) -> Filter:
    if isinstance(item, Filter):
        name, op, value = item.field, item.op, item.value
    elif isinstance(item, tuple | list) and len(item) == 3:
        name, op, value = item
    else:
        raise ValueError(f"{where}: {item!r} is not a filter; give rum.query.Filter or "
                         "(field, op, value), such as ('year', 'ge', 1990)")
    if op not in OPS:
        raise ValueError(f"{where}: unknown operator {op!r} in {item!r}; use one of {OPS}")
    field = _filter_field(resource, str(name), where, registry)
    if field is not None and op not in ops_for(field.kind):
        raise ValueError(f"{where}: operator {op!r} does not apply to {name!r} "
                         f"({field.kind}); it takes {ops_for(field.kind)}")
    text = _text(field, op, value)
    if op == "is_null":
        _parses(Field(str(name), "boolean"), [text or "true"], where, name)
    elif field is not None and op in CHECKED_OPS and not field.is_relation:
        _parses(field, text.split(",") if op == "in" else [text], where, name)
    return Filter(str(name), op, text)


def _parses(field: Field, texts: list[str], where: str, name: str) -> None:
    for text in texts:
        try:
            parse(field, text)
        except (ValueError, TypeError, ArithmeticError):
            raise ValueError(f"{where}: {text!r} is no value of {name!r} "
                             f"({field.kind})") from None


def _filter_field(resource: Resource, name: str, where: str,
                  registry: Registry | None) -> Field | None:
    """The field a filter compares (`genre.name`: the related resource's `name`, when the
    registry is at hand; else None, left to the repository)."""
    head, _, rest = name.partition(".")
    by_name = resource.fields_by_name
    if head not in by_name or (rest and by_name[head].kind != "to_one"):
        raise ValueError(f"{where}: unknown field {name!r}; the fields of {resource.label} "
                         f"are {sorted(by_name)} (a to-one relation's as 'genre.name')")
    if not rest:
        return by_name[head]
    related = by_name[head].related
    if registry is None or not related or related not in registry:
        return None
    target = registry.get(related).fields_by_name
    if rest not in target or target[rest].is_relation:
        raise ValueError(f"{where}: {related} has no column {rest!r} to filter {name!r} on; "
                         f"its fields are {sorted(target)}")
    return target[rest]


def _text(field: Field | None, op: str, value: Any) -> str:
    """A filter's value as the text a query string would carry."""
    if isinstance(value, str):
        return value
    if op == "in" and isinstance(value, list | tuple | set | frozenset):
        return ",".join(_text(field, "eq", v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if field is not None and not field.is_relation:
        return to_text(field, value)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def base_for(registry: Registry, request: Any,
             identity: Any) -> Callable[[str], tuple[Filter, ...]]:
    """`Access(policy, identity, base=base_for(registry, request, identity))`: the base
    query of each resource for this request (Access asks once per resource)."""
    def base(name: str) -> tuple[Filter, ...]:
        if name not in registry:
            return ()
        return base_filters(registry.get(name), request, identity, registry)
    return base
