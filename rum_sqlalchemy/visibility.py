"""What one access sees of related rows: permission, row filters and hidden names.

A related row the access may not read (its resource is not readable, or the row is outside
that resource's row filters) is left out of to-many lists and shown as an opaque `Ref`
(`#<id>`, no link) where a to-one points at it. Checks are batched: one query per scoped
relation per page, none when no row filter applies, remembered for the unit of work.
"""

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from rum.contracts import Ref
from rum.fields import Field
from rum.keys import encode_key

from .catalog import ModelEntry
from .identity import row_key
from .state import RepositoryState


class ScopedReads(RepositoryState):
    """Mixed into the repository: needs `session`, `info`, `catalog`, `access`, `seen`
    and `_scope(info)`."""

    def _label_hidden(self, info: ModelEntry) -> bool:
        return bool(info.label_attr) and info.label_attr in self.access.hidden(info.resource)

    def ref(self, row) -> Ref:
        """A pointer to `row`: opaque (`#<id>`, no link) when the access may not see it or
        its name."""
        info = self.catalog.info_for(type(row))
        ident = info_identify(info, row)
        if info is None:
            return Ref(resource="", id=ident, label=self.catalog.label(row))
        if not self._sees(info, row, ident) or self._label_hidden(info):
            return Ref(resource=info.resource, id=ident, label=f"#{ident}", opaque=True)
        return Ref(resource=info.resource, id=ident, label=self.catalog.label(row))

    def _sees(self, info: ModelEntry, row, ident: str) -> bool:
        """Whether the access may read `row` (of `info`'s resource): permission, row filters."""
        resource = info.resource
        if not self.access.can_read(resource):
            return False
        if not self.access.scope(resource):
            return True
        known = self.seen.setdefault(resource, {})
        if ident not in known:
            self._check_seen(info, [row])
        return known.get(ident, False)

    def _mark_seen(self, info: ModelEntry, rows: Iterable[Any]) -> None:
        """Rows read through `info`'s scope: visible, no need to ask again."""
        if self.access.scope(info.resource):
            known = self.seen.setdefault(info.resource, {})
            for r in rows:
                known[info_identify(info, r)] = True

    def _check_seen(self, info: ModelEntry, rows: Iterable[Any]) -> None:
        """One query: which of `rows` (all of `info`'s resource) are in its scope."""
        known = self.seen.setdefault(info.resource, {})
        keys: dict[str, tuple[Any, ...]] = {}
        for r in rows:
            key = row_key(info.mapper, r)
            ident = encode_key(key)
            if ident not in known:
                keys[ident] = tuple(key)
        if not keys:
            return
        pk = [getattr(info.model, info.mapper.get_property_by_column(c).key)
              for c in info.mapper.primary_key]
        match = pk[0].in_([k[0] for k in keys.values()]) if len(pk) == 1 else \
            sa.tuple_(*pk).in_(list(keys.values()))
        stmt = sa.select(*pk).where(match, *self._scope(info))
        found = {encode_key(tuple(r)) for r in self.session.execute(stmt)}
        for ident in keys:
            known[ident] = ident in found

    def prefetch(self, rows: Sequence[Any], fields: Iterable[Field]) -> None:
        """Check the to-one targets of `rows` against their row filters: one query per
        scoped relation for a whole page, none when no row filter applies."""
        for f in fields:
            if f.kind != "to_one" or not f.related or f.name not in self.info.mapper.relationships:
                continue
            by_info: dict[str, tuple[ModelEntry, list[Any]]] = {}
            scoped: dict[type, ModelEntry | None] = {}  # per class of target: its scoped entry
            for row in rows:
                target = getattr(row, f.name)
                if target is None:
                    continue
                cls = type(target)
                if cls not in scoped:
                    info = self.catalog.info_for(cls)
                    scoped[cls] = info if info is not None and self.access.can_read(
                        info.resource) and self.access.scope(info.resource) else None
                info = scoped[cls]
                if info is not None:
                    by_info.setdefault(info.resource, (info, []))[1].append(target)
            for info, targets in by_info.values():
                self._check_seen(info, targets)

    def _unseen_members(self, row, field: Field) -> list[Any]:
        """Rows of a to-many relation of a stored `row` the access may not see: an
        assignment keeps them, since nobody can remove what they cannot see."""
        if sa.inspect(row).key is None:
            return []  # a new row has no members yet
        rel = self.info.mapper.relationships[field.name]
        target = self.catalog.info_for(rel.mapper.class_)
        if target is None:
            return []
        readable = self.access.can_read(target.resource)
        if readable and not self.access.scope(target.resource):
            return []
        members = list(getattr(row, field.name))
        if not readable:
            return members
        self._check_seen(target, members)
        known = self.seen[target.resource]
        return [m for m in members if not known.get(info_identify(target, m), False)]


def info_identify(info: ModelEntry | None, row) -> str:
    mapper = info.mapper if info else sa.inspect(type(row))
    return encode_key(row_key(mapper, row))
