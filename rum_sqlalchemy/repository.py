"""A repository: one resource's reads and writes inside one SQLAlchemy session."""

import enum
import logging
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import RelationshipProperty, Session, joinedload, with_parent

from rum.access import Access, as_access
from rum.contracts import Ref
from rum.errors import BadRequest, Invalid, NotFound
from rum.fields import Field
from rum.i18n import N_, Message
from rum.keys import encode_key
from rum.query import Page, Query
from rum.query_text import encode_cursor

from .catalog import Catalog, ModelEntry
from .counting import capped_count, estimated_rows
from .deleting import Deletes
from .identity import decode_key, row_key
from .indexes import sort_served
from .introspect import enum_value
from .page_statements import PageStatements, statements_for
from .paging import load_what_labels_read
from .querying import ILike, escape_like, scope_clauses
from .recording import Recording
from .relation_order import NEVER_NULL, label_column
from .streaming import stream_records
from .visibility import ScopedReads, info_identify
from .writing import Writes

log = logging.getLogger(__name__)


class SQLAlchemyRepository(Recording, ScopedReads, Deletes, Writes):
    """Reads and writes rows of one mapped class for one `Access`; raises rum domain errors only.

    Its own resource's row filters narrow every read; related rows are read with their own
    resource's permission, row filters and hidden fields (see `ref` and `_to_many`).
    """

    def __init__(self, session: Session, model_info: ModelEntry, catalog: Catalog,
                 transactional: bool = True, engine: Engine | None = None,
                 access: Access | None = None, seen: dict[str, dict[str, bool]] | None = None):
        self.session = session
        self.info = model_info  # .model, .mapper, .fields, .resource, .label_attr
        self.catalog = catalog
        self.transactional = transactional
        self.engine = engine  # for exports, which read in a session of their own
        self.access = as_access(access)
        # {resource: {id: visible}} of related rows already checked, shared by the unit of work
        self.seen = {} if seen is None else seen

    def other(self, info: ModelEntry) -> "SQLAlchemyRepository":
        """The repository of another resource, in the same session and for the same access."""
        return SQLAlchemyRepository(self.session, info, self.catalog, self.transactional,
                                    self.engine, self.access, self.seen)

    def stream(self, query: Query, fields: tuple[Field, ...], records: bool = True):
        """Every row of `query` as records, from a cursor: for exports of any size
        (`records=False`: only their values are read, through `value_chunks()`)."""
        return stream_records(self.engine, lambda session: SQLAlchemyRepository(
            session, self.info, self.catalog, self.transactional, access=self.access),
            query, fields, records=records)

    def _scope(self, info: ModelEntry | None = None) -> list[Any]:
        """The access's row filters of `info` (default: this resource) as SQL conditions."""
        info = info or self.info
        return scope_clauses(info, self.access.scope(info.resource), self.catalog)

    # -- reading -------------------------------------------------------------------
    def get(self, ident: str, scope=(), for_update: bool = False) -> Any:
        """The row named `ident`; NotFound if there is none, or if the access's row filters
        (or the extra `scope` filters) leave it out. A read `for_update` (a write follows)
        locks the row and joins its to-one relations in: what the write's history entry
        and form read of them then costs no statement of its own."""
        key = decode_key(ident, self.info.mapper)
        own = self.access.scope(self.info.resource)
        scope = own + tuple(f for f in scope if f not in own)
        if scope or for_update:
            stmt = sa.select(self.info.model).where(
                *scope_clauses(self.info, scope, self.catalog))
            pk = self.info.mapper.primary_key
            stmt = stmt.where(*(c == v for c, v in zip(pk, key, strict=True)))
            if for_update:
                # OF: PostgreSQL refuses to lock the nullable side of an outer join
                stmt = stmt.options(*self._to_one_loads()).with_for_update(
                    of=self.info.model).execution_options(populate_existing=True)
            row = self.session.scalars(stmt).first()
        else:
            row = self.session.get(self.info.model, key)
        if row is None:
            raise NotFound(N_("no %(model)s with id %(id)s"), model=Message(self.info.name),
                           id=repr(ident))
        return row

    def _to_one_loads(self) -> list[Any]:
        """Joined loads of the to-one relations among the resource's fields."""
        rels = self.info.mapper.relationships
        return [joinedload(getattr(self.info.model, f.name)) for f in self.info.fields
                if f.kind == "to_one" and f.name in rels and not rels[f.name].uselist]

    def select(self, query: Query, fields: tuple[Field, ...] | None = None) -> Page:
        """One page: a capped count and one row query (see `paging`), with the to-one
        relations among `fields` (the columns the page shows; default: every field)
        joined in and only the columns it shows read. The statements are built once per
        query shape (`page_statements`)."""
        plan = statements_for(self, query, fields)
        backward, sort_fields = plan.backward, plan.sort_fields
        rows = list(self.session.scalars(plan.rows).unique())
        more = len(rows) > query.limit
        after_page = rows[query.limit] if more and not backward else None
        rows = rows[:query.limit]
        load_what_labels_read(self.session, self.info, rows, plan.kept)
        self.prefetch(rows, self.info.fields if fields is None else fields)
        if backward:
            rows.reverse()
            has_next, has_prev = True, more
        else:
            has_next, has_prev = more, bool(query.cursor) or query.offset > 0
        if query.count_known is not None:
            count, exact, estimated = query.count_known
        elif not query.cursor and query.offset == 0 and not more:
            # the whole result is on this page: no count to run (a rare search's second scan)
            count, exact, estimated = min(len(rows), query.count_limit), \
                len(rows) <= query.count_limit, False
        else:
            count, exact, estimated = self._count(plan, query)

        # a big list sorted where no index helps: every page sorts the whole table
        unindexed = not exact and bool(query.sort) and not sort_served(
            self.catalog.index_leads, self.session.get_bind(), self.info, sort_fields[0].name)

        def cursor_of(row):  # enum members as stored: the seek binds them as text
            return encode_cursor([self._sort_label(row, f.name) if f.options.get(NEVER_NULL)
                                  else self._stored(row, f.name) for f in sort_fields])
        return Page(rows=rows, query=query, count=count, count_exact=exact,
                    count_estimated=estimated, has_next=has_next, has_prev=has_prev,
                    next_cursor=cursor_of(rows[-1]) if rows and has_next else "",
                    prev_cursor=cursor_of(rows[0]) if rows and has_prev else "",
                    page_cursor=query.cursor if backward else
                    cursor_of(after_page) if after_page is not None else "",
                    sort_unindexed=unindexed)

    def _stored(self, row, name: str):
        """A sort value as the database compares it: an enum member as its stored label."""
        value = getattr(row, name)
        return enum_value(self.info.mapper, name, value) if isinstance(value, enum.Enum) \
            else value

    def _sort_label(self, row, name: str) -> str:
        """The label a `sort=<to-one>` orders `row` by, as `relation_order` computes it."""
        target = getattr(row, name)
        info = self.catalog.info_for(type(target)) if target is not None else None
        label = label_column(info, self.access)
        if info is None or label is None or not self._sees(info, target,
                                                           info_identify(info, target)):
            return ""
        return getattr(target, label) or ""

    def parent_clause(self, parent: tuple[str, str, str]):
        """Rows related to one parent row: `/movies/3/actors` lists Movie 3's actors."""
        name, ident, relation = parent
        owner = self.catalog.info_by_resource(name)
        rel = owner.mapper.relationships.get(relation) if owner else None
        if owner is None or rel is None or not issubclass(self.info.model, rel.mapper.class_):
            raise NotFound(N_("%(name)s has no relation %(relation)s to %(model)s"), name=repr(name),
                           relation=repr(relation), model=Message(self.info.name))
        row = self.session.get(owner.model, decode_key(ident, owner.mapper))
        if row is None:
            raise NotFound(N_("no %(model)s with id %(id)s"), model=Message(owner.name),
                           id=repr(ident))
        return with_parent(row, rel.class_attribute)

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
            try:  # a row the identity may not see is as absent as one that does not exist
                other = self._resolve(field, ident)
            except Invalid as exc:
                raise NotFound(exc.errors.get(field.name) or exc.message) from None
            if add and other not in collection:
                collection.append(other)
            elif not add and other in collection:
                collection.remove(other)
        self._flush()

    def _count(self, plan: PageStatements, query: Query) -> tuple[int, bool, bool]:
        narrowed = bool(query.filters or query.search or query.scope or query.parent or
                        self.access.scope(self.info.resource))
        whole = None if narrowed else \
            (self.session.get_bind().dialect.name, self.info.resource, query.count_limit)
        count, exact = capped_count(self.session, plan.base, query.count_limit,
                                    self.catalog.count_sql, whole,
                                    counted=plan.count(query.count_limit))
        if exact or narrowed or self.info.mapper.inherits is not None:
            return count, exact, False
        table = self.info.mapper.local_table
        # a class mapped to a join or a select has no one table to ask
        estimate = estimated_rows(self.session, table) if isinstance(table, sa.Table) else None
        if estimate and estimate > count:
            return estimate, False, True
        return count, False, False

    def size(self, limit: int) -> tuple[int, bool]:
        """How many rows the access reaches, exactly up to `limit` (so a view can pick
        select vs autocomplete); none when the resource is not readable."""
        if not self.access.can_read(self.info.resource):
            return 0, True
        return capped_count(self.session, sa.select(self.info.model).where(*self._scope()),
                            limit)

    def complete(self, term: str, limit: int, exclude: tuple[str, ...] = ()) -> list[Ref]:
        """Rows in scope whose label (or searchable text) matches `term`; prefix matches
        first. A hidden column is never searched (then only an exact id matches).
        `exclude`: ids of rows left out (those an input holds already)."""
        if not self.access.can_read(self.info.resource):
            return []
        skip = self._excluded(exclude)
        hidden = self.access.hidden(self.info.resource)
        attr = self.info.label_attr
        columns = ([getattr(self.info.model, attr)] if attr not in hidden else []) if attr else [
            getattr(self.info.model, f.name) for f in self.info.fields
            if f.searchable and f.kind == "string" and f.name not in hidden]
        stmt = sa.select(self.info.model).where(*self._scope(), *skip)
        term = (term or "").strip()
        found = []
        if term:
            try:  # an exact id is a match too (inputs accept ids without JS)
                found = [self.get(term)]
            except NotFound:
                pass
            if found and skip and self.identify(found[0]) in _normal(exclude, self.info):
                found = []
            if not columns:
                return [self.ref(r) for r in found]
            pattern = f"%{escape_like(term)}%"
            stmt = stmt.where(sa.or_(*(ILike(c, pattern) for c in columns)))
            prefix = sa.or_(*(ILike(c, f"{escape_like(term)}%") for c in columns))
            stmt = stmt.order_by(sa.case((prefix, 0), else_=1))
        stmt = stmt.order_by(*columns, *self.info.mapper.primary_key).limit(limit)
        rows = found + [r for r in self.session.scalars(stmt) if not found or r is not found[0]]
        self._mark_seen(self.info, rows[:limit])
        return [self.ref(r) for r in rows[:limit]]

    def named(self, text: str, limit: int) -> list[Ref]:
        """Rows in scope whose name (label, any case) is `text`, in key order; none when
        the access may not read the name or the name is not text."""
        attr = self.info.label_attr
        if not attr or not self.access.can_read(self.info.resource) or \
                self._label_hidden(self.info) or not text.strip() or \
                not any(f.name == attr and f.kind in ("string", "text") for f in self.info.fields):
            return []
        column = getattr(self.info.model, attr)
        rows = list(self.session.scalars(sa.select(self.info.model).where(
            sa.func.lower(column) == text.strip().lower(), *self._scope())
            .order_by(*self.info.mapper.primary_key).limit(limit)))
        self._mark_seen(self.info, rows)
        return [self.ref(r) for r in rows]

    def _excluded(self, exclude: tuple[str, ...]) -> list[Any]:
        """The condition "not one of the rows `exclude` names"; BadRequest for a text that
        is not an id of this resource."""
        if not exclude:
            return []
        try:
            keys = [decode_key(e, self.info.mapper) for e in exclude]
        except NotFound:
            raise BadRequest(f"'exclude' holds a text that is not an id of "
                             f"{self.info.name}") from None
        columns = self.info.mapper.primary_key
        if len(columns) == 1:
            return [columns[0].not_in([k[0] for k in keys])]
        return [sa.tuple_(*columns).not_in(keys)]

    def identify(self, row) -> str:
        return encode_key(row_key(self.info.mapper, row))

    def label(self, row) -> str:
        """The row's name, or `#<id>` when the column naming it is hidden from the access."""
        if self._label_hidden(self.info):
            return f"#{self.identify(row)}"
        return self.catalog.label(row)

    def links(self, row, fields: tuple[Field, ...]) -> dict[str, list[Ref]]:
        """Through the mapped collections, which the ORM's delete of `row` loads anyway; a
        relation the database clears itself (`passive_deletes`) is not loaded, as loading
        it would make the ORM write to its rows."""
        rels = self.info.mapper.relationships
        out: dict[str, list[Ref]] = {}
        for f in fields:
            rel = rels.get(f.name)
            target = self.catalog.info_for(rel.mapper.class_) if rel is not None else None
            if rel is None or rel.lazy in ("dynamic", "write_only") or rel.passive_deletes or (
                    target is not None and not self.access.can_read(target.resource)):
                out[f.name] = []
                continue
            rows = list(getattr(row, f.name))
            if target is not None and self.access.scope(target.resource):
                self._check_seen(target, rows)  # one query for all of them
            out[f.name] = [self.ref(r) for r in rows]
        return out

    def _related_count(self, row, rel: RelationshipProperty[Any], limit: int) -> tuple[int, bool]:
        """Rows of `rel` related to `row` that the access may see, counted up to `limit`."""
        stmt = sa.select(rel.mapper.class_).where(with_parent(row, rel.class_attribute))
        target = self.catalog.info_for(rel.mapper.class_)
        if target is not None:
            stmt = stmt.where(*self._scope(target))
        return capped_count(self.session, stmt, limit)

    def related_sizes(self, row, fields: tuple[Field, ...], limit: int) -> dict:
        """Sizes of the to-many relations the access may read, counting rows in scope only."""
        rels = self.info.mapper.relationships
        out = {}
        for f in fields:
            if f.kind != "to_many" or f.name not in rels:
                continue
            target = self.catalog.info_for(rels[f.name].mapper.class_)
            if target is None or self.access.can_read(target.resource):
                out[f.name] = self._related_count(row, rels[f.name], limit)
        return out

    def choices(self, limit: int) -> list[Ref]:
        """The first rows in scope, for a select; none when the resource is not readable."""
        if not self.access.can_read(self.info.resource):
            return []
        stmt = sa.select(self.info.model).where(*self._scope())
        rows = list(self.session.scalars(stmt.order_by(*self.info.mapper.primary_key)
                                         .limit(limit)))
        self._mark_seen(self.info, rows)
        return [self.ref(r) for r in rows]


def _normal(ids: tuple[str, ...], info: ModelEntry) -> set[str]:
    """Ids as `identify` spells them ('007' is '7')."""
    return {encode_key(decode_key(i, info.mapper)) for i in ids}
