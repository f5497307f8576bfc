"""Declaring in-memory models, and what the factory derives from the declarations.

A model is a name, its `rum.fields.Field`s (one or more with `primary_key=True`), an
optional label rule and its initial rows. Relations are Fields of kind `to_one` or
`to_many` whose `related` names the other model; `to_one()` and `to_many()` build them.
"""

import datetime
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..errors import ConfigError, NotFound
from ..fields import Field
from ..i18n import N_, Message
from ..keys import integer_part, split_key
from ..values import parse

SECTION = "rum.repositoryfactory"
LABEL_FIELDS = ("name", "title", "label", "username", "email", "code")
ON_DELETE = ("delete", "unlink", "block")
ISO_KINDS = {"date": datetime.date.fromisoformat, "time": datetime.time.fromisoformat,
             "datetime": datetime.datetime.fromisoformat}


def to_one(name: str, related: str, *, reverse: str | None = None, required: bool = False,
           **field_args) -> Field:
    """A many-to-one relation, stored in the row as the related row's key value.

    `reverse`: the name of the `to_many` on `related` that lists rows pointing here."""
    options = {"reverse": reverse} if reverse else {}
    return Field(name=name, kind="to_one", related=related, required=required,
                 searchable=False, options=options, **field_args)


def to_many(name: str, related: str, *, reverse: str | None = None,
            on_delete: str | None = None, **field_args) -> Field:
    """A one-to-many relation (`reverse` names a `to_one` of `related`: the foreign key)
    or a many-to-many one (`reverse` names a `to_many` of `related`, or is None).

    `on_delete` (one-to-many only): what deleting this row does to the rows pointing at
    it: 'delete' them, 'unlink' them (set their key to None) or 'block' the delete.
    The default is 'unlink' when their `to_one` is optional, else 'block'."""
    options = {k: v for k, v in (("reverse", reverse), ("on_delete", on_delete)) if v}
    return Field(name=name, kind="to_many", related=related, searchable=False,
                 sortable=False, options=options, **field_args)


class MemoryModel:
    """One model: `MemoryModel("Movie", fields=[...], rows=[{...}], label="title")`.

    `label`: the field that names a row, or a callable(row) -> str; by default the first of
    name/title/label/username/email/code, else the first string field. `read_only`: served
    for reading only. Rows are dicts by field name: a `to_one` holds the related key
    value, a many-to-many `to_many` a list of them; a one-to-many is never given (it is
    the other side's `to_one`). An integer primary key that is `read_only` is generated.
    """

    def __init__(self, name: str, fields: Iterable[Field], rows: Iterable[dict] = (), *,
                 label: "str | Callable[[Any], str] | None" = None, read_only: bool = False):
        self.name = name
        self.fields = tuple(fields)
        self.rows = tuple(dict(r) for r in rows)  # copies: a store never changes them
        self.label = label
        self.read_only = read_only

    def __repr__(self) -> str:
        return f"MemoryModel({self.name!r})"


@dataclass(frozen=True)
class Relation:
    """How a relation field of one model is stored."""

    field: str
    target: str  # the related model's name
    kind: str  # "to_one", "one_to_many" or "many_to_many"
    reverse: str | None = None
    link: str = ""  # many_to_many: the name of its link set
    side: int = 0  # many_to_many: where this model's key sits in a link pair
    on_delete: str = ""  # one_to_many, many_to_many: 'delete', 'unlink' or 'block'


class Entry:
    """What the factory knows about one model: its fields, key, relations and label rule."""

    def __init__(self, model: MemoryModel, fields: tuple[Field, ...],
                 relations: dict[str, Relation]):
        self.model = model
        self.name = model.name
        self.fields = fields
        self.by_name = {f.name: f for f in fields}
        self.key = tuple(f.name for f in fields if f.primary_key)
        self.key_fields = tuple(self.by_name[n] for n in self.key)
        self.relations = relations
        self.label_fn = model.label if callable(model.label) else None
        self.label_attr = model.label if isinstance(model.label, str) else _label_field(fields)
        self.read_only = model.read_only
        self.resource = ""

    @property
    def generated(self) -> bool:
        """Whether new rows get their key from a counter (one read-only integer key)."""
        return len(self.key_fields) == 1 and self.key_fields[0].kind == "integer" \
            and self.key_fields[0].read_only

    def columns(self) -> tuple[Field, ...]:
        """The fields a stored row holds: everything but to-many relations."""
        return tuple(f for f in self.fields if f.kind != "to_many")


def _label_field(fields: tuple[Field, ...]) -> str | None:
    names = [f.name for f in fields if not f.is_relation]
    for name in LABEL_FIELDS:
        if name in names:
            return name
    return next((f.name for f in fields if f.kind == "string" and not f.primary_key), None)


def as_key(value) -> tuple:
    """A stored key value (one value, or a tuple for a composite key) as a key tuple."""
    return value if isinstance(value, tuple) else (value,)


def key_value(key: tuple):
    """A key tuple as a `to_one` stores it: the value itself for a one-column key."""
    return key[0] if len(key) == 1 else key


def _key_part(text: str, field: Field):
    if field.kind == "integer":
        return integer_part(text)
    if field.kind == "uuid":
        return uuid.UUID(text)
    if field.kind in ISO_KINDS:
        return ISO_KINDS[field.kind](text)
    if field.kind in ("string", "text", "enum"):
        return text
    return parse(field, text)


def decode_key(ident: str, entry: Entry) -> tuple:
    """The key tuple `ident` names; NotFound when it cannot name a row."""
    fields, ident = entry.key_fields, str(ident)
    parts = split_key(ident, len(fields))
    if parts is None:
        raise NotFound(N_("%(id)s is not a key of %(model)s"), id=repr(ident),
                       model=Message(entry.name))
    try:
        return tuple(_key_part(p, f) for p, f in zip(parts, fields, strict=True))
    except (ValueError, TypeError, ArithmeticError):
        raise NotFound(N_("%(id)s is not a key of %(model)s"), id=repr(ident),
                       model=Message(entry.name)) from None


def _check_model(model: MemoryModel, key: str) -> None:
    if not isinstance(model, MemoryModel):
        raise ConfigError(key, f"{model!r} is not a rum.testing.MemoryModel")
    names = [f.name for f in model.fields]
    if len(set(names)) != len(names):
        raise ConfigError(key, f"{model.name}: two fields have the same name")
    if not any(f.primary_key for f in model.fields):
        raise ConfigError(key, f"{model.name}: no field has primary_key=True")
    if isinstance(model.label, str) and model.label not in names:
        raise ConfigError(key, f"{model.name}: label {model.label!r} is not a field")


def _relation(model: MemoryModel, field: Field, models: dict, key: str) -> Relation:
    """The stored shape of one relation field, checked against the other side."""
    other = models.get(field.related)
    if other is None:
        raise ConfigError(key, f"{model.name}.{field.name}: no model named {field.related!r}")
    reverse = field.options.get("reverse") or next(
        (f.name for f in other.fields if f.is_relation and f.related == model.name
         and f.options.get("reverse") == field.name), None)  # declared on the other side
    back = {f.name: f for f in other.fields}.get(reverse) if reverse else None
    if reverse and (back is None or not back.is_relation or back.related != model.name):
        raise ConfigError(key, f"{model.name}.{field.name}: reverse {reverse!r} is not a "
                          f"relation of {other.name} to {model.name}")
    if back is not None and back.options.get("reverse") not in (None, field.name):
        raise ConfigError(key, f"{model.name}.{field.name}: {other.name}.{reverse} names "
                          "another reverse")
    if field.kind == "to_one":
        if back is not None and back.kind != "to_many":
            raise ConfigError(key, f"{model.name}.{field.name}: a to_one's reverse is a to_many")
        return Relation(field.name, other.name, "to_one", reverse)
    if back is not None and back.kind == "to_one":
        action = field.options.get("on_delete") or ("block" if back.required else "unlink")
        if action not in ON_DELETE:
            raise ConfigError(key, f"{model.name}.{field.name}: on_delete is one of {ON_DELETE}")
        return Relation(field.name, other.name, "one_to_many", reverse, on_delete=action)
    if model.name == other.name and reverse == field.name:
        raise ConfigError(key, f"{model.name}.{field.name} cannot be its own reverse")
    ends = sorted([f"{model.name}.{field.name}", f"{other.name}.{reverse or ''}"])
    side = ends.index(f"{model.name}.{field.name}")
    return Relation(field.name, other.name, "many_to_many", reverse, link="|".join(ends),
                    side=side, on_delete="unlink")


def _normalized(field: Field, relation: Relation | None) -> Field:
    if relation is None:
        if "nullable" in field.options:
            return field
        nullable = not (field.required or field.primary_key)
        return field.but(options={**field.options, "nullable": nullable})
    # one-to-many is edited from the other side, where the key lives; a many-to-many has
    # no one-value filter (as rum_sqlalchemy)
    return field.but(sortable=field.sortable and relation.kind == "to_one", searchable=False,
                     read_only=field.read_only or relation.kind == "one_to_many",
                     filterable=field.filterable and relation.kind != "many_to_many")


def entries(models: list[MemoryModel]) -> list[Entry]:
    """Checked entries for `models`: ConfigError naming what is wrong."""
    key = f"{SECTION}.models"
    for i, model in enumerate(models):
        _check_model(model, f"{key}[{i}]")
    by_name = {m.name: m for m in models}
    if len(by_name) != len(models):
        raise ConfigError(key, "two models have the same name")
    out = []
    for model in models:
        relations = {f.name: _relation(model, f, by_name, key) for f in model.fields
                     if f.is_relation}
        fields = tuple(_normalized(f, relations.get(f.name)) for f in model.fields)
        out.append(Entry(model, fields, relations))
    return out
