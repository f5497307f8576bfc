"""Deleting a row: what it does to the rows that refer to it, and when it is refused.

Mixed into the repository (it needs `session`, `info`, `catalog`, `access`, `_scope`,
`_related_count`, `label` and `_flush`). A delete that would delete or unlink related rows
the access may not see is refused, as Django's admin asks for permission on everything a
delete cascades to; confirmation pages count only the rows the access may see.
"""

import sqlalchemy as sa
from sqlalchemy.orm import with_parent
from sqlalchemy.orm.interfaces import MANYTOMANY, ONETOMANY

from rum.contracts import Effect
from rum.errors import Conflict, Forbidden, Invalid
from rum.fields import humanize
from rum.i18n import N_, Message

from .state import RepositoryState


class Deletes(RepositoryState):
    """`delete` and `delete_effects` of a repository."""

    def delete_effects(self, row, limit: int) -> list[Effect]:
        """What deleting `row` does to the rows that refer to it, counted up to `limit`.

        Only rows the access may see are counted; related rows it may not see are named
        as an 'unseen' effect (no count), and `delete` refuses to touch them."""
        own = self.catalog.info_for(type(row)) or self.info  # a subclass's labels
        labels = {f.name: f.label for f in (*own.fields, *self.info.fields)}
        effects = []
        for rel in self._referring(row):
            target = self.catalog.info_for(rel.mapper.class_)
            readable = target is None or self.access.can_read(target.resource)
            count, exact = self._related_count(row, rel, limit) if readable \
                else (0, True)
            relation = labels.get(rel.key, humanize(rel.key))
            resource = target.resource if target else ""
            if count:
                effects.append(Effect(relation=relation, resource=resource, count=count,
                                      exact=exact, action=delete_action(rel)))
            if self._touches_unseen(row, rel, target):
                effects.append(Effect(relation=relation, resource=resource, count=0,
                                      exact=False, action="unseen"))
        return effects

    def _referring(self, row):
        """The relations whose rows a delete of `row` changes: those of its own class, so a
        row of a subclass (joined or single-table inheritance) deleted through its base
        resource counts, and guards, what its subclass's relations hold."""
        return [rel for rel in sa.inspect(row).mapper.relationships
                if rel.direction in (ONETOMANY, MANYTOMANY) and not rel.viewonly]

    def _touches_unseen(self, row, rel, target) -> bool:
        """Whether `row` has related rows of `rel` the access may not see."""
        if target is None:
            return False
        stmt = sa.select(rel.mapper.class_).where(with_parent(row, rel.class_attribute))
        if self.access.can_read(target.resource):
            scope = self._scope(target)
            if not scope:
                return False
            pk = [getattr(target.model, target.mapper.get_property_by_column(c).key)
                  for c in target.mapper.primary_key]
            seen = sa.select(*pk).where(*scope)
            stmt = stmt.where((pk[0] if len(pk) == 1 else sa.tuple_(*pk)).not_in(seen))
        return self.session.scalars(stmt.limit(1)).first() is not None

    def delete(self, row) -> None:
        """Delete `row`; Forbidden when that would delete or unlink rows the access may not
        see (as Django's admin asks for permission on everything a delete cascades to)."""
        for rel in self._referring(row):
            if self._touches_unseen(row, rel, self.catalog.info_for(rel.mapper.class_)):
                raise Forbidden(N_("%(model)s %(row)s is linked to rows you may not see; it "
                                   "cannot be deleted by you."),
                                model=Message(self.info.name), row=self.label(row))
        self.session.delete(row)
        try:
            self._flush()
        except Invalid as exc:
            raise Conflict(N_("cannot delete %(model)s %(row)s: it is still referred to "
                              "(%(reason)s)"), model=Message(self.info.name),
                           row=self.label(row), reason=exc.message) from None


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
