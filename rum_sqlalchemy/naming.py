"""Names for reflected tables and their relations: classes, relation attributes, labels.

A table named in the plural gives a singular class (`bins` -> `bin`, served at `/bins`,
labelled "Bin" and "Bins");
a many-to-one relation is named after its foreign-key column (`manager_id` -> `manager`);
the one-to-many side after the referring table, and its key when that alone is ambiguous
(`employees_by_manager`, labelled "Employees (manager)").
"""

import re

import sqlalchemy as sa

from rum.fields import humanize
from rum.resources import plural, singular, snake


def words(name: str) -> str:
    """`customerName` / `Order Lines` / `order-lines` -> `customer_name` / `order_lines`."""
    text = re.sub(r"\W+", "_", snake(name)).strip("_").lower()
    return text or "t"


def class_name(table: sa.Table, default_schema: str | None) -> str:
    """`order_lines` -> `order_line`; a table of another schema is prefixed: `sales_region`.

    Snake case, so the resource name and label made from it keep the table's words.
    """
    parts = words(table.name).split("_")
    parts[-1] = singular(parts[-1])
    if table.schema and table.schema != default_schema:
        parts = words(table.schema).split("_") + parts
    name = "_".join(p for p in parts if p)
    return name if name[:1].isalpha() else f"t_{name}"


def class_names(tables, default_schema: str | None) -> dict[str, str]:
    """A unique class name for every table key; clashes fall back to the table's own words."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for key in sorted(tables):
        name = class_name(tables[key], default_schema)
        if name in taken:
            name = words(key)
        while name in taken:
            name += "_"
        taken.add(name)
        names[key] = name
    return names


def column_label(name: str, column: sa.Column | None = None) -> str:
    """`customerName` -> "Customer name"; a key column such as `orderid` -> "Order id"."""
    text = words(name)
    if column is not None and _names_a_key(text, column):
        text = text[:-2] + "_id"
    return humanize(text)


def _names_a_key(text: str, column: sa.Column) -> bool:
    if "_" in text or not text.endswith("id") or len(text) < 4:
        return False
    if column.primary_key or column.foreign_keys:
        return True
    stem = text[:-2]
    tables = {t.name.lower() for t in column.table.metadata.tables.values()} \
        if column.table.metadata is not None else set()
    return stem in tables or plural(stem) in tables


def _fk_stem(constraint: sa.ForeignKeyConstraint) -> str:
    """`manager_id` -> `manager`; `orderid` -> `order`; composite keys: the referred table."""
    columns = [e.parent.name for e in constraint.elements]
    if len(columns) == 1:
        stem = re.sub(r"_?id$", "", words(columns[0]))
        if stem:
            return stem
    return singular(words(constraint.referred_table.name))


def _free(name: str, table: sa.Table) -> str:
    """`name`, or a variant that no column of `table` already uses."""
    used = {c.key for c in table.columns}
    while name in used:
        name += "_rel"
    return name


def _fks_between(child: sa.Table, parent: sa.Table) -> list:
    return [c for c in child.foreign_key_constraints if c.referred_table is parent]


def scalar_name(local_cls, referred_cls, constraint: sa.ForeignKeyConstraint) -> str:
    """The many-to-one attribute: after the key column, else after the referred table."""
    table = local_cls.__table__
    stem = _fk_stem(constraint)
    if len(constraint.elements) > 1 and len(_fks_between(table, referred_cls.__table__)) > 1:
        stem = "_".join(words(e.parent.name) for e in constraint.elements)
    if stem in {c.key for c in table.columns}:
        stem = words(referred_cls.__name__)
    return _free(stem, table)


def collection_name(parent_cls, child_cls, constraint) -> tuple[str, str]:
    """(attribute, label) of a to-many relation of `parent_cls` towards `child_cls`."""
    rows = plural(words(child_cls.__name__))
    label = humanize(rows)
    child, parent = child_cls.__table__, parent_cls.__table__
    if constraint.table is not child:  # a many-to-many through an association table
        if child is parent:
            key = words(constraint.elements[0].parent.name)
            return _free(f"{rows}_by_{key}", parent), f"{label} ({humanize(key).lower()})"
        return _free(rows, parent), label
    if child is not parent and len(_fks_between(child, parent)) == 1:
        return _free(rows, parent), label
    key = scalar_name(child_cls, parent_cls, constraint)
    return _free(f"{rows}_by_{key}", parent), f"{label} ({humanize(key).lower()})"
