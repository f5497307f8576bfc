"""Deleting rows: a confirmation page saying what else the delete touches, then the delete.

Bulk delete works the same way for the rows ticked in a list: a confirmation page, then
one transaction that deletes them all or none.
"""

import webob

from .call import Call, only_html, page, redirect
from .editing import html_or_json
from .errors import BadRequest, Conflict

EFFECT_LIMIT = 1000  # related rows are counted up to here on confirmation pages
MAX_BULK = 500


def confirm_delete(call: Call) -> webob.Response:
    only_html(call)
    row = call.get_row(call.match.id)
    return page(call, "confirm_delete.html", record=call.repo.record(row, ()),
                effects=call.repo.delete_effects(row, EFFECT_LIMIT))


def delete(call: Call) -> webob.Response:
    html_or_json(call)
    row = call.get_row(call.match.id, for_update=True)
    record = call.repo.record(row, ())
    call.repo.delete(row)
    if call.wants_json:
        return webob.Response(status=204)
    return redirect(call, call.urls.index(call.resource.name),
                    call.gettext("%(resource)s %(record)s deleted.",
                                 resource=call.gettext(call.resource.label), record=record.label))


def _ids(params) -> list[str]:
    ids = list(dict.fromkeys(i for i in params.getall("ids") if i))
    if not ids:
        raise BadRequest("tick at least one row to delete")
    if len(ids) > MAX_BULK:
        raise BadRequest(f"at most {MAX_BULK} rows can be deleted at once")
    return ids


def confirm_delete_many(call: Call) -> webob.Response:
    only_html(call)
    rows = [call.get_row(i) for i in _ids(call.request.GET)]
    return page(call, "confirm_delete_many.html",
                records=[call.repo.record(r, ()) for r in rows])


def delete_many(call: Call) -> webob.Response:
    only_html(call)
    rows = [call.get_row(i, for_update=True) for i in _ids(call.request.form)]
    try:
        for row in rows:
            call.repo.delete(row)
    except Conflict:
        call.uow.doom()
        raise
    label = call.resource.label if len(rows) == 1 else call.resource.plural_label
    return redirect(call, call.urls.index(call.resource.name),
                    call.gettext("%(count)s %(label)s deleted.", count=len(rows),
                                 label=call.translations.in_sentence(call.gettext(label))))
