"""A row as the views see it: its `Record`, one row's or a whole page's at once."""

import enum
import hashlib
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import with_parent

from rum.contracts import Record, Ref
from rum.fields import Field

from .introspect import enum_value
from .state import RepositoryState

TO_MANY_SHOWN = 50  # a record carries at most this many rows of a to-many relation


class Recording(RepositoryState):
    """Mixed into the repository: needs `identify`, `label`, `ref`, `_scope` and
    `_mark_seen` besides its state."""

    def record(self, row, fields: tuple[Field, ...], versioned: bool = True) -> Record:
        """`versioned=False` leaves `version` empty: lists and exports never send it back.
        A to-many value of more than TO_MANY_SHOWN rows is cut there and named in `partial`."""
        return self._record(row, fields, versioned, self.ref)

    def records(self, rows: list, fields: tuple[Field, ...],
                versioned: bool = True) -> list[Record]:
        """`record` of each of a page's rows. A to-one target several rows point at has its
        Ref made once: a Ref depends on the target and the access alone, and nothing
        writes while the page's records are made."""
        made: dict[int, tuple[Any, Ref]] = {}

        def ref(target) -> Ref:
            known = made.get(id(target))
            # the target is held in `made`: no other object takes its id meanwhile
            if known is None or known[0] is not target:
                known = made[id(target)] = (target, self.ref(target))
            return known[1]
        return [self._record(row, fields, versioned, ref) for row in rows]

    def _record(self, row, fields: tuple[Field, ...], versioned: bool, ref) -> Record:
        """`record`, with each to-one target's Ref made by `ref`."""
        values: dict[str, Any] = {}
        partial: set[str] = set()
        for f in fields:
            if f.kind == "to_one":
                target = getattr(row, f.name)
                values[f.name] = None if target is None else ref(target)
            elif f.kind == "to_many":
                values[f.name], complete = self._to_many(row, f)
                if not complete:
                    partial.add(f.name)
            else:
                value = getattr(row, f.name)
                if f.kind == "boolean" and isinstance(value, int):
                    value = bool(value)  # MariaDB's tinyint(1)
                values[f.name] = enum_value(self.info.mapper, f.name, value) \
                    if isinstance(value, enum.Enum) else value
        return Record(id=self.identify(row), label=self.label(row), values=values,
                      version=self.version(row) if versioned else "", partial=frozenset(partial))

    def version(self, row) -> str:
        """What an edit form must send back: the version column, else a digest of the row's
        stored column values (so a change by anyone in between is noticed either way)."""
        mapper = self.info.mapper
        if mapper.version_id_col is not None:
            return str(mapper._get_committed_attr_by_column(row, mapper.version_id_col))
        state = sa.inspect(row)
        digest = hashlib.sha256()
        for prop in mapper.column_attrs:
            history = state.attrs[prop.key].load_history()
            value = (history.unchanged or history.deleted or [None])[0]
            digest.update(repr(value).encode("utf-8", "replace") + b"\x00")
        return digest.hexdigest()[:20]

    def _to_many(self, row, field: Field) -> tuple[list[Ref], bool]:
        """(refs, complete): the linked rows the access may see (one query, row filters
        applied in it), up to TO_MANY_SHOWN; complete=False if there are more."""
        rel = self.info.mapper.relationships[field.name]
        target = self.catalog.info_for(rel.mapper.class_)
        if target is not None and not self.access.can_read(target.resource):
            return [], True
        scope = self._scope(target) if target is not None else []
        state = sa.inspect(row)
        if not scope and field.name not in state.unloaded:
            return [self.ref(r) for r in getattr(row, field.name)], True
        stmt = sa.select(rel.mapper.class_).where(with_parent(row, rel.class_attribute), *scope)
        rows = list(self.session.scalars(stmt.limit(TO_MANY_SHOWN + 1)))
        if target is not None:
            self._mark_seen(target, rows[:TO_MANY_SHOWN])
        return [self.ref(r) for r in rows[:TO_MANY_SHOWN]], len(rows) <= TO_MANY_SHOWN

