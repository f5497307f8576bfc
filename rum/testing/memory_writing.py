"""Writes of the in-memory repository: create, update, link, delete and its effects.

Mixed into `MemoryRepository`; what it needs of it is declared by `RepositoryState`.
What a database refuses is refused here too, as `Invalid` naming the field: a missing
required value, a taken unique value or key, a string past its `max_length`. Related
rows are named by id or exact label, among the rows the access may read.
"""

from collections.abc import Mapping
from typing import Any

from ..contracts import Effect
from ..errors import BadRequest, Conflict, Forbidden, Invalid, NotFound
from ..fields import Field
from ..i18n import N_, Message
from ..keys import encode_key
from ..names import MATCHES_SHOWN, ambiguous, unknown, unsettable
from .memory_model import as_key, key_value
from .memory_query import target_key
from .memory_state import RepositoryState
from .memory_store import Row

UNIQUE = N_("already exists; choose another value")
NOT_NULL = N_("Enter a value")


class Writes(RepositoryState):
    """`create`, `update`, `link`, `delete` and `delete_effects` of a repository."""

    def create(self, values: Mapping[str, Any], ident: str | None = None) -> Any:
        entry = self.entry
        changes, links = self._assign(None, values)
        new = {f.name: f.default for f in entry.columns()}
        new.update(changes)
        self._check(new, None)
        if entry.generated:
            old = int(ident) if ident is not None and ident.isdigit() else None
            free = old is not None and self.space.row(entry.name, (old,)) is None
            new[entry.key[0]] = old if free else self.unit.store.next_key(entry.name)
        key = tuple(new[n] for n in entry.key)
        if self.space.row(entry.name, key) is not None:
            raise Invalid({n: UNIQUE for n in entry.key})
        row = self.space.insert(entry.name, key, new)
        self._set_links(row, links)
        return row

    def update(self, row, values: Mapping[str, Any]) -> Any:
        changes, links = self._assign(row, values)
        merged = {**row.values, **changes}
        moved = [n for n in self.entry.key if merged[n] != row.values[n]]
        if moved:
            raise Invalid({n: N_("a key cannot be changed") for n in moved})
        self._check(merged, row)
        self.space.write(row, changes)
        self._set_links(row, links)
        return row

    def _assign(self, row, values: Mapping[str, Any]) -> tuple[dict, dict]:
        """(column changes, {many-to-many field: its rows}) from `values`; read-only and
        unknown names are left out; Invalid names every field that cannot be set."""
        errors, changes, links, choices = {}, {}, {}, {}
        for name, value in values.items():
            f = self.entry.by_name.get(name)
            if f is None or f.read_only:
                continue
            try:
                if f.kind == "to_one":
                    if not self._unchanged(row, name, value):
                        changes[name] = None if value in (None, "") else \
                            key_value(self._resolve(f, value).key)
                elif f.kind == "to_many":
                    members = [self._resolve(f, v) for v in (value or [])]
                    links[name] = members + [m for m in self._unseen_members(row, f)
                                             if m not in members]
                elif f.kind == "set" and value is not None:
                    changes[name] = set(value)
                else:
                    changes[name] = value
            except Invalid as exc:
                errors.update(exc.errors)
                choices.update(exc.choices)
        if errors:
            raise Invalid(errors, choices=choices)
        return changes, links

    def _check(self, values: dict, row) -> None:
        """What a database's constraints refuse: NOT NULL, UNIQUE, VARCHAR lengths."""
        errors = {}
        for f in self.entry.columns():
            value = values.get(f.name)
            if value is None:
                generated = f.primary_key and self.entry.generated
                if (f.required or f.options.get("nullable") is False) and not generated:
                    errors[f.name] = NOT_NULL
            elif f.max_length and isinstance(value, str) and len(value) > f.max_length:
                errors[f.name] = N_("is too long")
            elif f.options.get("unique") and any(
                    r.values.get(f.name) == value for r in self.space.rows(self.entry.name)
                    if r is not row):
                errors[f.name] = UNIQUE
        if errors:
            raise Invalid(errors)

    def _resolve(self, field: Field, ident) -> Any:
        """The related row named by an id, or else by its exact label, among the rows the
        access may read: any other is "no such row"."""
        target = self.catalog.by_resource(field.related)
        if target is None:
            raise unsettable(field.name, field.label)
        text = str(ident).strip()
        missing = unknown(field.name, target.name, text)
        if not self.access.can_read(target.resource):
            raise missing
        try:
            return self.other(target).get(text)
        except NotFound:
            pass
        if target.label_attr and not self._label_hidden(target):
            test = self.in_scope(target)
            rows = [r for r in self.space.rows(target.name)
                    if str(r.values.get(target.label_attr)) == text and test(r)]
            if len(rows) > 1:
                rows.sort(key=lambda r: r.key)
                raise ambiguous(field.name, target.name, text,
                                [self.ref(r) for r in rows[:MATCHES_SHOWN + 1]])
            if rows:
                return rows[0]
        raise missing

    def _unchanged(self, row, name: str, value) -> bool:
        """A to-one given as the id it already holds: kept as is, even when the access may
        not see its target (an edit form sends back what it showed)."""
        current = row.values.get(name) if row is not None else None
        if current is None or value in (None, ""):
            return False
        return encode_key(as_key(current)) == str(value).strip()

    def _unseen_members(self, row, field: Field) -> list:
        """Rows of a to-many of a stored `row` the access may not see: an assignment keeps
        them, since nobody can remove what they cannot see."""
        if row is None:
            return []
        target = self.catalog.entry(self.entry.relations[field.name].target)
        readable = self.access.can_read(target.resource)
        if readable and not self.access.scope(target.resource):
            return []
        members = self.related_rows(row, field.name)
        if not readable:
            return members
        test = self.in_scope(target)
        return [m for m in members if not test(m)]

    def _pair(self, rel, row, other) -> tuple:
        return (row.key, other.key) if rel.side == 0 else (other.key, row.key)

    def _set_links(self, row, links: dict) -> None:
        for name, members in links.items():
            rel = self.entry.relations[name]
            current = {r.key: r for r in self.related_rows(row, name)}
            wanted = {m.key: m for m in members}
            for key in current.keys() - wanted.keys():
                self.space.unlink(rel.link, self._pair(rel, row, current[key]))
            for key in wanted.keys() - current.keys():
                self.space.link(rel.link, self._pair(rel, row, wanted[key]))

    def link(self, row, relation: str, idents, add: bool = True) -> None:
        """Add (or remove) rows, by id or exact name, to a to-many relation of `row`."""
        field = self.entry.by_name[relation]
        rel = self.entry.relations.get(relation)
        if rel is None or rel.kind == "to_one":
            raise BadRequest(N_("%(name)s is not a to-many relation"), name=repr(relation))
        for ident in idents:
            try:  # a row the identity may not see is as absent as one that does not exist
                other = self._resolve(field, ident)
            except Invalid as exc:
                raise NotFound(exc.errors.get(field.name) or exc.message) from None
            if rel.kind == "many_to_many":
                change = self.space.link if add else self.space.unlink
                change(rel.link, self._pair(rel, row, other))
                continue
            holder = rel.reverse  # one-to-many: the to_one of `other` that holds the key
            assert holder is not None, "memory_model._relation names a one-to-many's to_one"
            here = target_key(other, holder) == row.key
            if add and not here:
                self.space.write(other, {holder: key_value(row.key)})
            elif not add and here:
                if self.catalog.entry(rel.target).by_name[holder].required:
                    raise Invalid({relation: NOT_NULL})
                self.space.write(other, {holder: None})

    # -- deleting ----------------------------------------------------------------------
    def _referring(self) -> list:
        return [r for r in self.entry.relations.values()
                if r.kind in ("one_to_many", "many_to_many")]

    def _touches_unseen(self, row, rel) -> bool:
        """Whether `row` has related rows of `rel` the access may not see."""
        related = self.related_rows(row, rel.field)
        target = self.catalog.entry(rel.target)
        if not related or not self.access.can_read(target.resource):
            return bool(related)
        test = self.in_scope(target)
        return not all(test(r) for r in related)

    def delete_effects(self, row, limit: int) -> list[Effect]:
        """What deleting `row` does to the rows that refer to it, counted up to `limit`;
        related rows the access may not see are named as an 'unseen' effect."""
        effects = []
        for rel in self._referring():
            label = self.entry.by_name[rel.field].label
            target = self.catalog.entry(rel.target)
            count, exact = self.related_count(row, rel.field, limit) \
                if self.access.can_read(target.resource) else (0, True)
            if count:
                effects.append(Effect(relation=label, resource=target.resource, count=count,
                                      exact=exact, action=rel.on_delete))
            if self._touches_unseen(row, rel):
                effects.append(Effect(relation=label, resource=target.resource, count=0,
                                      exact=False, action="unseen"))
        return effects

    def delete(self, row) -> None:
        """Delete `row` and what cascades from it; Forbidden when that would touch rows the
        access may not see, Conflict when rows still refer to it (nothing changes then)."""
        for rel in self._referring():
            if self._touches_unseen(row, rel):
                raise Forbidden(N_("%(model)s %(row)s is linked to rows you may not see; it "
                                   "cannot be deleted by you."),
                                model=Message(self.entry.name), row=self.label(row))
        doomed: dict[tuple[str, tuple], Row] = {}
        unlinked: list[tuple[Row, str]] = []
        self._plan_delete(row, doomed, unlinked)
        for child, name in unlinked:
            if (child.model, child.key) not in doomed:
                self.space.write(child, {name: None})
        for (model, key), gone in doomed.items():
            for name, sides in self.catalog.link_sides.items():
                for side in (0, 1):
                    if sides[side] == model:
                        for pair in [p for p in self.space.links[name] if p[side] == key]:
                            self.space.unlink(name, pair)
            self.space.remove(gone)

    def _plan_delete(self, row, doomed: dict, unlinked: list) -> None:
        """Collect the rows a delete of `row` deletes and unlinks; Conflict if refused."""
        if (row.model, row.key) in doomed:
            return
        doomed[(row.model, row.key)] = row
        entry = self.catalog.entry(row.model)
        for rel in entry.relations.values():
            if rel.kind != "one_to_many":
                continue
            children = self.related_rows(row, rel.field)
            if rel.on_delete == "delete":
                for child in children:
                    self._plan_delete(child, doomed, unlinked)
            elif rel.on_delete == "unlink":
                unlinked.extend((child, rel.reverse) for child in children)
            elif children:
                self._refuse(row, entry.by_name[rel.field].label)
        for source, rel in self.catalog.incoming(entry.name):  # no reverse declared here
            if any(target_key(r, rel.field) == row.key for r in self.space.rows(source.name)):
                self._refuse(row, f"{source.name}.{rel.field}")

    def _refuse(self, row, what: str) -> None:
        entry = self.catalog.entry(row.model)
        raise Conflict(N_("cannot delete %(model)s %(row)s: it is still referred to "
                          "(%(reason)s)"), model=Message(entry.name),
                       row=self.other(entry).label(row), reason=what)
