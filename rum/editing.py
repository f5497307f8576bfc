"""Creating and editing rows: forms in, validated values to the repository, redirect out.

A refused write (form or database) dooms the unit of work, so nothing partial is kept,
and the form comes back with the user's input and a message beside each field.
"""

from typing import Any

import webob
from genshi.core import Markup

from .call import Call, only_html, page, redirect
from .contracts import RelationInput
from .errors import BadRequest, Invalid


def relation_inputs(call: Call) -> dict[str, RelationInput]:
    """A select for small related tables, autocomplete beyond `relation_select_limit` rows."""
    limit = call.app.options["relation_select_limit"]
    out = {}
    for f in call.resource.form_fields:
        if not (f.is_relation and f.related):
            continue
        related = call.uow.repository(f.related)
        _size, exact = related.size(limit)
        out[f.name] = RelationInput(
            complete_url=call.urls.complete(call.resource.name, f.name),
            choices=related.choices(limit) if exact else None)
    return out


def _form_page(call: Call, action: str, values, errors, record=None, status=200):
    form = call.app.views.form(call.resource, action)
    html = form.render(values, errors, relation_inputs(call), translations=call.translations)
    read_only = [f for f in call.resource.fields if f.read_only and not f.is_relation
                 and f.kind != "binary"] if record is not None else []
    return page(call, "form.html", status=status, form=Markup(html), action=action,
                record=record, errors=errors, multipart=form.multipart, read_only=read_only)


def new(call: Call) -> webob.Response:
    only_html(call)
    defaults = {f.name: f.default for f in call.resource.form_fields
                if f.default is not None and not callable(f.default)}
    return _form_page(call, "new", defaults, {})


def _submitted(call: Call) -> dict[str, Any]:
    if call.request.content_type not in ("application/x-www-form-urlencoded",
                                         "multipart/form-data"):
        raise BadRequest("send the form as application/x-www-form-urlencoded or multipart/form-data")
    return call.request.POST


def create(call: Call) -> webob.Response:
    only_html(call)
    params = _submitted(call)
    try:
        values = call.app.views.form(call.resource, "new").validate(params)
        row = call.repo.create(values)
    except Invalid as exc:
        call.uow.doom()
        return _form_page(call, "new", params, exc.errors, status=422)
    record = call.repo.record(row, ())
    return redirect(call, call.urls.show(call.resource.name, record.id),
                    call.gettext("%(resource)s %(record)s created.",
                                 resource=call.gettext(call.resource.label), record=record.label))


def edit(call: Call) -> webob.Response:
    only_html(call)
    row = call.repo.get(call.match.id)
    record = call.repo.record(row, call.resource.fields)
    return _form_page(call, "edit", record.values, {}, record=record)


def update(call: Call) -> webob.Response:
    only_html(call)
    row = call.repo.get(call.match.id)
    params = _submitted(call)
    try:
        values = call.app.views.form(call.resource, "edit").validate(params)
        row = call.repo.update(row, values)
    except Invalid as exc:
        call.uow.doom()
        record = call.repo.record(call.repo.get(call.match.id), call.resource.fields)
        return _form_page(call, "edit", params, exc.errors, record=record, status=422)
    record = call.repo.record(row, ())
    return redirect(call, call.urls.show(call.resource.name, record.id),
                    call.gettext("%(resource)s %(record)s saved.",
                                 resource=call.gettext(call.resource.label), record=record.label))


