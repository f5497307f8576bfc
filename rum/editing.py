"""Creating and editing rows: forms in, validated values to the repository, redirect out.

A refused write (form or database) dooms the unit of work, so nothing partial is kept,
and the form comes back with the user's input and a message beside each field.
"""

from typing import Any

import webob
from genshi.core import Markup

from .call import Call, only_html, page, redirect
from .contracts import Record, Ref
from .errors import BadRequest, Invalid


def _choices(call: Call) -> dict[str, list[Ref]]:
    limit = call.app.options["relation_choices_limit"]
    return {f.name: call.uow.repository(f.related).choices(limit)
            for f in call.resource.form_fields if f.is_relation and f.related}


def form_values(record: Record) -> dict[str, Any]:
    """Record values as form values: relations become ids."""
    out = {}
    for name, value in record.values.items():
        if isinstance(value, Ref):
            value = value.id
        elif isinstance(value, list) and all(isinstance(v, Ref) for v in value):
            value = [v.id for v in value]
        out[name] = value
    return out


def _form_page(call: Call, action: str, values, errors, record=None, status=200):
    form = call.app.views.form(call.resource, action)
    html = form.render(values, errors, _choices(call))
    return page(call, "form.html", status=status, form=Markup(html), action=action,
                record=record, errors=errors)


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
                    f"{call.resource.label} {record.label} created.")


def edit(call: Call) -> webob.Response:
    only_html(call)
    row = call.repo.get(call.match.id)
    record = call.repo.record(row, call.resource.form_fields)
    return _form_page(call, "edit", form_values(record), {}, record=record)


def update(call: Call) -> webob.Response:
    only_html(call)
    row = call.repo.get(call.match.id)
    params = _submitted(call)
    try:
        values = call.app.views.form(call.resource, "edit").validate(params)
        row = call.repo.update(row, values)
    except Invalid as exc:
        call.uow.doom()
        record = call.repo.record(call.repo.get(call.match.id), ())
        return _form_page(call, "edit", params, exc.errors, record=record, status=422)
    record = call.repo.record(row, ())
    return redirect(call, call.urls.show(call.resource.name, record.id),
                    f"{call.resource.label} {record.label} saved.")


