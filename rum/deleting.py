"""Deleting rows: a confirmation page saying what else the delete touches, then the delete.

Bulk delete works the same way for the rows ticked in a list: a confirmation page, then
one transaction that deletes them all or none.
"""

from .call import Call
from .editing import admin, submitted
from .errors import BadRequest, Conflict
from .next_page import return_to
from .results import Page, Result

EFFECT_LIMIT = 1000  # related rows are counted up to here on confirmation pages
MAX_BULK = 500


def confirm_delete(call: Call) -> Result:
    row = call.get_row(call.match.id)
    return Result(page=Page("confirm_delete.html", {
        "record": call.repo.record(row, ()),
        "effects": call.repo.delete_effects(row, EFFECT_LIMIT),
        "return_to": return_to(call)}))


def _delete(call: Call, row) -> None:
    """One row, with the resource class's hooks around it."""
    hooks = admin(call)
    hooks.before_delete(call, row)
    call.repo.delete(row)
    hooks.after_delete(call, row)


def delete(call: Call) -> Result:
    row = call.get_row(call.match.id, for_update=True)
    record = call.repo.record(row, ())
    _delete(call, row)
    return Result(status=204, redirect=return_to(call) or call.urls.index(call.served.name),
                  message=call.gettext("%(resource)s %(record)s deleted.",
                                       resource=call.gettext(call.served.label),
                                       record=record.label))


def selected_ids(call: Call, what: str = "delete", done: str = "deleted") -> list[str]:
    """The ticked rows' ids: the form's (or JSON body's) `ids`, or the query's on a GET."""
    if call.request.method in ("GET", "HEAD"):
        raw = call.request.GET.getall("ids")
    elif call.request.content_type == "application/json":
        body = submitted(call).get("ids")
        raw = body if isinstance(body, list) else [body] if body else []
    else:
        raw = call.request.form.getall("ids")
    ids = list(dict.fromkeys(str(i) for i in raw if i))
    if not ids:
        raise BadRequest(f"tick at least one row to {what}")
    if len(ids) > MAX_BULK:
        raise BadRequest(f"at most {MAX_BULK} rows can be {done} at once")
    return ids


def confirm_delete_many(call: Call) -> Result:
    rows = [call.get_row(i) for i in selected_ids(call)]
    return Result(page=Page("confirm_delete_many.html",
                            {"records": [call.repo.record(r, ()) for r in rows]}))


def delete_many(call: Call) -> Result:
    rows = [call.get_row(i, for_update=True) for i in selected_ids(call)]
    try:
        for row in rows:
            _delete(call, row)
    except Conflict:
        call.uow.doom()
        raise
    label = call.served.label if len(rows) == 1 else call.served.plural_label
    return Result(status=204, redirect=call.urls.index(call.served.name),
                  message=call.gettext("%(count)s %(label)s deleted.", count=len(rows),
                                       label=call.translations.in_sentence(call.gettext(label))))
