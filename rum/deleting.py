"""Deleting rows: a confirmation page, then the delete."""

import webob

from .call import Call, only_html, page, redirect


def confirm_delete(call: Call) -> webob.Response:
    only_html(call)
    row = call.repo.get(call.match.id)
    return page(call, "confirm_delete.html", record=call.repo.record(row, ()))


def delete(call: Call) -> webob.Response:
    only_html(call)
    row = call.repo.get(call.match.id)
    record = call.repo.record(row, ())
    call.repo.delete(row)
    return redirect(call, call.urls.index(call.resource.name),
                    f"{call.resource.label} {record.label} deleted.")


