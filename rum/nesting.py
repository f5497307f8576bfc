"""Relations as collections of their own: `/movies/3/actors` lists, creates and links.

The list has every list feature (search, filters, sort, paging, JSON and CSV); `new` there
creates a row already attached to the parent; for many-to-many, existing rows are linked
and unlinked without being deleted.
"""

from dataclasses import dataclass

import webob

from .call import Call, only_html, redirect
from .contracts import Ref
from .errors import BadRequest, Forbidden, NotFound
from .fields import Field
from .resources import Resource


@dataclass(frozen=True)
class Parent:
    """The row a nested page hangs under, and the relation followed from it."""

    resource: Resource
    id: str
    field: Field

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.resource.name, self.id, self.field.name)


def resolve(call: Call, registry) -> None:
    """Set the call's parent and its resource: the child's, or the parent's for (un)linking."""
    owner = registry.get(call.match.resource)
    field = owner.fields_by_name.get(call.match.relation)
    if field is None or field.kind != "to_many" or not field.related:
        raise NotFound(f"{owner.label} has no collection {call.match.relation!r}")
    call.parent = Parent(owner, call.match.id, field)
    linking = call.match.action in ("link", "unlink")
    call.resource = owner if linking else registry.get(field.related)


def _parent_record(call: Call):
    """The parent row, if this identity may read it (its row filters apply)."""
    repo = call.uow.repository(call.parent.resource.name)
    row = repo.get(call.parent.id)
    return repo, row, repo.record(row, ())


def nested_index(call: Call) -> webob.Response:
    from .controller import index  # the same list page, narrowed to the parent's rows

    _repo, _row, record = _parent_record(call)
    return index(call, parent_record=record)


def _reverse_values(call: Call, record) -> dict:
    """The new child's field that points back at the parent, preset."""
    back = call.uow.repository(call.parent.resource.name).reverse_of(call.parent.field.name)
    fields = call.resource.fields_by_name
    if back is None or back not in fields:
        return {}
    ref = Ref(call.parent.resource.name, record.id, record.label)
    return {back: [ref] if fields[back].kind == "to_many" else ref}


def nested_new(call: Call) -> webob.Response:
    from .editing import form_page

    only_html(call)
    _repo, _row, record = _parent_record(call)
    return form_page(call, "new", _reverse_values(call, record), {})


def nested_create(call: Call) -> webob.Response:
    """Create a row already attached to the parent: attached first, then checked, so a
    link that moves the new row out of the identity's reach is refused."""
    from .editing import create

    repo, row, record = _parent_record(call)

    def attach(child) -> None:
        # create() checks the child's scope after this; linking changes the child's key or
        # the link table, never the parent's columns, so the parent stays in its scope
        child_id = call.repo.record(child, (), versioned=False).id
        try:
            repo.link(row, call.parent.field.name, [child_id])
        except NotFound:  # the new row is already out of reach: an error rolls it all back
            raise Forbidden("You may not store a row you could not see afterwards.") from None

    response = create(call, defaults=_reverse_values(call, record), attach=attach)
    if getattr(response, "rum_created_id", None) is not None and not call.wants_json:
        response.location = call.urls.nested(*call.parent.key)
    return response


def _link(call: Call, add: bool) -> webob.Response:
    if call.parent.field.read_only:
        raise BadRequest(f"{call.parent.field.label} is not linked from here")
    from .editing import submitted

    params = submitted(call)
    raw = params.getall("ids") if hasattr(params, "getall") else params.get("ids")
    items = raw if isinstance(raw, list) else [raw] if raw else []
    idents = [part.strip() for item in items for part in str(item).split(",") if part.strip()]
    if not idents:
        raise BadRequest("give the ids (or exact names) of the rows to link, as 'ids'")
    repo, row, _record = _parent_record(call)
    repo.link(row, call.parent.field.name, idents, add=add)
    if call.wants_json:
        return webob.Response(status=204)
    done = "%(count)s linked." if add else "%(count)s unlinked."
    return redirect(call, call.urls.nested(*call.parent.key),
                    call.gettext(done, count=len(idents)))


def link(call: Call) -> webob.Response:
    return _link(call, add=True)


def unlink(call: Call) -> webob.Response:
    return _link(call, add=False)

