"""Sorting by a to-one relation, and filtering it by name: both by the related row's label.

`sort=genre` orders by the label column of the genre row (what the grid shows), never
NULL: a row without a genre, or whose genre the access may not see (outside the genre's
row filters), sorts as the empty label, first ascending on every database. When the label
is not one text column, or the access may not read the related resource or its label
column, the order is by the foreign key: the ids the grid shows.

The label column is the naming one (`label_attr`: name, title, ...), also when the class
has a `__str__`, which usually shows it: forms resolve a typed name by the same column.
"""

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from rum.errors import BadRequest
from rum.fields import Field
from rum.i18n import N_

from .catalog import ModelEntry

LABEL_KINDS = frozenset({"string", "text"})
NEVER_NULL = "never_null"  # a cursor field's option: its sort expression is never NULL


def label_column(target: ModelEntry | None, access) -> str | None:
    """The text column naming `target`'s rows that `access` may read, or None."""
    if target is None or not target.label_attr:
        return None
    kinds = {f.name: f.kind for f in target.fields}
    if kinds.get(target.label_attr) not in LABEL_KINDS or not access.can_read(target.resource) \
            or target.label_attr in access.hidden(target.resource):
        return None
    return target.label_attr


def relation_order(info: ModelEntry, catalog, access):
    """A function `field -> (sort expression, cursor field)` for the to-one `field`."""
    from .querying import scope_clauses  # querying imports this module's users

    def order(field: Field):
        rel = info.mapper.relationships.get(field.name) \
            if field.name in info.mapper.relationships else None
        if rel is None or rel.uselist or len(rel.local_remote_pairs) != 1:
            raise BadRequest(N_("cannot sort on %(name)s"), name=repr(field.name))
        local, remote = rel.local_remote_pairs[0]
        target = catalog.info_for(rel.mapper.class_)
        label = label_column(target, access)
        if target is None or label is None:
            key = info.mapper.get_property_by_column(local).key
            kind = "integer" if isinstance(local.type, sa.Integer) else "string"
            return getattr(info.model, key), Field(name=key, kind=kind)
        other = aliased(target.model)  # a self-reference needs the related side apart
        remote_key = target.mapper.get_property_by_column(remote).key
        local_key = info.mapper.get_property_by_column(local).key
        value: sa.ColumnElement = sa.select(getattr(other, label)).where(
            getattr(other, remote_key) == getattr(info.model, local_key)).scalar_subquery()
        scope = scope_clauses(target, access.scope(target.resource), catalog)
        if scope:  # a related row out of the access's sight sorts as having no label
            value = sa.case((getattr(info.model, rel.key).has(sa.and_(*scope)), value))
        expression = sa.func.coalesce(value, sa.literal("", getattr(target.model, label).type))
        return expression, Field(name=field.name, kind="string", options={NEVER_NULL: True})
    return order


def label_match(info: ModelEntry, field: Field, catalog, access, text: str):
    """"The related row is named `text`" (its label, ignoring case), or None when the
    label is not a column `access` may read. The caller adds the target's row filters."""
    rel = info.mapper.relationships[field.name]
    target = catalog.info_for(rel.mapper.class_)
    label = label_column(target, access)
    if target is None or label is None:
        return None
    return related_rows(info, rel, target,
                        sa.func.lower(getattr(target.model, label)) == text.strip().lower())


def related_rows(info, rel, target, condition):
    """"The to-one `rel` points at a row of `target` meeting `condition`".

    A simple foreign key (one column, pointing at a column that holds no NULL) is
    `genre_id IN (SELECT id FROM genre WHERE ...)`: the database reads the few matching
    related rows once and then the foreign key's index, where a correlated EXISTS is
    checked row by row over the whole table (15 ms against 0.03 ms for 100,000 movies).
    Any other relation (a composite or custom join) stays an EXISTS.
    """
    pairs = rel.local_remote_pairs
    remote = pairs[0][1] if len(pairs) == 1 and rel.secondary is None else None
    if remote is None or remote.nullable or \
            not isinstance(pairs[0][0], sa.Column) or not isinstance(remote, sa.Column):
        return getattr(info.model, rel.key).has(condition)
    local = getattr(info.model, info.mapper.get_property_by_column(pairs[0][0]).key)
    remote_attr = getattr(target.model, target.mapper.get_property_by_column(remote).key)
    rows = sa.select(remote_attr).select_from(target.model).where(condition).correlate(None)
    clause = local.in_(rows)
    # never NULL, so that NOT(...) around it still means "not such a row"
    return sa.and_(local.is_not(None), clause) if pairs[0][0].nullable else clause

