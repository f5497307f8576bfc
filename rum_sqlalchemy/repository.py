"""A repository: one resource's reads and writes inside one SQLAlchemy session."""

import enum
import hashlib
import logging
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session, joinedload, with_parent
from sqlalchemy.orm import exc as orm_exc
from sqlalchemy.orm.interfaces import MANYTOMANY, ONETOMANY

from rum.contracts import Effect, Record, Ref
from rum.errors import BadRequest, Conflict, Invalid, NotFound
from rum.fields import Field, humanize
from rum.query import Page, Query

from .counting import capped_count, estimated_rows
from .identity import decode_key, encode_key
from .integrity import field_errors, refused_value
from .introspect import enum_value
from .keyset import decode_cursor, encode_cursor, seek_clause
from .querying import ILike, apply_filters, escape_like, keyset_able, sort_spec
from .streaming import stream_records

log = logging.getLogger(__name__)
TO_MANY_SHOWN = 50


class SQLAlchemyRepository:
    """Reads and writes rows of one mapped class; raises rum domain errors only."""

    def __init__(self, session: Session, model_info, catalog, transactional: bool = True,
                 engine=None):
        self.session = session
        self.info = model_info  # .model, .mapper, .fields, .resource, .label_attr
        self.catalog = catalog
        self.transactional = transactional
        self.engine = engine  # for exports, which read in a session of their own

    def stream(self, query: Query, fields: tuple[Field, ...]):
        """Every row of `query` as records, from a cursor: for exports of any size."""
        return stream_records(self.engine, lambda session: SQLAlchemyRepository(
            session, self.info, self.catalog, self.transactional), query, fields)

    # -- reading -------------------------------------------------------------------
    def get(self, ident: str, scope=(), for_update: bool = False) -> Any:
        """The row named `ident`; NotFound if there is none, or if `scope` filters it out."""
        key = decode_key(ident, self.info.mapper)
        if scope:
            stmt = apply_filters(sa.select(self.info.model), self.info, Query(filters=scope),
                                 self._related_key, self.catalog)
            pk = self.info.mapper.primary_key
            stmt = stmt.where(*(c == v for c, v in zip(pk, key, strict=True)))
            if for_update:
                stmt = stmt.with_for_update()
            row = self.session.scalars(stmt).first()
        else:
            row = self.session.get(self.info.model, key, with_for_update=for_update or None)
        if row is None:
            raise NotFound(f"no {self.info.name} with id {ident!r}")
        return row

    def select(self, query: Query, fields: tuple[Field, ...] | None = None) -> Page:
        """One page: a capped count and one row query, with the to-one relations among
        `fields` (the columns the page shows; default: every field) joined in."""
        scoped = query.but(filters=query.filters + query.scope) if query.scope else query
        base = apply_filters(sa.select(self.info.model), self.info, scoped, self._related_key,
                             self.catalog)
        if query.parent:
            base = base.where(self.parent_clause(query.parent))
        columns, descending, sort_fields = sort_spec(self.info, query)
        keyset = keyset_able(self.info, columns)
        stmt, backward = base, False
        if query.cursor:
            if not keyset:
                raise BadRequest("this sort pages by number, not by cursor; drop 'after'/'before'")
            backward = query.backward
            values = decode_cursor(query.cursor, sort_fields)
            stmt = stmt.where(seek_clause(columns, descending, values, backward))
        stmt = stmt.order_by(*(c.desc() if d != backward else c.asc()
                               for c, d in zip(columns, descending, strict=True)))
        if not query.cursor:
            stmt = stmt.offset(query.offset)
        eager = [joinedload(getattr(self.info.model, f.name))
                 for f in (self.info.fields if fields is None else fields)
                 if f.kind == "to_one" and f.related]
        rows = list(self.session.scalars(stmt.options(*eager).limit(query.limit + 1)).unique())
        more = len(rows) > query.limit
        rows = rows[:query.limit]
        if backward:
            rows.reverse()
            has_next, has_prev = True, more
        else:
            has_next, has_prev = more, bool(query.cursor) or query.offset > 0
        if not query.cursor and query.offset == 0 and not more:
            # the whole result is on this page: no count to run (a rare search's second scan)
            count, exact, estimated = min(len(rows), query.count_limit), \
                len(rows) <= query.count_limit, False
        else:
            count, exact, estimated = self._count(base, query)

        def cursor_of(row):
            return encode_cursor([getattr(row, f.name) for f in sort_fields])
        return Page(rows=rows, query=query, count=count, count_exact=exact,
                    count_estimated=estimated, has_next=has_next, has_prev=has_prev,
                    next_cursor=cursor_of(rows[-1]) if keyset and rows and has_next else "",
                    prev_cursor=cursor_of(rows[0]) if keyset and rows and has_prev else "")

    def parent_clause(self, parent: tuple[str, str, str]):
        """Rows related to one parent row: `/movies/3/actors` lists Movie 3's actors."""
        name, ident, relation = parent
        owner = self.catalog.info_by_resource(name)
        rel = owner.mapper.relationships.get(relation) if owner else None
        if rel is None or not issubclass(self.info.model, rel.mapper.class_):
            raise NotFound(f"{name!r} has no relation {relation!r} to {self.info.name}")
        row = self.session.get(owner.model, decode_key(ident, owner.mapper))
        if row is None:
            raise NotFound(f"no {owner.name} with id {ident!r}")
        return with_parent(row, rel)

    def reverse_of(self, relation: str) -> str | None:
        """The name of the relation pointing back from the other side, if it is mapped."""
        rel = self.info.mapper.relationships[relation]
        back = next(iter(rel._reverse_property), None)
        return back.key if back is not None else None

    def link(self, row, relation: str, idents, add: bool = True) -> None:
        """Add (or remove) rows to a to-many relation of `row`: many-to-many links."""
        fields = {f.name: f for f in self.info.fields}
        field = fields[relation]
        collection = getattr(row, relation)
        for ident in idents:
            other = self._resolve(field, ident)
            if add and other not in collection:
                collection.append(other)
            elif not add and other in collection:
                collection.remove(other)
        self._flush()

    def _count(self, base, query: Query) -> tuple[int, bool, bool]:
        count, exact = capped_count(self.session, base, query.count_limit)
        if exact or query.filters or query.search or self.info.mapper.inherits is not None:
            return count, exact, False
        estimate = estimated_rows(self.session, self.info.mapper.local_table)
        if estimate and estimate > count:
            return estimate, False, True
        return count, False, False

    def size(self, limit: int) -> tuple[int, bool]:
        """How many rows, exactly up to `limit` (so a view can pick select vs autocomplete)."""
        return capped_count(self.session, sa.select(self.info.model), limit)

    def complete(self, term: str, limit: int) -> list[Ref]:
        """Rows whose label (or searchable text) matches `term`; prefix matches first."""
        attr = self.info.label_attr
        columns = [getattr(self.info.model, attr)] if attr else [
            getattr(self.info.model, f.name) for f in self.info.fields
            if f.searchable and f.kind == "string"]
        stmt = sa.select(self.info.model)
        term = (term or "").strip()
        found = []
        if term:
            try:  # an exact id is a match too (inputs accept ids without JS)
                found = [self.get(term)]
            except NotFound:
                pass
            if not columns:
                return [self.ref(r) for r in found]
            pattern = f"%{escape_like(term)}%"
            stmt = stmt.where(sa.or_(*(ILike(c, pattern) for c in columns)))
            prefix = sa.or_(*(ILike(c, f"{escape_like(term)}%") for c in columns))
            stmt = stmt.order_by(sa.case((prefix, 0), else_=1))
        stmt = stmt.order_by(*columns, *self.info.mapper.primary_key).limit(limit)
        rows = found + [r for r in self.session.scalars(stmt) if not found or r is not found[0]]
        return [self.ref(r) for r in rows[:limit]]

    def identify(self, row) -> str:
        return encode_key(self.info.mapper.primary_key_from_instance(row))

    def label(self, row) -> str:
        return self.catalog.label(row)

    def ref(self, row) -> Ref:
        info = self.catalog.info_for(type(row))
        return Ref(resource=info.resource if info else "", id=info_identify(info, row),
                   label=self.catalog.label(row))

    def record(self, row, fields: tuple[Field, ...], versioned: bool = True) -> Record:
        """`versioned=False` leaves `version` empty: lists and exports never send it back."""
        values = {}
        for f in fields:
            if f.kind == "to_one":
                target = getattr(row, f.name)
                values[f.name] = None if target is None else self.ref(target)
            elif f.kind == "to_many":
                values[f.name] = self._to_many(row, f)
            else:
                value = getattr(row, f.name)
                if f.kind == "boolean" and isinstance(value, int):
                    value = bool(value)  # MariaDB's tinyint(1)
                values[f.name] = enum_value(self.info.mapper, f.name, value) \
                    if isinstance(value, enum.Enum) else value
        return Record(id=self.identify(row), label=self.label(row), values=values,
                      version=self.version(row) if versioned else "")

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

    def _to_many(self, row, field: Field) -> list[Ref]:
        rel = self.info.mapper.relationships[field.name]
        state = sa.inspect(row)
        if field.name not in state.unloaded:
            return [self.ref(r) for r in getattr(row, field.name)]
        stmt = sa.select(rel.mapper.class_).where(with_parent(row, rel)).limit(TO_MANY_SHOWN)
        return [self.ref(r) for r in self.session.scalars(stmt)]

    def _related_count(self, row, rel, limit: int) -> tuple[int, bool]:
        stmt = sa.select(rel.mapper.class_).where(with_parent(row, rel))
        return capped_count(self.session, stmt, limit)

    def related_sizes(self, row, fields: tuple[Field, ...], limit: int) -> dict:
        rels = self.info.mapper.relationships
        return {f.name: self._related_count(row, rels[f.name], limit)
                for f in fields if f.kind == "to_many" and f.name in rels}

    def delete_effects(self, row, limit: int) -> list[Effect]:
        """What deleting `row` does to the rows that refer to it, counted up to `limit`."""
        labels = {f.name: f.label for f in self.info.fields}
        effects = []
        for rel in self.info.mapper.relationships:
            if rel.direction not in (ONETOMANY, MANYTOMANY) or rel.viewonly:
                continue
            count, exact = self._related_count(row, rel, limit)
            if not count:
                continue
            target = self.catalog.info_for(rel.mapper.class_)
            effects.append(Effect(relation=labels.get(rel.key, humanize(rel.key)),
                                  resource=target.resource if target else "", count=count,
                                  exact=exact, action=delete_action(rel)))
        return effects

    def choices(self, limit: int) -> list[Ref]:
        stmt = sa.select(self.info.model).order_by(*self.info.mapper.primary_key).limit(limit)
        return [self.ref(r) for r in self.session.scalars(stmt)]

    # -- writing -------------------------------------------------------------------
    def create(self, values: Mapping[str, Any]) -> Any:
        row = self.info.model()
        self._assign(row, values)
        self.session.add(row)
        self._flush()
        self._reread(row, values)
        return row

    def update(self, row, values: Mapping[str, Any]) -> Any:
        self._assign(row, values)
        self._flush()
        self._reread(row, values)
        return row

    def _reread(self, row, values: Mapping[str, Any]) -> None:
        """Written columns are read back as the database stored them (an interval's or a
        numeric's own text, a SET's order), so the answer shows what a later read shows."""
        columns = {p.key for p in self.info.mapper.column_attrs}
        written = [name for name in values if name in columns]
        if written and self.session.is_active:
            self.session.expire(row, written)

    def delete(self, row) -> None:
        self.session.delete(row)
        try:
            self._flush()
        except Invalid as exc:
            raise Conflict(f"cannot delete {self.info.name} {self.label(row)}: it is still "
                           f"referred to ({exc.message})") from None

    def _related_key(self, field: Field, ident: str):
        target = self.catalog.info_by_resource(field.related)
        if target is None:
            return None  # not served: the caller converts by the foreign-key column
        return decode_key(ident, target.mapper)

    def _resolve(self, field: Field, ident) -> Any:
        """The related row named by an id, or else by its exact label (inputs without JS)."""
        target = self.catalog.info_by_resource(field.related)
        if target is None:
            raise Invalid({field.name: f"{field.label} cannot be set here"})
        text = str(ident).strip()
        try:
            row = self.session.get(target.model, decode_key(text, target.mapper))
        except NotFound:
            row = None
        if row is None and target.label_attr:
            column = getattr(target.model, target.label_attr)
            rows = list(self.session.scalars(sa.select(target.model).where(column == text)
                                             .limit(2)))
            if len(rows) > 1:
                raise Invalid({field.name: f"more than one {target.name} is called {text!r}; "
                                           "give its id"})
            row = rows[0] if rows else None
        if row is None:
            raise Invalid({field.name: f"no {target.name} with id or name {text!r}"})
        return row

    def _assign(self, row, values: Mapping[str, Any]) -> None:
        errors = {}
        fields = {f.name: f for f in self.info.fields}
        for name, value in values.items():
            f = fields.get(name)
            if f is None or f.read_only:
                continue
            try:
                if f.kind == "to_one":
                    value = None if value in (None, "") else self._resolve(f, value)
                elif f.kind == "to_many":
                    value = [self._resolve(f, v) for v in (value or [])]
                elif f.kind == "json" and value is None:
                    value = sa.null()  # SQL NULL; a bare None would store JSON's null
                elif f.kind == "set" and value is not None:
                    value = set(value)
            except Invalid as exc:
                errors.update(exc.errors)
                continue
            setattr(row, name, value)
        if errors:
            raise Invalid(errors)

    def _flush(self) -> None:
        try:
            self.session.flush()
            if not self.transactional:
                self.session.commit()
        except orm_exc.StaleDataError:
            self.session.rollback()
            raise Conflict(f"this {self.info.name} was changed by someone else") from None
        except (sa_exc.IntegrityError, sa_exc.DataError) as exc:
            self.session.rollback()
            log.info("write refused by the database: %s", exc.orig)
            raise Invalid(field_errors(exc, self.info)) from None
        except sa_exc.DBAPIError as exc:
            if not refused_value(exc):
                raise
            self.session.rollback()
            log.info("write refused by the database: %s", exc.orig)
            raise Invalid(field_errors(exc, self.info)) from None


def delete_action(rel) -> str:
    """'delete', 'unlink' or 'block': what removing the parent does to rows of `rel`."""
    if rel.direction is MANYTOMANY:
        return "unlink"
    if "delete" in rel.cascade:
        return "delete"
    fks = [remote for _local, remote in rel.local_remote_pairs]
    if rel.passive_deletes and all(
            any(fk.ondelete and fk.ondelete.upper() == "CASCADE" for fk in c.foreign_keys)
            for c in fks):
        return "delete"
    return "unlink" if all(c.nullable for c in fks) else "block"


def info_identify(info, row) -> str:
    mapper = info.mapper if info else sa.inspect(type(row))
    return encode_key(mapper.primary_key_from_instance(row))
