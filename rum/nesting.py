"""Relations as collections of their own: `/movies/3/actors` lists, creates and links.

The list has every list feature (search, filters, sort, paging, JSON and CSV); `new` there
creates a row already attached to the parent; for many-to-many, existing rows are linked
and unlinked without being deleted.
"""

from . import history
from .call import Call, Parent
from .contracts import Ref
from .controller import index
from .editing import create, form_page, submitted
from .errors import BadRequest, Forbidden, NotFound
from .i18n import N_, Message
from .results import Result


def _parent(call: Call) -> Parent:
    if call.parent is None:
        raise LookupError(f"action {call.action.name!r} needs a parent row")
    return call.parent


def _parent_record(call: Call):
    """The parent row, if this identity may read it (its row filters apply)."""
    parent = _parent(call)
    repo = call.uow.repository(parent.resource.name)
    row = repo.get(parent.id)
    return repo, row, repo.record(row, ())


def nested_index(call: Call) -> Result:
    """The same list page, narrowed to the parent's rows."""
    _repo, _row, record = _parent_record(call)
    return index(call, parent_record=record)


def _reverse_values(call: Call, record) -> dict:
    """The new child's field that points back at the parent, preset."""
    parent = _parent(call)
    back = call.uow.repository(parent.resource.name).reverse_of(parent.field.name)
    fields = call.served.fields_by_name
    if back is None or back not in fields:
        return {}
    ref = Ref(parent.resource.name, record.id, record.label)
    return {back: [ref] if fields[back].kind == "to_many" else ref}


def nested_new(call: Call) -> Result:
    _repo, _row, record = _parent_record(call)
    return Result(page=form_page(call, "new", _reverse_values(call, record), {}))


def nested_create(call: Call) -> Result:
    """Create a row already attached to the parent: attached first, then checked, so a
    link that moves the new row out of the identity's reach is refused."""
    parent = _parent(call)
    repo, row, record = _parent_record(call)

    def attach(child) -> None:
        # create() checks the child's scope after this; linking changes the child's key or
        # the link table, never the parent's columns, so the parent stays in its scope
        child_id = call.repo.record(child, (), versioned=False).id
        watch = _watch_parent(call, repo, row)
        try:
            repo.link(row, parent.field.name, [child_id])
        except NotFound:  # the new row is already out of reach: an error rolls it all back
            raise Forbidden(N_("You may not store a row you could not see afterwards.")) from None
        if watch is not None:
            watch.done("link", row)

    return create(call, defaults=_reverse_values(call, record), attach=attach,
                  saved_to=call.urls.nested(*parent.key))


def _watch_parent(call: Call, repo, row) -> history.Watch | None:
    """The parent's relation before it changes: its entry records the ids and labels
    linked before and after."""
    parent = _parent(call)
    return history.watch(call, row, resource=parent.resource, repo=repo,
                         fields=(parent.field,), whole=True)


def _link(call: Call, add: bool) -> Result:
    parent = _parent(call)
    if parent.field.read_only:
        raise BadRequest(N_("%(label)s is not linked from here"), label=Message(parent.field.label))
    params = submitted(call)
    raw = params.getall("ids") if hasattr(params, "getall") else params.get("ids")
    items = raw if isinstance(raw, list) else [raw] if raw else []
    idents = [part.strip() for item in items for part in str(item).split(",") if part.strip()]
    if not idents:
        raise BadRequest(N_("give the ids (or exact names) of the rows to link, as 'ids'"))
    repo, row, _record = _parent_record(call)
    watch = _watch_parent(call, repo, row)
    repo.link(row, parent.field.name, idents, add=add)
    if watch is not None:
        watch.done("link" if add else "unlink", row)
    done = "%(count)s linked." if add else "%(count)s unlinked."
    return Result(status=204, redirect=call.urls.nested(*parent.key),
                  message=call.gettext(done, count=len(idents)))


def link(call: Call) -> Result:
    return _link(call, add=True)


def unlink(call: Call) -> Result:
    return _link(call, add=False)
