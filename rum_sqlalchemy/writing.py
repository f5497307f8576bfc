"""Writing a row: values assigned (relations resolved by id or exact name within the
policy), flushed with the database's refusals as field errors, read back as stored.

Mixed into the repository (it needs `session`, `info`, `catalog`, `access`,
`transactional`, `other`, `ref`, `_scope`, `_label_hidden`, `_mark_seen` and
`_unseen_members`).
"""

import logging
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import exc as orm_exc

from rum.errors import Conflict, Invalid, NotFound
from rum.fields import Field
from rum.i18n import N_, Message
from rum.names import MATCHES_SHOWN, ambiguous, unknown, unsettable

from .identity import decode_key
from .integrity import field_errors, refused_value
from .state import RepositoryState
from .visibility import info_identify

log = logging.getLogger(__name__)

# column types every database stores a value of the paired Python type as given
AS_GIVEN = ((sa.Boolean, bool), (sa.Integer, int), (sa.String, str))


def _stored_as_given(attr: Any, value: Any) -> bool:
    """Whether a written value reads back as it was given, so it need not be read again
    (a padded CHAR, a numeric's scale or an interval's own text do not)."""
    if value is None:
        return True  # NULL reads back as NULL
    if len(attr.columns) != 1:
        return False
    kind = attr.columns[0].type
    if isinstance(kind, sa.CHAR | sa.NCHAR | sa.Enum) or getattr(kind, "collation", None):
        return False
    return any(isinstance(kind, t) and type(value) is v for t, v in AS_GIVEN)


class Writes(RepositoryState):
    """`create` and `update` of a repository."""

    def create(self, values: Mapping[str, Any], ident: str | None = None) -> Any:
        row = self.info.model()
        self._assign(row, values)
        if ident is not None:
            self._take_key(row, ident)
        self.session.add(row)
        self._flush()
        self._reread(row, values)
        return row

    def _take_key(self, row, ident: str) -> None:
        """Give a new row the key `ident` when no row (in any scope) holds it."""
        try:
            key = decode_key(ident, self.info.mapper)
        except NotFound:
            return
        if self.session.get(self.info.model, key) is not None:
            return
        mapper = self.info.mapper
        for column, value in zip(mapper.primary_key, key, strict=True):
            setattr(row, mapper.get_property_by_column(column).key, value)

    def update(self, row, values: Mapping[str, Any]) -> Any:
        self._assign(row, values)
        self._flush()
        self._reread(row, values)
        return row

    def _reread(self, row, values: Mapping[str, Any]) -> None:
        """Written columns are read back as the database stored them (an interval's or a
        numeric's own text, a SET's order), so the answer shows what a later read shows."""
        attrs = self.info.mapper.column_attrs
        written = [name for name in values if name in attrs
                   and not _stored_as_given(attrs[name], getattr(row, name))]
        if written and self.session.is_active:
            self.session.expire(row, written)

    def _resolve(self, field: Field, ident) -> Any:
        """The related row named by an id, or else by its exact label (inputs without JS),
        among the rows the access may read: any other is "no such row"."""
        target = self.catalog.info_by_resource(field.related) if field.related is not None \
            else None
        if target is None:
            raise unsettable(field.name, field.label)
        text = str(ident).strip()
        missing = unknown(field.name, target.name, text)
        if not self.access.can_read(target.resource):
            raise missing
        try:
            row = self.other(target).get(text)
        except NotFound:
            row = None
        if row is None and target.label_attr and not self._label_hidden(target):
            column = getattr(target.model, target.label_attr)
            rows = list(self.session.scalars(sa.select(target.model).where(
                column == text, *self._scope(target))
                .order_by(*target.mapper.primary_key).limit(MATCHES_SHOWN + 1)))
            if len(rows) > 1:
                self._mark_seen(target, rows)
                raise ambiguous(field.name, target.name, text, [self.ref(r) for r in rows])
            row = rows[0] if rows else None
        if row is None:
            raise missing
        return row

    def _unchanged(self, row, name: str, value) -> bool:
        """A to-one given as the id it already holds: kept as is, even when the access
        may not see its target (an edit form sends back what it showed)."""
        current = getattr(row, name) if sa.inspect(row).key is not None else None
        if current is None or value in (None, ""):
            return False
        return info_identify(self.catalog.info_for(type(current)), current) == \
            str(value).strip()

    def _assign(self, row, values: Mapping[str, Any]) -> None:
        errors, choices = {}, {}
        fields = {f.name: f for f in self.info.fields}
        for name, value in values.items():
            f = fields.get(name)
            if f is None or f.read_only:
                continue
            try:
                if f.kind == "to_one":
                    if self._unchanged(row, name, value):
                        continue
                    value = None if value in (None, "") else self._resolve(f, value)
                elif f.kind == "to_many":
                    value = [self._resolve(f, v) for v in (value or [])]
                    value += [m for m in self._unseen_members(row, f) if m not in value]
                elif f.kind == "json" and value is None:
                    value = sa.null()  # SQL NULL; a bare None would store JSON's null
                elif f.kind == "set" and value is not None:
                    value = set(value)
            except Invalid as exc:
                errors.update(exc.errors)
                choices.update(exc.choices)
                continue
            setattr(row, name, value)
        if errors:
            raise Invalid(errors, choices=choices)

    def _flush(self) -> None:
        try:
            self.session.flush()
            if not self.transactional:
                self.session.commit()
        except orm_exc.StaleDataError:
            self.session.rollback()
            raise Conflict(N_("this %(model)s was changed by someone else"),
                           model=Message(self.info.name)) from None
        except sa_exc.DBAPIError as exc:
            if not refused_value(exc):
                raise
            self.session.rollback()
            log.info("write refused by the database: %s", exc.orig)
            raise Invalid(field_errors(exc, self.info)) from None
