"""Mapped classes -> rum fields, by reading SQLAlchemy's mapper."""

import enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapper, RelationshipProperty
from sqlalchemy.orm.interfaces import MANYTOMANY, MANYTOONE, ONETOMANY

from rum.fields import Field

from . import coltypes
from .coltypes import enum_choices
from .naming import column_label

LABEL_COLUMNS = ("name", "title", "label", "username", "email", "code")

UNSORTABLE_KINDS = frozenset({"binary", "json", "array", "set", "unknown"})


def column_kind(column_type) -> str:
    return coltypes.column_kind(column_type)[0]


def is_generated(column: sa.Column, mapper: Mapper) -> bool:
    """Values the database or the ORM makes: autoincrement keys, inherited keys, versions."""
    if column is mapper.version_id_col or column.computed is not None:
        return True
    if mapper.polymorphic_on is not None and column is mapper.polymorphic_on:
        return True  # the discriminator follows the class, never the user
    if not column.primary_key:
        return False
    if column.foreign_keys and mapper.inherits is not None:
        return True  # a joined-table subclass's key is its parent row's
    single_int = len(mapper.primary_key) == 1 and isinstance(column.type, sa.Integer)
    return single_int and column.autoincrement in (True, "auto") and not column.foreign_keys


def _column_field(name: str, column: sa.Column, mapper: Mapper) -> Field:
    kind, options = coltypes.column_kind(column.type)
    kind = column.info.get("rum.kind") or kind
    generated = is_generated(column, mapper) or kind == "unknown"
    has_default = column.default is not None or column.server_default is not None
    default = getattr(column.default, "arg", None) if column.default is not None else None
    return Field(
        name=name, kind=kind, label=column_label(name, column),
        required=not column.nullable and not generated and not has_default and kind != "boolean",
        read_only=generated,
        searchable=kind in ("string", "text") and not column.primary_key,
        sortable=kind not in UNSORTABLE_KINDS,
        default=None if callable(default) else default,
        choices=enum_choices(column.type) if kind in ("enum", "set") else
        options.pop("choices", ()),
        max_length=getattr(column.type, "length", None) if kind == "string" else None,
        primary_key=column.primary_key,
        options={**options, "nullable": bool(column.nullable)},
    )


def _relation_field(rel, fk_required: bool) -> Field:
    to_one = rel.direction is MANYTOONE or not rel.uselist
    return Field(
        name=rel.key, kind="to_one" if to_one else "to_many",
        label=rel.info.get("label") or column_label(rel.key),
        # a key of several columns has no one-value filter (`f.bin.eq=` names one column)
        filterable=len(rel.local_remote_pairs) == 1,
        required=to_one and fk_required,
        # One-to-many sides are edited from the child's form, where the key lives.
        read_only=rel.direction is ONETOMANY or rel.viewonly,
        searchable=False,
        # a to-one sorts by the related row's label (`relation_order`)
        sortable=to_one and len(rel.local_remote_pairs) == 1,
        related=rel.mapper.class_.__name__,
    )


def model_fields(model) -> tuple[Field, ...]:
    """Fields in table order; a foreign-key column is replaced by its many-to-one relation."""
    mapper: Mapper = sa.inspect(model)
    by_fk_column: dict[sa.ColumnElement[Any], RelationshipProperty[Any]] = {}
    for rel in mapper.relationships:
        if rel.direction is MANYTOONE:
            for local, _remote in rel.local_remote_pairs:
                by_fk_column.setdefault(local, rel)
    fields: list[Field] = []
    placed = set()
    for prop in mapper.column_attrs:
        column = prop.columns[0]
        if not isinstance(column, sa.Column):
            kind, options = coltypes.column_kind(column.type)
            fields.append(Field(name=prop.key, kind=kind, read_only=True, sortable=False,
                                options=options))
            continue
        fk_rel = by_fk_column.get(column)
        if fk_rel is not None and not column.primary_key:
            if fk_rel.key not in placed:
                placed.add(fk_rel.key)
                required = all(not c.nullable for c, _ in fk_rel.local_remote_pairs)
                fields.append(_relation_field(fk_rel, required))
            continue
        fields.append(_column_field(prop.key, column, mapper))
    for rel in mapper.relationships:
        if rel.key not in placed and rel.direction in (MANYTOONE, ONETOMANY, MANYTOMANY):
            placed.add(rel.key)
            fields.append(_relation_field(rel, False))
    for key, descriptor in mapper.all_orm_descriptors.items():
        if isinstance(descriptor, hybrid_property) and key not in placed:
            fields.append(Field(name=key, kind="string", read_only=True, sortable=False))
    pk_first = sorted(fields, key=lambda f: not f.primary_key)
    return tuple(pk_first)


def label_attribute(model) -> str | None:
    """The column that names a row when the class has no __str__ of its own."""
    mapper = sa.inspect(model)
    keys = [p.key for p in mapper.column_attrs]
    for name in LABEL_COLUMNS:
        if name in keys:
            return name
    for prop in mapper.column_attrs:
        if column_kind(prop.columns[0].type) == "string" and not prop.columns[0].primary_key:
            return prop.key
    return None


def enum_value(mapper, name: str, member: enum.Enum) -> str:
    """The stored value of an enum member (its name, or what `values_callable` made of it)."""
    column_type = mapper.columns[name].type
    members = list(column_type.enum_class)
    return column_type.enums[members.index(member)]
