"""The in-memory repository: one resource's reads (this module) and writes (`memory_writing`).

Every read applies the access as rum_sqlalchemy does: the resource's own row filters
narrow every get/select/stream/count, related rows are read with their resource's
permission and row filters (left out of to-many lists, opaque `Ref`s where a to-one
points at them), and a hidden label makes a row's name `#<id>`.
"""

import hashlib
from collections.abc import Generator, Iterator
from typing import Any

from ..access import as_access
from ..contracts import Record, Ref
from ..errors import BadRequest, NotFound
from ..fields import Field
from ..i18n import N_, Message
from ..keys import encode_key
from ..query import Page, Query
from ..query_text import decode_cursor, encode_cursor
from .memory_model import Entry, decode_key
from .memory_query import (
    capped,
    compare_keys,
    query_tests,
    relation_order,
    scope_tests,
    sort_spec,
    sort_values,
    sorted_rows,
    target_key,
)
from .memory_writing import Writes

TO_MANY_SHOWN = 50  # a record carries at most this many rows of a to-many relation


class RecordStream:
    """An export's records, computed as they are read; `close()` ends the read early."""

    def __init__(self, records: Generator[Record, None, None]):
        self._records = records

    def __iter__(self) -> Iterator[Record]:
        return self._records

    def close(self) -> None:
        self._records.close()


class MemoryRepository(Writes):
    """Reads and writes rows of one model for one `Access`; raises rum domain errors only."""

    def __init__(self, unit, entry: Entry, access=None):
        self.unit = unit  # the unit of work: its workspace, catalog and store
        self.space = unit.space
        self.catalog = unit.catalog
        self.entry = entry
        self.access = as_access(access)

    def other(self, entry: Entry) -> "MemoryRepository":
        return MemoryRepository(self.unit, entry, self.access)

    # -- rows and what the access sees of them -----------------------------------------
    def target_row(self, row, name: str):
        """The row a `to_one` of `row` points at, or None."""
        key = target_key(row, name)
        rel = self.catalog.entry(row.model).relations[name]
        return None if key is None else self.space.row(rel.target, key)

    def related_rows(self, row, relation: str) -> list:
        """Every row related to `row` by `relation` (no access applied), in key order."""
        rel = self.catalog.entry(row.model).relations[relation]
        if rel.kind == "to_one":
            found = self.target_row(row, relation)
            return [] if found is None else [found]
        if rel.kind == "one_to_many":
            holder = rel.reverse  # the to_one of the related rows that holds the key
            assert holder is not None, "memory_model._relation names a one-to-many's to_one"
            rows = [r for r in self.space.rows(rel.target) if target_key(r, holder) == row.key]
        else:
            keys = [pair[1 - rel.side] for pair in self.space.links[rel.link]
                    if pair[rel.side] == row.key]
            rows = [r for r in (self.space.row(rel.target, k) for k in keys) if r is not None]
        return sorted(rows, key=lambda r: r.key)

    def in_scope(self, entry: Entry):
        """A test: whether a row of `entry` is within the access's row filters for it."""
        tests = scope_tests(self, entry, self.access.scope(entry.resource))
        return lambda row: all(t(row) for t in tests)

    def sees(self, entry: Entry):
        """A test: whether the access may read a row of `entry` (permission, row filters)."""
        if not self.access.can_read(entry.resource):
            return lambda row: False
        return self.in_scope(entry)

    def _label_hidden(self, entry: Entry) -> bool:
        return bool(entry.label_attr) and entry.label_attr in self.access.hidden(entry.resource)

    def identify(self, row) -> str:
        return encode_key(row.key)

    def label(self, row) -> str:
        """The row's name, or `#<id>` when the field naming it is hidden from the access."""
        entry = self.catalog.entry(row.model)
        if self._label_hidden(entry):
            return f"#{self.identify(row)}"
        return self.catalog.label(row)

    def ref(self, row, sees=None) -> Ref:
        """A pointer to `row`: opaque (`#<id>`, no link) when the access may not see it or
        its name. `sees`: the visibility test of its model, when already made."""
        entry = self.catalog.entry(row.model)
        ident = self.identify(row)
        visible = (sees or self.sees(entry))(row)
        if not visible or self._label_hidden(entry):
            return Ref(resource=entry.resource, id=ident, label=f"#{ident}", opaque=True)
        return Ref(resource=entry.resource, id=ident, label=self.catalog.label(row))

    # -- reading -----------------------------------------------------------------------
    def get(self, ident: str, scope=(), for_update: bool = False) -> Any:
        """The row named `ident`; NotFound if there is none, or if the access's row filters
        (or the extra `scope` filters) leave it out. Write units already hold the lock
        `for_update` asks for."""
        row = self.space.row(self.entry.name, decode_key(ident, self.entry))
        own = self.access.scope(self.entry.resource)
        tests = scope_tests(self, self.entry, own + tuple(f for f in scope if f not in own))
        if row is None or not all(t(row) for t in tests):
            raise NotFound(N_("no %(model)s with id %(id)s"), model=Message(self.entry.name),
                           id=repr(ident))
        return row

    def _selected(self, query: Query) -> tuple[list, list[Field], list[bool]]:
        """(rows in order, sort fields, descending flags) of `query`, without paging."""
        tests = query_tests(self, query)
        fields, descending = sort_spec(self.entry, query,
                                       self.access.hidden(self.entry.resource),
                                       relation_order(self, self.entry))
        rows = [r for r in self.space.rows(self.entry.name) if all(t(r) for t in tests)]
        return sorted_rows(rows, fields, descending), fields, descending

    def select(self, query: Query, fields: tuple[Field, ...] | None = None) -> Page:
        """One page: by number (offset), or after/before a keyset cursor."""
        rows, sort_fields, descending = self._selected(query)
        if query.cursor:
            boundary = decode_cursor(query.cursor, sort_fields)
            side = -1 if query.backward else 1
            beyond = [r for r in rows if compare_keys(sort_values(r, sort_fields), boundary,
                                                      descending) * side > 0]
        after = None  # the next page's first row
        if query.cursor and query.backward:
            page, more = beyond[-query.limit:], len(beyond) > query.limit
            has_next, has_prev = True, more
        elif query.cursor:
            page, more = beyond[:query.limit], len(beyond) > query.limit
            has_next, has_prev = more, True
            after = beyond[query.limit] if more else None
        else:
            page = rows[query.offset:query.offset + query.limit]
            more = len(rows) > query.offset + query.limit
            has_next, has_prev = more, query.offset > 0
            after = rows[query.offset + query.limit] if more else None
        if query.count_known is not None:
            count, exact = query.count_known[:2]
        elif not query.cursor and query.offset == 0 and not more:
            count, exact = min(len(page), query.count_limit), len(page) <= query.count_limit
        else:
            count, exact = capped(len(rows), query.count_limit)

        def cursor_of(row) -> str:
            return encode_cursor(sort_values(row, sort_fields))
        return Page(rows=page, query=query, count=count, count_exact=exact,
                    has_next=has_next, has_prev=has_prev,
                    next_cursor=cursor_of(page[-1]) if page and has_next else "",
                    prev_cursor=cursor_of(page[0]) if page and has_prev else "",
                    page_cursor=query.cursor if query.backward else
                    cursor_of(after) if after is not None else "")

    def stream(self, query: Query, fields: tuple[Field, ...],
               records: bool = True) -> RecordStream:
        """Every row of `query` as records (selected now: a bad query fails here); records
        whatever `records` says, as the contract allows."""
        rows = self._selected(query)[0]
        return RecordStream(self.record(r, fields, versioned=False) for r in rows)

    def parent_test(self, parent: tuple[str, str, str]):
        """Rows related to one parent row: `/movies/3/actors` lists Movie 3's actors."""
        name, ident, relation = parent
        owner = self.catalog.by_resource(name)
        rel = owner.relations.get(relation) if owner is not None else None
        if owner is None or rel is None or rel.target != self.entry.name:
            raise NotFound(N_("%(name)s has no relation %(relation)s to %(model)s"), name=repr(name),
                           relation=repr(relation), model=Message(self.entry.name))
        row = self.space.row(owner.name, decode_key(ident, owner))
        if row is None:
            raise NotFound(N_("no %(model)s with id %(id)s"), model=Message(owner.name),
                           id=repr(ident))
        keys = {r.key for r in self.related_rows(row, relation)}
        return lambda r: r.key in keys

    def reverse_of(self, relation: str) -> str | None:
        """The name of the relation pointing back from the other side, if it is declared."""
        return self.entry.relations[relation].reverse

    def _in_scope_rows(self) -> list:
        test = self.in_scope(self.entry)
        return [r for r in self.space.rows(self.entry.name) if test(r)]

    def size(self, limit: int) -> tuple[int, bool]:
        if not self.access.can_read(self.entry.resource):
            return 0, True
        return capped(len(self._in_scope_rows()), limit)

    def choices(self, limit: int) -> list[Ref]:
        """The first rows in scope in key order; none when the resource is not readable."""
        if not self.access.can_read(self.entry.resource):
            return []
        rows = sorted(self._in_scope_rows(), key=lambda r: r.key)[:limit]
        return [self.ref(r) for r in rows]

    def named(self, text: str, limit: int) -> list[Ref]:
        """Rows in scope whose name (label, any case) is `text`, in key order; none when
        the access may not read the name or the name is not text."""
        attr = self.entry.label_attr
        if not attr or not self.access.can_read(self.entry.resource) or \
                self._label_hidden(self.entry) or not text.strip() or \
                self.entry.by_name[attr].kind not in ("string", "text"):
            return []
        wanted = text.strip().lower()
        rows = sorted((r for r in self._in_scope_rows()
                       if str(r.values.get(attr) or "").lower() == wanted), key=lambda r: r.key)
        return [self.ref(r) for r in rows[:limit]]

    def complete(self, term: str, limit: int, exclude: tuple[str, ...] = ()) -> list[Ref]:
        """Rows in scope whose label (or searchable text) holds `term`, prefix matches
        first, an exact id before all; a hidden field is never searched. `exclude`: ids
        of rows left out."""
        if not self.access.can_read(self.entry.resource):
            return []
        try:
            skip = {decode_key(e, self.entry) for e in exclude}
        except NotFound:
            raise BadRequest(f"'exclude' holds a text that is not an id of "
                             f"{self.entry.name}") from None
        hidden = self.access.hidden(self.entry.resource)
        attr = self.entry.label_attr
        columns = ([attr] if attr not in hidden else []) if attr else [
            f.name for f in self.entry.fields
            if f.searchable and f.kind == "string" and f.name not in hidden]
        rows = self._in_scope_rows()
        term = (term or "").strip()
        found, needle = [], term.lower()
        if term:
            try:  # an exact id is a match too (inputs accept ids without JS)
                found = [self.get(term)]
            except NotFound:
                pass
            if not columns:
                return [self.ref(r) for r in found]
            rows = [r for r in rows if any(needle in str(r.values[c]).lower() for c in columns
                                           if r.values.get(c) is not None)]
        key_fields = [self.entry.by_name[c] for c in columns] + list(self.entry.key_fields)
        rows = sorted_rows(rows, key_fields, [False] * len(key_fields))
        if term:  # stable: prefix matches first, each group in label order
            rows.sort(key=lambda r: not any(str(r.values[c]).lower().startswith(needle)
                                            for c in columns if r.values.get(c) is not None))
        rows = [r for r in found + [r for r in rows if not found or r is not found[0]]
                if r.key not in skip]
        return [self.ref(r) for r in rows[:limit]]

    def record(self, row, fields: tuple[Field, ...], versioned: bool = True) -> Record:
        """The row's `fields`; a to-many value of more than TO_MANY_SHOWN rows is cut there
        and named in `partial`. `versioned=False` leaves `version` empty."""
        values: dict[str, Any] = {}
        partial: set[str] = set()
        for f in fields:
            if f.kind == "to_one":
                target = self.target_row(row, f.name)
                values[f.name] = None if target is None else self.ref(target)
            elif f.kind == "to_many":
                values[f.name], complete = self._to_many(row, f)
                if not complete:
                    partial.add(f.name)
            else:
                value = row.values.get(f.name)
                values[f.name] = bool(value) if f.kind == "boolean" and value is not None \
                    else value
        return Record(id=self.identify(row), label=self.label(row), values=values,
                      version=self.version(row) if versioned else "", partial=frozenset(partial))

    def records(self, rows: list, fields: tuple[Field, ...],
                versioned: bool = True) -> list[Record]:
        return [self.record(row, fields, versioned) for row in rows]

    def version(self, row) -> str:
        """A digest of the row's stored values: any change to them changes it."""
        digest = hashlib.sha256()
        for f in self.catalog.entry(row.model).columns():
            value = row.values.get(f.name)
            if isinstance(value, set | frozenset):  # iteration order is no part of a set
                value = sorted(value, key=repr)
            digest.update(repr(value).encode("utf-8", "replace") + b"\x00")
        return digest.hexdigest()[:20]

    def _to_many(self, row, field: Field) -> tuple[list[Ref], bool]:
        """(refs, complete): the linked rows the access may see, up to TO_MANY_SHOWN."""
        target = self.catalog.entry(self.entry.relations[field.name].target)
        if not self.access.can_read(target.resource):
            return [], True
        test = self.in_scope(target)
        rows = [r for r in self.related_rows(row, field.name) if test(r)]
        return [self.ref(r, test) for r in rows[:TO_MANY_SHOWN]], len(rows) <= TO_MANY_SHOWN

    def links(self, row, fields: tuple[Field, ...]) -> dict[str, list[Ref]]:
        out: dict[str, list[Ref]] = {}
        for f in fields:
            target = self.catalog.entry(self.entry.relations[f.name].target)
            readable = self.access.can_read(target.resource)
            test = self.in_scope(target)
            out[f.name] = [self.ref(r, test) for r in self.related_rows(row, f.name)] \
                if readable else []
        return out

    def related_count(self, row, relation: str, limit: int) -> tuple[int, bool]:
        """Rows of `relation` related to `row` that are in their scope, up to `limit`."""
        target = self.catalog.entry(self.entry.relations[relation].target)
        test = self.in_scope(target)
        return capped(sum(1 for r in self.related_rows(row, relation) if test(r)), limit)

    def related_sizes(self, row, fields: tuple[Field, ...], limit: int) -> dict:
        """Sizes of the to-many relations the access may read, counting rows in scope only."""
        out = {}
        for f in fields:
            if f.kind != "to_many" or f.name not in self.entry.relations:
                continue
            target = self.catalog.entry(self.entry.relations[f.name].target)
            if self.access.can_read(target.resource):
                out[f.name] = self.related_count(row, f.name, limit)
        return out
